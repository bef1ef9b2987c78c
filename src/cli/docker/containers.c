/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker ps and container (inspect, ls, and the others' dispatch): the
 * containers of the store (engine/containers/records.h, lifecycle.h). */
#include "cli/common/human.h"
#include "cli/docker/commands.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SHORT_ID 12
#define COMMAND_MAX 20 /* ps cuts COMMAND to this, as Docker */

static const char ps_usage[] =
	"Usage: mydocker ps [OPTIONS]\n"
	"\n"
	"List containers (only running ones without -a).\n"
	"\n"
	"Options:\n"
	"  -a, --all             show all containers\n"
	"  -q, --quiet           only display container ids\n"
	"      --no-trunc        do not truncate ids and commands\n"
	"      --format FORMAT   table (default) or json (one object a line)\n"
	"      --help            print this help\n";

static const char container_usage[] =
	"Usage: mydocker container COMMAND\n"
	"\n"
	"Manage containers.\n"
	"\n"
	"Commands:\n"
	"  inspect    Display detailed information on one or more containers\n"
	"  ls         List containers (as ps)\n"
	"  attach     Attach to a running container\n"
	"  cp         Copy files/folders between a container and the local filesystem\n"
	"  diff       Inspect changes to files or directories on a container's filesystem\n"
	"  kill       Kill one or more running containers\n"
	"  logs       Fetch the logs of a container\n"
	"  restart    Restart one or more containers\n"
	"  rm         Remove one or more containers\n"
	"  start      Start one or more stopped containers\n"
	"  stop       Stop one or more running containers\n"
	"  wait       Block until containers stop, then print their exit codes\n"
	"  pause      Pause all processes within one or more containers\n"
	"  unpause    Unpause all processes within one or more containers\n"
	"  update     Update the resources of one or more containers\n"
	"  top        Display the running processes of a container\n"
	"  stats      Display a live stream of container resource usage\n"
	"\n"
	"Options:\n"
	"      --help            print this help\n";

static const char inspect_usage[] =
	"Usage: mydocker container inspect CONTAINER [CONTAINER...]\n"
	"\n"
	"Display detailed information on one or more containers (JSON).\n"
	"\n"
	"Options:\n"
	"      --help            print this help\n";

/* getopt_long over argv (argv[0] the command): 0 done (*first set to the
 * first operand), 1 --help printed, -1 an error in err. handle takes each
 * other flag. */
static int parse_flags(int argc, char **argv, const char *shortopts, const struct option *longopts,
		       const char *usage, int (*handle)(int c, void *ctx), void *ctx, int *first,
		       md_error *err)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?')
			return md_error_set(err, 0, "unknown flag `%s`\nSee 'mydocker %s --help'.",
					    argv[optind - 1], argv[0]);
		if (c == ':')
			return md_error_set(err, 0, "flag needs an argument: `%s`",
					    argv[optind - 1]);
		if (c == 'H') {
			fputs(usage, stdout);
			return 1;
		}
		if (handle(c, ctx) < 0)
			return md_error_set(err, 0, "invalid value `%s` for `%s`", optarg,
					    argv[optind - 1]);
	}
	*first = optind;
	return 0;
}

/* The operands: at least min of them ("requires at least N argument"). */
static int need_args(int argc, int first, int min, const char *cmd, md_error *err)
{
	if (argc - first >= min)
		return 0;
	return md_error_set(err, 0,
			    "\"mydocker %s\" requires at least %d argument.\n"
			    "See 'mydocker %s --help'.",
			    cmd, min, cmd);
}

/* ---- ps ---- */

struct ps_opts {
	bool all, quiet, no_trunc, json;
};

static int ps_flag(int c, void *ctx)
{
	struct ps_opts *o = ctx;

	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'T':
		o->no_trunc = true;
		return 0;
	case 'F':
		if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
			return -1;
		o->json = strcmp(optarg, "json") == 0;
		return 0;
	}
	return -1;
}

