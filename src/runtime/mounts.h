/* SPDX-License-Identifier: Apache-2.0 */
/* Root filesystem and mounts, run in the child inside its new mount
 * namespace, in runc's order: propagation of "/" (rslave, or rprivate when
 * rootfsPropagation asks for private), the rootfs bound onto itself, the
 * spec's mounts (targets resolved inside the root and mounted through
 * their fds; proc, sysfs, tmpfs with tmpcopyup, cgroup, binds with their
 * flags and recursive options), /dev's nodes and links, pivot_root, then
 * maskedPaths, readonlyPaths, the read-only root and last the requested
 * rootfsPropagation.
 *
 * A config without a mount namespace shares the caller's mount table,
 * which we never change: no mount at all, a chroot into the rootfs, and
 * an error for whatever needs a mount (see rootfs_prepare). */
#ifndef MD_MOUNTS_H
#define MD_MOUNTS_H

#include <stdbool.h>

#include "util/error.h"
#include "runtime/spec.h"

/* Absolute, symlink-free path of the rootfs; caller frees. */
int rootfs_resolve(const struct spec *spec, const char *bundle, char **out, md_error *err);

/* The mount tree in two halves, so that the createRuntime, prestart and
 * createContainer hooks run between them, after the mounts and before
 * pivot_root, as the runtime-spec orders. When the root is the host's "/"
 * (mydocker run /bin/cmd), the mounts are made in place, /dev is left
 * alone and there is no pivot. */
struct rootfs {
	int rootfd;     /* O_PATH, close-on-exec */
	bool host_root; /* the root is the host's "/" */
	bool shared_ns; /* no mount namespace of its own: chroot, mount nothing */
};

/* Propagation, the rootfs bound onto itself, the spec's mounts, /dev.
 * Without a mount namespace in the config: only checks that the config
 * asks for no mount (mounts, maskedPaths, readonlyPaths, root.readonly,
 * rootfsPropagation, linux.devices) and opens the rootfs. */
int rootfs_prepare(const struct spec *spec, const char *bundle, struct rootfs *r, md_error *err);
/* pivot_root (or move+chroot), masked and read-only paths, read-only
 * root, rootfsPropagation; a chroot alone without a mount namespace.
 * Closes r->rootfd. */
int rootfs_enter(const struct spec *spec, struct rootfs *r, bool no_pivot, md_error *err);

#endif
