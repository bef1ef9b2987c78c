/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/ops.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/restart.h"
#include "runtime/cgroup.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Docker's smallest memory limit (linuxMinMemory). */
#define MIN_MEMORY (6 * 1024 * 1024)
/* More than any ps prints for one host. */
#define PS_OUTPUT_MAX (64 << 20)

bool ops_running(const struct container_record *c)
{
	return c->state.status == CONTAINER_RUNNING && !c->state.restarting && records_live(c->id);
}

static int not_running(const struct container_record *c, md_error *err)
{
	if (c->state.restarting)
		return md_error_set(
			err, 0, "Container %s is restarting, wait until the container is running",
			c->id);
	return md_error_set(err, 0, "Container %s is not running", c->id);
}

static int open_cgroup(const char *id, struct cgroup **cg, md_error *err)
{
	cleanup_free char *path = cgroup_path_for(NULL, id);

	return cgroup_open(path, cg, err);
}

/* The container named by what, after the sweep of killed runs (so that a
 * dead one does not count as running). */
static int find(const char *root, const char *what, struct container_record *c, md_error *err)
{
	engine_sweep(NULL);
	return engine_container_find(root, what, c, err);
}

/* ---- pause, unpause ---- */

static int set_paused(struct container_record *c, void *ctx, md_error *err)
{
	const bool *paused = ctx;
	struct cgroup *cg = NULL;
	int r;

	if (*paused && !ops_running(c))
		return not_running(c, err);
	if (*paused && c->state.paused)
		return md_error_set(err, 0, "Container %s is already paused", c->id);
	if (!*paused && (!c->state.paused || !ops_running(c)))
		return md_error_set(err, 0, "Container %s is not paused", c->id);
	if (open_cgroup(c->id, &cg, err) < 0)
		return md_error_prefix(err, "Cannot %s container %s", *paused ? "pause" : "unpause",
				       c->id);
	r = cgroup_freeze(cg, *paused, err);
	cgroup_free(cg);
	if (r < 0)
		return md_error_prefix(err, "Cannot %s container %s", *paused ? "pause" : "unpause",
				       c->id);
	c->state.paused = *paused;
	return 0;
}

/* fn on the record of the container named by what, under its lock. */
static int update_record(const char *root, const char *what, records_update_fn fn, void *ctx,
			 md_error *err)
{
	struct container_record c;
	int r;

	if (find(root, what, &c, err) < 0)
		return -1;
	r = records_update(root, c.id, fn, ctx, err);
	records_free(&c);
	return r;
}

int engine_pause(const char *root, const char *what, bool paused, md_error *err)
{
	return update_record(root, what, set_paused, &paused, err);
}

/* ---- update ---- */

/* Docker leaves a value of 0 alone (the pids limit aside: 0 lifts it). */
static bool given(const struct opt_i64 *o)
{
	return o->set && o->v != 0;
}

bool engine_update_empty(const struct engine_update *u)
{
	return !given(&u->memory) && !given(&u->memory_swap) && !given(&u->cpu_shares) &&
	       !given(&u->cpu_quota) && !given(&u->cpu_period) && !u->pids_limit.set &&
	       !u->cpuset_cpus && !u->cpuset_mems && !u->restart;
}

