/* SPDX-License-Identifier: Apache-2.0 */
/* What archive.c (load) and archive-save.c (save) share. */
#ifndef MD_IMAGES_ARCHIVE_INTERNAL_H
#define MD_IMAGES_ARCHIVE_INTERNAL_H

#include "engine/images/libs.h"

#include "util/error.h"

/* libarchive's last error, never NULL. */
const char *archive_msg(struct archive *a);

#endif
