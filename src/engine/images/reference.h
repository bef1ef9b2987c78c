/* SPDX-License-Identifier: Apache-2.0 */
/* Image references as Docker reads them (the distribution project's
 * reference grammar, ParseNormalizedNamed and ParseDockerRef):
 *
 *   [DOMAIN[:PORT]/]PATH[:TAG][@sha256:HEX]
 *
 * PATH is lowercase components ([a-z0-9]+ joined by `.`, `_`, `__` or
 * runs of `-`) separated by `/`; TAG is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
 * The first component is a domain when it has a `.` or a `:`, is
 * `localhost`, or has an uppercase letter; otherwise the domain is
 * docker.io, where a one-component path gets `library/`. index.docker.io
 * is docker.io. With neither tag nor digest the tag is `latest`.
 * DOMAIN/PATH is at most 255 characters. */
#ifndef MD_IMAGES_REFERENCE_H
#define MD_IMAGES_REFERENCE_H

#include "util/error.h"

struct image_ref {
	char *domain; /* "docker.io", "localhost:5000", "[::1]:5000" */
	char *path;   /* "library/busybox" */
	char *tag;    /* "latest"; NULL when only a digest was given */
	char *digest; /* "sha256:HEX" or NULL */
};

enum ref_form {
	REF_FULL,     /* docker.io/library/busybox:latest */
	REF_FAMILIAR, /* busybox:latest, as `docker images` shows it */
};

/* Parse and normalise s into out (freed with ref_free). An invalid
 * reference is an error with errnum 0 and nothing in out. */
int ref_parse(const char *s, struct image_ref *out, md_error *err);

/* The repository name (no tag, no digest) and the whole reference, in
 * either form. Both forms of the whole reference parse back to the same
 * reference. Caller frees. */
char *ref_name(const struct image_ref *r, enum ref_form form);
char *ref_string(const struct image_ref *r, enum ref_form form);

void ref_free(struct image_ref *r);

#endif
