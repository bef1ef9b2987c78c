/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the libFuzzer targets: the input as C strings, and
 * getopt state between runs. Header-only: each target is one .c file. */
#ifndef MD_FUZZ_UTIL_H
#define MD_FUZZ_UTIL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string of size bytes (it may hold NULs).
 * Free it; NULL if out of memory. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* Split text (size bytes, from fuzz_text) at its NUL bytes into at most max
 * strings in out: "" gives none, "a\0" gives "a" and "". Returns how many. */
static inline size_t fuzz_split(char *text, size_t size, char **out, size_t max)
{
	char *p = text;
	size_t n = 0;

	while (size > 0 && n < max) {
		out[n++] = p;
		p += strlen(p);
		if (p >= text + size)
			break;
		p++;
	}
	return n;
}

/* Forget a previous run's half-parsed "-abc" group: glibc starts afresh
 * only when optind is 0, and the code under test sets it to 1 (right for a
 * CLI that parses once per process, after main's getopt ran to its end;
 * here the last run's argv is freed). */
static inline void fuzz_reset_getopt(void)
{
	static char name[] = "reset";
	char *none[] = { name, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, none, "") != -1)
		;
}

/* --help prints a usage on stdout; keep libFuzzer's output readable. */
static inline void fuzz_quiet_stdout(void)
{
	if (!freopen("/dev/null", "w", stdout))
		abort();
}

#endif
