/* SPDX-License-Identifier: Apache-2.0 */
/* `rmi` as Docker does it (remove.c). */
#ifndef MD_IMAGES_REMOVE_H
#define MD_IMAGES_REMOVE_H

#include <stdbool.h>

#include "engine/images/store.h"
#include "util/error.h"

/* Told each thing done, in order: kind "Untagged" with a familiar name,
 * or "Deleted" with an image id. */
typedef void (*image_rmi_report)(void *ctx, const char *kind, const char *what);

/* Remove what `what` names, under the store's lock: a tag goes, and the
 * image with its last one; an id removes the image with all its tags.
 * Docker's conflicts are errors: a running container made from it (even
 * with force, when asked by id), a stopped one (without force; with it the
 * image is untagged and stays for the container), an id of an image in
 * several repositories (without force). fn may be NULL. */
int image_rmi(struct image_store *s, const char *what, bool force, image_rmi_report fn, void *ctx,
	      md_error *err);

#endif
