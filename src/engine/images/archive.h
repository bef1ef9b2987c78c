/* SPDX-License-Identifier: Apache-2.0 */
/* Image archives in and out of the store: `docker save` archives (the old
 * layout HEX/layer.tar + HEX.json, and Docker 25's, which is also an OCI
 * layout) and OCI image layouts, as tars (plain or compressed) or
 * directories.
 *
 * load reads a tar once, from start to end (stdin is not seekable): every
 * file it may need goes into the blob store as it streams, each hashed
 * on the way (a name blobs/sha256/HEX must have that digest). Then it
 * finds the images (index.json, else manifest.json), checks each config's
 * diff ids against its layers, unpacks the layers in parallel and, under
 * the store's lock, adds the images and their tags. A failed load adds no
 * image or tag; the blobs and layers it brought are unreferenced and go
 * (image_store_gc). */
#ifndef MD_IMAGES_ARCHIVE_H
#define MD_IMAGES_ARCHIVE_H

#include "engine/images/store.h"
#include "util/error.h"

/* What a load brought in, one string each: a full reference it tagged
 * ("docker.io/library/busybox:latest"), or the id ("sha256:HEX") of an
 * image that came with no name. NULL-terminated; md_strv_free. */
int image_load(struct image_store *s, int fd, char ***loaded, md_error *err);
/* The same from a directory: an OCI image layout (or an unpacked docker
 * save). Only the blobs the images use are read. */
int image_load_dir(struct image_store *s, const char *dir, char ***loaded, md_error *err);

/* Write the images named in what (NULL-terminated; references, ids or id
 * prefixes, as image_store_find takes them) to out_fd as one tar that is
 * both an OCI image layout and a docker save archive, as Docker 25 writes
 * it: oci-layout, index.json (a descriptor per name given, annotated with
 * the full reference and its tag), blobs/sha256/ (manifests, configs,
 * layers) and manifest.json ([{Config, RepoTags, Layers}], whose layers
 * are plain tars: a compressed layer is also written uncompressed). */
int image_save(struct image_store *s, char *const *what, int out_fd, md_error *err);

#endif