static void ago(const char *when, char *buf, size_t len)
{
	int64_t t;
	char d[64];

	if (!when || !*when || cli_parse_rfc3339(when, &t) < 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	cli_human_duration((int64_t)time(NULL) - t, d, sizeof(d));
	snprintf(buf, len, "%s", d);
}

/* "Up 2 minutes", "Exited (0) 3 seconds ago", "Created". */
static void ps_status(const struct container_record *c, char *buf, size_t len)
{
	char d[64];

	switch (c->state.status) {
	case CONTAINER_RUNNING:
		ago(c->state.started_at, d, sizeof(d));
		snprintf(buf, len, "Up %s%s", d, c->state.paused ? " (Paused)" : "");
		return;
	case CONTAINER_EXITED:
		ago(c->state.finished_at, d, sizeof(d));
		snprintf(buf, len, "Exited (%d) %s ago", c->state.exit_code, d);
		return;
	default:
		snprintf(buf, len, "Created");
	}
}

/* Docker's COMMAND: Path and Args, cut, then quoted as Go's %q does for
 * the plain text it usually is. Caller frees. */
static char *ps_command(const struct container_record *c, bool trunc)
{
	cleanup_free char *cmd = xstrdup(c->path ? c->path : ""), *cut = NULL;
	char *q, *p;

	for (size_t i = 0; c->args && c->args[i]; i++) {
		char *more = xasprintf("%s %s", cmd, c->args[i]);
		free(cmd);
		cmd = more;
	}
	cut = trunc ? cli_ellipsis(cmd, COMMAND_MAX) : xstrdup(cmd);
	q = p = xmalloc0(2 * strlen(cut) + 3);
	*p++ = '"';
	for (const char *s = cut; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '"';
	return q;
}

static void ps_json(const struct container_record *c, const struct ps_opts *o)
{
	cleanup_free char *cmd = ps_command(c, !o->no_trunc), *id = NULL;
	json_object *j = json_object_new_object();
	char created[64], status[128];
	char when[40] = "";
	int64_t t;

	ago(c->created, created, sizeof(created));
	ps_status(c, status, sizeof(status));
	if (c->created && cli_parse_rfc3339(c->created, &t) == 0) {
		time_t tt = (time_t)t;
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S +0000 UTC", gmtime_r(&tt, &tm));
	}
	id = strndup(c->id, o->no_trunc ? RECORD_ID_LEN : SHORT_ID);
	json_object_object_add(j, "Command", json_object_new_string(cmd));
	json_object_object_add(j, "CreatedAt", json_object_new_string(when));
	json_object_object_add(j, "ID", json_object_new_string(id));
	json_object_object_add(j, "Image", json_object_new_string(c->image_ref ?: ""));
	json_object_object_add(j, "Names", json_object_new_string(c->name ?: ""));
	json_object_object_add(j, "Networks", json_object_new_string("none"));
	json_object_object_add(j, "Ports", json_object_new_string(""));
	cleanup_free char *running_for = xasprintf("%s ago", created);
	json_object_object_add(j, "RunningFor", json_object_new_string(running_for));
	json_object_object_add(j, "State", json_object_new_string(records_status_name(&c->state)));
	json_object_object_add(j, "Status", json_object_new_string(status));
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static void ps_row(struct cli_table *t, const struct container_record *c, const struct ps_opts *o)
{
	cleanup_free char *cmd = ps_command(c, !o->no_trunc), *id = NULL, *created_ago = NULL;
	char created[64], status[128];

	ago(c->created, created, sizeof(created));
	ps_status(c, status, sizeof(status));
	id = strndup(c->id, o->no_trunc ? RECORD_ID_LEN : SHORT_ID);
	created_ago = xasprintf("%s ago", created);
	cli_table_add(t, (const char *const[]){ id, c->image_ref ?: "", cmd, created_ago, status,
						"", c->name ?: "" });
}

static void ps_print(const struct container_record *list, size_t n, const struct ps_opts *o)
{
	static const char *const header[] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
					      "STATUS",       "PORTS", "NAMES" };
	struct cli_table t;

	cli_table_init(&t, ARRAY_SIZE(header));
	if (!o->quiet && !o->json)
		cli_table_add(&t, header);
	for (size_t i = 0; i < n; i++) {
		if (!o->all && list[i].state.status != CONTAINER_RUNNING)
			continue;
		if (o->quiet)
			printf("%.*s\n", o->no_trunc ? RECORD_ID_LEN : SHORT_ID, list[i].id);
		else if (o->json)
			ps_json(&list[i], o);
		else
			ps_row(&t, &list[i], o);
	}
	if (!o->quiet && !o->json)
		cli_table_print(&t);
	cli_table_free(&t);
}

int cmd_ps(struct cli_log *log, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },      { "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' }, { "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'H' },     { NULL, 0, NULL, 0 },
	};
	struct ps_opts o = { 0 };
	struct container_record *list = NULL;
	size_t n = 0;
	md_error err;
	int first, r;

	md_error_clear(&err);
	r = parse_flags(argc, argv, "+:aq", opts, ps_usage, ps_flag, &o, &first, &err);
	if (r > 0)
		return 0;
	if (r == 0 && first < argc)
		r = md_error_set(&err, 0, "\"mydocker ps\" accepts no arguments.");
	if (r < 0)
		return cli_engine_fail(log, &err);
	engine_sweep(NULL);
	if (records_list(mydocker_root, &list, &n, &err) < 0)
		return cli_engine_fail(log, &err);
	ps_print(list, n, &o);
	records_list_free(list, n);
	return 0;
}

