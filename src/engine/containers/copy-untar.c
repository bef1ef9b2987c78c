/* SPDX-License-Identifier: Apache-2.0 */
/* cp's tar in (copy-internal.h: copy_tar_extract). Each entry's directory
 * is opened inside the root (util/path.h: RESOLVE_IN_ROOT, made when
 * missing); the entry is made relative to it with calls that never
 * follow its last component, and its owner, mode, xattrs and times are
 * set on the fd made or with AT_SYMLINK_NOFOLLOW. So a name that a
 * running container turns into a symlink meanwhile leads nowhere else. */
#include "engine/containers/copy-internal.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* A directory's times, set once everything in it is made. */
struct dir_time {
	char *path; /* in the root */
	struct timespec ts[2];
};

struct untar {
	const struct copy_extract *x;
	struct archive *a;
	int root;         /* entries resolve inside it */
	const char *base; /* the directory in root the entries go into */
	struct dir_time *dirs;
	size_t n_dirs;
	md_error *err;
};

/* The name without a leading "/" and "." components; ".." is refused,
 * as Docker refuses an entry that would leave the destination. */
static int clean_name(const char *name, char **out, md_error *err)
{
	cleanup_free char *copy = xstrdup(name);
	char *clean = xstrdup(""), *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next;

		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			free(clean);
			return md_error_set(err, 0, "tar entry `%s`: \"..\" in the name", name);
		}
		next = *clean ? xasprintf("%s/%s", clean, c) : xstrdup(c);
		free(clean);
		clean = next;
	}
	*out = clean;
	return 0;
}

/* The name where the copy puts it (copy-internal.h: rebase), in the root. */
static int entry_path(const struct untar *u, const char *name, char **rel, char **full,
		      md_error *err)
{
	const struct copy_extract *x = u->x;
	cleanup_free char *clean = NULL;
	size_t n = x->rebase_from ? strlen(x->rebase_from) : 0;

	if (clean_name(name, &clean, err) < 0)
		return -1;
	if (!x->rebase_from)
		*rel = xstrdup(clean);
	else if (!n)
		*rel = *clean ? xasprintf("%s/%s", x->rebase_to, clean) : xstrdup(x->rebase_to);
	else if (!strncmp(clean, x->rebase_from, n) && (clean[n] == '\0' || clean[n] == '/'))
		*rel = xasprintf("%s%s", x->rebase_to, clean + n);
	else
		*rel = xstrdup(clean);
	*full = xasprintf("%s/%s", u->base, *rel);
	return 0;
}

/* The directory of full, opened in the root (made when missing), and
 * the last component's name in full. */
static int open_parent(const struct untar *u, char *full, const char **name, md_error *err)
{
	char *slash = strrchr(full, '/');
	int fd;

	*slash = '\0';
	fd = md_open_in_root(u->root, *full ? full : "/", O_RDONLY | O_DIRECTORY, MD_CREATE_DIR,
			     err);
	*slash = '/';
	*name = slash + 1;
	return fd;
}

/* 1: a directory to merge with; 0: the name is free; -1: Docker's
 * refusal of one kind over the other. A file over a file replaces it. */
static int make_room(int pfd, const char *name, bool dir, const char *rel, md_error *err)
{
	struct stat st;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "stat `%s`", rel);
	if (S_ISDIR(st.st_mode) && dir)
		return 1;
	if (S_ISDIR(st.st_mode))
		return md_error_set(err, 0, "cannot overwrite directory \"%s\" with non-directory",
				    rel);
	if (dir)
		return md_error_set(err, 0, "cannot overwrite non-directory \"%s\" with directory",
				    rel);
	if (unlinkat(pfd, name, 0) < 0)
		return md_error_set(err, errno, "replace `%s`", rel);
	return 0;
}

/* Whether to chown, and to what: 0:0 in a container (Docker's default),
 * the tar's with -a; on the host, the files stay the caller's. */
static bool owner(const struct untar *u, struct archive_entry *e, uid_t *uid, gid_t *gid)
{
	bool keep = u->x->owner == COPY_OWNER_TAR;

	*uid = keep ? (uid_t)archive_entry_uid(e) : 0;
	*gid = keep ? (gid_t)archive_entry_gid(e) : 0;
	return u->x->owner != COPY_OWNER_CALLER;
}

static void times_of(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	ts[0] = ts[1];
}

/* On a file or directory just made: owner first (chown clears setuid
 * bits and file capabilities), mode, then the xattrs a tar keeps. */
static int set_meta(const struct untar *u, int fd, struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size;
	uid_t uid;
	gid_t gid;

	if (owner(u, e, &uid, &gid) && fchown(fd, uid, gid) < 0)
		return -1;
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return -1;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		bool user = md_str_has_prefix(name, "user.");

		if ((!user && strcmp(name, "security.capability") != 0) ||
		    fsetxattr(fd, name, value, size, 0) == 0)
			continue;
		/* user.* is lost where the filesystem has none, as Docker */
		if (!(user && errno == EOPNOTSUPP))
			return -1;
	}
	return 0;
}

/* Each block at its offset, so that holes stay holes. */
static int write_data(const struct untar *u, int fd, struct archive_entry *e)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(u->a, &buf, &len, &off)) == ARCHIVE_OK)
		if (lseek(fd, (off_t)off, SEEK_SET) < 0 || md_write_all(fd, buf, len) < 0)
			return -1;
	if (r != ARCHIVE_EOF) {
		errno = EIO;
		return -1;
	}
	return ftruncate(fd, (off_t)archive_entry_size(e));
}

