/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/images/reference.h"
#include "engine/images/blobs.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdbool.h>
#include <string.h>

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_PREFIX "library/"
#define DEFAULT_TAG "latest"
#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128
#define BAD_FORMAT "invalid reference format"

/* Character classes by hand: the C ones follow the locale. */
static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool has_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	}
	return false;
}

/* 64 lowercase hex digits and nothing else: an image id, which Docker
 * refuses as a name so that the two are never confused. */
static bool is_image_id(const char *s)
{
	size_t n = 0;

	while (is_lower_alnum(s[n]) && is_hex(s[n]))
		n++;
	return n == 64 && s[n] == '\0';
}

/* How many characters of a path separator start p: `.`, `_`, `__` or a run
 * of `-`; 0 if none. */
static size_t separator_len(const char *p, size_t n)
{
	size_t k = 0;

	if (p[0] == '.')
		return 1;
	if (p[0] == '_')
		return n > 1 && p[1] == '_' ? 2 : 1;
	while (k < n && p[k] == '-')
		k++;
	return k;
}

/* One path component: lowercase alphanumeric runs joined by separators. */
static bool valid_component(const char *p, size_t n)
{
	size_t i = 0, sep;

	while (i < n && is_lower_alnum(p[i])) {
		while (i < n && is_lower_alnum(p[i]))
			i++;
		if (i == n)
			return true;
		sep = separator_len(p + i, n - i);
		if (sep == 0)
			return false;
		i += sep;
	}
	return false;
}

static bool valid_path(const char *path)
{
	const char *p = path, *slash;

	for (;;) {
		slash = strchr(p, '/');
		if (!valid_component(p, slash ? (size_t)(slash - p) : strlen(p)))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* A domain label: alphanumeric at both ends, `-` allowed inside. */
static bool valid_label(const char *p, size_t n)
{
	if (n == 0 || !is_alnum(p[0]) || !is_alnum(p[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++) {
		if (!is_alnum(p[i]) && p[i] != '-')
			return false;
	}
	return true;
}

/* A host name or an IPv6 address in brackets; returns where it ends, or
 * NULL if it is invalid. */
static const char *host_end(const char *d)
{
	const char *p = d, *end;

	if (*d == '[') {
		for (p = d + 1; is_hex(*p) || *p == ':'; p++)
			;
		return p > d + 1 && *p == ']' ? p + 1 : NULL;
	}
	for (;;) {
		end = p + strcspn(p, ".:");
		if (!valid_label(p, (size_t)(end - p)))
			return NULL;
		if (*end != '.')
			return end;
		p = end + 1;
	}
}

/* HOST[:PORT], the port all digits. */
static bool valid_domain(const char *d)
{
	const char *p = host_end(d);

	if (!p)
		return false;
	if (*p == '\0')
		return true;
	if (*p++ != ':' || *p == '\0')
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN || !is_word(t[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_word(t[i]) && t[i] != '.' && t[i] != '-')
			return false;
	}
	return true;
}

/* Docker's rule for a first component that names a registry rather than
 * a namespace (n is its length). */
static bool looks_like_domain(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) ||
	       (n == strlen("localhost") && strncmp(s, "localhost", n) == 0) || has_upper(s, n);
}

/* Split name (modified) into its domain and path, normalised. */
static void split_name(char *name, struct image_ref *out)
{
	char *slash = strchr(name, '/');

	if (slash && looks_like_domain(name, (size_t)(slash - name))) {
		*slash = '\0';
		out->domain = xstrdup(strcmp(name, LEGACY_DOMAIN) == 0 ? DEFAULT_DOMAIN : name);
		name = slash + 1;
	} else {
		out->domain = xstrdup(DEFAULT_DOMAIN);
	}
	if (strcmp(out->domain, DEFAULT_DOMAIN) == 0 && !strchr(name, '/'))
		out->path = xasprintf("%s%s", OFFICIAL_PREFIX, name);
	else
		out->path = xstrdup(name);
}

static int check_name(const struct image_ref *r, md_error *err)
{
	cleanup_free char *lower = NULL;

	if (!valid_domain(r->domain))
		return md_error_set(err, 0, BAD_FORMAT ": invalid registry domain");
	if (!valid_path(r->path)) {
		lower = xstrdup(r->path);
		for (char *p = lower; *p; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		}
		if (valid_path(lower))
			return md_error_set(err, 0,
					    BAD_FORMAT ": repository name must be lowercase");
		return md_error_set(err, 0, BAD_FORMAT);
	}
	if (strlen(r->domain) + 1 + strlen(r->path) > NAME_MAX_LEN)
		return md_error_set(
			err, 0, BAD_FORMAT ": repository name must not be more than %d characters",
			NAME_MAX_LEN);
	return 0;
}

/* Take the `@digest` and then the `:tag` off the end of copy. */
static int split_suffixes(char *copy, struct image_ref *out, md_error *err)
{
	char *at = strchr(copy, '@'), *colon, *slash;

	if (at) {
		*at++ = '\0';
		if (digest_check(at, err) < 0)
			return md_error_prefix(err, BAD_FORMAT);
		out->digest = xstrdup(at);
	}
	colon = strrchr(copy, ':');
	slash = strrchr(copy, '/');
	if (colon && (!slash || colon > slash)) {
		*colon++ = '\0';
		if (!valid_tag(colon))
			return md_error_set(err, 0,
					    BAD_FORMAT ": a tag is 1 to 128 of [A-Za-z0-9_.-], "
						       "not starting with `.` or `-`");
		out->tag = xstrdup(colon);
	}
	return 0;
}

int ref_parse(const char *s, struct image_ref *out, md_error *err)
{
	cleanup_free char *copy = NULL;

	memset(out, 0, sizeof(*out));
	if (*s == '\0')
		return md_error_set(
			err, 0, BAD_FORMAT ": repository name must have at least one component");
	if (is_image_id(s))
		return md_error_set(err, 0,
				    "invalid repository name (%s), cannot specify 64-byte "
				    "hexadecimal strings",
				    s);
	copy = xstrdup(s);
	if (split_suffixes(copy, out, err) < 0)
		goto fail;
	split_name(copy, out);
	if (check_name(out, err) < 0)
		goto fail;
	if (!out->tag && !out->digest)
		out->tag = xstrdup(DEFAULT_TAG);
	return 0;
fail:
	ref_free(out);
	return -1;
}

/* The path as Docker shows it for docker.io: without `library/` for an
 * official image. NULL when the domain must stay, because the path's first
 * component would read as a domain. */
static const char *familiar_path(const struct image_ref *r)
{
	const char *rest;

	if (strcmp(r->domain, DEFAULT_DOMAIN) != 0 ||
	    looks_like_domain(r->path, strcspn(r->path, "/")))
		return NULL;
	if (!md_str_has_prefix(r->path, OFFICIAL_PREFIX))
		return r->path;
	rest = r->path + strlen(OFFICIAL_PREFIX);
	return strchr(rest, '/') || is_image_id(rest) ? r->path : rest;
}

char *ref_name(const struct image_ref *r, enum ref_form form)
{
	const char *path = form == REF_FAMILIAR ? familiar_path(r) : NULL;

	if (path)
		return xstrdup(path);
	return xasprintf("%s/%s", r->domain, r->path);
}

char *ref_string(const struct image_ref *r, enum ref_form form)
{
	cleanup_free char *name = ref_name(r, form);

	return xasprintf("%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

void ref_free(struct image_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}
