/* SPDX-License-Identifier: Apache-2.0 */
/* rm -rf for the stores' own trees (a container's upper layer, a layer
 * being unpacked): by file descriptors, never following a symlink, never
 * into another mount. */
#ifndef MD_REMOVE_H
#define MD_REMOVE_H

#include "util/error.h"

/* Remove path and everything below it. A missing path is fine. A mount
 * point below it is not entered: EBUSY, and what is mounted there stays
 * (so is the rest of the tree above it). */
int md_remove_tree(const char *path, md_error *err);

#endif
