/* SPDX-License-Identifier: Apache-2.0 */
/* cp's tar streams. Out: the source's own entry, then its tree from
 * images/tarball.c with every name moved below the source's name (a
 * thread writes the tree into a pipe, this side renames as it copies).
 * In: every entry's directory is resolved inside the root given, the
 * entry itself made with *at() calls that never follow its last
 * component, and everything after that done on the fd made (a running
 * container may swap a name for a symlink meanwhile: it gains nothing). */
#include "engine/containers/copy-internal.h"
#include "engine/images/tarball.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)

/* ---- the source ---- */

int copy_source_find(int rootfd, const struct copy_path *path, bool follow, struct copy_source *out,
		     md_error *err)
{
	bool last = follow || path->dir;

	memset(out, 0, sizeof(*out));
	out->fd = md_open_in_root(rootfd, path->clean, O_PATH | (last ? 0 : O_NOFOLLOW),
				  MD_NO_CREATE, err);
	if (out->fd < 0)
		return -1;
	if (fstat(out->fd, &out->st) < 0)
		return md_error_set(err, errno, "stat `%s`", path->clean);
	if (path->dir && !S_ISDIR(out->st.st_mode))
		return md_error_set(err, ENOTDIR, "`%s` is not a directory", path->clean);
	out->name = xstrdup(
		path->contents || !strcmp(path->clean, "/") ? "." : copy_path_base(path->clean));
	return 0;
}

void copy_source_free(struct copy_source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->name);
	s->name = NULL;
}

/* The O_PATH fd opened for reading, through its /proc/self/fd link,
 * which leads to that very inode. */
static int reopen(int fd, int flags)
{
	char path[32];

	return open(md_fd_path(fd, path, sizeof(path)), flags | O_CLOEXEC);
}

/* ---- the tar out ---- */

static int tar_error(struct archive *a, const char *what, md_error *err)
{
	const char *msg = archive_error_string(a);

	return md_error_set(err, 0, "tar %s: %s", what, msg ? msg : "failed");
}

/* The xattrs a tar keeps (as images/tarball.c): file capabilities and the
 * user's own. */
static bool xattr_kept(const char *name)
{
	return !strcmp(name, "security.capability") || md_str_has_prefix(name, "user.");
}

static void top_xattrs(struct archive_entry *e, int fd)
{
	char names[4096], value[4096];
	ssize_t len = flistxattr(fd, names, sizeof(names));

	for (ssize_t at = 0; at < len; at += (ssize_t)strlen(names + at) + 1) {
		ssize_t n = xattr_kept(names + at) ? fgetxattr(fd, names + at, value, sizeof(value))
						   : -1;

		if (n >= 0)
			archive_entry_xattr_add_entry(e, names + at, value, (size_t)n);
	}
}

