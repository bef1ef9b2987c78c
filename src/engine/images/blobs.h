/* SPDX-License-Identifier: Apache-2.0 */
/* A content-addressed blob store: every blob is a file DIR/sha256/HEX named
 * by the sha256 of its content. A blob is written under DIR/tmp/ first,
 * hashed as it streams, checked against the digest the caller expects,
 * fsync()ed and renamed into place, so a reader never sees a partial or
 * unverified blob. Two writers of the same blob both succeed: the content
 * is the same, the last rename wins. Each writer keeps an flock on its
 * temporary file; one that is not locked was left by a killed process and
 * is swept. */
#ifndef MD_IMAGES_BLOBS_H
#define MD_IMAGES_BLOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* "sha256:" + 64 hex digits + NUL. */
#define BLOB_DIGEST_MAX 72

struct blobs;
struct evp_md_ctx_st; /* OpenSSL's EVP_MD_CTX, kept out of this header */

/* A write in progress (blob_writer_begin to _commit or _abort). */
struct blob_writer {
	struct blobs *store;
	int fd;
	char tmpname[17];
	char expected[BLOB_DIGEST_MAX]; /* "" when the caller expects none */
	struct evp_md_ctx_st *md;       /* the running hash */
	uint64_t size;
};

/* 0 when digest is "sha256:" followed by exactly 64 lowercase hex digits;
 * anything else is refused (it would name a path). */
int digest_check(const char *digest, md_error *err);

/* A running sha256 for a stream of the caller's own (a layer's diff id):
 * begin makes *md (free it with EVP_MD_CTX_free), end writes its
 * "sha256:HEX". */
int sha256_begin(struct evp_md_ctx_st **md, md_error *err);
int sha256_end(struct evp_md_ctx_st *md, char out[BLOB_DIGEST_MAX], md_error *err);

/* Open (and make) the store in dir, and sweep what killed writers left.
 * NULL on failure. */
struct blobs *blobs_open(const char *dir, md_error *err);
void blobs_close(struct blobs *s);

/* The path of a blob (present or not). Caller frees; NULL if the digest is
 * invalid. */
char *blobs_path(const struct blobs *s, const char *digest, md_error *err);
bool blobs_has(const struct blobs *s, const char *digest);

/* Start a blob; expected (or NULL) is the digest its content must have. */
int blob_writer_begin(struct blobs *s, struct blob_writer *w, const char *expected, md_error *err);
int blob_writer_write(struct blob_writer *w, const void *data, size_t len, md_error *err);
/* Check the content against the expected digest, make it durable and put
 * it in place; out_digest (may be NULL) gets its digest. On a mismatch,
 * nothing is kept. The writer is finished either way. */
int blob_writer_commit(struct blob_writer *w, char out_digest[BLOB_DIGEST_MAX], md_error *err);
/* Drop an unfinished write; nothing is kept. Harmless after commit. */
void blob_writer_abort(struct blob_writer *w);

/* Store everything read from fd until its end, as one blob. */
int blobs_put_fd(struct blobs *s, int fd, const char *expected, char out_digest[BLOB_DIGEST_MAX],
		 md_error *err);

/* A read-only fd on a blob, at offset 0. With verify, the content is hashed
 * first and a blob whose content does not match its name is an error.
 * errnum is ENOENT when the store has no such blob. */
int blobs_open_blob(const struct blobs *s, const char *digest, bool verify, md_error *err);
/* 0 when the blob is present and its content matches its digest. */
int blobs_verify(const struct blobs *s, const char *digest, md_error *err);
/* Remove a blob; one that is not there is fine. */
int blobs_remove(const struct blobs *s, const char *digest, md_error *err);
/* Remove the temporary files no live writer holds. Returns how many. */
int blobs_sweep(const struct blobs *s, md_error *err);

#endif
