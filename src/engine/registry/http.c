/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/registry/http.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/registry/curl-lib.h"
#include "util/cleanup.h"
#include "util/util.h"

#define ERROR_BODY_MAX (64 << 10)
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define CONNECT_TIMEOUT_S 30L
/* A transfer slower than 1 byte/s for this long has stalled. */
#define STALL_S 60L
#define MAX_REDIRECTS 10L
/* libcurl's receive buffer: 16 KiB by default, a syscall (and a blob and
 * pipe write) per 16 KiB of a layer; larger is fewer. */
#define RECV_BUFFER (256L << 10)

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *arg)
{
	struct http_pool *p = arg;

	if ((unsigned)data < sizeof(p->locks) / sizeof(p->locks[0]))
		pthread_mutex_lock(&p->locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct http_pool *p = arg;

	if ((unsigned)data < sizeof(p->locks) / sizeof(p->locks[0]))
		pthread_mutex_unlock(&p->locks[data]);
}

/* Append a file's bytes to *pem. A missing file adds nothing. */
static int pem_append(char **pem, size_t *len, const char *path, md_error *err)
{
	cleanup_free char *data = NULL;
	size_t n;

	if (md_read_file(path, &data, &n, err) < 0)
		return err->errnum == ENOENT ? (md_error_clear(err), 0) : -1;
	*pem = xrealloc(*pem, *len + n + 2);
	memcpy(*pem + *len, data, n);
	*len += n;
	(*pem)[(*len)++] = '\n';
	(*pem)[*len] = '\0';
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Docker's certs.d/HOST: every *.crt is a CA (added to the system's), a
 * NAME.cert with its NAME.key a client certificate. */
static int load_certs_dir(struct http_pool *p, const char *dir, md_error *err)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "open %s", dir);
	if (pem_append(&p->ca_pem, &p->ca_pem_len, SYSTEM_CA_BUNDLE, err) < 0)
		return -1;
	while ((e = readdir(d))) {
		cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);

		if (has_suffix(e->d_name, ".crt")) {
			if (pem_append(&p->ca_pem, &p->ca_pem_len, path, err) < 0)
				return -1;
		} else if (has_suffix(e->d_name, ".cert") && !p->client_cert) {
			p->client_cert = xstrdup(path);
			p->client_key = xasprintf("%.*s.key", (int)(strlen(path) - 5), path);
		}
	}
	return 0;
}

int http_pool_init(struct http_pool *p, bool insecure, const char *cert_dir, md_error *err)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(p->locks) / sizeof(p->locks[0]); i++)
		pthread_mutex_init(&p->locks[i], NULL);
	p->verify_tls = !insecure;
	p->plain_ok = insecure;
	p->share = curl_share_init();
	if (!p->share)
		return md_error_set(err, ENOMEM, "libcurl: cannot make a connection pool");
	curl_share_setopt(p->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(p->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(p->share, CURLSHOPT_USERDATA, p);
	curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	return load_certs_dir(p, cert_dir, err);
}

void http_pool_fini(struct http_pool *p)
{
	if (p->share)
		curl_share_cleanup(p->share);
	for (size_t i = 0; i < sizeof(p->locks) / sizeof(p->locks[0]); i++)
		pthread_mutex_destroy(&p->locks[i]);
	free(p->ca_pem);
	free(p->client_cert);
	free(p->client_key);
	memset(p, 0, sizeof(*p));
}

void http_resp_free(struct http_resp *r)
{
	free(r->www_authenticate);
	free(r->location);
	free(r->content_type);
	free(r->docker_digest);
	free(r->range);
	free(r->error_body);
	memset(r, 0, sizeof(*r));
}

/* The state of one exchange, shared by the callbacks. */
struct xfer {
	CURL *h;
	const struct http_req *q;
	struct http_resp *resp;
	uint64_t sent, received;
	md_error sink_err;
	bool sink_failed, too_long;
};

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	uint64_t left = x->q->body_len - x->sent;
	size_t want = size * n < left ? size * n : (size_t)left;
	ssize_t got;

	if (want == 0)
		return 0;
	if (x->q->body) {
		memcpy(buf, x->q->body + x->sent, want);
		got = (ssize_t)want;
	} else {
		do
			got = pread(x->q->body_fd, buf, want, (off_t)(x->q->body_off + x->sent));
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			return CURL_READFUNC_ABORT;
	}
	x->sent += (uint64_t)got;
	if (x->q->progress)
		x->q->progress(x->q->progress_arg, x->sent);
	return (size_t)got;
}

