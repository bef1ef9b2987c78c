/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for image references (src/engine/images/reference.c):
 * `busybox`, `localhost:5000/me/app:v1@sha256:...`.
 *
 *   make fuzz && build-fuzz/fuzz_reference tests/fuzz/corpus/reference
 *
 * The input is the reference as typed. A valid one must print, in its full
 * and its familiar form, as text that parses back to the same reference. */
#include "engine/images/reference.h"
#include "fuzz-util.h"

#include <stdbool.h>

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_ref(const struct image_ref *a, const struct image_ref *b)
{
	return same_str(a->domain, b->domain) && same_str(a->path, b->path) &&
	       same_str(a->tag, b->tag) && same_str(a->digest, b->digest);
}

/* What every parsed reference holds. */
static void check_shape(const struct image_ref *r)
{
	if (!r->domain || !r->path || !r->domain[0] || !r->path[0])
		abort();
	if (!r->tag && !r->digest)
		abort(); /* `latest` when neither was given */
	if (strlen(r->domain) + 1 + strlen(r->path) > 255)
		abort();
}

/* r printed in form reads back as r; its name alone, as r's repository. */
static void check_prints_back(const struct image_ref *r, enum ref_form form)
{
	struct image_ref again;
	md_error err = { 0 };
	char *text = ref_string(r, form), *name = ref_name(r, form);

	if (ref_parse(text, &again, &err) < 0 || !same_ref(r, &again))
		abort();
	ref_free(&again);
	if (ref_parse(name, &again, &err) < 0 || strcmp(again.domain, r->domain) != 0 ||
	    strcmp(again.path, r->path) != 0)
		abort();
	ref_free(&again);
	free(text);
	free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_ref r;
	md_error err = { 0 };
	char *s;

	if (size > 4096 || !(s = fuzz_text(data, size)))
		return 0;
	if (ref_parse(s, &r, &err) < 0) {
		/* A failure says why and leaves nothing to free. */
		if (!err.msg[0] || r.domain || r.path || r.tag || r.digest)
			abort();
	} else {
		check_shape(&r);
		check_prints_back(&r, REF_FULL);
		check_prints_back(&r, REF_FAMILIAR);
		ref_free(&r);
	}
	free(s);
	return 0;
}
