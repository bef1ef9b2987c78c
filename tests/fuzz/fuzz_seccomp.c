/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for seccomp profiles: the OCI form compiled by
 * src/runtime/seccomp.c, and Docker's form (src/runtime/seccomp-default.c),
 * which `mydocker run --security-opt seccomp=FILE` reads from the user.
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc
 *     tests/fuzz/fuzz_seccomp.c src/runtime/seccomp.c src/runtime/seccomp-default.c
 *     src/runtime/spec-names.c src/util/error.c src/util/util.c
 *     $(pkg-config --cflags --libs json-c libseccomp) -o fuzz_seccomp
 *   ./fuzz_seccomp -max_total_time=60 tests/fuzz/corpus/seccomp
 *
 * The input is the profile text. Its first byte also picks the
 * capabilities a Docker profile is evaluated against. Nothing is loaded:
 * the filter is only compiled (and checked to be a whole program). */
#include "runtime/seccomp.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compile(json_object *profile)
{
	struct rt_seccomp *f = NULL;
	md_error err;

	if (rt_seccomp_compile(profile, &f, &err) == 0) {
		/* A program the kernel would take: at least a return, at most
		 * BPF_MAXINSNS. */
		if (!f || rt_seccomp_length(f) == 0 || rt_seccomp_length(f) > 4096)
			abort();
		rt_seccomp_free(f);
	} else if (f || !err.msg[0]) {
		abort(); /* a failure says why and leaves nothing behind */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	json_object *profile, *oci = NULL;
	uint64_t caps;
	md_error err;

	if (size == 0 || size > 65536)
		return 0;
	/* Spread the first byte over the capabilities the default profile
	 * looks at (CAP_SYS_ADMIN is 21, CAP_BPF 39...). */
	caps = (uint64_t)data[0] * 0x0101010101010101ULL;
	tok = json_tokener_new_ex(32);
	if (!tok)
		return 0;
	profile = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!profile)
		return 0;
	compile(profile);
	if (rt_seccomp_from_docker(profile, caps, &oci, &err) == 0) {
		if (oci)
			compile(oci);
	} else if (oci || !err.msg[0]) {
		abort();
	}
	json_object_put(oci);
	json_object_put(profile);
	return 0;
}
