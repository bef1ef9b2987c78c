/* SPDX-License-Identifier: Apache-2.0 */
/* New images from a root filesystem tar (import) or from a container's
 * changes over its image (commit). Each layer is stored as its
 * uncompressed tar, so its blob digest is its diff id; the order of the
 * writes is the store's (store.h): blob, layer, config and manifest,
 * record, tag. A command killed at any point leaves the images as they
 * were, plus at most unreferenced blobs and layers. */
#ifndef MD_IMAGES_COMMIT_H
#define MD_IMAGES_COMMIT_H

#include <json-c/json.h>

#include "engine/images/store.h"
#include "util/error.h"

struct image_new_opts {
	char *const *changes; /* --change instructions (changes.h), or NULL */
	const char *message;  /* the history entry's comment, or NULL */
	const char *author;   /* the config's author, or NULL */
	const char *ref;      /* REPOSITORY[:TAG] to tag the image with, or NULL */
};

/* A root filesystem tar read from fd (plain, gzip, zstd, bzip2 or xz; a
 * pipe is fine) as a one-layer image: the host's os and architecture,
 * created now, Config from the changes, one history entry (created_by
 * "import"). The tar is untrusted: one that is corrupt, truncated or
 * reaches outside its tree (layer.h) is an error (errnum 0 for a bad
 * archive), and then the store keeps nothing of it. out_id gets the new
 * image's id. */
int image_import(struct image_store *s, int fd, const struct image_new_opts *o,
		 char out_id[BLOB_DIGEST_MAX], md_error *err);

/* What commit takes from a container. */
struct image_commit_source {
	const char *image;      /* the container's image id */
	const char *upper;      /* its overlayfs upper directory */
	char *const *exclude;   /* paths left out of the layer (tarball.h) */
	json_object *config;    /* Docker's Config members the container ran
				 * with (Env, Cmd, Entrypoint, WorkingDir,
				 * User, Labels, StopSignal...), or NULL */
	const char *created_by; /* the history entry's created_by */
};

/* The upper directory as one more layer over the image's: the new image
 * has the image's diff ids and layers plus one, its config is the
 * image's with the container's Config members over it, then the changes;
 * its history is the image's plus one entry; created now. */
int image_commit(struct image_store *s, const struct image_commit_source *src,
		 const struct image_new_opts *o, char out_id[BLOB_DIGEST_MAX], md_error *err);

#endif
