/* SPDX-License-Identifier: Apache-2.0 */
/* The image store, under ROOT (--root, MYDOCKER_ROOT, default
 * /var/lib/mydocker; engine/paths.h):
 *
 *   ROOT/lock                    flock: held while metadata changes
 *   ROOT/gc.lock                 flock: shared by every handle that has
 *                                written (or may write) blobs or layers,
 *                                until it is closed; a gc sweeps only when
 *                                it can take it exclusive, so it never
 *                                takes what a load has written before its
 *                                record (it then leaves the garbage for a
 *                                later gc)
 *   ROOT/blobs/sha256/HEX        manifests, configs, layer blobs (blobs.h)
 *   ROOT/layers/HEX/diff/        a layer unpacked, HEX its diff id (the
 *                                sha256 of its uncompressed tar); shared by
 *                                every image and container using it
 *   ROOT/layers/tmp-XXXXXX/      a layer being unpacked (flock()ed by its
 *                                writer; swept when unlocked)
 *   ROOT/images/HEX.json         one image: {"id": "sha256:HEX" (the
 *                                config's digest), "manifest": its
 *                                manifest's digest, "loaded": unix seconds,
 *                                "digests": ["NAME@DIGEST" of the pulls
 *                                that brought it] (optional)}
 *   ROOT/repositories.json       { "docker.io/library/busybox:latest":
 *                                  "sha256:ID", ... }
 *
 * Order of a write (load, import, commit): blobs, then layers, then the
 * image record, then its tags, each made atomic (temporary name, fsync,
 * rename; layers are syncfs()ed before theirs). A command killed at any
 * point leaves at most unreferenced blobs and layers, which rmi and prune
 * remove, and temporaries (ROOT/layers/tmp-*, *.tmp-* records), which the
 * next open sweeps. Two writers of the same image both succeed.
 *
 * Every function that changes metadata takes the lock itself (nested, so a
 * caller may hold it around several). A handle is used by one thread,
 * except image_store_put_layer and image_store_has_layer, which several
 * threads may call at once (a load unpacks layers in parallel). */
#ifndef MD_IMAGES_STORE_H
#define MD_IMAGES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/images/blobs.h"
#include "engine/images/manifest.h"
#include "util/error.h"

struct image_store;

/* Open (making it if needed) the store under root; sweeps temporaries. */
struct image_store *image_store_open(const char *root, md_error *err);

/* Read the image documents (manifest, config) without hashing them again:
 * every blob was checked against its digest when it came in (blobs.h), and
 * the store is root's. For run and start, which would otherwise load
 * libcrypto (~3 ms) for two small documents; inspect, save and the rest
 * keep checking. */
void image_store_trust_reads(struct image_store *s);
void image_store_close(struct image_store *s);
const char *image_store_root(const struct image_store *s);
/* The blob store; asking for it counts as writing (ROOT/gc.lock). */
struct blobs *image_store_blobs(struct image_store *s);

/* The store's lock (ROOT/lock), exclusive, blocking. Metadata changes
 * (records, tags, removals) happen under it; unpacking and blob writes do
 * not need it. Nested calls are counted. */
int image_store_lock(struct image_store *s, md_error *err);
void image_store_unlock(struct image_store *s);

/* Layers, by diff id ("sha256:HEX"). */
bool image_store_has_layer(const struct image_store *s, const char *diff_id);
/* ROOT/layers/HEX/diff. Caller frees. */
char *image_store_layer_dir(const struct image_store *s, const char *diff_id);
/* Unpack the layer tar (plain, gzip or zstd) read from fd into the store,
 * checking that the sha256 of its uncompressed stream is diff_id (when
 * diff_id is NULL, it is computed and returned in out_diff_id, which may
 * be NULL otherwise). A layer already present is not unpacked again (fd
 * is then not read). Atomic: the layer appears whole or not at all. */
int image_store_put_layer(struct image_store *s, int fd, const char *diff_id,
			  char out_diff_id[BLOB_DIGEST_MAX], md_error *err);

