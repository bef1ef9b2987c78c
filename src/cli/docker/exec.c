/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker exec (and container exec): a command in a running container
 * (engine/containers/exec.h); and __healthcheck ID, the monitor's call
 * for one health check (engine/containers/health.h), not a user's. */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/exec.h"
#include "engine/containers/health.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char exec_usage[] =
	"Usage: mydocker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"
	"\n"
	"Execute a command in a running container.\n"
	"\n"
	"Options:\n"
	"  -d, --detach              run the command in the background\n"
	"      --detach-keys KEYS    the keys that detach from it (default:\n"
	"                            ctrl-p,ctrl-q)\n"
	"  -e, --env K=V             set an environment variable\n"
	"      --env-file FILE       read environment variables from FILE\n"
	"  -i, --interactive         keep its standard input open\n"
	"      --privileged          give it every capability\n"
	"  -t, --tty                 allocate a pseudo-TTY\n"
	"  -u, --user USER[:GROUP]   the user to run it as (name or id)\n"
	"  -w, --workdir DIR         its working directory in the container\n"
	"      --help                print this help\n";

enum { OPT_DETACH_KEYS = 256, OPT_ENV_FILE, OPT_PRIVILEGED };

static const struct option exec_opts[] = {
	{ "detach", no_argument, NULL, 'd' },
	{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "interactive", no_argument, NULL, 'i' },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "tty", no_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

struct exec_flags {
	struct engine_exec_request req;
	char **env, **env_files;
};

static int exec_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct exec_flags *f = ctx;
	struct engine_exec_request *r = &f->req;

	switch (c) {
	case 'd':
		r->detach = true;
		return 0;
	case OPT_DETACH_KEYS:
		r->detach_keys = arg;
		return 0;
	case 'e':
		return cli_env_add(&f->env, arg, err);
	case OPT_ENV_FILE:
		md_strv_push(&f->env_files, arg);
		return 0;
	case 'i':
		r->interactive = true;
		return 0;
	case OPT_PRIVILEGED:
		r->privileged = true;
		return 0;
	case 't':
		r->tty = true;
		return 0;
	case 'u':
		r->user = arg;
		return 0;
	case 'w':
		r->workdir = arg;
		return 0;
	default:
		return md_error_set(err, 0, "flag %d is not an exec flag", c);
	}
}

/* --env-file's values first, then -e's, which win (Docker's order). */
static int gather_env(struct exec_flags *f, char ***env, md_error *err)
{
	for (size_t i = 0; f->env_files && f->env_files[i]; i++)
		if (cli_env_file(env, f->env_files[i], err) < 0)
			return -1;
	for (size_t i = 0; f->env && f->env[i]; i++)
		md_strv_push(env, f->env[i]);
	return 0;
}

static int run_exec(struct cli_log *log, struct exec_flags *f, char **args, int *status,
		    md_error *err)
{
	struct engine_exec_request *r = &f->req;
	char **env = NULL;
	int ret;

	r->root = mydocker_root;
	r->what = args[0];
	r->args = args + 1;
	/* Docker's client refuses a terminal that would not get one. */
	if (r->tty && r->interactive && !r->detach && !isatty(0)) {
		md_error_set(err, 0, "the input device is not a TTY");
		err->status = 1;
		return -1;
	}
	if (gather_env(f, &env, err) < 0) {
		md_strv_free(env);
		return -1;
	}
	r->env = env;
	cli_engine_io(&r->io, r->interactive, log);
	ret = engine_exec(r, status, err);
	md_strv_free(env);
	return ret;
}

int cmd_exec(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def def = {
		.name = "exec",
		.usage = exec_usage,
		.shortopts = "de:itu:w:",
		.opts = exec_opts,
		.min_args = 2,
		.max_args = -1,
		.fail_status = 1,
	};
	struct exec_flags f = { 0 };
	md_error err;
	int r, status = 0;

	r = cli_parse_flags(&def, argc, argv, exec_flag, &f, &err);
	if (r == 0) {
		r = run_exec(log, &f, argv + optind, &status, &err);
		/* The detach keys: it goes on; Docker's client says so. */
		if (r > 0)
			fputs("read escape sequence\n", stderr);
	} else if (r > 0) {
		status = 0; /* --help */
	}
	md_strv_free(f.env);
	md_strv_free(f.env_files);
	if (r < 0)
		return cli_engine_fail(log, &err);
	return status;
}

int cmd_healthcheck(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def def = {
		.name = "__healthcheck",
		.usage = "Usage: mydocker __healthcheck CONTAINER\n",
		.shortopts = "",
		.opts = cli_help_only_opts,
		.min_args = 1,
		.max_args = 1,
		.fail_status = 1,
	};
	md_error err;
	int r = cli_parse_flags(&def, argc, argv, NULL, NULL, &err);

	if (r == 0 && engine_health_check(mydocker_root, argv[optind], &err) < 0)
		r = -1;
	if (r < 0)
		return cli_engine_fail(log, &err);
	return 0;
}
