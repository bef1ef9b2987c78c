/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for `--change` (src/engine/images/changes.c), the
 * Dockerfile instructions that import and commit take from the command
 * line: `CMD ["sh"]`, `ENV A="b c" D=${A:-x}`, `EXPOSE 80-90/udp`.
 *
 *   make fuzz && build-fuzz/fuzz_changes tests/fuzz/corpus/changes
 *
 * The input is up to 8 changes separated by NUL bytes, applied to a small
 * config. A failure must say why and leave the config as it was; a
 * success must leave a config of the shapes an image config has. */
#include "engine/images/changes.h"
#include "fuzz-util.h"
#include "util/json.h"

#include <stdbool.h>

#define BASE "{\"Env\":[\"PATH=/bin\",\"A=a\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\"}"

static bool strings_array(json_object *a)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
			return false;
	}
	return true;
}

/* Each member the changes may set has its type: lists of strings,
 * strings, objects; every Env entry is K=V with a K. */
static void check_shape(json_object *c)
{
	json_object *env = md_json_member(c, "Env");

	json_object_object_foreach(c, key, v)
	{
		json_type t = json_object_get_type(v);

		if (!strcmp(key, "Cmd") || !strcmp(key, "Entrypoint") || !strcmp(key, "Env")) {
			if (v && (t != json_type_array || !strings_array(v)))
				abort();
		} else if (!strcmp(key, "Labels") || !strcmp(key, "ExposedPorts") ||
			   !strcmp(key, "Volumes")) {
			if (t != json_type_object)
				abort();
		} else if (t != json_type_string) {
			abort();
		}
	}
	for (size_t i = 0; env && i < json_object_array_length(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));

		if (!strchr(kv, '=') || kv[0] == '=')
			abort();
	}
	if (md_json_string(c, "WorkingDir") && md_json_string(c, "WorkingDir")[0] != '/')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *changes[9] = { NULL };
	json_object *c;
	md_error err = { 0 };
	char *s;

	if (size > 4096 || !(s = fuzz_text(data, size)))
		return 0;
	fuzz_split(s, size, changes, 8);
	c = json_tokener_parse(BASE);
	if (image_changes_apply(c, changes, &err) < 0) {
		if (!err.msg[0] || err.errnum != 0 ||
		    strcmp(json_object_to_json_string_ext(
				   c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			   BASE) != 0)
			abort();
	} else {
		check_shape(c);
	}
	json_object_put(c);
	free(s);
	return 0;
}
