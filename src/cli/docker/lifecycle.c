/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker start, stop, restart, kill, wait, attach, rm: a container's
 * life after run (engine/containers/lifecycle.h, control.h). */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/control.h"
#include "engine/containers/detach.h"
#include "engine/containers/lifecycle.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char start_usage[] =
	"Usage: mydocker start [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Start one or more stopped containers, each under its monitor: its\n"
	"command, config and files as it left them.\n"
	"\n"
	"Options:\n"
	"  -a, --attach          attach its output until it exits\n"
	"  -i, --interactive     attach its standard input\n"
	"      --detach-keys KEYS  the keys that detach (default: ctrl-p,ctrl-q)\n"
	"      --boot            start the containers that a boot starts: restart\n"
	"                        policy always, or unless-stopped and not stopped\n"
	"                        by a user (mydocker-restart.service)\n"
	"      --help            print this help\n";

static const char stop_usage[] =
	"Usage: mydocker stop [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Stop one or more running containers: the stop signal, then SIGKILL\n"
	"after the timeout.\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIG      the signal (default: the container's StopSignal, SIGTERM)\n"
	"  -t, --time N          seconds to wait before killing (default: 10)\n"
	"      --help            print this help\n";

static const char restart_usage[] =
	"Usage: mydocker restart [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Restart one or more containers (stop, then start).\n"
	"\n"
	"Options:\n"
	"  -s, --signal SIG      the signal that stops it\n"
	"  -t, --time N          seconds to wait before killing (default: 10)\n"
	"      --help            print this help\n";

static const char kill_usage[] = "Usage: mydocker kill [OPTIONS] CONTAINER [CONTAINER...]\n"
				 "\n"
				 "Kill one or more running containers.\n"
				 "\n"
				 "Options:\n"
				 "  -s, --signal SIG      the signal to send (default: KILL)\n"
				 "      --help            print this help\n";

static const char wait_usage[] = "Usage: mydocker wait CONTAINER [CONTAINER...]\n"
				 "\n"
				 "Block until one or more containers stop, then print their exit "
				 "codes.\n"
				 "\n"
				 "Options:\n"
				 "      --help            print this help\n";

static const char attach_usage[] =
	"Usage: mydocker attach [OPTIONS] CONTAINER\n"
	"\n"
	"Attach our standard input, output and error to a running container.\n"
	"\n"
	"Options:\n"
	"      --detach-keys KEYS  the keys that detach (default: ctrl-p,ctrl-q)\n"
	"      --no-stdin        do not attach standard input\n"
	"      --sig-proxy BOOL  send the signals we get to the container (default: true)\n"
	"      --help            print this help\n";

static const char rm_usage[] = "Usage: mydocker rm [OPTIONS] CONTAINER [CONTAINER...]\n"
			       "\n"
			       "Remove one or more containers.\n"
			       "\n"
			       "Options:\n"
			       "  -f, --force           kill and remove a running container\n"
			       "  -v, --volumes         remove its anonymous volumes too\n"
			       "      --help            print this help\n";

enum { OPT_DETACH_KEYS = 300, OPT_NO_STDIN, OPT_SIG_PROXY, OPT_BOOT };

struct life_flags {
	bool attach, interactive, force, volumes, no_stdin, sig_proxy, boot;
	const char *signal, *detach_keys;
	int timeout;
};

static int take_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct life_flags *f = ctx;
	char *end;

	switch (c) {
	case 'a':
		f->attach = true;
		return 0;
	case 'i':
		f->interactive = true;
		return 0;
	case 'f':
		f->force = true;
		return 0;
	case 'v':
		f->volumes = true;
		return 0;
	case 's':
		f->signal = arg;
		return 0;
	case 't':
		f->timeout = (int)strtol(arg, &end, 10);
		if (*end || end == arg || f->timeout < -1)
			return md_error_set(err, 0,
					    "invalid argument \"%s\" for \"-t, --time\" flag", arg);
		return 0;
	case OPT_DETACH_KEYS:
		f->detach_keys = arg;
		return 0;
	case OPT_NO_STDIN:
		f->no_stdin = true;
		return 0;
	case OPT_BOOT:
		f->boot = true;
		return 0;
	case OPT_SIG_PROXY:
		f->sig_proxy = strcmp(arg, "false") != 0 && strcmp(arg, "0") != 0;
		return 0;
	default:
		return md_error_set(err, 0, "unknown flag");
	}
}

