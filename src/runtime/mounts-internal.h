/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by mounts.c, mounts-util.c, mounts-cgroup.c and devices.c: the
 * context of one rootfs setup and small helpers that mount onto fds. Every
 * target is an fd opened inside the root (md_open_in_root), and the mount
 * calls name it as /proc/self/fd/N, so that no symlink swapped into the
 * image can redirect a mount to the host. */
#ifndef MD_MOUNTS_INTERNAL_H
#define MD_MOUNTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/mountinfo.h"
#include "runtime/spec.h"

struct mount_ctx {
	const struct spec *spec;
	const char *bundle;
	int rootfd; /* the rootfs (before pivot_root), O_PATH */
};

/* mount(2) with the target (and a source, when >= 0) given as fds. */
int mnt_fd(int sfd, const char *source, int tfd, const char *type, unsigned long flags,
	   const char *data);

/* MS_BIND|MS_REMOUNT the mount at tfd with flags (MS_RDONLY, MS_NOSUID...).
 * A mount inherited from a more privileged namespace has locked flags
 * (nosuid, nodev, noexec, ro, atime); when the kernel refuses, retry with
 * those of them that the mount has, unless the caller asked to clear one
 * (`clear`), which is then an error, as in runc. */
int mnt_bind_remount(int tfd, unsigned long flags, unsigned long clear);

/* The MS_* flags of the mount holding fd, from fstatvfs. */
int mnt_flags_of(int fd, unsigned long *flags);

/* mount_setattr(AT_RECURSIVE) of the recursive options (rro, rnosuid...). */
int mnt_set_rec_attr(int tfd, uint64_t set, uint64_t clear);

/* True when the filesystem of fd has this f_type (PROC_SUPER_MAGIC...). */
bool mnt_fd_is_fs(int fd, long magic);

/* Copy the tree under srcdir into dstdir (both directory fds), keeping
 * modes, owners and times: files, directories, symlinks, device nodes and
 * fifos (cp -a without hard links and xattrs). For tmpcopyup. */
int mnt_copy_tree(int srcdir, int dstdir, md_error *err);

/* The spec's "cgroup" mount: the container's own cgroups, read-only unless
 * the options say "rw". */
int mnt_cgroup(const struct mount_ctx *cx, const struct spec_mount *m, md_error *err);

#endif
