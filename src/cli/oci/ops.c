/* SPDX-License-Identifier: Apache-2.0 */
/* ps, pause, resume, update, events: operations on a container's cgroup. */
#include "cli/oci/oci-internal.h"
#include "cli/common/units.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct option help_only[] = { { "help", no_argument, NULL, 'h' },
					   { NULL, 0, NULL, 0 } };

/* Load the state and open the cgroup of a container that is not stopped. */
static int open_live(struct oci_ctx *ctx, const char *id, struct rt_state **st, struct cgroup **cg,
		     md_error *err)
{
	struct rt_oci rt = oci_rt(ctx);
	enum rt_status s;

	if (rt_oci_state(&rt, id, st, &s, err) < 0)
		return -1;
	if (s == RT_STATUS_STOPPED)
		return md_error_set(err, ESRCH, "container not running");
	return cgroup_open((*st)->cgroup_path, cg, err);
}

/* table: `ps -ef` (or the given ps options) filtered to our pids. */
static int ps_table(pid_t *pids, size_t n, char **ps_args, md_error *err)
{
	cleanup_free char *line = NULL;
	size_t cap = 0;
	FILE *p;
	char *cmd;
	int pid_col = -1;

	cmd = xasprintf("ps %s", ps_args && ps_args[0] ? ps_args[0] : "-ef");
	for (size_t i = 1; ps_args && ps_args[0] && ps_args[i]; i++) {
		char *next = xasprintf("%s %s", cmd, ps_args[i]);
		free(cmd);
		cmd = next;
	}
	p = popen(cmd, "re");
	free(cmd);
	if (!p)
		return md_error_set(err, errno, "run ps");
	while (getline(&line, &cap, p) > 0) {
		char copy[4096], *tok, *save = NULL;
		int col = 0;
		long v = -1;

		snprintf(copy, sizeof(copy), "%s", line);
		for (tok = strtok_r(copy, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save), col++) {
			if (pid_col < 0 && strcmp(tok, "PID") == 0) {
				pid_col = col;
				fputs(line, stdout);
				break;
			}
			if (col == pid_col) {
				v = strtol(tok, NULL, 10);
				break;
			}
		}
		for (size_t i = 0; i < n && v > 0; i++)
			if (pids[i] == v)
				fputs(line, stdout);
	}
	return pclose(p) == 0 ? 0 : md_error_set(err, 0, "ps failed");
}

static int ps_flag(void *self, int c, const char *arg, md_error *err)
{
	bool *json = self;

	if (c != 'f')
		return 0;
	if (strcmp(arg, "json") == 0)
		*json = true;
	else if (strcmp(arg, "table") != 0)
		return md_error_set(err, EINVAL, "ps: unknown format `%s`", arg);
	return 0;
}

int oci_ps(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	bool json = false;
	struct oci_flags f = { .usage = "Usage: mydocker-runtime ps [--format table|json] ID "
					"[ps options]\n",
			       .options = opts,
			       .shortopts = "f:h",
			       .on_flag = ps_flag,
			       .self = &json,
			       .stop_at_arg = true };
	struct rt_state *st = NULL;
	struct cgroup *cg = NULL;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	if (optind >= argc) {
		md_error_set(&err, EINVAL, "ps: a container id is required");
		return oci_fail(ctx, &err);
	}
	r = open_live(ctx, argv[optind], &st, &cg, &err);
	if (r == 0)
		r = cgroup_pids(cg, &pids, &n, &err);
	if (r == 0 && json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_int(pids[i]));
		puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
		json_object_put(a);
	} else if (r == 0) {
		r = ps_table(pids, n, argv + optind + 1, &err);
	}
	cgroup_free(cg);
	state_free(st);
	return r < 0 ? oci_fail(ctx, &err) : 0;
}

