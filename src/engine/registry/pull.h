/* SPDX-License-Identifier: Apache-2.0 */
/* `pull`: an image from a registry into the store.
 *
 * The manifest is fetched by tag or digest; an index (or Docker manifest
 * list) is resolved to the entry for the platform (the host's, or
 * opts->platform "OS/ARCH[/VARIANT]"). Then the config, then the layers,
 * up to opts->parallel at a time: each streams into the blob store
 * (hashed as it comes: a mismatch keeps nothing) and, through a pipe, into
 * the layer unpacker at once. A layer whose blob and unpacked tree are
 * both in the store is not fetched. Last, under the store's lock, the
 * image record and its tag (and the index's digest, for NAME@DIGEST). A
 * failed or killed pull adds no image or tag; what it brought is removed
 * (image_store_gc). */
#ifndef MD_REGISTRY_PULL_H
#define MD_REGISTRY_PULL_H
#include "engine/images/store.h"
#include "engine/registry/registry.h"
#include "engine/registry/transfer.h"
#include "util/error.h"

struct pull_opts {
	struct registry_opts reg;
	const char *platform; /* "linux/arm64" or NULL: this host's */
	int parallel;         /* layers at once; 0: 3 (Docker's default) */
	xfer_report report;   /* may be NULL */
	void *report_arg;
};

struct pull_result {
	char ref[512];                /* the full reference pulled */
	char digest[BLOB_DIGEST_MAX]; /* what the tag named (index or manifest) */
	char id[BLOB_DIGEST_MAX];     /* the image id */
	bool fresh;                   /* false when the store had it already */
};

/* ref as a user typed it ("busybox", "localhost:5000/a/b@sha256:..."). An
 * invalid reference is an error before any traffic. */
int image_pull(struct image_store *s, const char *ref, const struct pull_opts *opts,
	       struct pull_result *out, md_error *err);

#endif
