/* Root filesystem and mounts, run in the child inside its new mount
 * namespace, in runc's order: propagation of "/" (rslave unless
 * rootfsPropagation says otherwise), the rootfs bound onto itself, the
 * spec's mounts (targets resolved inside the root and mounted through
 * their fds; proc, sysfs, tmpfs with tmpcopyup, cgroup, binds with their
 * flags and recursive options), /dev's nodes and links, pivot_root, then
 * maskedPaths, readonlyPaths and the read-only root. */
#ifndef MD_MOUNTS_H
#define MD_MOUNTS_H

#include <stdbool.h>

#include "../util/error.h"
#include "spec.h"

/* Absolute, symlink-free path of the rootfs; caller frees. */
int rootfs_resolve(const struct spec *spec, const char *bundle, char **out, md_error *err);

/* Set up the whole mount tree and enter it. When the root is the host's
 * "/" (mydocker run /bin/cmd), the mounts are made in place, /dev is left
 * alone and there is no pivot. */
int rootfs_setup(const struct spec *spec, const char *bundle, bool no_pivot,
		 md_error *err);

#endif