static int freeze_verb(struct oci_ctx *ctx, int argc, char **argv, bool frozen)
{
	struct oci_flags f = { .usage = frozen ? "Usage: mydocker-runtime pause ID\n"
					       : "Usage: mydocker-runtime resume ID\n",
			       .options = help_only,
			       .shortopts = "h" };
	struct rt_oci rt = oci_rt(ctx);
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = rt_oci_freeze(&rt, id, frozen, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	return 0;
}

int oci_pause(struct oci_ctx *ctx, int argc, char **argv)
{
	return freeze_verb(ctx, argc, argv, true);
}

int oci_resume(struct oci_ctx *ctx, int argc, char **argv)
{
	return freeze_verb(ctx, argc, argv, false);
}

enum {
	U_RESOURCES = 256,
	U_MEMORY,
	U_SWAP,
	U_RESERVATION,
	U_SHARES,
	U_QUOTA,
	U_PERIOD,
	U_CPUS,
	U_MEMS,
	U_PIDS,
	U_BLKIO,
	U_KMEM
};

struct update_opts {
	const char *resources_file;
	struct spec_resources flags;
	bool any_flag;
};

static int set_opt(struct opt_i64 *o, const char *arg, bool bytes, md_error *err)
{
	if (strcmp(arg, "-1") == 0)
		o->v = -1;
	else if ((bytes ? cli_parse_bytes(arg, &o->v, err) : cli_parse_int64(arg, &o->v, err)) < 0)
		return -1;
	o->set = true;
	return 0;
}

static int update_flag(void *self, int c, const char *arg, md_error *err)
{
	struct update_opts *o = self;
	struct spec_resources *r = &o->flags;

	o->any_flag = o->any_flag || c != U_RESOURCES;
	switch (c) {
	case 'r':
	case U_RESOURCES:
		o->resources_file = arg;
		return 0;
	case U_MEMORY:
		return set_opt(&r->memory_limit, arg, true, err);
	case U_SWAP:
		return set_opt(&r->memory_swap, arg, true, err);
	case U_RESERVATION:
		return set_opt(&r->memory_reservation, arg, true, err);
	case U_SHARES:
		return set_opt(&r->cpu_shares, arg, false, err);
	case U_QUOTA:
		return set_opt(&r->cpu_quota, arg, false, err);
	case U_PERIOD:
		return set_opt(&r->cpu_period, arg, false, err);
	case U_PIDS:
		return set_opt(&r->pids_limit, arg, false, err);
	case U_BLKIO:
		return set_opt(&r->blkio_weight, arg, false, err);
	case U_CPUS:
		free(r->cpuset_cpus);
		r->cpuset_cpus = xstrdup(arg);
		return 0;
	case U_MEMS:
		free(r->cpuset_mems);
		r->cpuset_mems = xstrdup(arg);
		return 0;
	case U_KMEM:
		return 0; /* kernel memory limits are gone from the kernel */
	default:
		return 0;
	}
}

static int read_resources(const char *file, struct spec_resources *r, md_error *err)
{
	cleanup_free char *text = NULL;
	json_object *obj;
	int ret;

	if (strcmp(file, "-") == 0 ? md_read_file("/dev/stdin", &text, NULL, err) < 0
				   : md_read_file(file, &text, NULL, err) < 0)
		return -1;
	obj = json_tokener_parse(text);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return md_error_set(err, EINVAL, "update: `%s` is not a JSON object", file);
	}
	ret = spec_resources_from_json(obj, r, err);
	json_object_put(obj);
	return ret;
}

