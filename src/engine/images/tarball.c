/* SPDX-License-Identifier: Apache-2.0 */
/* A tree as a tar. Every name is opened relative to its parent's fd with
 * O_NOFOLLOW, and what was opened is checked to be what was listed, so a
 * tree that changes under us (a running container's upper dir) can make
 * the tar stale but never make us read outside the tree. */
#include "engine/images/tarball.h"
#include "util/cleanup.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define COPY_BUF (64 * 1024)

/* The first name written of a file with several links. */
struct first_link {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct pack {
	struct archive *a;
	const struct tarball_opts *opts;
	char **exclude; /* opts->exclude without leading and trailing '/' */
	tarball_sink sink;
	void *ctx;
	md_error *err;
	bool sink_failed; /* err already says why */
	struct first_link *links;
	size_t n_links, cap_links;
	char *buf;
};

static la_ssize_t sink_write(struct archive *a, void *p, const void *data, size_t len)
{
	struct pack *k = p;

	if (k->sink(k->ctx, data, len, k->err) < 0) {
		k->sink_failed = true;
		archive_set_error(a, EIO, "write failed");
		return -1;
	}
	return (la_ssize_t)len;
}

/* An archive error as ours, unless the sink already said why. */
static int archive_fail(struct pack *k, const char *path)
{
	const char *msg = archive_error_string(k->a);

	if (k->sink_failed)
		return -1;
	return md_error_set(k->err, 0, "tar `%s`: %s", path, msg ? msg : "write failed");
}

static bool excluded(const struct pack *k, const char *path)
{
	for (char **x = k->exclude; x && *x; x++) {
		if (!strcmp(*x, path))
			return true;
	}
	return false;
}

static char **clean_excludes(char *const *in)
{
	char **out = NULL;

	for (; in && *in; in++) {
		const char *s = *in + strspn(*in, "/");
		size_t len = strlen(s);

		while (len > 0 && s[len - 1] == '/')
			len--;
		if (len > 0) {
			cleanup_free char *c = xmalloc0(len + 1);

			memcpy(c, s, len);
			md_strv_push(&out, c);
		}
	}
	return out;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted (NULL-terminated). */
static int list_dir(int fd, char ***out)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	char **names = NULL;

	if (dup_fd < 0)
		return -1;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -1;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			md_strv_push(&names, de->d_name);
		errno = 0;
	}
	if (errno) {
		md_strv_free(names);
		return -1;
	}
	if (names)
		qsort(names, md_strv_len(names), sizeof(*names), cmp_names);
	*out = names;
	return 0;
}

/* Open name as listed: the same inode, through no symlink. */
static int open_same(int dirfd, const char *name, const struct stat *st, int flags)
{
	struct stat now;
	int fd = openat(dirfd, name, flags | O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &now) < 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

static bool xattr_wanted(const char *name)
{
	return !strcmp(name, "security.capability") || md_str_has_prefix(name, "user.");
}

static bool has_xattr(int fd, const char *name, const char *want)
{
	char v[8];
	ssize_t n = fgetxattr(fd, name, v, sizeof(v));

	if (n < 0)
		return false;
	return !want || ((size_t)n == strlen(want) && !memcmp(v, want, (size_t)n));
}

/* overlayfs stores only part of what changed when redirect_dir or
 * metacopy were used; such an upper dir cannot be a layer by itself. */
static int check_overlay_xattrs(struct pack *k, int fd, const char *path)
{
	if (has_xattr(fd, "trusted.overlay.redirect", NULL) ||
	    has_xattr(fd, "trusted.overlay.metacopy", NULL))
		return md_error_set(k->err, 0,
				    "`%s`: an overlayfs redirect or metacopy entry "
				    "(mount the overlay with redirect_dir=off,metacopy=off)",
				    path);
	return 0;
}

static int add_xattrs(struct pack *k, struct archive_entry *e, int fd, const char *path)
{
	cleanup_free char *names = NULL;
	ssize_t len = flistxattr(fd, NULL, 0);

	if (len < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP))
		return 0;
	if (len <= 0)
		return len < 0 ? md_error_set(k->err, errno, "list the xattrs of `%s`", path) : 0;
	names = xmalloc0((size_t)len + 1);
	len = flistxattr(fd, names, (size_t)len);
	if (len < 0)
		return md_error_set(k->err, errno, "list the xattrs of `%s`", path);
	for (char *n = names; n < names + len; n += strlen(n) + 1) {
		cleanup_free char *value = NULL;
		ssize_t vlen;

		if (!xattr_wanted(n))
			continue;
		vlen = fgetxattr(fd, n, NULL, 0);
		value = xmalloc0(vlen > 0 ? (size_t)vlen : 1);
		if (vlen < 0 || (vlen = fgetxattr(fd, n, value, (size_t)vlen)) < 0)
			return md_error_set(k->err, errno, "read xattr %s of `%s`", n, path);
		archive_entry_xattr_add_entry(e, n, value, (size_t)vlen);
	}
	return 0;
}

