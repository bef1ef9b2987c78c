/* SPDX-License-Identifier: Apache-2.0 */
/* A container's root filesystem from its image: an overlayfs of the
 * image's layers (ROOT/layers/HEX/diff, shared by every container of
 * them, read-only) under the container's own upper/ and work/, mounted on
 * ROOT/containers/ID/rootfs in the host's mount namespace while the
 * container runs (records.h). */
#ifndef MD_CONTAINER_ROOTFS_H
#define MD_CONTAINER_ROOTFS_H

#include "util/error.h"

/* Mount it. layers: the layer directories, lowest first (as
 * image_store_layer_dirs gives them), NULL-terminated; none at all gives
 * an empty root. Paths are passed relative to ROOT/layers so that ~50
 * layers fit in the page of mount data. */
int rootfs_overlay_mount(const char *root, const char *id, char *const *layers, md_error *err);

/* Unmount it (lazily, so a process of ours left in it cannot keep it);
 * nothing mounted there is fine. */
int rootfs_overlay_unmount(const char *root, const char *id, md_error *err);

#endif
