/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker run: flags -> engine_run_request -> the engine (engine_run). */
#include "cli/docker/commands.h"
#include "cli/docker/run-life.h"
#include "cli/common/units.h"
#include "engine/containers/mounts.h"
#include "engine/containers/run.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CPU_PERIOD_US 100000

static const char run_usage[] =
	"Usage: mydocker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n"
	"       mydocker run [OPTIONS] /PATH/TO/COMMAND [ARG...]\n"
	"\n"
	"Run a command in a new container from an image of the store, or, when\n"
	"the first argument starts with '/', from the host's root filesystem.\n"
	"\n"
	"Options:\n"
	"  -i, --interactive         keep stdin open\n"
	"  -t, --tty                 allocate a pseudo-terminal\n"
	"  -e, --env K=V|K           set an environment variable\n"
	"      --env-file FILE       read environment variables from FILE (K=V lines)\n"
	"  -h, --hostname NAME       container hostname (default: short id)\n"
	"  -w, --workdir DIR         working directory inside the container\n"
	"  -m, --memory BYTES        memory limit (e.g. 64m)\n"
	"      --memory-swap BYTES   memory plus swap limit, -1 for unlimited\n"
	"      --cpus N              CPU quota in CPUs (e.g. 0.5)\n"
	"  -c, --cpu-shares N        relative CPU weight\n"
	"      --cpuset-cpus LIST    CPUs allowed (e.g. 0-1)\n"
	"      --cpuset-mems LIST    memory nodes allowed\n"
	"      --pids-limit N        process limit (-1 for unlimited)\n"
	"      --security-opt OPT    seccomp=unconfined, or seccomp=FILE: a profile in\n"
	"                            Docker's format (default: Docker's default profile)\n"
	"      --cap-add CAP         add a capability (CHOWN, cap_net_admin, ALL...)\n"
	"      --cap-drop CAP        drop a capability (ALL: keep only those added)\n"
	"      --privileged          all capabilities and devices, no seccomp profile\n"
	"      --device HOST[:CTR][:rwm]  a host device (or every device below a host\n"
	"                            directory) in the container\n"
	"      --device-cgroup-rule 'TYPE MAJOR:MINOR ACCESS'  allow more devices\n"
	"                            (e.g. 'c 1:3 rwm', * for any number)\n"
	"  -u, --user USER[:GROUP]   user (name or uid) and group (name or gid), looked up\n"
	"                            in the container's /etc/passwd and /etc/group\n"
	"      --name NAME           the container's name (default: a random one)\n"
	"      --rm                  remove the container when it exits\n"
	"      --entrypoint CMD      run CMD instead of the image's entrypoint\n"
	"                            (\"\" clears it)\n"
	"      --read-only           mount the container's root filesystem read-only\n"
	"      --pull POLICY         pull the image first: missing (default: when\n"
	"                            the store lacks it), always, never\n"
	"      --platform OS/ARCH    the platform to pull (default: this host's)\n"
	"  -v, --volume [SRC:]DST[:OPTS]  bind a host path (SRC absolute) or mount a\n"
	"                            volume (SRC a name; none: an anonymous one) at DST\n"
	"      --mount type=bind|volume|tmpfs,src=...,dst=...[,readonly...]  a mount,\n"
	"                            in Docker's key=value form\n"
	"      --tmpfs DST[:OPTS]    a tmpfs at DST (OPTS as mount(8): "
	"size=64m,mode=1777)\n" RUN_LIFE_USAGE "      --help                print this help\n";

struct run_opts {
	struct engine_run_request req;
	bool interactive;
	char **env, **env_files;
	char **cap_add, **cap_drop;
	char **devices, **device_rules;
	char *seccomp_text;    /* the --security-opt seccomp=FILE profile */
	char **binds, **tmpfs; /* -v and --tmpfs as given */
	const char *pull;      /* --pull: missing (default), always, never */
	const char *platform;  /* --platform, for that pull */
};

enum {
	OPT_MEMORY_SWAP = 256,
	OPT_CPUS,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT,
	OPT_RM,
	OPT_HELP,
	OPT_SECURITY_OPT,
	OPT_PRIVILEGED,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_DEVICE,
	OPT_DEVICE_CGROUP_RULE,
	OPT_NAME,
	OPT_ENV_FILE,
	OPT_ENTRYPOINT,
	OPT_READ_ONLY,
	OPT_MOUNT,
	OPT_TMPFS,
	OPT_PULL,
	OPT_PLATFORM,
};