static int parse(const struct cmd_def *d, struct life_flags *f, int argc, char **argv,
		 struct cli_log *log, int *status)
{
	md_error err;
	int r;

	*f = (struct life_flags){ .timeout = -1, .sig_proxy = true };
	r = cli_parse_flags(d, argc, argv, take_flag, f, &err);
	if (r != 0)
		*status = cli_flags_failed(log, r, &err);
	return r;
}

static int do_stop(const char *what, const void *ctx, md_error *err)
{
	const struct life_flags *f = ctx;
	return engine_stop(mydocker_root, what, f->signal, f->timeout, err);
}

static int do_kill(const char *what, const void *ctx, md_error *err)
{
	const struct life_flags *f = ctx;
	return engine_kill(mydocker_root, what, f->signal, err);
}

static int do_rm(const char *what, const void *ctx, md_error *err)
{
	const struct life_flags *f = ctx;
	return engine_rm(mydocker_root, what, f->force, f->volumes, err);
}

static int do_start(const char *what, const void *ctx, md_error *err)
{
	struct engine_start_request req = { .root = mydocker_root, .what = what };
	struct engine_run_result res;
	bool detached;

	return engine_start(&req, &res, &detached, err);
}

static int do_restart(const char *what, const void *ctx, md_error *err)
{
	const struct life_flags *f = ctx;

	if (engine_stop(mydocker_root, what, f->signal, f->timeout, err) < 0)
		return -1;
	return do_start(what, f, err);
}

static const struct option stop_opts[] = {
	{ "signal", required_argument, NULL, 's' },
	{ "time", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct option kill_opts[] = {
	{ "signal", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct option rm_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "volumes", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

/* Flags, then fn for each container. */
static int each_with(const struct cmd_def *d, struct cli_log *log, int argc, char **argv,
		     int (*fn)(const char *what, const void *ctx, md_error *err))
{
	struct life_flags f;
	int status;

	if (parse(d, &f, argc, argv, log, &status) != 0)
		return status;
	return cli_each_container(log, optind, argc, argv, fn, &f);
}

int cmd_stop(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "stop", stop_usage, "s:t:", stop_opts, 1, -1, 125 };

	return each_with(&d, log, argc, argv, do_stop);
}

int cmd_restart(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "restart", restart_usage, "s:t:", stop_opts, 1, -1, 125 };

	return each_with(&d, log, argc, argv, do_restart);
}

int cmd_kill(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "kill", kill_usage, "s:", kill_opts, 1, -1, 125 };

	return each_with(&d, log, argc, argv, do_kill);
}

int cmd_rm(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "rm", rm_usage, "fv", rm_opts, 1, -1, 125 };

	return each_with(&d, log, argc, argv, do_rm);
}

int cmd_wait(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "wait", wait_usage, "", cli_help_only_opts, 1, -1, 125 };
	struct life_flags f;
	int status = 0, first;
	md_error err;

	if (parse(&d, &f, argc, argv, log, &status) != 0)
		return status;
	first = optind;
	for (int i = first; i < argc; i++) {
		int code;

		if (engine_wait(mydocker_root, argv[i], &code, &err) < 0) {
			cli_engine_fail(log, &err);
			status = 1;
			continue;
		}
		printf("%d\n", code);
		fflush(stdout);
	}
	return status;
}

