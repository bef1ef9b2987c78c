/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the WWW-Authenticate parser
 * (src/engine/registry/auth.c): what a registry answers a 401 with.
 *
 *   make fuzz && build-fuzz/fuzz_www_auth tests/fuzz/corpus/www_auth
 *
 * The input is the header's value. A failure says why and leaves nothing
 * allocated; a success is Basic or Bearer, a Bearer has an http(s) realm,
 * and each kept parameter is a string without control characters but
 * tabs. */
#include "engine/registry/auth.h"
#include "fuzz-util.h"

#include <stdbool.h>
#include <strings.h>

static void check_value(const char *s)
{
	for (; s && *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			abort();
}

static void check_success(const struct www_auth *a, size_t size)
{
	if (a->scheme != WWW_AUTH_BASIC && a->scheme != WWW_AUTH_BEARER)
		abort();
	if (a->scheme == WWW_AUTH_BEARER &&
	    (!a->realm || (strncasecmp(a->realm, "https://", 8) != 0 &&
			   strncasecmp(a->realm, "http://", 7) != 0)))
		abort();
	check_value(a->realm);
	check_value(a->service);
	check_value(a->scope);
	check_value(a->error);
	/* Unescaping only shortens. */
	if ((a->realm && strlen(a->realm) > size) || (a->scope && strlen(a->scope) > size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct www_auth a;
	md_error err = { 0 };
	char *s;

	if (size > 10000 || !(s = fuzz_text(data, size)))
		return 0;
	if (www_auth_parse(s, &a, &err) < 0) {
		if (!err.msg[0] || a.scheme || a.realm || a.service || a.scope || a.error)
			abort();
	} else {
		check_success(&a, size);
		www_auth_free(&a);
	}
	free(s);
	return 0;
}
