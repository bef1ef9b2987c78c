/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/registry/registry.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/images/libs.h"
#include "engine/images/manifest.h"
#include "engine/registry/auth.h"
#include "engine/registry/curl-lib.h"
#include "engine/registry/http.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_HOST "registry-1.docker.io"
#define DOCKER_HUB_AUTH_KEY "https://index.docker.io/v1/"
#define DEFAULT_CERTS_D "/etc/mydocker/certs.d"
#define TOKEN_MAX (1 << 20)
#define DEFAULT_CHUNK (32ull << 20)

static const char manifest_accept[] =
	"Accept: " MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST;

struct registry {
	char *domain, *host, *path;
	bool insecure;
	struct http_pool pool;
	char *user, *password;
	pthread_mutex_t lock; /* base, authz */
	char *base;           /* "https://HOST" once chosen */
	char *authz;          /* the Authorization value that works, or NULL */
};

const char *registry_auth_key(const char *domain)
{
	return strcmp(domain, DOCKER_HUB) == 0 ? DOCKER_HUB_AUTH_KEY : domain;
}

const char *registry_host(const struct registry *r)
{
	return r->host;
}

/* The host of "HOST[:PORT]" or "[V6]:PORT", without the port. */
static char *host_part(const char *domain)
{
	const char *colon;

	if (domain[0] == '[') {
		const char *end = strchr(domain, ']');

		return end ? strndup(domain + 1, (size_t)(end - domain - 1)) : xstrdup(domain);
	}
	colon = strchr(domain, ':');
	return colon ? strndup(domain, (size_t)(colon - domain)) : xstrdup(domain);
}

/* Plain HTTP is allowed for a registry the user named insecure and, as
 * Docker does, for a loopback one. */
static bool is_insecure(const char *domain, char *const *list)
{
	cleanup_free char *h = host_part(domain);

	if (strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0)
		return true;
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], domain) == 0 || strcmp(list[i], h) == 0)
			return true;
	return false;
}

static int load_credentials(struct registry *r, const struct registry_opts *o, md_error *err)
{
	cleanup_free char *file = NULL;

	if (o->username) {
		r->user = xstrdup(o->username);
		r->password = xstrdup(o->password ? o->password : "");
		return 0;
	}
	file = o->auth_file ? xstrdup(o->auth_file) : auth_file_default();
	if (!file)
		return 0;
	return auth_file_get(file, registry_auth_key(r->domain), &r->user, &r->password, err);
}