static int64_t host_i64(json_object *hc, const char *key)
{
	json_object *v = md_json_member_of(hc, key, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

static int check_memory(const struct engine_update *u, json_object *hc, md_error *err)
{
	int64_t memory = given(&u->memory) ? u->memory.v : host_i64(hc, "Memory");
	int64_t swap = host_i64(hc, "MemorySwap");

	if (given(&u->memory) && u->memory.v < MIN_MEMORY)
		return md_error_set(err, 0, "Minimum memory limit allowed is 6MB");
	if (given(&u->memory_swap) && u->memory_swap.v != -1) {
		if (memory <= 0)
			return md_error_set(err, 0,
					    "You should always set the Memory limit when using "
					    "Memoryswap limit");
		if (u->memory_swap.v < memory)
			return md_error_set(err, 0,
					    "Minimum memoryswap limit should be larger than "
					    "memory limit");
	}
	/* Only memory: it must stay under the swap limit already set. */
	if (given(&u->memory) && !given(&u->memory_swap) && swap > 0 && u->memory.v > swap)
		return md_error_set(err, 0,
				    "Memory limit should be smaller than already set memoryswap "
				    "limit, update the memoryswap at the same time");
	return 0;
}

int update_check(const struct engine_update *u, json_object *hc, md_error *err)
{
	json_object *ar = md_json_member_of(hc, "AutoRemove", json_type_boolean);
	struct restart_policy p;

	if (check_memory(u, hc, err) < 0)
		return -1;
	if (given(&u->cpu_shares) && u->cpu_shares.v < 0)
		return md_error_set(err, 0, "invalid --cpu-shares %lld",
				    (long long)u->cpu_shares.v);
	if (!u->restart)
		return 0;
	if (restart_parse(u->restart, &p, err) < 0)
		return -1;
	if (p.kind != RESTART_NO && ar && json_object_get_boolean(ar))
		return md_error_set(
			err, 0,
			"Restart policy cannot be updated because AutoRemove is enabled "
			"for the container");
	return 0;
}

static void set_i64(json_object *o, const char *key, const struct opt_i64 *v)
{
	if (given(v))
		json_object_object_add(o, key, json_object_new_int64(v->v));
}

static void set_string(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

void update_oci_config(json_object *config, const struct engine_update *u)
{
	json_object *res = md_json_child(md_json_child(config, "linux", json_type_object),
					 "resources", json_type_object);
	json_object *mem = md_json_child(res, "memory", json_type_object);
	json_object *cpu = md_json_child(res, "cpu", json_type_object);

	set_i64(mem, "limit", &u->memory);
	set_i64(mem, "swap", &u->memory_swap);
	set_i64(cpu, "shares", &u->cpu_shares);
	set_i64(cpu, "quota", &u->cpu_quota);
	set_i64(cpu, "period", &u->cpu_period);
	set_string(cpu, "cpus", u->cpuset_cpus);
	set_string(cpu, "mems", u->cpuset_mems);
	if (u->pids_limit.set) {
		json_object *pids = md_json_child(res, "pids", json_type_object);
		int64_t v = u->pids_limit.v > 0 ? u->pids_limit.v : -1;

		json_object_object_add(pids, "limit", json_object_new_int64(v));
	}
}

void update_host_config(json_object *hc, const struct engine_update *u)
{
	set_i64(hc, "Memory", &u->memory);
	set_i64(hc, "MemorySwap", &u->memory_swap);
	set_i64(hc, "CpuShares", &u->cpu_shares);
	set_i64(hc, "CpuQuota", &u->cpu_quota);
	set_i64(hc, "CpuPeriod", &u->cpu_period);
	set_string(hc, "CpusetCpus", u->cpuset_cpus);
	set_string(hc, "CpusetMems", u->cpuset_mems);
	if (u->pids_limit.set)
		json_object_object_add(hc, "PidsLimit",
				       u->pids_limit.v > 0 ? json_object_new_int64(u->pids_limit.v)
							   : NULL);
	if (u->restart) {
		struct run_lifecycle l = { .restart = u->restart };

		json_object_object_add(hc, "RestartPolicy", restart_json(&l));
	}
}

/* ROOT/containers/ID/config.json changed by u; *old: its text before
 * (NULL when there is none yet: nothing to change). */
static int update_stored_config(const char *root, const char *id, const struct engine_update *u,
				char **old, md_error *err)
{
	cleanup_free char *path = records_path(root, id, "config.json");
	cleanup_json json_object *config = NULL;
	const char *text;

	*old = NULL;
	if (md_read_file(path, old, NULL, err) < 0)
		return err && err->errnum == ENOENT ? 0 : -1;
	config = json_tokener_parse(*old);
	if (!json_object_is_type(config, json_type_object))
		return md_error_set(err, 0, "`%s`: not an OCI config", path);
	update_oci_config(config, u);
	text = json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN);
	return md_write_file_atomic(path, text, strlen(text), 0600, err);
}

static void put_i64(struct opt_i64 *dst, const struct opt_i64 *v)
{
	if (given(v))
		*dst = *v;
}

/* u as the runtime's resources. A swap limit alone comes with the memory
 * limit already set (cgroup v2 keeps swap apart: it needs both). */
static void update_resources(const struct engine_update *u, json_object *hc,
			     struct spec_resources *res)
{
	memset(res, 0, sizeof(*res));
	put_i64(&res->memory_limit, &u->memory);
	put_i64(&res->memory_swap, &u->memory_swap);
	if (given(&u->memory_swap) && !given(&u->memory) && host_i64(hc, "Memory") > 0)
		res->memory_limit = (struct opt_i64){ .set = true, .v = host_i64(hc, "Memory") };
	put_i64(&res->cpu_shares, &u->cpu_shares);
	put_i64(&res->cpu_quota, &u->cpu_quota);
	put_i64(&res->cpu_period, &u->cpu_period);
	if (u->pids_limit.set)
		res->pids_limit = u->pids_limit;
	res->cpuset_cpus = u->cpuset_cpus ? xstrdup(u->cpuset_cpus) : NULL;
	res->cpuset_mems = u->cpuset_mems ? xstrdup(u->cpuset_mems) : NULL;
}

static int update_cgroup(const struct container_record *c, const struct engine_update *u,
			 md_error *err)
{
	struct spec_resources res;
	struct cgroup *cg = NULL;
	int r;

	if (open_cgroup(c->id, &cg, err) < 0)
		return -1;
	update_resources(u, c->host_config, &res);
	r = cgroup_update(cg, &res, err);
	spec_resources_free(&res);
	cgroup_free(cg);
	return r;
}

struct update_ctx {
	const char *root;
	const struct engine_update *u;
};

/* Under the record's lock. The stored config first: a start that comes
 * after it uses the new values; then a running container's cgroup (its
 * config put back when the kernel refuses a value). */
static int apply_update(struct container_record *c, void *ctx, md_error *err)
{
	const struct update_ctx *x = ctx;
	cleanup_free char *old = NULL, *path = NULL;

	if (!c->host_config)
		c->host_config = json_object_new_object();
	if (update_check(x->u, c->host_config, err) < 0 ||
	    update_stored_config(x->root, c->id, x->u, &old, err) < 0)
		return -1;
	if (ops_running(c) && update_cgroup(c, x->u, err) < 0) {
		path = records_path(x->root, c->id, "config.json");
		if (old)
			md_write_file_atomic(path, old, strlen(old), 0600, NULL);
		return md_error_prefix(err, "Cannot update container %s", c->id);
	}
	update_host_config(c->host_config, x->u);
	return 0;
}

int engine_update(const char *root, const char *what, const struct engine_update *u, md_error *err)
{
	struct update_ctx x = { root, u };

	return update_record(root, what, apply_update, &x, err);
}

/* ---- top ---- */

void engine_top_free(struct engine_top *t)
{
	md_strv_free(t->titles);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* The words of a line, split at ASCII white space. */
static char **fields_of(const char *line)
{
	cleanup_free char *copy = xstrdup(line);
	char **v = xmalloc0(sizeof(char *)), *tok, *save = NULL;

	for (tok = strtok_r(copy, " \t\r\v\f", &save); tok;
	     tok = strtok_r(NULL, " \t\r\v\f", &save))
		md_strv_push(&v, tok);
	return v;
}

/* A row of ncols cells: the last one takes the words left, joined. */
static void add_row(struct engine_top *t, char *const *fields)
{
	size_t nf = md_strv_len(fields), last = t->ncols - 1;
	char **row, *rest;

	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < last; i++)
		row[i] = xstrdup(i < nf ? fields[i] : "");
	rest = xstrdup(last < nf ? fields[last] : "");
	for (size_t i = last + 1; i < nf; i++) {
		char *more = xasprintf("%s %s", rest, fields[i]);

		free(rest);
		rest = more;
	}
	row[last] = rest;
	t->nrows++;
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* One row of ps: kept when its PID is the container's; *kept says so for
 * the thread rows ("-") after it. */
static int top_line(struct engine_top *t, const char *line, size_t pid_col, const pid_t *pids,
		    size_t n, bool *kept, md_error *err)
{
	cleanup_strv char **f = fields_of(line);
	char *end;
	long pid;

	if (md_strv_len(f) <= pid_col)
		return 0;
	if (strcmp(f[pid_col], "-") == 0) {
		if (*kept)
			add_row(t, f);
		return 0;
	}
	errno = 0;
	pid = strtol(f[pid_col], &end, 10);
	if (errno || end == f[pid_col] || *end)
		return md_error_set(err, 0, "Unexpected pid '%s'", f[pid_col]);
	*kept = has_pid(pids, n, pid);
	if (*kept)
		add_row(t, f);
	return 0;
}

int top_parse_ps(const char *output, const pid_t *pids, size_t n, struct engine_top *out,
		 md_error *err)
{
	cleanup_free char *copy = xstrdup(output);
	char *line, *save = NULL;
	size_t pid_col = 0;
	bool kept = false;

	memset(out, 0, sizeof(*out));
	line = strtok_r(copy, "\n", &save);
	out->titles = fields_of(line ? line : "");
	out->ncols = md_strv_len(out->titles);
	while (pid_col < out->ncols && strcmp(out->titles[pid_col], "PID") != 0)
		pid_col++;
	if (pid_col == out->ncols) {
		engine_top_free(out);
		return md_error_set(err, 0, "Couldn't find PID field in ps output");
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (top_line(out, line, pid_col, pids, n, &kept, err) < 0) {
			engine_top_free(out);
			return -1;
		}
	}
	return 0;
}

/* The first line of what fd holds (from its start), for an error. */
static void first_line(int fd, char *buf, size_t len)
{
	ssize_t r = pread(fd, buf, len - 1, 0);

	buf[r > 0 ? r : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Run argv (found in PATH), its output in *out. Its errors: the first
 * line of what it wrote on stderr, as Docker reports ps's. */
static int capture(char *const *argv, char **out, md_error *err)
{
	cleanup_close int errfd = memfd_create("ps-stderr", MFD_CLOEXEC);
	posix_spawn_file_actions_t fa;
	int fds[2], status = 0, r;
	char msg[256];
	size_t len;
	pid_t pid;

	*out = NULL;
	if (errfd < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return md_error_set(err, errno, "ps");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (r != 0) {
		close(fds[0]);
		return md_error_set(err, r, "ps");
	}
	r = md_read_fd_max(fds[0], PS_OUTPUT_MAX, out, &len, err);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	free(*out);
	*out = NULL;
	if (r < 0)
		return -1;
	first_line(errfd, msg, sizeof(msg));
	if (!*msg)
		snprintf(msg, sizeof(msg), "exit status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return md_error_set(err, 0, "ps: %s", msg);
}

/* "-q PID,PID...": ps lists only these (Docker adds it). */
static char *pids_arg(const pid_t *pids, size_t n)
{
	char *s = xstrdup("-q");

	for (size_t i = 0; i < n; i++) {
		char *more = xasprintf("%s%s%d", s, i ? "," : "", (int)pids[i]);

		free(s);
		s = more;
	}
	return s;
}

static int run_ps(char *const *ps_args, const pid_t *pids, size_t n, char **out, md_error *err)
{
	cleanup_strv char **argv = NULL;
	cleanup_free char *q = pids_arg(pids, n);

	md_strv_push(&argv, "ps");
	for (size_t i = 0; ps_args && ps_args[i]; i++) {
		cleanup_strv char **words = fields_of(ps_args[i]);

		for (size_t j = 0; words[j]; j++)
			md_strv_push(&argv, words[j]);
	}
	if (md_strv_len(argv) == 1)
		md_strv_push(&argv, "-ef");
	md_strv_push(&argv, q);
	if (capture(argv, out, NULL) == 0)
		return 0;
	/* some options (f) do not go with -q: again without it */
	free(argv[md_strv_len(argv) - 1]);
	argv[md_strv_len(argv) - 1] = NULL;
	return capture(argv, out, err);
}

int engine_top(const char *root, const char *what, char *const *ps_args, struct engine_top *out,
	       md_error *err)
{
	struct container_record c;
	cleanup_free pid_t *pids = NULL;
	cleanup_free char *output = NULL;
	struct cgroup *cg = NULL;
	size_t n = 0;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (find(root, what, &c, err) < 0)
		return -1;
	if (!ops_running(&c))
		not_running(&c, err);
	else if (open_cgroup(c.id, &cg, err) == 0 && cgroup_pids(cg, &pids, &n, err) == 0 &&
		 run_ps(ps_args, pids, n, &output, err) == 0)
		r = top_parse_ps(output, pids, n, out, err);
	cgroup_free(cg);
	records_free(&c);
	return r;
}
