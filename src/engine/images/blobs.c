/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/images/blobs.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include "engine/images/libs.h"
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHA256_PREFIX "sha256:"
#define SHA256_HEX_LEN 64
#define IO_CHUNK (64 * 1024)
/* Attempts at a fresh temporary name before giving up. */
#define TMP_TRIES 16

struct blobs {
	char *dir;
	int blobfd; /* DIR/sha256 */
	int tmpfd;  /* DIR/tmp */
};

int digest_check(const char *digest, md_error *err)
{
	const char *hex;
	size_t n;

	if (!md_str_has_prefix(digest, SHA256_PREFIX))
		return md_error_set(err, 0, "invalid digest: only sha256 is supported");
	hex = digest + strlen(SHA256_PREFIX);
	for (n = 0; hex[n]; n++) {
		if (!((hex[n] >= '0' && hex[n] <= '9') || (hex[n] >= 'a' && hex[n] <= 'f')))
			return md_error_set(err, 0, "invalid digest: not lowercase hex");
	}
	if (n != SHA256_HEX_LEN)
		return md_error_set(err, 0, "invalid digest: want 64 hex digits, got %zu", n);
	return 0;
}

/* The file name of a valid digest: its hex. */
static const char *digest_hex(const char *digest)
{
	return digest + strlen(SHA256_PREFIX);
}

