/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker-runtime: the runc-compatible command line over the runtime core. */
#ifndef MD_OCI_H
#define MD_OCI_H

#include <getopt.h>
#include <stdbool.h>

#include "cli/common/log.h"

#define MD_RUNTIME_VERSION "0.1.0"
#define MD_OCI_VERSION "1.2.0"
#define MD_RUNTIME_DEFAULT_ROOT "/run/mydocker-runtime"
/* Compiled seccomp filters, in the state root so that --root moves them
 * too; the leading dot keeps it out of `list` (state_list). */
#define MD_SECCOMP_CACHE_DIR ".seccomp-cache"

struct oci_ctx {
	struct cli_log log;
	const char *root; /* --root */
	bool systemd_cgroup;
	const char *seccomp_cache; /* MD_SECCOMP_CACHE_DIR under root */
};

/* A verb: argv[0] is its name. Returns the exit status. */
typedef int (*oci_verb_fn)(struct oci_ctx *ctx, int argc, char **argv);

int oci_spec(struct oci_ctx *ctx, int argc, char **argv);
int oci_features(struct oci_ctx *ctx, int argc, char **argv);
int oci_create(struct oci_ctx *ctx, int argc, char **argv);
int oci_start(struct oci_ctx *ctx, int argc, char **argv);
int oci_run(struct oci_ctx *ctx, int argc, char **argv);
int oci_state(struct oci_ctx *ctx, int argc, char **argv);
int oci_kill(struct oci_ctx *ctx, int argc, char **argv);
int oci_delete(struct oci_ctx *ctx, int argc, char **argv);
int oci_list(struct oci_ctx *ctx, int argc, char **argv);
int oci_ps(struct oci_ctx *ctx, int argc, char **argv);
int oci_pause(struct oci_ctx *ctx, int argc, char **argv);
int oci_resume(struct oci_ctx *ctx, int argc, char **argv);
int oci_update(struct oci_ctx *ctx, int argc, char **argv);
int oci_events(struct oci_ctx *ctx, int argc, char **argv);
int oci_exec(struct oci_ctx *ctx, int argc, char **argv);

/* Parse a verb's flags with getopt_long. `stop_at_arg` keeps the rest of
 * argv (exec's command) unparsed. Calls on_flag for each; prints the verb's
 * usage for --help (returns 1). Unknown flags are an error. */
struct oci_flags {
	const char *usage;
	const struct option *options;
	const char *shortopts;
	bool stop_at_arg;
	int (*on_flag)(void *self, int c, const char *arg, md_error *err);
	void *self;
};
int oci_parse_flags(const struct oci_flags *f, int argc, char **argv, md_error *err);

/* Flags, then exactly one id: 1 after --help, -1 with err on failure. */
/* --root when none is given: MD_RUNTIME_DEFAULT_ROOT, or
 * $XDG_RUNTIME_DIR/mydocker-runtime for a caller that is not the host's
 * root. */
const char *oci_default_root(void);

int oci_parse_id(const struct oci_flags *f, int argc, char **argv, const char **id, md_error *err);

/* Exactly one positional argument, the container id, at argv[optind]. */
int oci_need_id(int argc, char **argv, const char **id, md_error *err);

#endif
