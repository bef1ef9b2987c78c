/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the CLI value parsers (src/cli/common/units.c):
 * -m/--memory-swap sizes, --cpus, and the plain integers of --cpu-shares
 * and --pids-limit.
 *
 *   make fuzz && build-fuzz/fuzz_units tests/fuzz/corpus/units
 *
 * The input is the value as typed. Its first byte also gives the number of
 * CPUs that --cpus is checked against (1..256). */
#include "cli/common/units.h"
#include "fuzz-util.h"

#include <stdbool.h>

#define PERIOD_US 100000

/* r is a parser's return: a failure must say why. */
static bool parsed(int r, const md_error *err)
{
	if (r < 0 && !err->msg[0])
		abort();
	return r == 0;
}

static void check_bytes(const char *s)
{
	int64_t v = -1, again = -1;
	char text[32];
	md_error err = { 0 };

	if (!parsed(cli_parse_bytes(s, &v, &err), &err))
		return;
	if (v < 0)
		abort(); /* -1 (unlimited) is the caller's, never the parser's */
	/* The bytes, written out, read back the same (where a double is exact). */
	if (v < (INT64_C(1) << 53)) {
		snprintf(text, sizeof(text), "%lld", (long long)v);
		if (cli_parse_bytes(text, &again, &err) < 0 || again != v)
			abort();
	}
}

static void check_cpus(const char *s, long ncpus)
{
	int64_t quota = -1;
	md_error err = { 0 };

	if (!parsed(cli_parse_cpus(s, PERIOD_US, ncpus, &quota, &err), &err))
		return;
	/* 0.01 to ncpus CPUs, in microseconds of a period. */
	if (quota < PERIOD_US / 100 || quota > ncpus * PERIOD_US)
		abort();
}

static void check_int(const char *s)
{
	int64_t v;
	char text[32];
	md_error err = { 0 };

	if (!parsed(cli_parse_int64(s, &v, &err), &err))
		return;
	/* Only a whole decimal number is taken: it prints back the same,
	 * but for strtoll's leading blanks, a '+' and leading zeros. */
	snprintf(text, sizeof(text), "%lld", (long long)v);
	if (strlen(s) < strlen(text) && strcmp(s, text) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	long ncpus;

	if (size == 0 || size > 4096 || !(s = fuzz_text(data, size)))
		return 0;
	ncpus = 1 + data[0];
	/* The whole input as a value, and the value after the CPU byte. */
	check_bytes(s);
	check_int(s);
	check_cpus(s, ncpus);
	check_bytes(s + 1);
	check_int(s + 1);
	check_cpus(s + 1, ncpus);
	free(s);
	return 0;
}
