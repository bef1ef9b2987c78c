/* SPDX-License-Identifier: Apache-2.0 */
/* Small json-c helpers shared by the config, state and device parsers. */
#ifndef MD_JSON_H
#define MD_JSON_H

#include <json-c/json.h>

static inline void md_json_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(md_json_putp)))

/* o[key]; NULL when absent or null (json-c keeps a null as NULL), as Go's
 * decoder treats null. */
json_object *md_json_member(json_object *o, const char *key);
/* o[key] when it has type t; NULL when absent, null or of another type. */
json_object *md_json_member_of(json_object *o, const char *key, json_type t);
/* The string o[key], borrowed from o; NULL when absent or not a string. */
const char *md_json_string(json_object *o, const char *key);
/* The strings of the array o[key] (other members skipped), as a new
 * NULL-terminated vector: [] gives an empty one, absent or not an array
 * NULL. Caller frees (md_strv_free). */
char **md_json_strv(json_object *o, const char *key);
/* o[key] when it has type t (an object or an array), else a new empty one
 * of type t put there (replacing a member of another type); borrowed. */
json_object *md_json_child(json_object *o, const char *key, json_type t);

#endif
