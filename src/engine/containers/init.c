/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/init.h"
#include "engine/helpers.h"
#include "util/cleanup.h"
#include "util/util.h"

/* Read-only: the container runs the host's file as its PID 1 and may open
 * it through /proc/1/exe; it must not be able to write it. */
static json_object *init_mount(const char *source)
{
	static const char *const options[] = { "rbind", "ro", "rprivate" };
	json_object *m = json_object_new_object(), *opts = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		json_object_array_add(opts, json_object_new_string(options[i]));
	json_object_object_add(m, "destination", json_object_new_string(INIT_CONTAINER_PATH));
	json_object_object_add(m, "type", json_object_new_string("bind"));
	json_object_object_add(m, "source", json_object_new_string(source));
	json_object_object_add(m, "options", opts);
	return m;
}

int init_wrap(char ***argv, json_object *mounts, md_error *err)
{
	cleanup_free char *source = engine_helper_path("mydocker-init", err);
	char **wrapped = NULL;

	if (!source)
		return md_error_prefix(err, "--init");
	md_strv_push(&wrapped, INIT_CONTAINER_PATH);
	md_strv_push(&wrapped, "--");
	for (char **a = *argv; a && *a; a++)
		md_strv_push(&wrapped, *a);
	md_strv_free(*argv);
	*argv = wrapped;
	json_object_array_add(mounts, init_mount(source));
	return 0;
}