/* The header fields every entry has; mtime in whole seconds, as Docker's
 * layers, and no atime or ctime, so the bytes depend on the tree only. */
static struct archive_entry *new_entry(const char *name, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		abort();
	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, st->st_mode);
	archive_entry_set_uid(e, st->st_uid);
	archive_entry_set_gid(e, st->st_gid);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, 0);
	return e;
}

static int write_header(struct pack *k, struct archive_entry *e, const char *path)
{
	int r = archive_write_header(k->a, e);

	archive_entry_free(e);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return archive_fail(k, path);
	return 0;
}

/* At most the size the header announced: a file that grew is cut, one
 * that shrank is padded with zeros by libarchive. */
static int copy_data(struct pack *k, int fd, off_t size, const char *path)
{
	off_t done = 0;

	while (done < size) {
		size_t want = size - done < COPY_BUF ? (size_t)(size - done) : COPY_BUF;
		ssize_t n = read(fd, k->buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return md_error_set(k->err, errno, "read `%s`", path);
		if (n == 0)
			break;
		if (archive_write_data(k->a, k->buf, (size_t)n) < 0)
			return archive_fail(k, path);
		done += n;
	}
	return 0;
}

/* The path first written for this inode, or NULL (then it is recorded). */
static const char *first_link(struct pack *k, const struct stat *st, const char *path)
{
	struct first_link *l;

	for (size_t i = 0; i < k->n_links; i++) {
		if (k->links[i].dev == st->st_dev && k->links[i].ino == st->st_ino)
			return k->links[i].path;
	}
	if (k->n_links == k->cap_links) {
		k->cap_links = k->cap_links ? 2 * k->cap_links : 16;
		k->links = xrealloc(k->links, k->cap_links * sizeof(*k->links));
	}
	l = &k->links[k->n_links++];
	*l = (struct first_link){ st->st_dev, st->st_ino, xstrdup(path) };
	return NULL;
}

static int pack_file(struct pack *k, int dirfd, const char *name, const char *path,
		     const struct stat *st)
{
	const char *target = st->st_nlink > 1 ? first_link(k, st, path) : NULL;
	cleanup_close int fd = -1;
	struct archive_entry *e = new_entry(path, st);

	if (target) {
		archive_entry_set_hardlink(e, target);
		archive_entry_set_size(e, 0);
		return write_header(k, e, path);
	}
	fd = open_same(dirfd, name, st, 0);
	if (fd < 0) {
		archive_entry_free(e);
		return md_error_set(k->err, errno, "open `%s`", path);
	}
	archive_entry_set_size(e, st->st_size);
	if ((k->opts->overlay_upper && check_overlay_xattrs(k, fd, path) < 0) ||
	    add_xattrs(k, e, fd, path) < 0) {
		archive_entry_free(e);
		return -1;
	}
	if (write_header(k, e, path) < 0)
		return -1;
	return copy_data(k, fd, st->st_size, path);
}

static int pack_symlink(struct pack *k, int dirfd, const char *name, const char *path,
			const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	struct archive_entry *e;

	if (n < 0)
		return md_error_set(k->err, errno, "read the link `%s`", path);
	target[n] = '\0';
	e = new_entry(path, st);
	archive_entry_set_symlink(e, target);
	return write_header(k, e, path);
}

/* Devices and fifos; in an upper dir a 0/0 character device is a
 * whiteout, which OCI writes as an empty ".wh.NAME". */
static int pack_node(struct pack *k, const char *name, const char *path, const struct stat *st)
{
	struct archive_entry *e;

	if (k->opts->overlay_upper && S_ISCHR(st->st_mode) && st->st_rdev == 0) {
		size_t dlen = (size_t)(name - path);
		cleanup_free char *wh = xasprintf("%.*s" WH_PREFIX "%s", (int)dlen, path, name);
		struct stat reg = *st;

		reg.st_mode = S_IFREG | 0600;
		e = new_entry(wh, &reg);
		archive_entry_set_size(e, 0);
		return write_header(k, e, wh);
	}
	e = new_entry(path, st);
	archive_entry_set_rdev(e, st->st_rdev);
	return write_header(k, e, path);
}

static int pack_tree(struct pack *k, int fd, const char *prefix);

static int pack_dir(struct pack *k, int dirfd, const char *name, const char *path,
		    const struct stat *st)
{
	cleanup_free char *dname = xasprintf("%s/", path);
	cleanup_close int fd = open_same(dirfd, name, st, O_DIRECTORY);
	struct archive_entry *e;

	if (fd < 0)
		return md_error_set(k->err, errno, "open `%s`", path);
	if (k->opts->overlay_upper && check_overlay_xattrs(k, fd, path) < 0)
		return -1;
	e = new_entry(dname, st);
	if (add_xattrs(k, e, fd, path) < 0) {
		archive_entry_free(e);
		return -1;
	}
	if (write_header(k, e, path) < 0)
		return -1;
	if (k->opts->overlay_upper && has_xattr(fd, "trusted.overlay.opaque", "y")) {
		cleanup_free char *opq = xasprintf("%s" WH_OPAQUE, dname);
		struct stat reg = *st;

		reg.st_mode = S_IFREG | (st->st_mode & 0777);
		e = new_entry(opq, &reg);
		archive_entry_set_size(e, 0);
		if (write_header(k, e, opq) < 0)
			return -1;
	}
	return pack_tree(k, fd, dname);
}

static int pack_one(struct pack *k, int dirfd, const char *prefix, const char *name)
{
	cleanup_free char *path = xasprintf("%s%s", prefix, name);
	const char *base = path + strlen(prefix);
	struct stat st;

	if (excluded(k, path))
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		/* gone since the listing: a running container's upper dir */
		if (errno == ENOENT)
			return 0;
		return md_error_set(k->err, errno, "stat `%s`", path);
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return pack_dir(k, dirfd, name, path, &st);
	case S_IFREG:
		return pack_file(k, dirfd, name, path, &st);
	case S_IFLNK:
		return pack_symlink(k, dirfd, name, path, &st);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		return pack_node(k, base, path, &st);
	default:
		return 0; /* a socket: tar has no such entry */
	}
}

