/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker commit` and `mydocker export`: a container's files as a new
 * image layer, or as one tar of its whole filesystem. */
#ifndef MD_CONTAINERS_COMMIT_H
#define MD_CONTAINERS_COMMIT_H

#include "engine/images/commit.h"
#include "util/error.h"

/* The container named what (id, name or id prefix) committed as a new
 * image over its own (images/commit.h: image_commit): its upper dir as
 * the layer, without /etc/hostname, /etc/hosts, /etc/resolv.conf and the
 * targets of its mounts (binds, volumes, tmpfs), which are not its files;
 * its Config (Env, Cmd, Entrypoint, WorkingDir, User, Labels,
 * StopSignal) over the image's. A running container is read as it is,
 * not paused. */
int engine_commit(const char *root, const char *what, const struct image_new_opts *o,
		  char out_id[BLOB_DIGEST_MAX], md_error *err);

/* The container's filesystem (its image's layers and its upper dir, as it
 * sees them, without its mounts) as a tar written to out. A forked child
 * mounts a read-only overlay in a mount namespace of its own and writes
 * the tar; nothing stays mounted whatever happens to either process. */
int engine_export(const char *root, const char *what, int out, md_error *err);

#endif
