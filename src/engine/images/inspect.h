/* SPDX-License-Identifier: Apache-2.0 */
/* What `images`, `history` and `inspect` show of an image beyond its
 * record: sizes of its layers as unpacked in the store, and Docker's
 * image-inspect document. */
#ifndef MD_IMAGES_INSPECT_H
#define MD_IMAGES_INSPECT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/images/store.h"

/* The bytes of a layer's files as unpacked (Docker's directory.Size:
 * regular files and symlinks, each inode once; directories count 0).
 * 0 when the layer is not there. */
int64_t image_layer_size(struct image_store *s, const char *diff_id);
/* The sum over an image's layers. */
int64_t image_size(struct image_store *s, const struct image_info *i);

/* A full reference as Docker shows it ("busybox:latest"), or only its
 * repository ("busybox") with name_only. Caller frees. */
char *image_familiar(const char *full, bool name_only);

/* Docker's short id of an image or container id: 12 hex digits, no
 * "sha256:"; into buf, which it returns. */
#define IMAGE_SHORT_ID_LEN 12
const char *image_short_id(const char *id, char buf[IMAGE_SHORT_ID_LEN + 1]);

/* The tag (full reference) `what` names among the image's, when what is
 * a reference to one of them rather than an id. NULL if not. Caller frees. */
char *image_tag_named(const char *what, const struct image_info *i);

/* "NAME@DIGEST" for each repository the image is tagged in, familiar
 * names, the manifest's digest: what Docker's containerd store shows as
 * RepoDigests. md_strv_free. */
char **image_repo_digests(const struct image_info *i);

/* Docker's image-inspect object (Id, RepoTags, RepoDigests, Created,
 * Author, Config, Architecture, Os, Size, RootFS, Metadata...). Caller
 * puts it. */
json_object *image_inspect_json(struct image_store *s, const struct image_info *i);

#endif
