/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/helpers.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MD_LIBEXECDIR
#define MD_LIBEXECDIR "/usr/local/libexec/mydocker"
#endif

void engine_note_self(void)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (getenv(ENGINE_SELF_ENV))
		return;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return;
	buf[n] = '\0';
	setenv(ENGINE_SELF_ENV, buf, 1);
}

char *engine_self_path(md_error *err)
{
	const char *self = getenv(ENGINE_SELF_ENV);

	if (!self || self[0] != '/')
		return md_error_set(err, ENOENT, "the path of the mydocker binary is unknown"),
		       NULL;
	return xstrdup(self);
}

static char *in_dir(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *engine_helper_path(const char *name, md_error *err)
{
	const char *env = getenv(ENGINE_LIBEXEC_ENV), *self = getenv(ENGINE_SELF_ENV);
	char *p = NULL;

	if (env && *env)
		p = in_dir(env, name);
	if (!p && self && self[0] == '/') {
		cleanup_free char *copy = xstrdup(self);
		p = in_dir(dirname(copy), name);
	}
	if (!p)
		p = in_dir(MD_LIBEXECDIR, name);
	if (!p)
		md_error_set(err, ENOENT, "%s not found (beside mydocker or in %s)", name,
			     MD_LIBEXECDIR);
	return p;
}
