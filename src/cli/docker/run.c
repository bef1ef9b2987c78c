/* mydocker run: flags -> run_request -> OCI config -> runtime core. */
#include "commands.h"
#include "cli/common/units.h"
#include "engine/runconfig.h"
#include "engine/store.h"
#include "engine/users.h"
#include "runtime/container.h"
#include "runtime/supervise.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CPU_PERIOD_US 100000

static const char run_usage[] =
	"Usage: mydocker run [OPTIONS] /PATH/TO/COMMAND [ARG...]\n"
	"\n"
	"Run a command in a new container. A command starting with '/' runs from\n"
	"the host's root filesystem.\n"
	"\n"
	"Options:\n"
	"  -i, --interactive         keep stdin open\n"
	"  -t, --tty                 allocate a pseudo-terminal\n"
	"  -e, --env K=V|K           set an environment variable\n"
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
	"      --rm                  accepted; foreground containers are always removed\n"
	"      --help                print this help\n";

struct run_opts {
	struct run_request req;
	bool interactive;
	char **env;
	char **cap_add, **cap_drop;
	char **devices, **device_rules;
	char *seccomp_text; /* the --security-opt seccomp=FILE profile */
	const char *user;   /* -u as given */
	struct run_user resolved;
};

enum {
	OPT_MEMORY_SWAP = 256, OPT_CPUS, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS,
	OPT_PIDS_LIMIT, OPT_RM, OPT_HELP, OPT_SECURITY_OPT, OPT_PRIVILEGED,
	OPT_CAP_ADD, OPT_CAP_DROP, OPT_DEVICE, OPT_DEVICE_CGROUP_RULE,
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
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* -e K=V as given; -e K takes the host's value, or is dropped if unset.
 * An empty name is refused here, as Docker does, not later by the spec. */
static int add_env(struct run_opts *o, const char *arg, md_error *err)
{
	const char *v;
	char *kv;

	if (*arg == '=' || *arg == '\0')
		return md_error_set(err, 0, "invalid environment variable: %s", arg);
	if (strchr(arg, '=')) {
		md_strv_push(&o->env, arg);
		return 0;
	}
	v = getenv(arg);
	if (!v)
		return 0;
	kv = xasprintf("%s=%s", arg, v);
	md_strv_push(&o->env, kv);
	free(kv);
	return 0;
}

static int set_workdir(struct run_request *r, const char *arg, md_error *err)
{
	if (arg[0] != '/')
		return md_error_set(err, 0, "the working directory '%s' is invalid, it "
				    "needs to be an absolute path", arg);
	r->workdir = arg;
	return 0;
}

static int set_i64(struct opt_i64 *dst, const char *arg, bool bytes, md_error *err)
{
	if (bytes && strcmp(arg, "-1") == 0)
		dst->v = -1;
	else if ((bytes ? parse_bytes(arg, &dst->v, err) : parse_int64(arg, &dst->v, err)) < 0)
		return -1;
	dst->set = true;
	return 0;
}

static int set_cpus(struct run_request *r, const char *arg, md_error *err)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (parse_cpus(arg, CPU_PERIOD_US, ncpus, &r->cpu_quota.v, err) < 0)
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
		return md_error_set(err, 0, "invalid --security-opt `%s`: only seccomp=unconfined "
				    "or seccomp=FILE are supported", arg);
	free(o->seccomp_text);
	o->seccomp_text = NULL;
	o->req.seccomp_profile = NULL;
	o->req.seccomp_unconfined = strcmp(v, "unconfined") == 0;
	if (o->req.seccomp_unconfined || strcmp(v, "builtin") == 0)
		return 0;
	if (md_read_file(v, &o->seccomp_text, NULL, err) < 0)
		return md_error_prefix(err, "opening seccomp profile (%s) failed", v);
	o->req.seccomp_profile = o->seccomp_text;
	return 0;
}