/* The source's own entry; fd (opened for reading, or -1) gives xattrs. */
static int write_top(struct archive *a, const struct copy_source *s, int fd, md_error *err)
{
	struct archive_entry *e = archive_entry_new();
	char target[PATH_MAX];
	ssize_t n;
	int r;

	if (!e)
		return md_error_set(err, ENOMEM, "libarchive: %s", images_libs_error());
	if (S_ISDIR(s->st.st_mode)) {
		cleanup_free char *name = xasprintf("%s/", s->name);
		archive_entry_set_pathname(e, name);
	} else {
		archive_entry_set_pathname(e, s->name);
	}
	archive_entry_set_mode(e, s->st.st_mode);
	archive_entry_set_uid(e, s->st.st_uid);
	archive_entry_set_gid(e, s->st.st_gid);
	archive_entry_set_mtime(e, s->st.st_mtim.tv_sec, 0);
	if (S_ISREG(s->st.st_mode))
		archive_entry_set_size(e, s->st.st_size);
	if (S_ISCHR(s->st.st_mode) || S_ISBLK(s->st.st_mode))
		archive_entry_set_rdev(e, s->st.st_rdev);
	if (S_ISLNK(s->st.st_mode)) {
		n = readlinkat(s->fd, "", target, sizeof(target) - 1);
		if (n < 0) {
			archive_entry_free(e);
			return md_error_set(err, errno, "read the link `%s`", s->name);
		}
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	if (fd >= 0)
		top_xattrs(e, fd);
	r = archive_write_header(a, e);
	archive_entry_free(e);
	return r < ARCHIVE_WARN ? tar_error(a, s->name, err) : 0;
}

/* At most the size in the header: a file that grew is cut, one that
 * shrank is padded by libarchive. */
static int write_data(struct archive *a, int fd, off_t size, char *buf, md_error *err)
{
	while (size > 0) {
		ssize_t n = read(fd, buf, size < BUF_SIZE ? (size_t)size : BUF_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return md_error_set(err, errno, "read");
		if (n == 0)
			break;
		if (archive_write_data(a, buf, (size_t)n) < 0)
			return tar_error(a, "write", err);
		size -= n;
	}
	return 0;
}

/* A producer in a thread writes into a pipe that a consumer here reads:
 * the tar of a tree renamed on the way, or a source extracted. */
typedef int (*stream_fn)(const void *ctx, int fd, md_error *err);

struct producer {
	stream_fn fn;
	const void *ctx;
	int fd;
	md_error err;
	int r;
};

static void *produce(void *p)
{
	struct producer *w = p;

	w->r = w->fn(w->ctx, w->fd, &w->err);
	close(w->fd);
	return NULL;
}

/* The consumer's error first, else the producer's. Closing the read end
 * stops a producer left alone (EPIPE: SIGPIPE is ignored by the copy's
 * process); a consumer that is done reads what is left (a tar's end
 * padding), so that the producer finishes. */
static int through_pipe(stream_fn producer, const void *pctx, stream_fn consumer, const void *cctx,
			md_error *err)
{
	struct producer w = { .fn = producer, .ctx = pctx };
	char buf[4096];
	pthread_t t;
	int fds[2], r;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return md_error_set(err, errno, "pipe");
	w.fd = fds[1];
	r = pthread_create(&t, NULL, produce, &w);
	if (r != 0) {
		close(fds[0]);
		close(fds[1]);
		return md_error_set(err, r, "start a thread");
	}
	r = consumer(cctx, fds[0], err);
	while (r == 0 && read(fds[0], buf, sizeof(buf)) > 0)
		;
	close(fds[0]);
	pthread_join(t, NULL);
	if (r == 0 && w.r < 0) {
		*err = w.err;
		r = -1;
	}
	return r;
}

static int pipe_sink(void *ctx, const void *data, size_t len, md_error *err)
{
	if (md_write_all(*(int *)ctx, data, len) < 0)
		return md_error_set(err, errno, "write the tar");
	return 0;
}

static int tree_tar(const void *ctx, int fd, md_error *err)
{
	return tarball_write(*(const int *)ctx, NULL, pipe_sink, &fd, err);
}

/* One entry of the tree's tar, named below prefix, copied to a. */
static int rename_entry(struct archive *a, struct archive *in, struct archive_entry *e,
			const char *prefix, char *buf, md_error *err)
{
	cleanup_free char *name = xasprintf("%s/%s", prefix, archive_entry_pathname(e));
	cleanup_free char *link = NULL;
	la_ssize_t n;

	archive_entry_set_pathname(e, name);
	if (archive_entry_hardlink(e)) {
		link = xasprintf("%s/%s", prefix, archive_entry_hardlink(e));
		archive_entry_set_hardlink(e, link);
	}
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		return tar_error(a, name, err);
	while ((n = archive_read_data(in, buf, BUF_SIZE)) > 0) {
		if (archive_write_data(a, buf, (size_t)n) < 0)
			return tar_error(a, name, err);
	}
	return n < 0 ? tar_error(in, name, err) : 0;
}

struct renamer {
	struct archive *out;
	const char *prefix;
	char *buf;
};

/* Read the tree's tar from fd, every name below prefix, into out. */
static int copy_renamed(const void *ctx, int fd, md_error *err)
{
	const struct renamer *w = ctx;
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	int r = 0, h = ARCHIVE_EOF;

	if (!in)
		return md_error_set(err, ENOMEM, "libarchive: %s", images_libs_error());
	archive_read_support_format_tar(in);
	if (archive_read_open_fd(in, fd, BUF_SIZE) != ARCHIVE_OK)
		r = tar_error(in, "read", err);
	while (r == 0 &&
	       ((h = archive_read_next_header(in, &e)) == ARCHIVE_OK || h == ARCHIVE_WARN))
		r = rename_entry(w->out, in, e, w->prefix, w->buf, err);
	if (r == 0 && h != ARCHIVE_EOF)
		r = tar_error(in, "read", err);
	archive_read_free(in);
	return r;
}

/* The directory's tree below "name/". */
static int write_tree(struct archive *a, int dirfd, const char *name, char *buf, md_error *err)
{
	struct renamer w = { a, name, buf };

	return through_pipe(tree_tar, &dirfd, copy_renamed, &w, err);
}

static int write_source(struct archive *a, const struct copy_source *s, char *buf, md_error *err)
{
	bool dir = S_ISDIR(s->st.st_mode), reg = S_ISREG(s->st.st_mode);
	cleanup_close int fd = dir || reg ? reopen(s->fd, O_RDONLY | (dir ? O_DIRECTORY : 0)) : -1;

	if (S_ISSOCK(s->st.st_mode))
		return 0; /* tar has no such entry */
	if ((dir || reg) && fd < 0)
		return md_error_set(err, errno, "open `%s`", s->name);
	if (write_top(a, s, fd, err) < 0)
		return -1;
	if (reg)
		return write_data(a, fd, s->st.st_size, buf, err);
	return dir ? write_tree(a, fd, s->name, buf, err) : 0;
}

int copy_tar_write(const struct copy_source *s, int out, md_error *err)
{
	struct archive *a = archive_write_new();
	cleanup_free char *buf = xmalloc0(BUF_SIZE);
	int r;

	if (!a)
		return md_error_set(err, ENOMEM, "libarchive: %s", images_libs_error());
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, out) != ARCHIVE_OK)
		r = tar_error(a, "open", err);
	else
		r = write_source(a, s, buf, err);
	if (r == 0 && archive_write_close(a) != ARCHIVE_OK)
		r = tar_error(a, "close", err);
	archive_write_free(a);
	return r;
}

static int source_tar(const void *ctx, int fd, md_error *err)
{
	return copy_tar_write(ctx, fd, err);
}

static int extract_tar(const void *ctx, int fd, md_error *err)
{
	return copy_tar_extract(fd, ctx, err);
}

int copy_tar_pipe(const struct copy_source *s, const struct copy_extract *x, md_error *err)
{
	return through_pipe(source_tar, s, extract_tar, x, err);
}