static const struct option run_options[] = {
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "env", required_argument, NULL, 'e' },
	{ "hostname", required_argument, NULL, 'h' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-shares", required_argument, NULL, 'c' },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "device-cgroup-rule", required_argument, NULL, OPT_DEVICE_CGROUP_RULE },
	{ "user", required_argument, NULL, 'u' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "pull", required_argument, NULL, OPT_PULL },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	RUN_LIFE_OPTIONS,
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* K=V as given; K takes the host's value, or is dropped if unset. */
static void push_env(char ***env, const char *arg)
{
	const char *v;
	char *kv;

	if (strchr(arg, '=')) {
		md_strv_push(env, arg);
		return;
	}
	v = getenv(arg);
	if (!v)
		return;
	kv = xasprintf("%s=%s", arg, v);
	md_strv_push(env, kv);
	free(kv);
}

/* -e: an empty name is refused here, as Docker does, not later by the
 * spec. */
int cli_env_add(char ***env, const char *arg, md_error *err)
{
	if (*arg == '=' || *arg == '\0')
		return md_error_set(err, 0, "invalid environment variable: %s", arg);
	push_env(env, arg);
	return 0;
}

/* One line of an --env-file, as Docker reads it: leading blanks dropped;
 * empty lines and # comments skipped; K=V kept as it is (the value
 * untrimmed); K alone takes the host's value. */
static int env_file_line(char ***env, char *line, md_error *err)
{
	size_t name_len;

	line += strspn(line, " \t");
	if (!*line || *line == '#')
		return 0;
	name_len = strcspn(line, "=");
	if (name_len == 0)
		return md_error_set(err, 0, "no variable name on line '%s'", line);
	if (strcspn(line, " \t") < name_len) {
		line[name_len] = '\0';
		return md_error_set(err, 0, "variable '%s' contains whitespaces", line);
	}
	push_env(env, line);
	return 0;
}

/* --env-file FILE, whose values come before all -e ones (Docker). */
int cli_env_file(char ***env, const char *file, md_error *err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (md_read_file(file, &text, NULL, err) < 0)
		return md_error_prefix(err, "open %s", file);
	/* A UTF-8 byte order mark at the start is not part of the name. */
	if (md_str_has_prefix(text, "\xef\xbb\xbf"))
		memset(text, ' ', 3);
	for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save))
		if (env_file_line(env, l, err) < 0)
			return md_error_prefix(err, "%s", file);
	return 0;
}

static int set_workdir(struct run_request *r, const char *arg, md_error *err)
{
	if (arg[0] != '/')
		return md_error_set(err, 0,
				    "the working directory '%s' is invalid, it "
				    "needs to be an absolute path",
				    arg);
	r->workdir = arg;
	return 0;
}

static int set_i64(struct opt_i64 *dst, const char *arg, bool bytes, md_error *err)
{
	if (bytes && strcmp(arg, "-1") == 0)
		dst->v = -1;
	else if ((bytes ? cli_parse_bytes(arg, &dst->v, err) : cli_parse_int64(arg, &dst->v, err)) <
		 0)
		return -1;
	dst->set = true;
	return 0;
}

static int set_cpus(struct run_request *r, const char *arg, md_error *err)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cli_parse_cpus(arg, CPU_PERIOD_US, ncpus, &r->cpu_quota.v, err) < 0)
		return -1;
	r->cpu_quota.set = r->cpu_period.set = true;
	r->cpu_period.v = CPU_PERIOD_US;
	return 0;
}

/* --security-opt seccomp=unconfined|builtin|FILE (Docker also takes ':'). */
static int set_security_opt(struct run_opts *o, const char *arg, md_error *err)
{
	const char *v = arg + strlen("seccomp=");

	if (!md_str_has_prefix(arg, "seccomp=") && !md_str_has_prefix(arg, "seccomp:"))
		return md_error_set(err, 0,
				    "invalid --security-opt `%s`: only seccomp=unconfined "
				    "or seccomp=FILE are supported",
				    arg);
	struct run_request *r = &o->req.config;

	free(o->seccomp_text);
	o->seccomp_text = NULL;
	r->seccomp_profile = NULL;
	r->seccomp_unconfined = strcmp(v, "unconfined") == 0;
	if (r->seccomp_unconfined || strcmp(v, "builtin") == 0)
		return 0;
	if (md_read_file(v, &o->seccomp_text, NULL, err) < 0)
		return md_error_prefix(err, "opening seccomp profile (%s) failed", v);
	r->seccomp_profile = o->seccomp_text;
	return 0;
}

/* One more mount, parsed by parse (mounts.h), in the order given. */
static int add_mount(struct run_opts *o, int (*parse)(const char *, struct run_mount *, md_error *),
		     const char *arg, md_error *err)
{
	struct engine_run_request *q = &o->req;
	struct run_mount m = { 0 };

	if (parse(arg, &m, err) < 0)
		return -1;
	q->mounts = xrealloc(q->mounts, (q->n_mounts + 1) * sizeof(*q->mounts));
	q->mounts[q->n_mounts++] = m;
	return 0;
}

