/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker cp`: files between a container and the host, with Docker's
 * rules for files, directories, the trailing "/." and "-" (a tar stream).
 *
 * The container side is its filesystem as its processes see it, less
 * /proc, /sys and /dev: its rootfs overlay (the one a running container
 * has mounted, else one mounted for the copy) with its volumes, bind
 * mounts and /etc/hostname, hosts, resolv.conf bound over it, all in a
 * mount namespace of a child of ours that dies with the copy, so nothing
 * stays mounted. Every path inside is resolved inside that root
 * (openat2 RESOLVE_IN_ROOT): a symlink in the container never leads the
 * copy out of it, whichever way it goes. */
#ifndef MD_CONTAINERS_COPY_H
#define MD_CONTAINERS_COPY_H

#include <stdbool.h>

#include "util/error.h"

struct copy_request {
	const char *root;      /* the store */
	const char *container; /* id, name or id prefix */
	const char *path;      /* inside the container ("/" is its root) */
	/* The host's side: a path (relative to the working directory), or
	 * "-": a tar read from in_fd or written to out_fd. */
	const char *host;
	bool to_container; /* host -> container; else container -> host */
	/* -a: files copied in keep the source's uid and gid (else 0:0, as
	 * Docker). Files copied out belong to the caller either way. */
	bool archive;
	bool follow; /* -L: a source that is a symlink is copied as its target */
	int in_fd, out_fd;
};

/* Docker's words for what goes wrong: "Could not find the file PATH in
 * container NAME" (errnum ENOENT), "No such container: X" (ENOENT),
 * "cannot copy directory", "no such directory", "destination ... must be
 * a directory", "container rootfs is marked read-only". */
int engine_copy(const struct copy_request *r, md_error *err);

#endif