static size_t on_write(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	long status = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || (status >= 300 && status < 400))
		return len; /* a redirect's or an interim answer's body */
	if (status >= 300) {
		struct http_resp *r = x->resp;
		size_t keep =
			ERROR_BODY_MAX - r->error_len < len ? ERROR_BODY_MAX - r->error_len : len;

		r->error_body = xrealloc(r->error_body, r->error_len + keep + 1);
		memcpy(r->error_body + r->error_len, data, keep);
		r->error_len += keep;
		r->error_body[r->error_len] = '\0';
		return len;
	}
	if (x->q->max_body == 0)
		return len; /* no body expected: dropped */
	if (x->received + len > x->q->max_body) {
		x->too_long = true;
		return CURL_WRITEFUNC_ERROR;
	}
	x->received += len;
	if (x->q->sink && x->q->sink(x->q->sink_arg, data, len, &x->sink_err) < 0) {
		x->sink_failed = true;
		return CURL_WRITEFUNC_ERROR;
	}
	return len;
}

/* Keep a header's value (trimmed) when name matches. */
static void header_keep(char **slot, const char *line, size_t len, const char *name)
{
	size_t nlen = strlen(name);

	if (len <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
		return;
	line += nlen + 1;
	len -= nlen + 1;
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	free(*slot);
	*slot = strndup(line, len);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_resp *r = x->resp;
	size_t len = size * n;

	/* Each answer (a redirect, then its target) starts with a status
	 * line: keep the last answer's headers only. */
	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		http_resp_free(r);
		return len;
	}
	header_keep(&r->www_authenticate, line, len, "www-authenticate");
	header_keep(&r->location, line, len, "location");
	header_keep(&r->content_type, line, len, "content-type");
	header_keep(&r->docker_digest, line, len, "docker-content-digest");
	header_keep(&r->range, line, len, "range");
	return len;
}

static void set_tls(CURL *h, const struct http_pool *p)
{
	if (!p->verify_tls) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (p->ca_pem) {
		struct curl_blob blob = { p->ca_pem, p->ca_pem_len, CURL_BLOB_NOCOPY };

		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (p->client_cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, p->client_cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, p->client_key);
	}
}

static void set_method(CURL *h, const struct http_req *q)
{
	bool has_body = q->body || q->body_len;

	if (strcmp(q->method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(q->method, "POST") == 0 && !has_body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (strcmp(q->method, "GET") != 0) {
		/* PUT, PATCH (and POST with a body) send with the upload machinery;
		 * the method is named. */
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->body_len);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
	}
}

static struct curl_slist *make_headers(const struct http_req *q)
{
	struct curl_slist *l = NULL;
	cleanup_free char *authz = NULL;

	/* No "Expect: 100-continue" round trip before a body. */
	l = curl_slist_append(l, "Expect:");
	if (q->authorization) {
		authz = xasprintf("Authorization: %s", q->authorization);
		l = curl_slist_append(l, authz);
		explicit_bzero(authz, strlen(authz));
	}
	for (size_t i = 0; q->headers && q->headers[i]; i++)
		l = curl_slist_append(l, q->headers[i]);
	return l;
}

static void set_options(CURL *h, struct http_pool *p, const struct http_req *q, struct xfer *x,
			struct curl_slist *headers, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_SHARE, p->share);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "mydocker/0.1");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, p->plain_ok ? "https,http" : "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, p->plain_ok ? "https,http" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, q->follow ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_S);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, RECV_BUFFER);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, x);
	set_tls(h, p);
	set_method(h, q);
}

/* errno for a libcurl failure, so callers can tell a refused connection
 * from a cut transfer. */
static int curl_errnum(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return EHOSTUNREACH;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	case CURLE_TOO_MANY_REDIRECTS:
		return ELOOP;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return EKEYREJECTED; /* a certificate we do not trust */
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return EPROTO; /* no TLS there (a plain HTTP server), or a protocol refused */
	default:
		return EIO;
	}
}

static int xfer_failed(struct xfer *x, CURLcode rc, const char *errbuf, md_error *err)
{
	/* The URL without its query: an upload's carries a long state token. */
	int url_len = (int)strcspn(x->q->url, "?");

	if (x->sink_failed) {
		*err = x->sink_err;
		return -1;
	}
	if (x->too_long)
		return md_error_set(
			err, EFBIG, "%s %.*s: the server sent more than the %llu bytes expected",
			x->q->method, url_len, x->q->url, (unsigned long long)x->q->max_body);
	if (rc == CURLE_TOO_MANY_REDIRECTS)
		return md_error_set(err, ELOOP, "%s %.*s: more than %ld redirects", x->q->method,
				    url_len, x->q->url, MAX_REDIRECTS);
	return md_error_set(err, curl_errnum(rc), "%s %.*s: %s", x->q->method, url_len, x->q->url,
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

int http_do(struct http_pool *p, const struct http_req *q, struct http_resp *out, md_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct xfer x = { .q = q, .resp = out };
	struct curl_slist *headers;
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	x.h = curl_easy_init();
	if (!x.h)
		return md_error_set(err, ENOMEM, "libcurl: cannot make a request");
	headers = make_headers(q);
	set_options(x.h, p, q, &x, headers, errbuf);
	rc = curl_easy_perform(x.h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(x.h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_cleanup(x.h);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK) {
		http_resp_free(out);
		return xfer_failed(&x, rc, errbuf, err);
	}
	return 0;
}
