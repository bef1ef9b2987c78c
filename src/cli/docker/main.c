/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker: the Docker-style command line. Global flags, then a command. */
#include "cli/docker/commands.h"
#include "cli/docker/registry-opts.h"
#include "engine/helpers.h"
#include "engine/paths.h"
#include "util/sealed-exe.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: mydocker [OPTIONS] COMMAND [ARG...]\n"
	"\n"
	"A small container engine.\n"
	"\n"
	"Options:\n"
	"      --log-format text|json  format of log records (default text)\n"
	"      --log FILE              write log records to FILE\n"
	"      --debug                 log debug records too\n"
	"      --root DIR              the image and container store (default\n"
	"                              $MYDOCKER_ROOT, else /var/lib/mydocker)\n"
	"      --insecure-registry HOST  allow plain HTTP and unverified TLS to\n"
	"                              this registry (HOST or HOST:PORT; repeatable)\n"
	"  -h, --help                  print this help\n"
	"  -v, --version               print the version\n"
	"\n"
	"Commands:\n"
	"  run        Run a command in a new container\n"
	"  ps         List containers\n"
	"  rm         Remove one or more containers\n"
	"  start      Start one or more stopped containers\n"
	"  stop       Stop one or more running containers\n"
	"  restart    Restart one or more containers\n"
	"  kill       Kill one or more running containers\n"
	"  wait       Block until containers stop, then print their exit codes\n"
	"  attach     Attach to a running container\n"
	"  logs       Fetch the logs of a container\n"
	"  exec       Execute a command in a running container\n"
	"  cp         Copy files/folders between a container and the local filesystem\n"
	"  diff       Inspect changes to files or directories on a container's filesystem\n"
	"  pause      Pause all processes within one or more containers\n"
	"  unpause    Unpause all processes within one or more containers\n"
	"  update     Update the resources of one or more containers\n"
	"  top        Display the running processes of a container\n"
	"  stats      Display a live stream of container resource usage\n"
	"  rename     Rename a container\n"
	"  container  Manage containers (inspect, ls, rm, start, stop...)\n"
	"  import     Create an image from a root filesystem tar\n"
	"  export     Write a container's filesystem as a tar archive\n"
	"  commit     Create a new image from a container's changes\n"
	"  images     List images\n"
	"  image      Manage images (inspect, ls, rm, history, load, save, tag)\n"
	"  load       Load images from a tar archive or STDIN\n"
	"  pull       Download an image from a registry\n"
	"  push       Upload an image to a registry\n"
	"  login      Log in to a registry\n"
	"  logout     Log out from a registry\n"
	"  save       Save one or more images to a tar archive\n"
	"  tag        Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n"
	"  rmi        Remove one or more images\n"
	"  history    Show the history of an image\n"
	"  inspect    Return low-level information on images\n"
	"  volume     Manage volumes\n"
	"\n"
	"Run 'mydocker COMMAND --help' for more information on a command.\n";

struct command {
	const char *name;
	int (*fn)(struct cli_log *, int, char **);
};

static const struct command commands[] = {
	{ "import", cmd_import },
	{ "export", cmd_export },
	{ "commit", cmd_commit },
	{ "run", cmd_run },
	{ "ps", cmd_ps },
	{ "rm", cmd_rm },
	{ "start", cmd_start },
	{ "logs", cmd_logs },
	{ "cp", cmd_cp },
	{ "diff", cmd_diff },
	{ "container", cmd_container },
	{ "images", cmd_images },
	{ "image", cmd_image },
	{ "load", cmd_load },
	{ "pull", cmd_pull },
	{ "push", cmd_push },
	{ "login", cmd_login },
	{ "logout", cmd_logout },
	{ "save", cmd_save },
	{ "tag", cmd_tag },
	{ "rmi", cmd_rmi },
	{ "history", cmd_history },
	{ "inspect", cmd_inspect },
	{ "volume", cmd_volume },
	{ "pause", cmd_pause },
	{ "unpause", cmd_unpause },
	{ "update", cmd_update },
	{ "top", cmd_top },
	{ "stats", cmd_stats },
	{ "stop", cmd_stop },
	{ "restart", cmd_restart },
	{ "kill", cmd_kill },
	{ "wait", cmd_wait },
	{ "attach", cmd_attach },
	{ "__monitor-exit", cmd_monitor_exit },
	{ "exec", cmd_exec },
	{ "__healthcheck", cmd_healthcheck },
	{ "rename", cmd_rename },
};

static int parse_globals(struct cli_log *log, int argc, char **argv, md_error *err)
{
	enum { OPT_LOG_FORMAT = 256, OPT_LOG, OPT_DEBUG, OPT_ROOT, OPT_INSECURE };
	static const struct option opts[] = {
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "insecure-registry", required_argument, NULL, OPT_INSECURE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LOG_FORMAT:
			if (cli_log_set_format(log, optarg, err) < 0)
				return -1;
			break;
		case OPT_LOG:
			if (cli_log_open(log, optarg, err) < 0)
				return -1;
			break;
		case OPT_DEBUG:
			log->debug = true;
			break;
		case OPT_ROOT:
			if (optarg[0] != '/')
				return md_error_set(err, 0, "--root: `%s` is not an absolute path",
						    optarg);
			mydocker_root = optarg;
			break;
		case OPT_INSECURE:
			if (cli_insecure_registry_add(optarg, err) < 0)
				return -1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'v':
			printf("mydocker version %s\n", MYDOCKER_VERSION);
			return 1;
		default:
			return md_error_set(err, 0, "unknown flag `%s`\nSee 'mydocker --help'.",
					    argv[optind - 1]);
		}
	}
	return 0;
}

/* run, start, restart, container start and the monitor's hand-over (a
 * restart policy) start containers; exec and the health check enter one. */
static bool starts_container(const char *cmd, char **args)
{
	static const char *const cmds[] = { "run",  "start",         "restart", "__monitor-exit",
					    "exec", "__healthcheck", NULL };
	static const char *const subs[] = { "start", "restart", "exec", NULL };

	for (size_t i = 0; cmds[i]; i++)
		if (strcmp(cmd, cmds[i]) == 0)
			return true;
	for (size_t i = 0; strcmp(cmd, "container") == 0 && args[1] && subs[i]; i++)
		if (strcmp(args[1], subs[i]) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct cli_log log = { .fd = -1, .prog = "mydocker" };
	md_error err;
	int r;

	md_error_clear(&err);
	engine_note_self();
	if (getenv("MYDOCKER_ROOT") && getenv("MYDOCKER_ROOT")[0] == '/')
		mydocker_root = getenv("MYDOCKER_ROOT");
	r = parse_globals(&log, argc, argv, &err);
	if (r < 0)
		return cli_fail(&log, &err);
	if (r > 0)
		return 0;
	if (optind >= argc) {
		fputs(usage, stderr);
		return MD_EXIT_FAILURE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		/* A command that starts a container runs from a sealed copy of
		 * the binary (see util/sealed-exe.h); others need not pay for it. */
		if (starts_container(commands[i].name, argv + optind) &&
		    md_sealed_exe_ensure(argv, &err) < 0)
			return cli_fail(&log, &err);
		return commands[i].fn(&log, argc - optind, argv + optind);
	}
	md_error_set(&err, 0, "'%s' is not a mydocker command.\nSee 'mydocker --help'",
		     argv[optind]);
	return cli_fail(&log, &err);
}
