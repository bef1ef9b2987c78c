/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/common/timestamp.h"
#include "cli/common/human.h"
#include "engine/containers/health.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A date, or a date and time, without a zone: the host's local time. */
static int parse_local(const char *s, int64_t *out)
{
	static const char *const layouts[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H",
					       "%Y-%m-%d" };

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct tm tm = { 0 };
		const char *end = strptime(s, layouts[i], &tm);

		if (end && (!*end || (*end == '.' && i == 0))) {
			tm.tm_isdst = -1;
			*out = (int64_t)mktime(&tm);
			return 0;
		}
	}
	return -1;
}

/* "SECONDS" or "SECONDS.FRACTION". */
static int parse_unix(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || !isdigit((unsigned char)*s))
		return -1;
	if (*end == '.') {
		for (end++; isdigit((unsigned char)*end); end++)
			;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static size_t count_dashes(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '-';
	return n;
}

int cli_parse_timestamp(const char *s, int64_t now, int64_t *out, md_error *err)
{
	/* Docker reads a time with a zone as RFC 3339 (Z, +, or a third '-'). */
	bool zoned = strpbrk(s, "zZ+") != NULL || count_dashes(s) == 3;
	int64_t ns;

	if (strcmp(s, "0") != 0 && health_parse_duration(s, &ns, NULL) == 0) {
		*out = now - ns / 1000000000;
		return 0;
	}
	if (zoned ? cli_parse_rfc3339(s, out) == 0 : parse_local(s, out) == 0)
		return 0;
	if (!strchr(s, '-') && parse_unix(s, out) == 0)
		return 0;
	return md_error_set(err, 0, "failed to parse value as time or duration: \"%s\"", s);
}
