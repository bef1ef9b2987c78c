/* SPDX-License-Identifier: Apache-2.0 */
/* `rename`: a container's name changed as Docker's daemon does
 * (daemon/rename.go): checked and made unique under ROOT/containers.lock,
 * the record changed through records_update. The hostname stays. Nothing
 * here prints. */
#ifndef MD_CONTAINERS_RENAME_H
#define MD_CONTAINERS_RENAME_H

#include "util/error.h"

/* Give the container what names (id, name, prefix) the name new_name (a
 * leading '/' allowed). Docker's errors: "Neither old nor new names may
 * be empty", "No such container: X" (ENOENT), "Renaming a container with
 * the same name as its current name", and after "Error when allocating
 * new name: " the invalid name or the conflict (errnum 0). */
int engine_container_rename(const char *root, const char *what, const char *new_name,
			    md_error *err);

#endif
