/* SPDX-License-Identifier: Apache-2.0 */
/* Registry authentication: the WWW-Authenticate challenge a registry
 * answers 401 with, and the credentials a user saved with `login`.
 *
 * The auth file is Docker's config.json: {"auths": {"KEY": {"auth":
 * base64("USER:PASSWORD")}}, ...}, KEY the registry's domain (Docker Hub:
 * "https://index.docker.io/v1/"). A key written as a URL
 * ("https://HOST/", "http://HOST/v2/") matches HOST, as Docker reads it.
 * Other keys of the file (credsStore, HttpHeaders, ...) are kept when it
 * is written. The file is written 0600, atomically (temporary name, rename),
 * in a directory made 0700 when missing. */
#ifndef MD_REGISTRY_AUTH_H
#define MD_REGISTRY_AUTH_H
#include "util/error.h"

enum www_auth_scheme { WWW_AUTH_NONE, WWW_AUTH_BASIC, WWW_AUTH_BEARER };

/* One challenge: `Bearer realm="https://auth.docker.io/token",
 * service="registry.docker.io",scope="repository:library/busybox:pull"`
 * or `Basic realm="Registry"` (RFC 7235: the scheme is case-insensitive,
 * parameters are token=token or token="quoted \"string\"", separated by
 * commas with optional spaces). Unknown parameters are ignored. */
struct www_auth {
	enum www_auth_scheme scheme;
	char *realm, *service, *scope, *error; /* NULL when absent */
};

/* Parse a header's value (untrusted; the first challenge of a known
 * scheme, when it holds several). An unknown scheme, a Bearer without a
 * realm, an unterminated quote or a malformed parameter is an error
 * (errnum EPROTO). At most 8 KiB. */
int www_auth_parse(const char *value, struct www_auth *out, md_error *err);
void www_auth_free(struct www_auth *a);

/* The auth file to use when none is given: $REGISTRY_AUTH_FILE, else
 * $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (root's:
 * /root/.docker/config.json). Caller frees. */
char *auth_file_default(void);

/* The registry domain that an auth file's key or login's SERVER names, as
 * Docker's convertToHostname reads it: without "http://" or "https://"
 * and without a path; Docker Hub's names (index.docker.io,
 * registry-1.docker.io, "https://index.docker.io/v1/") are "docker.io".
 * Caller frees. */
char *auth_key_domain(const char *key);

/* The credentials saved for key (registry_auth_key). 0 with *user and
 * *password NULL when the file or the entry does not exist; an entry with
 * an "identitytoken" only is treated as none. Caller frees both. */
int auth_file_get(const char *file, const char *key, char **user, char **password, md_error *err);
/* Save (replace) key's credentials. */
int auth_file_set(const char *file, const char *key, const char *user, const char *password,
		  md_error *err);
/* Remove key's entry; errnum ENOENT when there was none. */
int auth_file_remove(const char *file, const char *key, md_error *err);

/* "Basic base64(user:password)" value for an Authorization header, and
 * the reverse for an auth file's "auth" field. Caller frees (and should
 * wipe: explicit_bzero). */
char *auth_basic_encode(const char *user, const char *password);
int auth_basic_decode(const char *b64, char **user, char **password, md_error *err);

#endif
