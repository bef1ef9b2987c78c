/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker-runtime: global flags, then a verb, as runc takes them. */
#include "cli/oci/oci.h"
#include "util/sealed-exe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: mydocker-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n"
	"\n"
	"An OCI runtime with runc's command line.\n"
	"\n"
	"Commands:\n"
	"  create   create a container (its process waits for start)\n"
	"  start    run the user process of a created container\n"
	"  run      create and start a container\n"
	"  state    print the state of a container\n"
	"  kill     send a signal to a container's init (or all its processes)\n"
	"  delete   delete a container and what it holds\n"
	"  exec     run a new process in a container\n"
	"  ps       list the processes of a container\n"
	"  list     list containers\n"
	"  pause    freeze a container\n"
	"  resume   thaw a container\n"
	"  update   change the resources of a container\n"
	"  events   print container events (--stats: resource usage)\n"
	"  features print what this runtime supports (JSON)\n"
	"  spec     write a starter config.json\n"
	"\n"
	"Global options:\n"
	"  --root DIR               state directory (default " MD_RUNTIME_DEFAULT_ROOT ",\n"
	"                           rootless: $XDG_RUNTIME_DIR/mydocker-runtime)\n"
	"  --log FILE               write log records to FILE\n"
	"  --log-format text|json   format of log records (default text)\n"
	"  --debug                  log debug records too\n"
	"  --systemd-cgroup         cgroups as systemd transient units (cgroupsPath\n"
	"                           slice:prefix:name; cgroup v2 hosts)\n"
	"  --rootless true|false|auto  accepted\n"
	"  -v, --version            print the version\n"
	"  -h, --help               print this help\n";

static const struct verb {
	const char *name;
	oci_verb_fn fn;
} verbs[] = {
	{ "create", oci_create }, { "start", oci_start },
	{ "run", oci_run },       { "state", oci_state },
	{ "kill", oci_kill },     { "delete", oci_delete },
	{ "exec", oci_exec },     { "ps", oci_ps },
	{ "list", oci_list },     { "pause", oci_pause },
	{ "resume", oci_resume }, { "update", oci_update },
	{ "events", oci_events }, { "features", oci_features },
	{ "spec", oci_spec },
};

/* The verbs whose processes clone into or join a container run from a
 * sealed copy of the binary (see util/sealed-exe.h); the others, and
 * --version or --help, do not pay for the copy. */
static bool enters_container(const char *verb)
{
	return strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0 || strcmp(verb, "exec") == 0;
}

static void print_version(void)
{
	/* Callers parse the first line as runc's. */
	printf("runc version %s\n"
	       "commit: mydocker-runtime-%s\n"
	       "spec: %s\n"
	       "mydocker-runtime %s (a runc-compatible OCI runtime)\n",
	       MD_RUNTIME_VERSION, MD_RUNTIME_VERSION, MD_OCI_VERSION, MD_RUNTIME_VERSION);
}

enum { G_ROOT = 256, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CRIU };

static const struct option global_options[] = {
	{ "root", required_argument, NULL, G_ROOT },
	{ "log", required_argument, NULL, G_LOG },
	{ "log-format", required_argument, NULL, G_LOG_FORMAT },
	{ "debug", no_argument, NULL, G_DEBUG },
	{ "systemd-cgroup", no_argument, NULL, G_SYSTEMD },
	{ "rootless", required_argument, NULL, G_ROOTLESS },
	{ "criu", required_argument, NULL, G_CRIU },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int global_flag(struct oci_ctx *ctx, int c, md_error *err)
{
	switch (c) {
	case G_ROOT:
		ctx->root = optarg;
		return 0;
	case G_LOG:
		return cli_log_open(&ctx->log, optarg, err);
	case G_LOG_FORMAT:
		return cli_log_set_format(&ctx->log, optarg, err);
	case G_DEBUG:
		ctx->log.debug = true;
		return 0;
	case G_SYSTEMD:
		ctx->systemd_cgroup = true;
		return 0;
	case G_ROOTLESS:
		if (strcmp(optarg, "true") && strcmp(optarg, "false") && strcmp(optarg, "auto"))
			return md_error_set(err, EINVAL, "--rootless: want true, false or auto");
		return 0;
	case G_CRIU:
		return 0;
	case 'v':
		print_version();
		return 1;
	case 'h':
		fputs(usage, stdout);
		return 1;
	default:
		return md_error_set(err, 0, "unknown global flag `%s`", optarg ? optarg : "");
	}
}

static int parse_globals(struct oci_ctx *ctx, int argc, char **argv, md_error *err)
{
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", global_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return md_error_set(err, 0, "unknown or incomplete global flag `%s`",
					    argv[optind - 1]);
		r = global_flag(ctx, c, err);
		if (r)
			return r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct oci_ctx ctx = { .log = { .fd = -1, .prog = "mydocker-runtime" },
			       .root = oci_default_root() };
	md_error err;
	int r;

	md_error_clear(&err);
	r = parse_globals(&ctx, argc, argv, &err);
	if (r) {
		if (r > 0)
			return 0;
		cli_fail(&ctx.log, &err);
		return 1;
	}
	static char cache[4096];
	snprintf(cache, sizeof(cache), "%s/" MD_SECCOMP_CACHE_DIR, ctx.root);
	ctx.seccomp_cache = cache;
	if (optind >= argc) {
		fputs(usage, stderr);
		return 1;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		if (enters_container(verbs[i].name) && md_sealed_exe_ensure(argv, &err) < 0)
			return cli_fail(&ctx.log, &err);
		return verbs[i].fn(&ctx, argc - optind, argv + optind);
	}
	md_error_set(&err, 0, "unknown command `%s`; see 'mydocker-runtime --help'", argv[optind]);
	cli_fail(&ctx.log, &err);
	return 1;
}