static const struct option attach_opts[] = {
	{ "attach", no_argument, NULL, 'a' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
	{ "no-stdin", no_argument, NULL, OPT_NO_STDIN },
	{ "sig-proxy", required_argument, NULL, OPT_SIG_PROXY },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct option start_opts[] = {
	{ "attach", no_argument, NULL, 'a' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
	{ "boot", no_argument, NULL, OPT_BOOT },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

/* start --boot: what a boot starts, each id printed as started. */
static int start_boot(struct cli_log *log, const struct life_flags *f)
{
	char **ids = NULL;
	md_error err;
	int status;

	if (engine_boot_starts(mydocker_root, &ids, &err) < 0) {
		md_strv_free(ids);
		return cli_engine_fail(log, &err);
	}
	status = cli_each_container(log, 0, (int)md_strv_len(ids), ids, do_start, f);
	md_strv_free(ids);
	return status;
}

/* start -a or attach, ended by the detach keys: Docker's words. */
static int attached_end(const struct engine_run_result *res, bool detached)
{
	if (detached) {
		fputs("read escape sequence\n", stderr);
		return 0;
	}
	return res->exit_status;
}

int cmd_start(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "start", start_usage, "ai", start_opts, 0, -1, 125 };
	struct engine_start_request req = { .root = mydocker_root };
	struct engine_run_result res;
	struct life_flags f;
	bool detached = false;
	int status;
	md_error err;

	if (parse(&d, &f, argc, argv, log, &status) != 0)
		return status;
	if (f.boot != (optind == argc)) {
		md_error_set(&err, 0,
			     f.boot ? "--boot takes no container"
				    : "\"mydocker start\" requires at least 1 argument.\n"
				      "See 'mydocker start --help'.");
		return cli_engine_fail(log, &err);
	}
	if (f.boot)
		return start_boot(log, &f);
	if (!f.attach && !f.interactive)
		return cli_each_container(log, optind, argc, argv, do_start, &f);
	if (argc - optind > 1) {
		md_error_set(&err, 0, "you cannot start and attach multiple containers at once");
		return cli_engine_fail(log, &err);
	}
	req.what = argv[optind];
	req.attach = true;
	req.interactive = f.interactive;
	req.detach_keys = f.detach_keys;
	cli_engine_io(&req.io, f.interactive, log);
	if (engine_start(&req, &res, &detached, &err) < 0)
		return cli_engine_fail(log, &err);
	return attached_end(&res, detached);
}

int cmd_attach(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "attach", attach_usage, "", attach_opts, 1, 1, 125 };
	struct engine_attach_request req = { .root = mydocker_root };
	struct engine_run_result res = { 0 };
	struct life_flags f;
	bool detached = false;
	int status;
	md_error err;

	if (parse(&d, &f, argc, argv, log, &status) != 0)
		return status;
	req.what = argv[optind];
	req.detach_keys = f.detach_keys;
	req.no_stdin = f.no_stdin;
	req.sig_proxy = f.sig_proxy;
	cli_engine_io(&req.io, !f.no_stdin, log);
	if (engine_attach(&req, &res.exit_status, &detached, &err) < 0)
		return cli_engine_fail(log, &err);
	if (res.exit_status < 0 && !detached &&
	    engine_wait(mydocker_root, argv[optind], &res.exit_status, &err) < 0)
		return cli_engine_fail(log, &err);
	return attached_end(&res, detached);
}

/* mydocker __monitor-exit ID WAIT_STATUS LOCK_FD RAN_MS PREV_DELAY_MS:
 * the monitor hands over once the container's init has ended. */
int cmd_monitor_exit(struct cli_log *log, int argc, char **argv)
{
	md_error err;

	md_error_clear(&err);
	if (argc != 6) {
		md_error_set(&err, 0, "__monitor-exit is run by mydocker-monitor only");
		return cli_fail(log, &err);
	}
	if (engine_monitor_exited(mydocker_root, argv[1], atoi(argv[2]), atoi(argv[3]),
				  atoll(argv[4]), atoll(argv[5]), &err) < 0)
		return cli_fail(log, &err);
	return 0;
}