static int open_subdir(const char *dir, const char *name, md_error *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, name);
	int fd;

	if (md_mkdir_p(path, 0700, err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	return fd;
}

struct blobs *blobs_open(const char *dir, md_error *err)
{
	struct blobs *s = xmalloc0(sizeof(*s));

	s->dir = xstrdup(dir);
	s->tmpfd = -1;
	s->blobfd = open_subdir(dir, "sha256", err);
	if (s->blobfd >= 0)
		s->tmpfd = open_subdir(dir, "tmp", err);
	if (s->tmpfd < 0 || blobs_sweep(s, err) < 0) {
		blobs_close(s);
		return NULL;
	}
	return s;
}

void blobs_close(struct blobs *s)
{
	if (!s)
		return;
	if (s->blobfd >= 0)
		close(s->blobfd);
	if (s->tmpfd >= 0)
		close(s->tmpfd);
	free(s->dir);
	free(s);
}

char *blobs_path(const struct blobs *s, const char *digest, md_error *err)
{
	if (digest_check(digest, err) < 0)
		return NULL;
	return xasprintf("%s/sha256/%s", s->dir, digest_hex(digest));
}

bool blobs_has(const struct blobs *s, const char *digest)
{
	return digest_check(digest, NULL) == 0 &&
	       faccessat(s->blobfd, digest_hex(digest), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int sha256_begin(EVP_MD_CTX **md, md_error *err)
{
	*md = EVP_MD_CTX_new();
	if (!*md || EVP_DigestInit_ex(*md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(*md);
		*md = NULL;
		return md_error_set(err, 0, "sha256: cannot start a hash");
	}
	return 0;
}

int sha256_end(EVP_MD_CTX *md, char out[BLOB_DIGEST_MAX], md_error *err)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *p = out;

	if (EVP_DigestFinal_ex(md, raw, &len) != 1 || len * 2 != SHA256_HEX_LEN)
		return md_error_set(err, 0, "sha256: cannot finish a hash");
	p += sprintf(p, "%s", SHA256_PREFIX);
	for (unsigned int i = 0; i < len; i++)
		p += sprintf(p, "%02x", raw[i]);
	return 0;
}

/* The digest of what fd holds from its offset to its end. */
static int hash_fd(int fd, char out[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_free char *buf = xmalloc0(IO_CHUNK);
	EVP_MD_CTX *md;
	ssize_t n;
	int r;

	if (sha256_begin(&md, err) < 0)
		return -1;
	while ((n = read(fd, buf, IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			EVP_MD_CTX_free(md);
			return md_error_set(err, errno, "read blob");
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
	}
	r = sha256_end(md, out, err);
	EVP_MD_CTX_free(md);
	return r;
}

/* Make a fresh temporary file and lock it. The sweeper may remove the name
 * between our create and our lock (it takes any unlocked file), so once
 * locked we check that the name is still ours, and start over if not. */
static int tmp_create(struct blob_writer *w, md_error *err)
{
	struct stat mine, named;

	for (int i = 0; i < TMP_TRIES; i++) {
		if (md_random_hex(w->tmpname, 8, err) < 0)
			return -1;
		w->fd = openat(w->store->tmpfd, w->tmpname,
			       O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (w->fd < 0 && errno == EEXIST)
			continue;
		if (w->fd < 0)
			return md_error_set(err, errno, "create a temporary blob in `%s/tmp`",
					    w->store->dir);
		if (flock(w->fd, LOCK_EX) < 0 || fstat(w->fd, &mine) < 0)
			return md_error_set(err, errno, "lock a temporary blob");
		if (fstatat(w->store->tmpfd, w->tmpname, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
		    named.st_ino == mine.st_ino && named.st_dev == mine.st_dev)
			return 0;
		close(w->fd);
		w->fd = -1;
	}
	return md_error_set(err, 0, "no temporary blob name after %d tries", TMP_TRIES);
}

int blob_writer_begin(struct blobs *s, struct blob_writer *w, const char *expected, md_error *err)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (expected && digest_check(expected, err) < 0)
		return -1;
	snprintf(w->expected, sizeof(w->expected), "%s", expected ? expected : "");
	w->store = s;
	if (sha256_begin(&w->md, err) < 0)
		return -1;
	if (tmp_create(w, err) < 0) {
		blob_writer_abort(w);
		return -1;
	}
	return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t len, md_error *err)
{
	if (md_write_all(w->fd, data, len) < 0)
		return md_error_set(err, errno, "write blob");
	EVP_DigestUpdate(w->md, data, len);
	w->size += len;
	return 0;
}

void blob_writer_abort(struct blob_writer *w)
{
	if (w->fd >= 0) {
		/* Unlink while still locked: no sweeper can mistake it. */
		unlinkat(w->store->tmpfd, w->tmpname, 0);
		close(w->fd);
		w->fd = -1;
	}
	EVP_MD_CTX_free(w->md);
	w->md = NULL;
}

/* fsync the file, rename it in place, fsync the directory: after a crash
 * the blob is either whole under its name or not there. */
static int tmp_publish(struct blob_writer *w, const char *digest, md_error *err)
{
	if (fsync(w->fd) < 0)
		return md_error_set(err, errno, "fsync blob");
	if (renameat(w->store->tmpfd, w->tmpname, w->store->blobfd, digest_hex(digest)) < 0)
		return md_error_set(err, errno, "store blob %s", digest);
	close(w->fd);
	w->fd = -1;
	if (fsync(w->store->blobfd) < 0)
		return md_error_set(err, errno, "fsync `%s/sha256`", w->store->dir);
	return 0;
}

int blob_writer_commit(struct blob_writer *w, char out_digest[BLOB_DIGEST_MAX], md_error *err)
{
	char got[BLOB_DIGEST_MAX];
	int r = -1;

	if (sha256_end(w->md, got, err) < 0)
		goto out;
	if (w->expected[0] && strcmp(w->expected, got) != 0) {
		md_error_set(err, 0, "digest mismatch: expected %s, got %s", w->expected, got);
		goto out;
	}
	if (tmp_publish(w, got, err) < 0)
		goto out;
	if (out_digest)
		memcpy(out_digest, got, sizeof(got));
	r = 0;
out:
	blob_writer_abort(w);
	return r;
}

int blobs_put_fd(struct blobs *s, int fd, const char *expected, char out_digest[BLOB_DIGEST_MAX],
		 md_error *err)
{
	cleanup_free char *buf = xmalloc0(IO_CHUNK);
	struct blob_writer w;
	ssize_t n;

	if (blob_writer_begin(s, &w, expected, err) < 0)
		return -1;
	while ((n = read(fd, buf, IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || blob_writer_write(&w, buf, (size_t)n, err) < 0) {
			if (n < 0)
				md_error_set(err, errno, "read blob content");
			blob_writer_abort(&w);
			return -1;
		}
	}
	return blob_writer_commit(&w, out_digest, err);
}

int blobs_open_blob(const struct blobs *s, const char *digest, bool verify, md_error *err)
{
	cleanup_close int fd = -1;
	char got[BLOB_DIGEST_MAX];

	if (digest_check(digest, err) < 0)
		return -1;
	fd = openat(s->blobfd, digest_hex(digest), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return md_error_set(err, errno, "open blob %s", digest);
	if (!verify)
		return TAKE_FD(fd);
	if (hash_fd(fd, got, err) < 0)
		return md_error_prefix(err, "blob %s", digest);
	if (strcmp(got, digest) != 0)
		return md_error_set(err, 0, "blob %s is corrupt: its content has %s", digest, got);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return md_error_set(err, errno, "rewind blob %s", digest);
	return TAKE_FD(fd);
}

int blobs_verify(const struct blobs *s, const char *digest, md_error *err)
{
	int fd = blobs_open_blob(s, digest, true, err);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int blobs_remove(const struct blobs *s, const char *digest, md_error *err)
{
	if (digest_check(digest, err) < 0)
		return -1;
	if (unlinkat(s->blobfd, digest_hex(digest), 0) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove blob %s", digest);
	return 0;
}

/* Remove one temporary file if no writer holds it: 1 removed, 0 kept. A
 * writer that renamed it meanwhile leaves an ENOENT, which is fine. */
static int sweep_one(const struct blobs *s, const char *name)
{
	cleanup_close int fd =
		openat(s->tmpfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return 0;
	return unlinkat(s->tmpfd, name, 0) == 0;
}

int blobs_sweep(const struct blobs *s, md_error *err)
{
	int dfd = openat(s->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	int n = 0;

	if (!d) {
		int saved = errno;
		if (dfd >= 0)
			close(dfd);
		return md_error_set(err, saved, "open `%s/tmp`", s->dir);
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n += sweep_one(s, de->d_name);
	}
	return n;
}