/* One image as the store knows it. */
struct image_info {
	char id[BLOB_DIGEST_MAX];       /* "sha256:HEX" of the config */
	char manifest[BLOB_DIGEST_MAX]; /* digest of its manifest blob */
	int64_t loaded;                 /* when it came into the store, unix seconds */
	char **tags;                    /* full references, NULL-terminated */
	char **repo_digests;            /* full NAME@DIGEST of its pulls, or NULL */
	struct image_manifest *m;       /* the manifest, parsed */
	struct image_config *config;    /* the config, parsed */
};
void image_info_free(struct image_info *i);

/* Add an image whose manifest, config and layer blobs are in the blob
 * store and whose layers are unpacked (each diff id of the config present,
 * as many as the manifest has layers): writes its record. The manifest
 * and config blobs are verified against their digests. Adding one that is
 * already there is fine (it keeps its first time, takes the new manifest). */
int image_store_add(struct image_store *s, const char *manifest_digest, md_error *err);

/* Record that a registry's repository named image id by this digest
 * (repo_digest: a full "NAME@sha256:HEX", an index's or the manifest's):
 * NAME@DIGEST then finds it, and inspect shows it in RepoDigests. */
int image_store_add_digest(struct image_store *s, const char *id, const char *repo_digest,
			   md_error *err);

/* Point a tag (NAME:TAG, normalised: busybox is stored as
 * docker.io/library/busybox:latest) at an image id; a tag that named
 * another image moves. errnum ENOENT when there is no such image. */
int image_store_tag(struct image_store *s, const char *ref, const char *id, md_error *err);
/* Remove a tag (normalised as above); errnum ENOENT when there is none. */
int image_store_untag(struct image_store *s, const char *ref, md_error *err);

/* Find an image by what a user typed: a reference (normalised as Docker
 * does: busybox = docker.io/library/busybox:latest), NAME@DIGEST (the
 * manifest's digest), a full id "sha256:HEX", or a unique prefix of at
 * least 1 hex digit of an id (with or without "sha256:"). Docker's errors:
 * errnum ENOENT "No such image: X"; an ambiguous prefix is an error too. */
int image_store_find(struct image_store *s, const char *what, struct image_info *out,
		     md_error *err);

/* Every image (with its tags), newest first. A record that cannot be
 * read (a blob gone) is left out. */
int image_store_list(struct image_store *s, struct image_info **out, size_t *n, md_error *err);
void image_info_list_free(struct image_info *list, size_t n);

/* Remove an image record (its tags first; id a full "sha256:HEX", errnum
 * ENOENT when there is no such record). The caller has checked that no
 * container uses it. Then removes the blobs and layers no image uses any
 * more, keeping those of the ids in keep (layers of images that containers
 * use: an id's config names them, its record gone or not),
 * NULL-terminated. */
int image_store_remove(struct image_store *s, const char *id, char *const *keep, md_error *err);
/* Remove blobs and layers no image references (after a killed command).
 * An image whose blobs are damaged keeps what they still name; a record
 * file that cannot be read stops it: nothing is removed. */
int image_store_gc(struct image_store *s, char *const *keep, md_error *err);

/* The layer directories of an image, lowest first (for overlayfs
 * lowerdir, which wants the highest first: reverse them). Caller frees
 * with md_strv_free. NULL (errnum ENOENT) when one is missing. */
char **image_store_layer_dirs(struct image_store *s, const struct image_info *i, md_error *err);

/* Write a new image from blobs already stored: the config (JSON text,
 * checked with image_config_parse), then a manifest (OCI,
 * application/vnd.oci.image.manifest.v1+json) naming it and the given
 * layer blobs, then the record. For import and commit: the layers must be
 * in the store (image_store_put_layer) and their blobs too. out_id gets
 * the image id. */
int image_store_create(struct image_store *s, const char *config_json,
		       const struct image_layer_ref *layers, size_t n_layers,
		       char out_id[BLOB_DIGEST_MAX], md_error *err);

#endif
