/* SPDX-License-Identifier: Apache-2.0 */
#include "util/json.h"
#include "util/util.h"

json_object *md_json_member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

json_object *md_json_member_of(json_object *o, const char *key, json_type t)
{
	json_object *v = md_json_member(o, key);

	return v && json_object_is_type(v, t) ? v : NULL;
}

const char *md_json_string(json_object *o, const char *key)
{
	json_object *v = md_json_member_of(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

json_object *md_json_child(json_object *o, const char *key, json_type t)
{
	json_object *v = md_json_member_of(o, key, t);

	if (!v) {
		v = t == json_type_array ? json_object_new_array() : json_object_new_object();
		json_object_object_add(o, key, v);
	}
	return v;
}

char **md_json_strv(json_object *o, const char *key)
{
	json_object *a = md_json_member_of(o, key, json_type_array);
	char **v;

	if (!a)
		return NULL;
	v = xmalloc0(sizeof(char *));
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (json_object_is_type(e, json_type_string))
			md_strv_push(&v, json_object_get_string(e));
	}
	return v;
}
