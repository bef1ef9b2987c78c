/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by records.c and records-json.c only. */
#ifndef MD_RECORDS_INTERNAL_H
#define MD_RECORDS_INTERNAL_H

#include "engine/containers/records.h"

/* 64 lowercase hex digits. */
bool records_id_valid(const char *id);

/* container.json's object for c (caller owns it), and back. */
json_object *records_to_json(const struct container_record *c);
int records_from_json(json_object *o, struct container_record *c, md_error *err);

#endif
