/* SPDX-License-Identifier: Apache-2.0 */
/* A client of one repository on one registry: the OCI distribution API
 * (https://github.com/opencontainers/distribution-spec) over libcurl.
 *
 * The endpoint: docker.io is Docker Hub's registry-1.docker.io. HTTPS with
 * the system's CAs, plus HOST[:PORT]'s *.crt in the certs directory
 * (Docker's certs.d layout, /etc/mydocker/certs.d/HOST:PORT/ca.crt; a
 * client.cert/client.key pair there is sent too). Plain HTTP only for an
 * insecure registry: one named in opts->insecure (HOST or HOST:PORT) or in
 * /etc/mydocker/daemon.json's "insecure-registries", or a loopback address
 * (localhost, 127.0.0.0/8, ::1), as Docker: HTTPS is tried first without
 * checking the certificate, then HTTP.
 *
 * Authentication (auth.h): a request answered 401 is retried once with
 * what its WWW-Authenticate asks: Basic with the credentials, or Bearer
 * with a token from the realm (anonymous, or with the credentials). The
 * credentials are opts->username/password, else the auth file's entry for
 * the registry. They never appear in an error.
 *
 * A struct registry is safe to use from several threads at once (blob
 * transfers in parallel): they share one libcurl connection pool, DNS and
 * TLS sessions, and its token. Errors are one line: "HOST: what" with the
 * registry's own error code and message when it gave one (errnum: EACCES
 * for 401/403, ENOENT for 404, EPROTO for a bad answer, EIO for a
 * transfer that failed, ECONNREFUSED/EHOSTUNREACH and the like for a
 * connection). */
#ifndef MD_REGISTRY_REGISTRY_H
#define MD_REGISTRY_REGISTRY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine/images/blobs.h"
#include "util/error.h"

/* Manifests larger than this are refused (the store takes no larger
 * JSON document either). */
#define REGISTRY_MANIFEST_MAX (4 << 20)

struct registry_opts {
	char *const *insecure; /* HOST or HOST:PORT; NULL-terminated or NULL */
	const char *certs_dir; /* NULL: /etc/mydocker/certs.d ($MYDOCKER_CERTS_D),
				* whose HOST:PORT/ folder is used */
	const char *cert_dir;  /* podman's --cert-dir: this registry's own
				* folder (*.crt, *.cert, *.key), instead */
	const char *auth_file; /* NULL: auth_file_default() */
	/* Explicit credentials (login, --creds); NULL: the auth file's. */
	const char *username, *password;
};

struct registry;

/* A client of domain (as ref_parse gives it: "docker.io",
 * "localhost:5000") for repository path ("library/busybox"). No network
 * traffic yet. */
struct registry *registry_open(const char *domain, const char *path,
			       const struct registry_opts *opts, md_error *err);
void registry_close(struct registry *r);

/* GET /v2/ with authentication: 0 when the registry accepts us (login's
 * check). Picks HTTPS or HTTP for the rest. */
int registry_ping(struct registry *r, md_error *err);

/* A manifest or index by tag or digest ("sha256:HEX"), with the media
 * types Docker accepts. *data (NUL-terminated, caller frees) at most
 * REGISTRY_MANIFEST_MAX bytes; media_type its Content-Type (else its
 * mediaType field); digest the sha256 of the bytes (checked against ref
 * when ref is a digest, and against Docker-Content-Digest when the
 * registry sent one). */
int registry_get_manifest(struct registry *r, const char *ref, char **data, size_t *len,
			  char media_type[128], char digest[BLOB_DIGEST_MAX], md_error *err);

/* Streams blob digest to sink, which returns 0 to go on (or -1 with err
 * set to stop). At most max_size bytes are accepted (the descriptor's
 * size: more is an error). The caller checks the digest (blob_writer).
 * Thread-safe. progress (may be NULL) is called with the bytes so far. */
typedef int (*registry_sink)(void *arg, const void *data, size_t len, md_error *err);
int registry_get_blob(struct registry *r, const char *digest, uint64_t max_size, registry_sink sink,
		      void *arg, md_error *err);

/* HEAD of a blob: *exists. */
int registry_blob_exists(struct registry *r, const char *digest, bool *exists, md_error *err);

/* Cross-repository mount: POST .../blobs/uploads/?mount=DIGEST&from=REPO.
 * *mounted false (and 0) when the registry started an upload instead
 * (then cancelled). */
int registry_mount_blob(struct registry *r, const char *digest, const char *from_path,
			bool *mounted, md_error *err);

/* Upload size bytes read from fd (from offset 0, with pread) as blob
 * digest: POST, then one PUT (monolithic) when size <= chunk, else PATCHes
 * of chunk bytes then the closing PUT. chunk 0: a default (32 MiB).
 * progress (may be NULL) gets the bytes sent so far. */
typedef void (*registry_progress)(void *arg, uint64_t done);
int registry_put_blob(struct registry *r, const char *digest, int fd, uint64_t size, uint64_t chunk,
		      registry_progress progress, void *arg, md_error *err);

/* PUT a manifest (or index) under ref (a tag or its digest). */
int registry_put_manifest(struct registry *r, const char *ref, const char *media_type,
			  const char *data, size_t len, md_error *err);

/* The host part of the registry's URLs ("registry-1.docker.io",
 * "localhost:5000") and the key of its credentials in an auth file
 * ("https://index.docker.io/v1/" for Docker Hub, else the domain). */
const char *registry_host(const struct registry *r);
const char *registry_auth_key(const char *domain);

#endif
