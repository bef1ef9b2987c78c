/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/common/human.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_human_size(int64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;

	while (v >= 1000.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		i++;
	}
	snprintf(buf, len, "%.3g%s", v, units[i]);
}

void cli_human_duration(int64_t seconds, char *buf, size_t len)
{
	int64_t minutes = seconds / 60, hours = (seconds + 1800) / 3600;

	if (seconds < 1)
		snprintf(buf, len, "Less than a second");
	else if (seconds == 1)
		snprintf(buf, len, "1 second");
	else if (seconds < 60)
		snprintf(buf, len, "%lld seconds", (long long)seconds);
	else if (minutes == 1)
		snprintf(buf, len, "About a minute");
	else if (minutes < 60)
		snprintf(buf, len, "%lld minutes", (long long)minutes);
	else if (hours == 1)
		snprintf(buf, len, "About an hour");
	else if (hours < 48)
		snprintf(buf, len, "%lld hours", (long long)hours);
	else if (hours < 24 * 7 * 2)
		snprintf(buf, len, "%lld days", (long long)(hours / 24));
	else if (hours < 24 * 30 * 2)
		snprintf(buf, len, "%lld weeks", (long long)(hours / 24 / 7));
	else if (hours < 24 * 365 * 2)
		snprintf(buf, len, "%lld months", (long long)(hours / 24 / 30));
	else
		snprintf(buf, len, "%lld years", (long long)(seconds / 3600 / 24 / 365));
}

/* The zone after the seconds (and their fraction): "Z" or "+hh:mm". */
static int parse_zone(const char *p, int64_t *offset)
{
	int h, m, n = 0;

	if (*p == '.') {
		do
			p++;
		while (*p >= '0' && *p <= '9');
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*offset = 0;
		return 0;
	}
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) != 2 ||
	    p[1 + n] != '\0')
		return -1;
	*offset = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

int cli_parse_rfc3339(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	const char *p;
	int64_t offset;
	time_t t;

	if (!s)
		return -1;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p || parse_zone(p, &offset) < 0)
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t - offset;
	return 0;
}

/* The length in bytes of the first max UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t max, size_t *chars)
{
	size_t i = 0, n = 0;

	while (s[i] && n < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	*chars = n;
	return i;
}

static size_t utf8_len(const char *s)
{
	size_t n;

	utf8_prefix(s, (size_t)-1, &n);
	return n;
}

char *cli_ellipsis(const char *s, size_t max)
{
	size_t n, bytes;

	if (utf8_len(s) <= max)
		return xstrdup(s);
	if (max <= 3) {
		bytes = utf8_prefix(s, max, &n);
		return xasprintf("%.*s", (int)bytes, s);
	}
	bytes = utf8_prefix(s, max - 1, &n);
	return xasprintf("%.*s…", (int)bytes, s);
}

/* json-c's pretty output has 2-space indents and prints an empty object
 * or array over two lines; Docker's has 4 and "{}", "[]". A JSON string
 * holds no raw newline, so every line starts with its indent. */
char *cli_json_indent(json_object *o)
{
	const char *in = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_SPACED |
								   JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = xmalloc0(2 * strlen(in) + 1), *w = out;
	const char *p = in;

	while (*p) {
		size_t sp = strspn(p, " "), line = strcspn(p + sp, "\n");
		bool closing = (p[sp] == '}' || p[sp] == ']') && (line == 1 || p[sp + 1] == ',');

		/* "{" then a line "}" or "},": one line "{}" or "{},". */
		if (closing && w - out >= 2 && w[-1] == '\n' && (w[-2] == '{' || w[-2] == '['))
			w--;
		else {
			memset(w, ' ', 2 * sp);
			w += 2 * sp;
		}
		memcpy(w, p + sp, line);
		w += line;
		*w++ = '\n';
		p += sp + line;
		if (*p == '\n')
			p++;
	}
	*w = '\0';
	return out;
}

void cli_table_init(struct cli_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void cli_table_add(struct cli_table *t, const char *const *row)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = xstrdup(row[c] ? row[c] : "");
	t->nrows++;
}

void cli_table_print(const struct cli_table *t)
{
	size_t *width = xmalloc0(t->ncols * sizeof(*width));

	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = utf8_len(t->cells[r * t->ncols + c]) + 3;

			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			size_t pad = width[c] < 10 ? 10 : width[c];

			if (c + 1 == t->ncols)
				printf("%s\n", cell);
			else
				printf("%s%*s", cell, (int)(pad - utf8_len(cell)), "");
		}
	}
	free(width);
}

void cli_table_free(struct cli_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}