static int parse_flag(struct run_opts *o, int c, md_error *err)
{
	struct run_request *r = &o->req;

	switch (c) {
	case 'i': o->interactive = true; return 0;
	case 't': r->tty = true; return 0;
	case 'e': return add_env(o, optarg, err);
	case 'h': r->hostname = optarg; return 0;
	case 'w': return set_workdir(r, optarg, err);
	case 'u': o->user = optarg; return 0;
	case 'm': return set_i64(&r->memory, optarg, true, err);
	case OPT_MEMORY_SWAP: return set_i64(&r->memory_swap, optarg, true, err);
	case OPT_CPUS: return set_cpus(r, optarg, err);
	case 'c': return set_i64(&r->cpu_shares, optarg, false, err);
	case OPT_CPUSET_CPUS: r->cpuset_cpus = optarg; return 0;
	case OPT_CPUSET_MEMS: r->cpuset_mems = optarg; return 0;
	case OPT_PIDS_LIMIT: return set_i64(&r->pids, optarg, false, err);
	case OPT_RM: return 0;
	case OPT_SECURITY_OPT: return set_security_opt(o, optarg, err);
	case OPT_PRIVILEGED: r->privileged = true; return 0;
	case OPT_CAP_ADD: md_strv_push(&o->cap_add, optarg); return 0;
	case OPT_CAP_DROP: md_strv_push(&o->cap_drop, optarg); return 0;
	case OPT_DEVICE: md_strv_push(&o->devices, optarg); return 0;
	case OPT_DEVICE_CGROUP_RULE: md_strv_push(&o->device_rules, optarg); return 0;
	case OPT_HELP: fputs(run_usage, stdout); return 1;
	default: return 0; /* '?' and ':' are handled by the caller */
	}
}

/* Docker's own checks of the limits, before anything is made. */
static int check_limits(const struct run_request *r, md_error *err)
{
	if (r->memory.set && r->memory.v < 6 * 1024 * 1024)
		return md_error_set(err, 0, "Minimum memory limit allowed is 6MB");
	if (r->memory_swap.set && r->memory_swap.v != -1) {
		if (!r->memory.set)
			return md_error_set(err, 0, "You should always set the Memory limit "
					    "when using Memoryswap limit");
		if (r->memory_swap.v < r->memory.v)
			return md_error_set(err, 0, "Minimum memoryswap limit should be larger "
					    "than memory limit");
	}
	if (r->cpu_shares.set && r->cpu_shares.v < 0)
		return md_error_set(err, 0, "invalid --cpu-shares %lld", (long long)r->cpu_shares.v);
	return 0;
}

/* --cap-add and --cap-drop names, before anything is made. */
static int check_caps(const struct run_request *r, md_error *err)
{
	uint64_t caps;

	return runconfig_caps(r, runconfig_caps_available(), &caps, err);
}

/* -u: from the container root's own files, never through NSS. */
static int resolve_user(struct run_opts *o, md_error *err)
{
	struct run_request *r = &o->req;

	if (users_resolve_in(r->rootfs, o->user, &o->resolved, err) < 0)
		return -1;
	r->has_user = true;
	r->uid = o->resolved.uid;
	r->gid = o->resolved.gid;
	r->additional_gids = o->resolved.groups;
	r->n_additional_gids = o->resolved.n_groups;
	r->home = o->resolved.home;
	return 0;
}

static int parse_run(struct run_opts *o, int argc, char **argv, md_error *err)
{
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ite:h:w:m:c:u:", run_options, NULL)) != -1) {
		if (c == '?')
			return md_error_set(err, 0, "unknown flag `%s`\nSee 'mydocker run --help'.",
					    argv[optind - 1]);
		if (c == ':')
			return md_error_set(err, 0, "flag needs an argument: `%s`", argv[optind - 1]);
		r = parse_flag(o, c, err);
		if (r != 0)
			return r;
	}
	if (optind >= argc)
		return md_error_set(err, 0, "\"mydocker run\" requires at least 1 argument.\n"
				    "See 'mydocker run --help'.");
	if (argv[optind][0] != '/')
		return md_error_set(err, 0, "`%s`: images are not supported yet; give the "
				    "absolute path of a host command", argv[optind]);
	o->req.args = argv + optind;
	o->req.env = o->env;
	o->req.cap_add = o->cap_add;
	o->req.cap_drop = o->cap_drop;
	o->req.devices = o->devices;
	o->req.device_cgroup_rules = o->device_rules;
	o->req.rootfs = "/";
	if (o->user && resolve_user(o, err) < 0)
		return -1;
	if (check_caps(&o->req, err) < 0)
		return -1;
	return check_limits(&o->req, err);
}