/* ---- container ---- */

int cli_container_inspect_one(const char *what, json_object **out, md_error *err)
{
	struct container_record c;

	if (engine_container_find(mydocker_root, what, &c, err) < 0)
		return -1;
	*out = container_inspect_json(mydocker_root, &c);
	records_free(&c);
	return 0;
}

static int no_flag(int c, void *ctx)
{
	return -1;
}

static int container_inspect(struct cli_log *log, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	json_object *all = json_object_new_array(), *one;
	cleanup_free char *text = NULL;
	md_error err;
	int first, r, status = 0;

	md_error_clear(&err);
	r = parse_flags(argc, argv, "+:", opts, inspect_usage, no_flag, NULL, &first, &err);
	if (r == 0 && need_args(argc, first, 1, "container inspect", &err) < 0)
		r = -1;
	for (int i = first; r == 0 && i < argc; i++) {
		if (cli_container_inspect_one(argv[i], &one, &err) == 0) {
			json_object_array_add(all, one);
			continue;
		}
		cli_engine_fail(log, &err);
		status = 1;
	}
	if (r == 0) {
		text = cli_json_indent(all);
		puts(text);
	}
	json_object_put(all);
	if (r < 0)
		return cli_engine_fail(log, &err);
	return status;
}

int cmd_container(struct cli_log *log, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli_log *, int, char **);
	} subs[] = {
		{ "inspect", container_inspect },
		{ "pause", cmd_pause },
		{ "unpause", cmd_unpause },
		{ "update", cmd_update },
		{ "top", cmd_top },
		{ "stats", cmd_stats },
		{ "ls", cmd_ps },
		{ "ps", cmd_ps },
		{ "list", cmd_ps },
		{ "rm", cmd_rm },
		{ "start", cmd_start },
		{ "stop", cmd_stop },
		{ "kill", cmd_kill },
		{ "wait", cmd_wait },
		{ "restart", cmd_restart },
		{ "attach", cmd_attach },
		{ "logs", cmd_logs },
		{ "cp", cmd_cp },
		{ "diff", cmd_diff },
	};
	md_error err;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs(container_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? MD_EXIT_FAILURE : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(log, argc - 1, argv + 1);
	md_error_set(&err, 0,
		     "'%s' is not a mydocker container command.\n"
		     "See 'mydocker container --help'",
		     argv[1]);
	return cli_engine_fail(log, &err);
}
