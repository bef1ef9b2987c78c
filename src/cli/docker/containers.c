/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker container: inspect, and the dispatch to the other container
 * commands (ps.c, lifecycle.c...). */
#include "cli/common/template.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

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
	"  exec       Execute a command in a running container\n"
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
	"  rename     Rename a container\n"
	"  prune      Remove all stopped containers\n"
	"\n"
	"Options:\n"
	"      --help            print this help\n";

static const char inspect_usage[] =
	"Usage: mydocker container inspect [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Display detailed information on one or more containers (JSON).\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   a Go template for each container (json: the\n"
	"                        default array)\n"
	"      --help            print this help\n";

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

static const struct option inspect_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def inspect_def = {
	"container inspect", inspect_usage, "f:", inspect_opts, 1, -1, MD_EXIT_FAILURE
};

/* -f/--format: the template (cli/common/template.h). */
int cli_inspect_format_flag(void *ctx, int c, const char *arg, md_error *err)
{
	*(const char **)ctx = arg;
	return 0;
}

static int container_inspect(struct cli_log *log, int argc, char **argv)
{
	cleanup_json json_object *all = json_object_new_array();
	const char *format = NULL;
	json_object *one;
	md_error err;
	int r, status = 0;

	r = cli_parse_flags(&inspect_def, argc, argv, cli_inspect_format_flag, &format, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	for (int i = optind; i < argc; i++) {
		if (cli_container_inspect_one(argv[i], &one, &err) == 0) {
			json_object_array_add(all, one);
			continue;
		}
		cli_engine_fail(log, &err);
		status = 1;
	}
	if (cli_format_inspect(all, format, &err) < 0) {
		err.status = 1; /* Docker's CLI: 1 for all but a bad flag */
		return cli_fail(log, &err);
	}
	return status;
}

int cmd_container(struct cli_log *log, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli_log *, int, char **);
	} subs[] = {
		{ "inspect", container_inspect },
		{ "rename", cmd_rename },
		{ "prune", cmd_container_prune },
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
		{ "cp", cmd_cp },
		{ "diff", cmd_diff },
		{ "logs", cmd_logs },
		{ "exec", cmd_exec },
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
