/* SPDX-License-Identifier: Apache-2.0 */
/* The store root that every command uses (commands.h); main() sets it from
 * --root or MYDOCKER_ROOT. Apart from main.c so that the fuzz targets,
 * which link the commands without main(), have it too. */
#include "cli/docker/commands.h"
#include "engine/paths.h"

const char *mydocker_root = ENGINE_DEFAULT_ROOT;
