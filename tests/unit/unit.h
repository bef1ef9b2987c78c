/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny unit-test harness: TEST(name) registers a function; CHECK* record
 * a failure and return from the test. main.c runs them all. */
#ifndef MD_UNIT_H
#define MD_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failed);
	struct unit_test *next;
};
void unit_register(struct unit_test *t);

#define TEST(name)                                                                                 \
	static void test_##name(int *unit_failed);                                                 \
	static struct unit_test unit_##name = { #name, test_##name, NULL };                        \
	__attribute__((constructor)) static void reg_##name(void)                                  \
	{                                                                                          \
		unit_register(&unit_##name);                                                       \
	}                                                                                          \
	static void test_##name(int *unit_failed)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			*unit_failed = 1;                                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,         \
				_a ? _a : "(null)", _b ? _b : "(null)");                           \
			*unit_failed = 1;                                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b) {                                                                    \
			fprintf(stderr, "  %s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__,    \
				#a, _a, _b);                                                       \
			*unit_failed = 1;                                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
