/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker run -u USER[:GROUP]` resolved from the container root's own
 * /etc/passwd and /etc/group, parsed here: never NSS, whose modules would
 * come from the image (CVE-2019-14271). Docker's rules: a name must exist;
 * a numeric uid need not (gid 0 then); supplementary groups are the groups
 * that list the user by name. */
#ifndef MD_USERS_H
#define MD_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct run_user {
	uint32_t uid, gid;
	uint32_t *groups; /* supplementary, without duplicates */
	size_t n_groups;
	char *home; /* from passwd, or NULL */
};

/* passwd and group are the files' text (either may be NULL: missing). */
int users_resolve(const char *spec, const char *passwd, const char *group, struct run_user *out,
		  md_error *err);

/* The same, reading ROOT/etc/passwd and ROOT/etc/group. */
int users_resolve_in(const char *root, const char *spec, struct run_user *out, md_error *err);

void users_free(struct run_user *u);

#endif
