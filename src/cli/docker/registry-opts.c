/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/docker/registry-opts.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/util.h"

#define DAEMON_JSON "/etc/mydocker/daemon.json"

static char **insecure; /* NULL-terminated */

int cli_insecure_registry_add(const char *host, md_error *err)
{
	if (!host[0] || strchr(host, '/'))
		return md_error_set(err, 0, "--insecure-registry: `%s` is not HOST or HOST:PORT",
				    host);
	md_strv_push(&insecure, host);
	return 0;
}

/* daemon.json's "insecure-registries" (Docker's key); $MYDOCKER_DAEMON_JSON
 * names another file (tests). */
static int read_daemon_json(md_error *err)
{
	const char *path = getenv("MYDOCKER_DAEMON_JSON");
	json_object *root, *list;
	char *data = NULL;
	size_t len;

	if (!path || !path[0])
		path = DAEMON_JSON;
	if (md_read_file(path, &data, &len, err) < 0)
		return err->errnum == ENOENT ? (md_error_clear(err), 0) : -1;
	root = json_tokener_parse(data);
	free(data);
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return md_error_set(err, 0, "%s: not a JSON object", path);
	}
	list = md_json_member_of(root, "insecure-registries", json_type_array);
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *h = json_object_array_get_idx(list, i);

		if (json_object_is_type(h, json_type_string))
			md_strv_push(&insecure, json_object_get_string(h));
	}
	json_object_put(root);
	return 0;
}

int cli_registry_opts(struct registry_opts *o, const char *auth_file, const char *cert_dir,
		      md_error *err)
{
	static bool daemon_json_read;

	if (!daemon_json_read) {
		daemon_json_read = true;
		if (read_daemon_json(err) < 0)
			return -1;
	}
	memset(o, 0, sizeof(*o));
	o->insecure = insecure;
	o->auth_file = auth_file;
	o->cert_dir = cert_dir;
	return 0;
}
