/* SPDX-License-Identifier: Apache-2.0 */
/* One image layer (a tar, plain, gzip or zstd) unpacked into a directory
 * for overlayfs, safely: an untrusted archive never writes outside it. */
#ifndef MD_LAYER_H
#define MD_LAYER_H

#include <stdint.h>

#include "engine/images/blobs.h"
#include "util/error.h"

struct layer_unpack_stats {
	uint64_t files;                /* entries made: files, dirs, links, nodes, whiteouts */
	uint64_t bytes;                /* bytes of regular file data written */
	char diff_id[BLOB_DIGEST_MAX]; /* sha256 of the whole uncompressed stream */
};

/* Unpack the tar read from archive_fd into dir, which must exist and be
 * empty. Entries keep their mode (setuid included), numeric uid/gid,
 * mtime and the xattrs security.capability and user.* (others are
 * skipped). OCI whiteouts become overlayfs's: ".wh.NAME" a 0/0 character
 * device NAME, ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its
 * directory. An entry that would reach outside dir (see layer_path_check,
 * a path or hard link through a symlink) stops the unpack with an error;
 * nothing is ever written outside dir, but dir is left half filled (the
 * caller removes it). stats may be NULL. The diff id is the digest of
 * every uncompressed byte, the tar's end padding included, as Docker
 * hashes it: the stream is read to its end. */
int layer_unpack(int archive_fd, const char *dir, struct layer_unpack_stats *stats, md_error *err);

/* The rules on an entry's name (or a hard link's target) alone: not empty,
 * not absolute, no ".." component, shorter than PATH_MAX, and a whiteout
 * ".wh.NAME" names neither "", "." nor "..". 0 or -1 (errnum 0). */
int layer_path_check(const char *name, md_error *err);

#endif