/* The entries of the directory fd, named prefix + name. */
static int pack_tree(struct pack *k, int fd, const char *prefix)
{
	cleanup_strv char **names = NULL;

	if (list_dir(fd, &names) < 0)
		return md_error_set(k->err, errno, "read the directory `%s`",
				    *prefix ? prefix : ".");
	for (char **n = names; n && *n; n++) {
		if (pack_one(k, fd, prefix, *n) < 0)
			return -1;
	}
	return 0;
}

static struct archive *open_writer(struct pack *k)
{
	struct archive *a = archive_write_new();

	if (!a)
		abort();
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, k, NULL, sink_write, NULL, NULL) != ARCHIVE_OK) {
		md_error_set(k->err, 0, "tar: %s", archive_error_string(a));
		archive_write_free(a);
		return NULL;
	}
	return a;
}

int tarball_write(int dirfd, const struct tarball_opts *opts, tarball_sink sink, void *ctx,
		  md_error *err)
{
	static const struct tarball_opts none;
	struct pack k = {
		.opts = opts ? opts : &none,
		.sink = sink,
		.ctx = ctx,
		.err = err,
		.buf = xmalloc0(COPY_BUF),
	};
	int r = -1;

	k.exclude = clean_excludes(k.opts->exclude);
	k.a = open_writer(&k);
	if (k.a && pack_tree(&k, dirfd, "") == 0)
		r = archive_write_close(k.a) == ARCHIVE_OK ? 0 : archive_fail(&k, "(end)");
	if (k.a)
		archive_write_free(k.a);
	for (size_t i = 0; i < k.n_links; i++)
		free(k.links[i].path);
	free(k.links);
	md_strv_free(k.exclude);
	free(k.buf);
	return r;
}

static int fd_sink(void *ctx, const void *data, size_t len, md_error *err)
{
	if (md_write_all(*(int *)ctx, data, len) < 0)
		return md_error_set(err, errno, "write the tar");
	return 0;
}

int tarball_write_fd(const char *dir, const struct tarball_opts *opts, int out, md_error *err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", dir);
	return tarball_write(fd, opts, fd_sink, &out, err);
}
