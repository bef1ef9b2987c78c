/* SPDX-License-Identifier: Apache-2.0 */
/* Runs every registered unit test; prints one line per test and a closing
 * "N passed, N failed" line. Optional argv[1]: run only tests whose name
 * contains it. */
#include "unit.h"

#include <stdlib.h>

static struct unit_test *all_tests;

void unit_register(struct unit_test *t)
{
	t->next = all_tests;
	all_tests = t;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (struct unit_test *t = all_tests; t; t = t->next) {
		int f = 0;

		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		t->fn(&f);
		printf("%s unit/%s\n", f ? "FAIL" : "ok  ", t->name);
		if (f)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