static int make_file(const struct untar *u, int pfd, const char *name, struct archive_entry *e)
{
	cleanup_close int fd =
		openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct timespec ts[2];

	times_of(e, ts);
	if (fd < 0 || write_data(u, fd, e) < 0 || set_meta(u, fd, e) < 0)
		return -1;
	return futimens(fd, ts);
}

static int make_dir(struct untar *u, int pfd, const char *name, bool merge, const char *full,
		    struct archive_entry *e)
{
	cleanup_close int fd = -1;
	struct dir_time *d;

	if (!merge && mkdirat(pfd, name, 0700) < 0)
		return -1;
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || set_meta(u, fd, e) < 0)
		return -1;
	u->dirs = xrealloc(u->dirs, (u->n_dirs + 1) * sizeof(*u->dirs));
	d = &u->dirs[u->n_dirs++];
	d->path = xstrdup(full);
	times_of(e, d->ts);
	return 0;
}

/* Symlinks, devices and fifos: nothing here ever follows the name. */
static int make_other(const struct untar *u, int pfd, const char *name, struct archive_entry *e)
{
	mode_t type = archive_entry_filetype(e), perm = archive_entry_perm(e) & 07777;
	struct timespec ts[2];
	uid_t uid;
	gid_t gid;
	int r;

	if (type == AE_IFLNK)
		r = archive_entry_symlink(e) ? symlinkat(archive_entry_symlink(e), pfd, name) : -1;
	else
		r = mknodat(pfd, name, type | perm, archive_entry_rdev(e));
	if (r < 0)
		return -1;
	if (owner(u, e, &uid, &gid) && fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	/* mknod's mode went through the umask; a link has no mode */
	if (type != AE_IFLNK && fchmodat(pfd, name, perm, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	times_of(e, ts);
	return utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

/* A hard link to an entry made before, found as any entry is; linkat
 * without AT_SYMLINK_FOLLOW links a symlink itself. */
static int make_hardlink(const struct untar *u, int pfd, const char *name, const char *target,
			 md_error *err)
{
	cleanup_free char *rel = NULL, *full = NULL;
	cleanup_close int tfd = -1;
	const char *tname;

	if (entry_path(u, target, &rel, &full, err) < 0)
		return -1;
	tfd = open_parent(u, full, &tname, err);
	if (tfd < 0)
		return -1;
	if (linkat(tfd, tname, pfd, name, 0) < 0)
		return md_error_set(err, errno, "hard link to `%s`", rel);
	return 0;
}

static int make_entry(struct untar *u, struct archive_entry *e, int pfd, const char *name,
		      const char *rel, const char *full)
{
	const char *link = archive_entry_hardlink(e);
	bool dir = !link && archive_entry_filetype(e) == AE_IFDIR;
	int merge = make_room(pfd, name, dir, rel, u->err), r;

	if (merge < 0)
		return -1;
	if (link)
		return make_hardlink(u, pfd, name, link, u->err);
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		r = make_file(u, pfd, name, e);
		break;
	case AE_IFDIR:
		r = make_dir(u, pfd, name, merge == 1, full, e);
		break;
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		r = make_other(u, pfd, name, e);
		break;
	default:
		return md_error_set(u->err, 0, "tar entry `%s`: unsupported file type", rel);
	}
	return r < 0 ? md_error_set(u->err, errno, "copy `%s`", rel) : 0;
}

static int untar_entry(struct untar *u, struct archive_entry *e)
{
	cleanup_free char *rel = NULL, *full = NULL;
	cleanup_close int pfd = -1;
	const char *name;

	if (entry_path(u, archive_entry_pathname(e), &rel, &full, u->err) < 0)
		return -1;
	/* The destination itself ("." of a dir/. copy): kept as it is, as
	 * Docker does. */
	if (!*rel) {
		if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e))
			return 0;
		return md_error_set(u->err, 0,
				    "cannot overwrite directory \"%s\" with non-directory",
				    u->x->dir);
	}
	pfd = open_parent(u, full, &name, u->err);
	if (pfd < 0)
		return -1;
	return make_entry(u, e, pfd, name, rel, full);
}

/* Last, the directories' times, deepest first. */
static void set_dir_times(struct untar *u)
{
	for (size_t i = u->n_dirs; i-- > 0;) {
		md_error ignored;
		cleanup_close int fd = md_open_in_root(u->root, u->dirs[i].path,
						       O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
						       MD_NO_CREATE, &ignored);

		if (fd >= 0)
			futimens(fd, u->dirs[i].ts);
	}
}

static int untar_all(struct untar *u, int in)
{
	struct archive_entry *e;
	int r;

	u->a = archive_read_new();
	if (!u->a)
		return md_error_set(u->err, ENOMEM, "libarchive: %s", images_libs_error());
	archive_read_support_filter_all(u->a);
	archive_read_support_format_tar(u->a);
	if (archive_read_open_fd(u->a, in, 64 * 1024) != ARCHIVE_OK)
		return md_error_set(u->err, 0, "read the tar: %s", archive_error_string(u->a));
	while ((r = archive_read_next_header(u->a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (untar_entry(u, e) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return md_error_set(u->err, 0, "read the tar: %s", archive_error_string(u->a));
	set_dir_times(u);
	return 0;
}

int copy_tar_extract(int in, const struct copy_extract *x, md_error *err)
{
	struct untar u = { .x = x, .root = x->rootfd, .base = x->dir, .err = err };
	cleanup_close int confined = -1;
	int r;

	if (x->confine) {
		confined = openat(x->rootfd, x->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (confined < 0)
			return md_error_set(err, errno, "open `%s`", x->dir);
		u.root = confined;
		u.base = "";
	}
	r = untar_all(&u, in);
	if (u.a)
		archive_read_free(u.a);
	for (size_t i = 0; i < u.n_dirs; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	return r;
}
