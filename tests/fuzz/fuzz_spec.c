/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the config.json parser (src/runtime/spec.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc
 *     tests/fuzz/fuzz_spec.c src/runtime/spec.c src/runtime/spec-names.c
 *     src/util/error.c src/util/util.c $(pkg-config --cflags --libs json-c)
 *     -o fuzz_spec
 *   ./fuzz_spec tests/fuzz/corpus/spec
 *
 * The input is the config text. Short inputs also go to the name lookups,
 * which take untrusted CLI and API values (`kill -s`, --cap-add). */
#include "runtime/spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parsed(const struct spec *s)
{
	/* Invariants the rest of the runtime relies on. */
	if (!s->oci_version || !s->root_path)
		abort();
	if (s->process && (!s->process->cwd || s->process->cwd[0] != '/'))
		abort();
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].destination[0] != '/')
			abort();
	for (size_t i = 0; i < s->linux.resources.n_devices; i++)
		if (strlen(s->linux.resources.devices[i].access) > 3)
			abort();
	spec_find_namespace(s, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct spec *s = NULL;
	md_error err;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (spec_from_string(text, &s, &err) == 0) {
		check_parsed(s);
		spec_free(s);
	}
	if (size < 64) {
		spec_signal_number(text);
		spec_cap_number(text);
		spec_rlimit_resource(text);
		spec_namespace_type(text);
	}
	free(text);
	return 0;
}
