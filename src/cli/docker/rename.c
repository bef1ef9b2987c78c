/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker rename (container rename): engine/containers/rename.h. */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/rename.h"

#include <stdio.h>

static const char rename_usage[] = "Usage: mydocker rename CONTAINER NEW_NAME\n"
				   "\n"
				   "Rename a container.\n"
				   "\n"
				   "Options:\n"
				   "      --help   print this help\n";

static const struct cmd_def rename_def = { "rename", rename_usage,   "", cli_help_only_opts, 2,
					   2,        MD_EXIT_FAILURE };

int cmd_rename(struct cli_log *log, int argc, char **argv)
{
	md_error err;
	int r;

	r = cli_parse_flags(&rename_def, argc, argv, NULL, NULL, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (engine_container_rename(mydocker_root, argv[optind], argv[optind + 1], &err) == 0)
		return 0;
	/* Docker's CLI: the daemon's words, then its own line; status 1. */
	err.status = 1;
	cli_engine_fail(log, &err);
	md_error_set(&err, 0, "Error: failed to rename container named %s", argv[optind]);
	err.status = 1;
	return cli_fail(log, &err);
}
