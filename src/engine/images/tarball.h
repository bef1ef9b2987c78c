/* SPDX-License-Identifier: Apache-2.0 */
/* A directory tree written as a tar, the reverse of layer_unpack: the
 * layers that commit makes and the stream that export writes. */
#ifndef MD_IMAGES_TARBALL_H
#define MD_IMAGES_TARBALL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct tarball_opts {
	/* The tree is an overlayfs upper directory: a 0/0 character device
	 * NAME becomes an empty ".wh.NAME", a directory with
	 * trusted.overlay.opaque=y gets a ".wh..wh..opq" entry (OCI's
	 * whiteouts); an upper dir that relies on redirect_dir or metacopy
	 * is refused (it does not hold what it changed). */
	bool overlay_upper;
	/* Paths relative to the tree ("etc/hostname", a leading '/' is
	 * fine), left out with everything below them. NULL-terminated, or
	 * NULL. */
	char *const *exclude;
};

/* Where the bytes go; returns 0 or -1 with err set. */
typedef int (*tarball_sink)(void *ctx, const void *data, size_t len, md_error *err);

/* Write the tree under the directory dirfd as a pax tar (Docker's layer
 * format) to sink. Entries are named relative to the tree ("bin/sh",
 * "etc/"; no entry for the tree's root), in sorted order, so that one
 * tree always gives the same bytes: numeric uid/gid, mode (setuid
 * included), mtime in whole seconds, no atime or ctime, the xattrs
 * security.capability and user.* of files and directories, device
 * numbers. A file with several links inside the tree is written once,
 * then as hard links to that first name. The walk opens everything with
 * O_NOFOLLOW below dirfd: a symlink is written as a symlink, never
 * followed. Sockets are skipped, as tar does. */
int tarball_write(int dirfd, const struct tarball_opts *opts, tarball_sink sink, void *ctx,
		  md_error *err);

/* The same, of the directory dir, to the file descriptor out. */
int tarball_write_fd(const char *dir, const struct tarball_opts *opts, int out, md_error *err);

#endif
