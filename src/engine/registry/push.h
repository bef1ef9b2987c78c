/* SPDX-License-Identifier: Apache-2.0 */
/* `push`: an image of the store to a registry.
 *
 * Each layer blob (then the config) that the repository lacks (HEAD) is
 * mounted from another repository of the same registry where the image was
 * pulled from or pushed to one (cross-repository mount), else uploaded:
 * monolithic up to opts->chunk bytes, chunked above. Then the manifest,
 * byte for byte as the store holds it, so the image keeps its digest: a
 * pushed image pulls back with the same digest, and `save` writes it. */
#ifndef MD_REGISTRY_PUSH_H
#define MD_REGISTRY_PUSH_H
#include "engine/images/store.h"
#include "engine/registry/registry.h"
#include "engine/registry/transfer.h"
#include "util/error.h"

struct push_opts {
	struct registry_opts reg;
	uint64_t chunk; /* 0: registry_put_blob's default */
	int parallel;   /* blobs at once; 0: 5 (Docker's default) */
	xfer_report report;
	void *report_arg;
};

/* Push the image that what names (a reference, or an id when dest is
 * given) as dest (a full reference with a tag; NULL: what itself, which
 * must then be a reference). out_digest gets the manifest's digest. */
int image_push(struct image_store *s, const char *what, const char *dest,
	       const struct push_opts *opts, char out_digest[BLOB_DIGEST_MAX], md_error *err);

#endif
