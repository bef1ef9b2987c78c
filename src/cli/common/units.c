/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/common/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_parse_int64(const char *s, int64_t *out, md_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return md_error_set(err, EINVAL, "invalid number `%s`", s);
	*out = v;
	return 0;
}

static int unit_shift(const char *u, int *shift)
{
	static const char units[] = "bkmgtp";
	char c = (char)tolower((unsigned char)u[0]);
	const char *pos;

	if (!*u) {
		*shift = 0;
		return 0;
	}
	pos = strchr(units, c);
	if (!pos || !c)
		return -1;
	/* "k" or "kb" / "kib"; "b" alone means bytes. */
	if (u[1] && strcasecmp(u + 1, "b") != 0 && strcasecmp(u + 1, "ib") != 0)
		return -1;
	if (c == 'b' && u[1])
		return -1;
	*shift = 10 * (int)(pos - units);
	return 0;
}

int cli_parse_bytes(const char *s, int64_t *out, md_error *err)
{
	char *end;
	double v;
	int shift;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || !isfinite(v) || unit_shift(end, &shift) < 0)
		return md_error_set(err, EINVAL,
				    "invalid size `%s` (use a number with an "
				    "optional unit b, k, m, g)",
				    s);
	v = ldexp(v, shift);
	if (v >= 9.2e18)
		return md_error_set(err, ERANGE, "size `%s` is too large", s);
	*out = (int64_t)v;
	return 0;
}

int cli_parse_cpus(const char *s, int64_t period_us, long ncpus, int64_t *quota, md_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0)
		return md_error_set(err, EINVAL, "invalid --cpus value `%s`", s);
	if (v < 0.01 || v > (double)ncpus)
		return md_error_set(err, EINVAL,
				    "range of CPUs is from 0.01 to %ld.00, as "
				    "there are only %ld CPUs available",
				    ncpus, ncpus);
	*quota = (int64_t)llround(v * (double)period_us);
	return 0;
}
