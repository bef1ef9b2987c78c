/* SPDX-License-Identifier: Apache-2.0 */
/* One HTTP exchange with a registry over libcurl (registry.c's transport):
 * the TLS policy, a body to send from memory or a file, the answer's body
 * to a sink (a 2xx) or to a small buffer (an error document), and the
 * headers registry.c needs. No authentication logic here. */
#ifndef MD_REGISTRY_HTTP_H
#define MD_REGISTRY_HTTP_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/registry/registry.h"
#include "util/error.h"

/* What every request to one registry shares: libcurl's connection pool,
 * DNS cache and TLS sessions (one share handle with its locks), and the
 * TLS settings. */
struct http_pool {
	void *share; /* CURLSH */
	pthread_mutex_t locks[8];
	bool verify_tls; /* false for an insecure registry */
	bool plain_ok;   /* http:// allowed (redirects too) */
	char *ca_pem;    /* system CAs and certs.d/HOST/NAME.crt, or NULL */
	size_t ca_pem_len;
	char *client_cert, *client_key; /* certs.d/HOST/NAME.cert and .key */
};

/* cert_dir: the registry's folder of certificates (Docker's
 * certs.d/HOST:PORT); one that does not exist adds none. */
int http_pool_init(struct http_pool *p, bool insecure, const char *cert_dir, md_error *err);
void http_pool_fini(struct http_pool *p);

struct http_req {
	const char *method; /* GET HEAD POST PUT PATCH DELETE */
	const char *url;
	const char *authorization;  /* the header's value, or NULL */
	const char *const *headers; /* more "Name: value" lines, NULL-terminated */
	bool follow;                /* follow redirects (GET, HEAD) */
	/* The body to send: len bytes from mem, else from fd at offset. */
	const char *body;
	int body_fd;
	uint64_t body_off, body_len;
	registry_progress progress; /* bytes of the body sent so far */
	void *progress_arg;
	/* A 2xx answer's body goes to sink (else it is dropped); more than
	 * max_body bytes is an error (0: no body expected, any is dropped). */
	registry_sink sink;
	void *sink_arg;
	uint64_t max_body;
};

struct http_resp {
	long status;
	char *www_authenticate, *location, *content_type, *docker_digest, *range;
	char *error_body; /* a non-2xx answer's body, at most 64 KiB */
	size_t error_len;
};
void http_resp_free(struct http_resp *r);

/* One request. 0 when an answer came (whatever its status); -1 when none
 * did, or the sink stopped it, or the body was too long (err says which:
 * errnum ECONNREFUSED, ETIMEDOUT, EPROTO for a failed TLS handshake,
 * EKEYREJECTED for an untrusted certificate, ELOOP for redirects,
 * EFBIG for too long, EIO for a cut transfer). */
int http_do(struct http_pool *p, const struct http_req *q, struct http_resp *out, md_error *err);

#endif
