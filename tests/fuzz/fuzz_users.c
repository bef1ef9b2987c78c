/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for `mydocker run -u USER[:GROUP]` (src/engine/containers/users.c):
 * the container's own /etc/passwd and /etc/group, which the image controls.
 *
 *   make fuzz && build-fuzz/fuzz_users tests/fuzz/corpus/users
 *
 * The input is "USER[:GROUP]\0PASSWD\0GROUP": the -u value, then the two
 * files' text. A part that is missing is a missing file (NULL). */
#include "engine/containers/users.h"
#include "fuzz-util.h"

/* The rule users.c applies to ids: all digits, at most UINT32_MAX. */
static int numeric(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

static void check_resolved(const char *spec, const struct run_user *u)
{
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	uint32_t id;

	/* A numeric user is that uid, whatever passwd says. */
	if (numeric(spec, ulen, &id) && u->uid != id)
		abort();
	/* So is a numeric group that gid. */
	if (colon && numeric(colon + 1, strlen(colon + 1), &id) && u->gid != id)
		abort();
	if ((u->n_groups == 0) != (u->groups == NULL))
		abort();
	for (size_t i = 0; i < u->n_groups; i++)
		for (size_t j = i + 1; j < u->n_groups; j++)
			if (u->groups[i] == u->groups[j])
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *part[3] = { NULL, NULL, NULL };
	struct run_user u;
	md_error err;

	if (size > 65536 || !(text = fuzz_text(data, size)))
		return 0;
	if (fuzz_split(text, size, part, 3) == 0)
		part[0] = text; /* "": -u with an empty value */
	err.msg[0] = '\0';
	if (users_resolve(part[0], part[1], part[2], &u, &err) == 0) {
		check_resolved(part[0], &u);
		users_free(&u);
	} else if (!err.msg[0] || u.groups || u.home || u.n_groups) {
		abort(); /* a failure says why and leaves nothing behind */
	}
	free(text);
	return 0;
}
