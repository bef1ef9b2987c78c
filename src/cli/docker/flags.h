/* SPDX-License-Identifier: Apache-2.0 */
/* The flags of one Docker-style command: getopt_long over its table,
 * --help, Docker's "unknown flag" and argument-count errors. */
#ifndef MD_DOCKER_FLAGS_H
#define MD_DOCKER_FLAGS_H

#include <getopt.h>

#include "cli/common/log.h"
#include "util/error.h"

/* A command's flags and how many plain arguments it takes. --help is in
 * opts with the value 'H'. */
struct cmd_def {
	const char *name; /* as in "mydocker NAME" ("load", "volume rm") */
	const char *usage;
	const char *shortopts; /* without getopt's leading "+:" */
	const struct option *opts;
	int min_args, max_args; /* max_args -1: no limit */
	/* The exit status of a bad flag value or a wrong count of
	 * arguments (an unknown flag always exits MD_EXIT_FAILURE, 125). */
	int fail_status;
};

/* Takes one flag c (its value in arg, or NULL); -1 with err set. */
typedef int (*cli_flag_fn)(void *ctx, int c, const char *arg, md_error *err);

/* The table for a command whose only flag is --help. */
extern const struct option cli_help_only_opts[];

/* Clears err, then parses argv (argv[0] the command). 0: parsed, optind at
 * the first argument; 1: --help printed; -1: an error in err, its status
 * the exit code. fn may be NULL when the command has no flag but --help. */
int cli_parse_flags(const struct cmd_def *d, int argc, char **argv, cli_flag_fn fn, void *ctx,
		    md_error *err);

/* The exit status for cli_parse_flags' nonzero r: 0 after --help, else
 * the error reported. */
int cli_flags_failed(struct cli_log *log, int r, const md_error *err);

#endif