static void fill_console_size(struct run_request *r, int tty_fd)
{
	struct winsize ws;

	if (r->tty && tty_fd >= 0 && ioctl(tty_fd, TIOCGWINSZ, &ws) == 0) {
		r->console_rows = ws.ws_row;
		r->console_cols = ws.ws_col;
	}
}

static int make_spec(const struct run_request *r, struct spec **out, md_error *err)
{
	json_object *cfg = NULL;
	int ret;

	if (runconfig_build(r, &cfg, err) < 0)
		return -1;
	ret = spec_from_json(cfg, out, err);
	json_object_put(cfg);
	return ret;
}

static void report_oom(struct cli_log *log, struct rt_container *c)
{
	long kills = 0;

	if (cgroup_oom_kills(c->cgroup, &kills, NULL) == 0 && kills > 0)
		cli_logf(log, RT_LOG_ERROR, "container %.12s: killed by the OOM killer "
			 "(memory limit reached)", c->id);
}

/* Create, start and supervise; returns the container's exit status. */
static int run_container(struct cli_log *log, const struct run_opts *o,
			 const struct spec *spec, md_error *err)
{
	int tty_fd = isatty(0) ? 0 : (isatty(1) ? 1 : -1);
	struct rt_create_opts co = {
		.id = o->req.id,
		.stdio = { o->interactive ? 0 : -1, 1, 2 },
		.seccomp_cache_dir = MD_SECCOMP_CACHE_DIR,
		.log = cli_log_sink, .log_ctx = log,
	};
	struct rt_supervise_opts so = { .in_fd = o->interactive ? 0 : -1, .out_fd = 1,
					.tty_fd = tty_fd };
	struct rt_supervisor sup;
	struct rt_container *c = NULL;
	int status = -1;

	if (rt_supervisor_init(&sup, err) < 0)
		goto out;
	if (rt_create(spec, &co, &c, err) < 0)
		goto out;
	if (rt_start(c, err) == 0 && rt_supervise(&sup, c, &so, err) == 0) {
		status = rt_exit_code(c->wait_status);
		report_oom(log, c);
	}
out:
	rt_supervisor_fini(&sup);
	if (c) {
		md_error derr;
		if (rt_destroy(c, &derr) < 0 && status >= 0)
			cli_fail(log, &derr);
		rt_container_free(c);
	}
	return status;
}

int cmd_run(struct cli_log *log, int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct store_entry entry = { .lock_fd = -1 };
	struct spec *spec = NULL;
	md_error err;
	int r, status = -1;

	md_error_clear(&err);
	r = parse_run(&o, argc, argv, &err);
	if (r > 0)
		return 0;
	if (r < 0)
		goto fail;
	if (store_sweep(&err) < 0)
		cli_fail(log, &err); /* a stale leftover must not stop a new run */
	if (store_claim(&entry, &err) < 0)
		goto fail;
	o.req.id = entry.id;
	fill_console_size(&o.req, isatty(0) ? 0 : 1);
	if (make_spec(&o.req, &spec, &err) == 0)
		status = run_container(log, &o, spec, &err);
	store_release(&entry);
	spec_free(spec);
fail:
	md_strv_free(o.env);
	md_strv_free(o.cap_add);
	md_strv_free(o.cap_drop);
	md_strv_free(o.devices);
	md_strv_free(o.device_rules);
	free(o.seccomp_text);
	users_free(&o.resolved);
	return status >= 0 ? status : cli_fail(log, &err);
}
