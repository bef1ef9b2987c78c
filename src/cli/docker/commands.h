/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MD_DOCKER_COMMANDS_H
#define MD_DOCKER_COMMANDS_H

#include "cli/common/log.h"

#define MYDOCKER_VERSION "0.1.0"

/* The image and container store: --root, else $MYDOCKER_ROOT, else
 * ENGINE_DEFAULT_ROOT (engine/paths.h). */
extern const char *mydocker_root;

/* Each returns the process exit status. argv[0] is the command name. */
int cmd_run(struct cli_log *log, int argc, char **argv);
int cmd_import(struct cli_log *log, int argc, char **argv);
int cmd_export(struct cli_log *log, int argc, char **argv);
int cmd_commit(struct cli_log *log, int argc, char **argv);

#endif