struct registry *registry_open(const char *domain, const char *path,
			       const struct registry_opts *opts, md_error *err)
{
	struct registry *r;
	const char *certs = opts->certs_dir;
	cleanup_free char *cert_dir = NULL;

	if (registry_curl_load(err) < 0)
		return NULL;
	if (!certs)
		certs = getenv("MYDOCKER_CERTS_D") ? getenv("MYDOCKER_CERTS_D") : DEFAULT_CERTS_D;
	r = xmalloc0(sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->domain = xstrdup(domain);
	r->host = xstrdup(strcmp(domain, DOCKER_HUB) == 0 ? DOCKER_HUB_HOST : domain);
	r->path = xstrdup(path);
	r->insecure = is_insecure(domain, opts->insecure);
	cert_dir = opts->cert_dir ? xstrdup(opts->cert_dir) : xasprintf("%s/%s", certs, domain);
	if (http_pool_init(&r->pool, r->insecure, cert_dir, err) < 0 ||
	    load_credentials(r, opts, err) < 0) {
		registry_close(r);
		return NULL;
	}
	return r;
}

static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void registry_close(struct registry *r)
{
	if (!r)
		return;
	http_pool_fini(&r->pool);
	pthread_mutex_destroy(&r->lock);
	free(r->domain);
	free(r->host);
	free(r->path);
	free(r->base);
	free_secret(r->user);
	free_secret(r->password);
	free_secret(r->authz);
	free(r);
}

/* An answer's body kept in memory (manifests, tokens). */
struct membuf {
	char *data;
	size_t len;
};

static int membuf_sink(void *arg, const void *data, size_t len, md_error *err)
{
	struct membuf *m = arg;

	m->data = xrealloc(m->data, m->len + len + 1);
	memcpy(m->data + m->len, data, len);
	m->len += len;
	m->data[m->len] = '\0';
	return 0;
}

/* The error of a non-2xx answer: the registry's own first error
 * ({"errors": [{"code", "message"}]}) when it sent one. */
static int status_error(const struct registry *r, const struct http_resp *resp, const char *what,
			md_error *err)
{
	int errnum = resp->status == 401 || resp->status == 403 ? EACCES
		     : resp->status == 404                      ? ENOENT
								: EPROTO;
	json_object *doc = resp->error_body ? json_tokener_parse(resp->error_body) : NULL;
	json_object *list = NULL, *first;
	const char *code = NULL, *msg = NULL;

	if (json_object_is_type(doc, json_type_object) &&
	    json_object_object_get_ex(doc, "errors", &list) &&
	    json_object_is_type(list, json_type_array) && json_object_array_length(list) > 0) {
		first = json_object_array_get_idx(list, 0);
		code = md_json_string(first, "code");
		msg = md_json_string(first, "message");
	}
	if (msg && code) {
		cleanup_free char *lower = xstrdup(code);

		for (char *c = lower; *c; c++)
			*c = *c == '_' ? ' ' : (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		md_error_set(err, errnum, "%s: %s: %s", what, lower, msg);
	} else if (resp->status == 401) {
		md_error_set(err, errnum, "%s: unauthorized: authentication required", what);
	} else {
		md_error_set(err, errnum, "%s: %s answered HTTP %ld", what, r->host, resp->status);
	}
	json_object_put(doc);
	return -1;
}

/* https://HOST, or for an insecure registry that does not speak TLS,
 * http://HOST (Docker's order). Decided once. */
static int ensure_base(struct registry *r, md_error *err)
{
	cleanup_free char *url = NULL;
	struct http_req q = { .method = "GET" };
	struct http_resp resp;
	int rc = 0;

	pthread_mutex_lock(&r->lock);
	if (r->base)
		goto out;
	if (!r->insecure) {
		r->base = xasprintf("https://%s", r->host);
		goto out;
	}
	url = xasprintf("https://%s/v2/", r->host);
	q.url = url;
	if (http_do(&r->pool, &q, &resp, err) == 0) {
		r->base = xasprintf("https://%s", r->host);
		http_resp_free(&resp);
	} else if (err->errnum == EPROTO || err->errnum == EIO) {
		md_error_clear(err);
		r->base = xasprintf("http://%s", r->host);
	} else {
		rc = -1;
	}
out:
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* Append "&NAME=VALUE", escaped. */
static void query_add(char **url, const char *name, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);
	char *next =
		xasprintf("%s%c%s=%s", *url, strchr(*url, '?') ? '&' : '?', name, esc ? esc : "");

	curl_free(esc);
	free(*url);
	*url = next;
}

static int token_parse(const char *data, char **token, md_error *err)
{
	json_object *doc = json_tokener_parse(data);
	const char *t = md_json_string(doc, "token");

	if (!t || !t[0])
		t = md_json_string(doc, "access_token");
	if (t && t[0])
		*token = xstrdup(t);
	json_object_put(doc);
	return *token ? 0 : md_error_set(err, EPROTO, "the token server sent no token");
}

/* A bearer token from the challenge's realm (Docker's token protocol):
 * GET REALM?service=S&scope=A[&scope=B], with our credentials if any. */
static int fetch_token(struct registry *r, const struct www_auth *a, const char *extra_scope,
		       char **token, md_error *err)
{
	cleanup_free char *url = xstrdup(a->realm), *basic = NULL;
	struct membuf body = { 0 };
	struct http_req q = { .method = "GET",
			      .follow = true,
			      .sink = membuf_sink,
			      .sink_arg = &body,
			      .max_body = TOKEN_MAX };
	struct http_resp resp;
	int rc;

	if (a->service)
		query_add(&url, "service", a->service);
	if (a->scope)
		query_add(&url, "scope", a->scope);
	if (extra_scope)
		query_add(&url, "scope", extra_scope);
	if (r->user) {
		query_add(&url, "account", r->user);
		basic = auth_basic_encode(r->user, r->password);
		q.authorization = basic;
	}
	q.url = url;
	rc = http_do(&r->pool, &q, &resp, err);
	if (basic)
		explicit_bzero(basic, strlen(basic));
	if (rc == 0 && resp.status == 200)
		rc = token_parse(body.data ? body.data : "", token, err);
	else if (rc == 0 && resp.status == 401)
		rc = md_error_set(err, EACCES, "%s: unauthorized: incorrect username or password",
				  r->domain);
	else if (rc == 0)
		rc = md_error_set(err, EACCES, "%s: the token server answered HTTP %ld", r->domain,
				  resp.status);
	http_resp_free(&resp);
	free(body.data);
	return rc;
}

/* Answer a 401's challenge: a new Authorization value. 1 when there is
 * nothing to try (Basic without credentials, or the same value already
 * failed): the 401 stands. used is the value the failed request sent. */
static int authenticate(struct registry *r, const char *header, const char *used,
			const char *extra_scope, md_error *err)
{
	struct www_auth a = { 0 };
	char *next = NULL;
	int rc = 0;

	if (www_auth_parse(header, &a, err) < 0)
		return md_error_prefix(err, "%s", r->domain);
	pthread_mutex_lock(&r->lock);
	if (r->authz && (!used || strcmp(r->authz, used) != 0))
		goto out; /* another thread has authenticated meanwhile */
	if (a.scheme == WWW_AUTH_BASIC && r->user)
		next = auth_basic_encode(r->user, r->password);
	else if (a.scheme == WWW_AUTH_BEARER) {
		cleanup_free char *token = NULL;

		rc = fetch_token(r, &a, extra_scope, &token, err);
		if (rc == 0 && token)
			next = xasprintf("Bearer %s", token);
		if (token)
			explicit_bzero(token, strlen(token));
	}
	if (rc == 0 && (!next || (used && strcmp(next, used) == 0)))
		rc = 1;
	if (rc == 0) {
		free_secret(r->authz);
		r->authz = TAKE_PTR(next);
	}
out:
	pthread_mutex_unlock(&r->lock);
	free_secret(next);
	www_auth_free(&a);
	return rc;
}

/* One request with authentication: sent with the Authorization that
 * worked last; a 401 is answered once (authenticate) and the request sent
 * again. 0 with the final answer in resp. */
static int request(struct registry *r, struct http_req *q, const char *extra_scope,
		   struct http_resp *resp, md_error *err)
{
	for (int attempt = 0;; attempt++) {
		char *used;
		int rc;

		pthread_mutex_lock(&r->lock);
		used = r->authz ? xstrdup(r->authz) : NULL;
		pthread_mutex_unlock(&r->lock);
		q->authorization = used;
		rc = http_do(&r->pool, q, resp, err);
		if (rc == 0 && resp->status == 401 && resp->www_authenticate && attempt == 0) {
			rc = authenticate(r, resp->www_authenticate, used, extra_scope, err);
			if (rc == 0) {
				http_resp_free(resp);
				free_secret(used);
				continue;
			}
			rc = rc > 0 ? 0 : (http_resp_free(resp), -1);
		}
		q->authorization = NULL;
		free_secret(used);
		return rc;
	}
}

static char *url_of(struct registry *r, const char *fmt_tail, const char *arg)
{
	return xasprintf("%s/v2/%s/%s%s", r->base, r->path, fmt_tail, arg ? arg : "");
}

/* A hint for the usual mistakes: a plain HTTP registry named as secure,
 * a registry whose CA is not installed. */
static int connect_error(struct registry *r, md_error *err)
{
	if (err->errnum == EPROTO && !r->insecure)
		md_error_prefix(err,
				"%s: no HTTPS there (a plain HTTP registry must be named "
				"with --insecure-registry)",
				r->domain);
	else if (err->errnum == EKEYREJECTED)
		md_error_prefix(err,
				"%s: its certificate is not trusted (its CA can go in "
				"/etc/mydocker/certs.d/%s/ca.crt)",
				r->domain, r->domain);
	return -1;
}

int registry_ping(struct registry *r, md_error *err)
{
	cleanup_free char *url = NULL;
	struct http_req q = { .method = "GET", .follow = true };
	struct http_resp resp;
	int rc;

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = xasprintf("%s/v2/", r->base);
	q.url = url;
	if (request(r, &q, NULL, &resp, err) < 0)
		return connect_error(r, err);
	rc = resp.status == 200 ? 0 : status_error(r, &resp, r->domain, err);
	if (rc < 0 && resp.status == 401 && r->user)
		rc = md_error_set(err, EACCES, "%s: unauthorized: incorrect username or password",
				  r->domain);
	http_resp_free(&resp);
	return rc;
}

/* The media type of a Content-Type value (parameters dropped). */
static void media_type_of(const char *content_type, char out[128])
{
	size_t n = content_type ? strcspn(content_type, "; \t") : 0;

	if (n >= 128)
		n = 0;
	memcpy(out, content_type ? content_type : "", n);
	out[n] = '\0';
}

static int manifest_digest_check(const char *data, size_t len, const char *ref,
				 const char *docker_digest, char digest[BLOB_DIGEST_MAX],
				 md_error *err)
{
	struct evp_md_ctx_st *md;

	if (sha256_begin(&md, err) < 0)
		return -1;
	EVP_DigestUpdate(md, data, len);
	if (sha256_end(md, digest, err) < 0) {
		EVP_MD_CTX_free(md);
		return -1;
	}
	EVP_MD_CTX_free(md);
	if (strncmp(ref, "sha256:", 7) == 0 && strcmp(ref, digest) != 0)
		return md_error_set(err, EPROTO, "manifest %s: the registry sent %s", ref, digest);
	if (docker_digest && strncmp(docker_digest, "sha256:", 7) == 0 &&
	    strcmp(docker_digest, digest) != 0)
		return md_error_set(err, EPROTO, "manifest %s: its content is %s, not %s as sent",
				    ref, digest, docker_digest);
	return 0;
}

int registry_get_manifest(struct registry *r, const char *ref, char **data, size_t *len,
			  char media_type[128], char digest[BLOB_DIGEST_MAX], md_error *err)
{
	const char *headers[] = { manifest_accept, NULL };
	struct membuf body = { 0 };
	struct http_req q = { .method = "GET",
			      .follow = true,
			      .headers = headers,
			      .sink = membuf_sink,
			      .sink_arg = &body,
			      .max_body = REGISTRY_MANIFEST_MAX };
	cleanup_free char *url = NULL, *what = NULL;
	struct http_resp resp;
	int rc;

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = url_of(r, "manifests/", ref);
	what = xasprintf("%s/%s%s%s", r->domain, r->path,
			 ref[0] == 's' && strchr(ref, ':') ? "@" : ":", ref);
	q.url = url;
	if (request(r, &q, NULL, &resp, err) < 0) {
		free(body.data);
		if (err->errnum == EFBIG)
			md_error_set(err, EFBIG, "%s: the manifest is larger than %d bytes", what,
				     REGISTRY_MANIFEST_MAX);
		return connect_error(r, err);
	}
	rc = resp.status == 200 ? 0 : status_error(r, &resp, what, err);
	if (rc == 0 && !body.data)
		rc = md_error_set(err, EPROTO, "%s: the registry sent an empty manifest", what);
	if (rc == 0)
		rc = manifest_digest_check(body.data, body.len, ref, resp.docker_digest, digest,
					   err);
	if (rc == 0) {
		media_type_of(resp.content_type, media_type);
		*data = TAKE_PTR(body.data);
		*len = body.len;
	}
	free(body.data);
	http_resp_free(&resp);
	return rc;
}

int registry_get_blob(struct registry *r, const char *digest, uint64_t max_size, registry_sink sink,
		      void *arg, md_error *err)
{
	struct http_req q = {
		.method = "GET", .follow = true, .sink = sink, .sink_arg = arg, .max_body = max_size
	};
	cleanup_free char *url = NULL, *what = NULL;
	struct http_resp resp;
	int rc;

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = url_of(r, "blobs/", digest);
	what = xasprintf("%s/%s: blob %s", r->domain, r->path, digest);
	q.url = url;
	if (request(r, &q, NULL, &resp, err) < 0) {
		if (err->errnum == EFBIG)
			md_error_set(err, EFBIG, "%s: the registry sent more than its %llu bytes",
				     what, (unsigned long long)max_size);
		return connect_error(r, err);
	}
	rc = resp.status == 200 ? 0 : status_error(r, &resp, what, err);
	http_resp_free(&resp);
	return rc;
}

int registry_blob_exists(struct registry *r, const char *digest, bool *exists, md_error *err)
{
	struct http_req q = { .method = "HEAD", .follow = true };
	cleanup_free char *url = NULL;
	struct http_resp resp;
	int rc = 0;

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = url_of(r, "blobs/", digest);
	q.url = url;
	if (request(r, &q, NULL, &resp, err) < 0)
		return connect_error(r, err);
	*exists = resp.status == 200;
	if (resp.status != 200 && resp.status != 404)
		rc = status_error(r, &resp, digest, err);
	http_resp_free(&resp);
	return rc;
}

/* An upload's Location, made absolute. */
static char *location_url(const struct registry *r, const char *loc, md_error *err)
{
	if (!loc || !loc[0]) {
		md_error_set(err, EPROTO, "%s: an upload without a Location", r->domain);
		return NULL;
	}
	if (strstr(loc, "://"))
		return xstrdup(loc);
	if (loc[0] == '/')
		return xasprintf("%s%s", r->base, loc);
	md_error_set(err, EPROTO, "%s: an upload Location that is not a URL", r->domain);
	return NULL;
}

static void cancel_upload(struct registry *r, const char *loc)
{
	cleanup_free char *url = NULL;
	struct http_req q = { .method = "DELETE" };
	struct http_resp resp;
	md_error ignored;

	url = location_url(r, loc, &ignored);
	if (!url)
		return;
	q.url = url;
	if (request(r, &q, NULL, &resp, &ignored) == 0)
		http_resp_free(&resp);
}

/* POST .../blobs/uploads/ (with a query: a mount). 0 with the answer. */
static int upload_start(struct registry *r, const char *query, const char *extra_scope,
			struct http_resp *resp, md_error *err)
{
	cleanup_free char *url = NULL;
	struct http_req q = { .method = "POST" };

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = xasprintf("%s/v2/%s/blobs/uploads/%s", r->base, r->path, query ? query : "");
	q.url = url;
	if (request(r, &q, extra_scope, resp, err) < 0)
		return connect_error(r, err);
	if (resp->status != 201 && resp->status != 202) {
		status_error(r, resp, "start an upload", err);
		http_resp_free(resp);
		return -1;
	}
	return 0;
}

int registry_mount_blob(struct registry *r, const char *digest, const char *from_path,
			bool *mounted, md_error *err)
{
	cleanup_free char *query = NULL, *scope = NULL;
	struct http_resp resp;

	query = xasprintf("?mount=%s&from=%s", digest, from_path);
	scope = xasprintf("repository:%s:pull", from_path);
	if (upload_start(r, query, scope, &resp, err) < 0)
		return -1;
	*mounted = resp.status == 201;
	if (!*mounted)
		cancel_upload(r, resp.location);
	http_resp_free(&resp);
	return 0;
}

/* Progress of one chunk, as bytes of the whole blob. */
struct chunk_progress {
	registry_progress fn;
	void *arg;
	uint64_t base;
};

static void chunk_progress_fn(void *arg, uint64_t done)
{
	struct chunk_progress *c = arg;

	c->fn(c->arg, c->base + done);
}

/* PATCH one chunk to *loc; *loc becomes the next Location. */
static int upload_chunk(struct registry *r, char **loc, int fd, uint64_t off, uint64_t len,
			struct chunk_progress *cp, md_error *err)
{
	cleanup_free char *url = location_url(r, *loc, err), *range = NULL;
	const char *headers[] = { "Content-Type: application/octet-stream", NULL, NULL };
	struct http_req q = { .method = "PATCH",
			      .body_fd = fd,
			      .body_off = off,
			      .body_len = len,
			      .headers = headers };
	struct http_resp resp;

	if (!url)
		return -1;
	range = xasprintf("Content-Range: %llu-%llu", (unsigned long long)off,
			  (unsigned long long)(off + len - 1));
	headers[1] = range;
	q.url = url;
	if (cp->fn) {
		cp->base = off;
		q.progress = chunk_progress_fn;
		q.progress_arg = cp;
	}
	if (request(r, &q, NULL, &resp, err) < 0)
		return -1;
	if (resp.status != 202) {
		status_error(r, &resp, "upload a chunk", err);
		http_resp_free(&resp);
		return -1;
	}
	if (resp.location) {
		free(*loc);
		*loc = TAKE_PTR(resp.location);
	}
	http_resp_free(&resp);
	return 0;
}

/* The closing PUT ?digest=D, with the whole blob (monolithic) or none. */
static int upload_finish(struct registry *r, const char *loc, const char *digest, int fd,
			 uint64_t len, struct chunk_progress *cp, md_error *err)
{
	cleanup_free char *url = location_url(r, loc, err);
	const char *headers[] = { "Content-Type: application/octet-stream", NULL };
	struct http_req q = { .method = "PUT", .body_fd = fd, .body_len = len, .headers = headers };
	struct http_resp resp;
	int rc = 0;

	if (!url)
		return -1;
	query_add(&url, "digest", digest);
	q.url = url;
	if (cp->fn && len) {
		cp->base = 0;
		q.progress = chunk_progress_fn;
		q.progress_arg = cp;
	}
	if (request(r, &q, NULL, &resp, err) < 0)
		return -1;
	if (resp.status != 201)
		rc = status_error(r, &resp, digest, err);
	http_resp_free(&resp);
	return rc;
}

int registry_put_blob(struct registry *r, const char *digest, int fd, uint64_t size, uint64_t chunk,
		      registry_progress progress, void *arg, md_error *err)
{
	struct chunk_progress cp = { progress, arg, 0 };
	struct http_resp resp;
	char *loc;
	uint64_t off = 0;
	int rc = 0;

	if (chunk == 0)
		chunk = DEFAULT_CHUNK;
	if (upload_start(r, NULL, NULL, &resp, err) < 0)
		return md_error_prefix(err, "%s", digest);
	loc = TAKE_PTR(resp.location);
	http_resp_free(&resp);
	if (size <= chunk) {
		rc = upload_finish(r, loc, digest, fd, size, &cp, err);
	} else {
		for (; rc == 0 && off < size; off += chunk)
			rc = upload_chunk(r, &loc, fd, off, size - off < chunk ? size - off : chunk,
					  &cp, err);
		if (rc == 0)
			rc = upload_finish(r, loc, digest, fd, 0, &cp, err);
	}
	if (rc < 0)
		cancel_upload(r, loc);
	free(loc);
	return rc;
}

int registry_put_manifest(struct registry *r, const char *ref, const char *media_type,
			  const char *data, size_t len, md_error *err)
{
	cleanup_free char *url = NULL, *ctype = NULL;
	const char *headers[] = { NULL, NULL };
	struct http_req q = { .method = "PUT", .body = data, .body_len = len, .headers = headers };
	struct http_resp resp;
	int rc = 0;

	if (ensure_base(r, err) < 0)
		return connect_error(r, err);
	url = url_of(r, "manifests/", ref);
	ctype = xasprintf("Content-Type: %s", media_type);
	headers[0] = ctype;
	q.url = url;
	if (request(r, &q, NULL, &resp, err) < 0)
		return connect_error(r, err);
	if (resp.status != 201 && resp.status != 200)
		rc = status_error(r, &resp, ref, err);
	http_resp_free(&resp);
	return rc;
}