int oci_update(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "resources", required_argument, NULL, U_RESOURCES },
					      { "memory", required_argument, NULL, U_MEMORY },
					      { "memory-swap", required_argument, NULL, U_SWAP },
					      { "memory-reservation", required_argument, NULL,
						U_RESERVATION },
					      { "kernel-memory", required_argument, NULL, U_KMEM },
					      { "cpu-shares", required_argument, NULL, U_SHARES },
					      { "cpu-quota", required_argument, NULL, U_QUOTA },
					      { "cpu-period", required_argument, NULL, U_PERIOD },
					      { "cpuset-cpus", required_argument, NULL, U_CPUS },
					      { "cpuset-mems", required_argument, NULL, U_MEMS },
					      { "pids-limit", required_argument, NULL, U_PIDS },
					      { "blkio-weight", required_argument, NULL, U_BLKIO },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct update_opts o = { 0 };
	struct oci_flags f = { .usage = "Usage: mydocker-runtime update [--resources FILE|-] "
					"[--memory N --cpu-shares N ...] ID\n",
			       .options = opts,
			       .shortopts = "r:h",
			       .on_flag = update_flag,
			       .self = &o };
	struct spec_resources file_res = { 0 };
	struct rt_oci rt = oci_rt(ctx);
	struct rt_state *st = NULL;
	struct cgroup *cg = NULL;
	cleanup_close int lock = -1;
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r == 0)
		r = oci_need_id(argc, argv, &id, &err);
	if (r == 0 && o.resources_file)
		r = read_resources(o.resources_file, &file_res, &err);
	if (r == 0)
		r = rt_oci_lock(&rt, id, &lock, &err);
	if (r == 0)
		r = open_live(ctx, id, &st, &cg, &err);
	/* A file first, then the discrete flags on top, as runc does. */
	if (r == 0 && o.resources_file)
		r = rt_update(st, cg, &file_res, &err);
	if (r == 0 && o.any_flag)
		r = rt_update(st, cg, &o.flags, &err);
	spec_resources_free(&file_res);
	spec_resources_free(&o.flags);
	cgroup_free(cg);
	state_free(st);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	return 0;
}

static json_object *stats_json(const char *id, const struct cgroup_stats *s)
{
	json_object *e = json_object_new_object(), *d = json_object_new_object(),
		    *cpu = json_object_new_object(), *cu = json_object_new_object(),
		    *mem = json_object_new_object(), *mu = json_object_new_object(),
		    *pids = json_object_new_object();

	json_object_object_add(cu, "total", json_object_new_uint64(s->cpu_usage_ns));
	json_object_object_add(cpu, "usage", cu);
	json_object_object_add(mu, "usage", json_object_new_uint64(s->memory_usage));
	json_object_object_add(mu, "limit", json_object_new_uint64(s->memory_limit));
	json_object_object_add(mem, "usage", mu);
	json_object_object_add(pids, "current", json_object_new_uint64(s->pids_current));
	json_object_object_add(pids, "limit", json_object_new_uint64(s->pids_limit));
	json_object_object_add(d, "cpu", cpu);
	json_object_object_add(d, "memory", mem);
	json_object_object_add(d, "pids", pids);
	json_object_object_add(e, "type", json_object_new_string("stats"));
	json_object_object_add(e, "id", json_object_new_string(id));
	json_object_object_add(e, "data", d);
	return e;
}

struct events_opts {
	bool stats;
	int interval;
};

static int events_flag(void *self, int c, const char *arg, md_error *err)
{
	struct events_opts *o = self;

	if (c == 's')
		o->stats = true;
	else if (c == 'i' && (o->interval = atoi(arg)) <= 0)
		return md_error_set(err, EINVAL, "events: invalid --interval `%s`", arg);
	return 0;
}

static int print_stats(struct oci_ctx *ctx, const char *id, md_error *err)
{
	struct rt_state *st = NULL;
	struct cgroup *cg = NULL;
	struct cgroup_stats s;
	int r = open_live(ctx, id, &st, &cg, err);

	if (r == 0)
		r = cgroup_stats(cg, &s, err);
	if (r == 0) {
		json_object *e = stats_json(id, &s);
		puts(json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN));
		fflush(stdout);
		json_object_put(e);
	}
	cgroup_free(cg);
	state_free(st);
	return r;
}

int oci_events(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
					      { "interval", required_argument, NULL, 'i' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct events_opts o = { .interval = 5 };
	struct oci_flags f = { .usage = "Usage: mydocker-runtime events [--stats] [--interval "
					"SECONDS] ID\n",
			       .options = opts,
			       .shortopts = "h",
			       .on_flag = events_flag,
			       .self = &o };
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	/* --stats: one record. Otherwise a record every interval until the
	 * container stops. */
	do {
		if (print_stats(ctx, id, &err) < 0)
			return o.stats ? oci_fail(ctx, &err) : 0;
	} while (!o.stats && sleep((unsigned)o.interval) == 0);
	return 0;
}
