/* SPDX-License-Identifier: Apache-2.0 */
#include "util/mountinfo.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdbool.h>
#include <string.h>

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

void md_unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		/* a first digit above 3 would not fit in a byte: kept as text */
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && is_octal(r[2]) &&
		    is_octal(r[3])) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The next space-separated field of *s, NUL-terminated; NULL at the end. */
static char *next_field(char **s)
{
	char *f = *s, *end;

	if (!f)
		return NULL;
	end = strchr(f, ' ');
	if (end) {
		*end = '\0';
		*s = end + 1;
	} else {
		*s = NULL;
	}
	return f;
}

static char empty[] = "";

/* The optional fields (zero or more) end with a lone "-": return them as
 * one string and move *s past the separator; NULL when there is none. */
static char *split_optional(char **s)
{
	char *start = *s;

	for (char *p = *s; p;) {
		char *end = strchr(p, ' ');

		if (p[0] == '-' && (p[1] == ' ' || !p[1])) {
			*s = end ? end + 1 : NULL;
			if (p == start)
				return empty;
			p[-1] = '\0';
			return start;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

int md_mountinfo_parse(char *line, struct md_mountinfo *m)
{
	char *s = line, *f[6];

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (!(f[i] = next_field(&s)))
			return -1;
	m->optional = split_optional(&s);
	m->fstype = next_field(&s);
	m->source = next_field(&s);
	m->super = next_field(&s);
	if (!m->optional || !m->fstype || !m->source)
		return -1;
	if (!m->super)
		m->super = empty;
	m->dev = f[2];
	m->root = f[3];
	m->point = f[4];
	m->options = f[5];
	md_unescape_octal(m->root);
	md_unescape_octal(m->point);
	md_unescape_octal(m->source);
	return 0;
}

int md_mountinfo_read(struct md_mountinfo **out, size_t *n, char **buf, md_error *err)
{
	char *save = NULL;

	*out = NULL;
	*n = 0;
	if (md_read_file("/proc/self/mountinfo", buf, NULL, err) < 0)
		return -1;
	for (char *l = strtok_r(*buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct md_mountinfo m;

		if (md_mountinfo_parse(l, &m) < 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(m));
		(*out)[(*n)++] = m;
	}
	return 0;
}