static int parse_flag(struct run_opts *o, int c, md_error *err)
{
	struct run_request *r = &o->req.config;

	switch (c) {
	case 'i':
		o->interactive = true;
		return 0;
	case 't':
		r->tty = true;
		return 0;
	case 'e':
		return cli_env_add(&o->env, optarg, err);
	case 'h':
		r->hostname = optarg;
		return 0;
	case 'w':
		return set_workdir(r, optarg, err);
	case 'u':
		o->req.user = optarg;
		return 0;
	case 'm':
		return set_i64(&r->memory, optarg, true, err);
	case OPT_MEMORY_SWAP:
		return set_i64(&r->memory_swap, optarg, true, err);
	case OPT_CPUS:
		return set_cpus(r, optarg, err);
	case 'c':
		return set_i64(&r->cpu_shares, optarg, false, err);
	case OPT_CPUSET_CPUS:
		r->cpuset_cpus = optarg;
		return 0;
	case OPT_CPUSET_MEMS:
		r->cpuset_mems = optarg;
		return 0;
	case OPT_PIDS_LIMIT:
		return set_i64(&r->pids, optarg, false, err);
	case OPT_RM:
		o->req.auto_remove = true;
		return 0;
	case OPT_NAME:
		o->req.name = optarg;
		return 0;
	case OPT_ENV_FILE:
		md_strv_push(&o->env_files, optarg);
		return 0;
	case OPT_ENTRYPOINT:
		o->req.entrypoint_set = true;
		o->req.entrypoint = optarg;
		return 0;
	case OPT_READ_ONLY:
		r->readonly = true;
		return 0;
	case 'v':
		md_strv_push(&o->binds, optarg);
		return add_mount(o, run_mount_parse_volume, optarg, err);
	case OPT_MOUNT:
		return add_mount(o, run_mount_parse_mount, optarg, err);
	case OPT_TMPFS:
		md_strv_push(&o->tmpfs, optarg);
		return add_mount(o, run_mount_parse_tmpfs, optarg, err);
	case OPT_SECURITY_OPT:
		return set_security_opt(o, optarg, err);
	case OPT_PRIVILEGED:
		r->privileged = true;
		return 0;
	case OPT_CAP_ADD:
		md_strv_push(&o->cap_add, optarg);
		return 0;
	case OPT_CAP_DROP:
		md_strv_push(&o->cap_drop, optarg);
		return 0;
	case OPT_DEVICE:
		md_strv_push(&o->devices, optarg);
		return 0;
	case OPT_DEVICE_CGROUP_RULE:
		md_strv_push(&o->device_rules, optarg);
		return 0;
	case OPT_PULL:
		if (strcmp(optarg, "missing") != 0 && strcmp(optarg, "always") != 0 &&
		    strcmp(optarg, "never") != 0)
			return md_error_set(err, 0,
					    "invalid pull option: '%s': must be one of "
					    "\"always\", \"missing\" or \"never\"",
					    optarg);
		o->pull = optarg;
		return 0;
	case OPT_PLATFORM:
		o->platform = optarg;
		return 0;
	case OPT_HELP:
		fputs(run_usage, stdout);
		return 1;
	case 'd':
	case 'l':
		return run_life_flag(&o->req.life, c, optarg, err);
	default:
		if (c >= OPT_LIFE_FIRST && c < OPT_LIFE_LAST)
			return run_life_flag(&o->req.life, c, optarg, err);
		return 0; /* '?' and ':' are handled by the caller */
	}
}

/* IMAGE [COMMAND [ARG...]], or a host command: /PATH [ARG...]. */
static int set_what(struct run_opts *o, char **args, md_error *err)
{
	struct engine_run_request *q = &o->req;

	q->root = mydocker_root; /* images, and volumes for either */
	if (args[0][0] != '/') {
		q->image = args[0];
		q->config.args = args[1] ? args + 1 : NULL;
		return 0;
	}
	if (q->name || q->entrypoint_set || q->life.detach || q->life.restart)
		return md_error_set(err, 0,
				    "%s: a host command (`%s`) makes no container to keep; "
				    "run an image",
				    q->name             ? "--name"
				    : q->entrypoint_set ? "--entrypoint"
				    : q->life.detach    ? "--detach"
							: "--restart",
				    args[0]);
	q->config.args = args;
	q->config.rootfs = "/";
	return 0;
}

/* The --env-file values, then the -e ones, which win (Docker's order). */
static int set_env(struct run_opts *o, md_error *err)
{
	char **env = NULL;

	for (size_t i = 0; o->env_files && o->env_files[i]; i++)
		if (cli_env_file(&env, o->env_files[i], err) < 0) {
			md_strv_free(env);
			return -1;
		}
	for (size_t i = 0; o->env && o->env[i]; i++)
		md_strv_push(&env, o->env[i]);
	md_strv_free(o->env);
	o->env = env;
	o->req.config.env = env;
	return 0;
}

