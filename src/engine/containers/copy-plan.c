/* SPDX-License-Identifier: Apache-2.0 */
/* cp's paths and Docker's rules for where a copy lands (moby's
 * pkg/archive/copy.go in spirit: a directory onto a directory goes inside
 * it, onto a missing name becomes that name; "src/." copies the
 * contents). Pure string work, unit-tested (tests/unit/test_copy.c). */
#include "engine/containers/copy-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <string.h>

/* The components of path, "." and empty ones dropped, ".." popping the
 * previous one (never above the root). */
static char **components(const char *path)
{
	cleanup_free char *copy = xstrdup(path);
	char **out = NULL, *save = NULL;
	size_t n = 0;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (n > 0) {
				free(out[--n]);
				out[n] = NULL;
			}
			continue;
		}
		md_strv_push(&out, c);
		n++;
	}
	return out;
}

void copy_path_parse(const char *path, struct copy_path *out)
{
	cleanup_strv char **parts = components(path);
	size_t len = strlen(path);
	char *clean = xstrdup("");

	for (size_t i = 0; parts && parts[i]; i++) {
		char *next = xasprintf("%s/%s", clean, parts[i]);

		free(clean);
		clean = next;
	}
	if (!*clean) {
		free(clean);
		clean = xstrdup("/");
	}
	out->clean = clean;
	out->contents = !strcmp(path, ".") || (len >= 2 && !strcmp(path + len - 2, "/."));
	out->dir = out->contents || (len > 0 && path[len - 1] == '/');
}

void copy_path_free(struct copy_path *p)
{
	free(p->clean);
	p->clean = NULL;
}

const char *copy_path_base(const char *clean)
{
	return strrchr(clean, '/') + 1;
}

char *copy_path_dir(const char *clean)
{
	const char *slash = strrchr(clean, '/');

	return slash == clean ? xstrdup("/") : strndup(clean, (size_t)(slash - clean));
}

/* The tar's top name becomes the destination's last component. */
static void rebase(const char *src_name, const struct copy_path *dst, char **dir, char **from,
		   char **to)
{
	*dir = copy_path_dir(dst->clean);
	/* "." names the contents: they all go below the new name. */
	*from = xstrdup(strcmp(src_name, ".") ? src_name : "");
	*to = xstrdup(copy_path_base(dst->clean));
}

int copy_plan(const char *src_name, bool src_is_dir, const struct copy_path *dst, bool exists,
	      bool is_dir, char **dir, char **from, char **to, md_error *err)
{
	*dir = *from = *to = NULL;
	if (exists && is_dir) {
		*dir = xstrdup(dst->clean);
		return 0;
	}
	if (exists && src_is_dir)
		return md_error_set(err, 0, "cannot copy directory");
	if (!exists && !src_is_dir && dst->dir)
		return md_error_set(err, 0, "no such directory");
	rebase(src_name, dst, dir, from, to);
	return 0;
}
