/* Root filesystem and mounts, run in the child inside its new mount
 * namespace: propagation, the spec's mounts (targets resolved inside the
 * root), pivot_root, read-only root. */
#ifndef MD_MOUNTS_H
#define MD_MOUNTS_H

#include <stdbool.h>

#include "../util/error.h"
#include "spec.h"

/* Absolute, symlink-free path of the rootfs; caller frees. */
int rootfs_resolve(const struct spec *spec, const char *bundle, char **out, md_error *err);

/* Set up the whole mount tree and enter it. When the root is the host's
 * "/" (mydocker run /bin/cmd), the mounts are made in place and there is
 * no pivot. */
int rootfs_setup(const struct spec *spec, const char *bundle, bool no_pivot,
		 md_error *err);

#endif