static int parse_run(struct run_opts *o, int argc, char **argv, md_error *err)
{
	struct run_request *r = &o->req.config;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ite:h:w:m:c:u:v:dl:", run_options, NULL)) != -1) {
		if (c == '?')
			return md_error_set(err, 0, "unknown flag `%s`\nSee 'mydocker run --help'.",
					    argv[optind - 1]);
		if (c == ':')
			return md_error_set(err, 0, "flag needs an argument: `%s`",
					    argv[optind - 1]);
		ret = parse_flag(o, c, err);
		if (ret != 0)
			return ret;
	}
	if (optind >= argc)
		return md_error_set(err, 0,
				    "\"mydocker run\" requires at least 1 argument.\n"
				    "See 'mydocker run --help'.");
	if (set_what(o, argv + optind, err) < 0 || set_env(o, err) < 0 ||
	    run_life_finish(&o->req.life, err) < 0 ||
	    run_mounts_check(o->req.mounts, o->req.n_mounts, err) < 0)
		return -1;
	o->req.binds = o->binds;
	o->req.tmpfs = o->tmpfs;
	r->cap_add = o->cap_add;
	r->cap_drop = o->cap_drop;
	r->devices = o->devices;
	r->device_cgroup_rules = o->device_rules;
	return 0;
}

/* The engine's errors in Docker's words (an errnum that callers test, not
 * a failed call: no strerror after them). */
int cli_engine_fail(struct cli_log *log, md_error *err)
{
	static const char *const words[] = { "No such container: ", "Unable to find image ",
					     "Conflict. ", "cannot remove container ",
					     "container " };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (md_str_has_prefix(err->msg, words[i]))
			err->errnum = 0;
	return cli_fail(log, err);
}

/* The container's stdio is ours; a terminal, ours too (raw mode, size). */
void cli_engine_io(struct engine_io *io, bool interactive, struct cli_log *log)
{
	io->in_fd = interactive ? 0 : -1;
	io->out_fd = 1;
	io->err_fd = 2;
	io->tty_fd = isatty(0) ? 0 : (isatty(1) ? 1 : -1);
	io->log = cli_log_sink;
	io->log_ctx = log;
}

static void run_opts_free(struct run_opts *o)
{
	md_strv_free(o->env);
	md_strv_free(o->env_files);
	md_strv_free(o->binds);
	md_strv_free(o->tmpfs);
	run_mounts_free(o->req.mounts, o->req.n_mounts);
	md_strv_free(o->cap_add);
	md_strv_free(o->cap_drop);
	md_strv_free(o->devices);
	md_strv_free(o->device_rules);
	free(o->seccomp_text);
	run_life_free(&o->req.life);
}

/* Pull the image to run, its output on stderr (Docker's run). */
static int run_pull(const struct run_opts *o, md_error *err)
{
	struct cli_pull_opts po = { .platform = o->platform, .to_stderr = true };

	return cli_pull(o->req.image, &po, stderr, err);
}

/* engine_run, with the image pulled first as --pull says: always, or
 * when the store lacks it (missing, Docker's default). */
static int run_with_pull(struct run_opts *o, struct engine_run_result *res, md_error *err)
{
	const char *pull = o->pull ? o->pull : "missing";
	int r;

	if (o->req.image && strcmp(pull, "always") == 0 && run_pull(o, err) < 0)
		return -1;
	r = engine_run(&o->req, res, err);
	if (r < 0 && o->req.image && strcmp(pull, "missing") == 0 && err->errnum == ENOENT &&
	    md_str_has_prefix(err->msg, "Unable to find image ")) {
		fprintf(stderr, "%s\n", err->msg);
		md_error_clear(err);
		if (run_pull(o, err) < 0)
			return -1;
		r = engine_run(&o->req, res, err);
	}
	return r;
}

int cmd_run(struct cli_log *log, int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct engine_run_result res;
	md_error err;
	int r;

	bool detach;

	md_error_clear(&err);
	r = parse_run(&o, argc, argv, &err);
	if (r == 0) {
		cli_engine_io(&o.req.io, o.interactive, log);
		r = run_with_pull(&o, &res, &err);
	}
	detach = o.req.life.detach;
	run_opts_free(&o);
	if (r < 0)
		return cli_engine_fail(log, &err);
	if (r > 0)
		return 0;
	if (detach) {
		puts(res.id);
		return 0;
	}
	if (res.detached)
		fputs("read escape sequence\n", stderr);
	return res.exit_status;
}
