/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup control files: reading and writing them by directory and name, the
 * formats of their values (flat keyed text, pid lists, "max"), and the
 * conversions between v1 and v2 values. */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cg_exists(const char *dir, const char *file)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return access(p, F_OK) == 0;
}

int cg_write(const char *dir, const char *file, const char *value, md_error *err)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return md_write_file(p, value, err);
}

int cg_write_limit(const char *dir, const char *file, const char *value, const char *what,
		   const char *hint, md_error *err)
{
	if (access(dir, F_OK) < 0)
		return md_error_set(err, errno, "cgroup directory `%s`", dir);
	if (!cg_exists(dir, file))
		return md_error_set(err, ENOTSUP, "%s not supported by the host: %s missing%s",
				    what, file, hint ? hint : "");
	return cg_write(dir, file, value, err);
}

int cg_write_i64(const char *dir, const char *file, int64_t v, const char *what, md_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cg_write_limit(dir, file, buf, what, NULL, err);
}

int cg_read(const char *dir, const char *file, char **out, md_error *err)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return md_read_file(p, out, NULL, err);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v, md_error *err)
{
	cleanup_free char *text = NULL;
	char *end;

	if (cg_read(dir, file, &text, err) < 0)
		return -1;
	if (md_str_has_prefix(text, "max")) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return md_error_set(err, EINVAL, "unexpected content in %s/%s", dir, file);
	return 0;
}

int cg_read_u64_opt(const char *dir, const char *file, uint64_t *v, md_error *err)
{
	if (!cg_exists(dir, file))
		return 0;
	return cg_read_u64(dir, file, v, err);
}

int cg_read_keyed(const char *dir, const char *file, const char *key, int64_t *v, md_error *err)
{
	cleanup_free char *text = NULL;

	if (cg_read(dir, file, &text, err) < 0)
		return -1;
	return cg_keyed(text, key, v) < 0 ? 1 : 0;
}

bool cg_strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

unsigned long long cgroup_shares_to_weight(unsigned long long shares)
{
	if (shares == 0)
		return 0; /* unset */
	/* clamp to the kernel's range for shares, so the result is 1..10000 */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

const char *cgroup_v2_limit(int64_t v, char *buf)
{
	if (v == -1)
		strcpy(buf, "max");
	else
		snprintf(buf, 32, "%" PRId64, v);
	return buf;
}

int cg_keyed(const char *text, const char *key, int64_t *v)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			*v = strtoll(l + kl + 1, NULL, 10);
			return 0;
		}
		l = nl ? nl + 1 : NULL;
	}
	return -1;
}

int cg_parse_pids(const char *text, pid_t **pids, size_t *n)
{
	const char *s = text;

	for (;;) {
		char *end;
		long v;

		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			return 0;
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno || v <= 0 || v > INT32_MAX)
			return -1;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)v;
		s = end;
	}
}

bool cg_has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += wl) {
		bool start = s == list || s[-1] == ' ' || s[-1] == '\n';
		bool end = s[wl] == '\0' || s[wl] == ' ' || s[wl] == '\n';

		if (start && end)
			return true;
	}
	return false;
}
