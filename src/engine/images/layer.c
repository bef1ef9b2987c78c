/* SPDX-License-Identifier: Apache-2.0 */
/* Layer unpacking. Every entry's parent directory is opened inside the
 * layer with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS), so a symlink
 * that an earlier entry made can never be followed, and the entry itself
 * is made with *at() calls relative to that parent, never following a
 * final symlink. ".." and absolute names are refused before any lookup.
 * Such an entry is refused, not contained: no real image needs one, and a
 * layer that has one is better rejected than unpacked otherwise than its
 * author's tools would. */
#include "engine/images/layer.h"
#include "util/cleanup.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

/* A directory's mtime, set once the whole layer is unpacked: the entries
 * made inside it later would change it. */
struct dir_time {
	char *path;
	struct timespec ts[2];
};

struct unpack {
	struct archive *raw; /* the stream, decompressed */
	struct archive *a;   /* the tar in it, read through raw_read */
	EVP_MD_CTX *md;      /* the diff id, over what raw gives */
	int rootfd;
	struct layer_unpack_stats *stats;
	struct dir_time *dirs;
	size_t n_dirs, cap_dirs;
};

/* name without "." components, empty ones and trailing slashes into out
 * (PATH_MAX bytes); "" is the layer's root. */
static int clean_name(const char *name, char *out, md_error *err)
{
	size_t n = 0;

	if (!name || !*name)
		return md_error_set(err, 0, "layer entry with an empty name");
	if (name[0] == '/')
		return md_error_set(err, 0, "layer entry `%s`: absolute name", name);
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return md_error_set(err, 0, "layer entry `%s`: \"..\" in the name", name);
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (n + (n > 0) + len >= PATH_MAX)
				return md_error_set(err, 0, "layer entry `%.64s...`: name too long",
						    name);
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
		p += *p == '/';
	}
	out[n] = '\0';
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A whiteout that is neither opaque nor aufs's metadata names a sibling. */
static bool is_plain_whiteout(const char *base)
{
	return md_str_has_prefix(base, WH_PREFIX) && !md_str_has_prefix(base, WH_META);
}

int layer_path_check(const char *name, md_error *err)
{
	char clean[PATH_MAX];
	const char *base, *target;

	if (clean_name(name, clean, err) < 0)
		return -1;
	base = base_name(clean);
	if (!is_plain_whiteout(base))
		return 0;
	target = base + strlen(WH_PREFIX);
	if (!*target || !strcmp(target, ".") || !strcmp(target, ".."))
		return md_error_set(err, 0, "layer entry `%s`: whiteout of `%s`", name, target);
	return 0;
}

/* One component at a time with O_NOFOLLOW, making the missing ones when
 * create (0755, root's; an entry of their own later sets their metadata,
 * as tar does). As safe as openat2 here: a clean path holds no "..". */
static int walk(int rootfd, const char *path, bool create)
{
	cleanup_free char *copy = xstrdup(path);
	char *save = NULL;
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = -1;

		if (!create || mkdirat(fd, c, 0755) == 0 || errno == EEXIST)
			next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Open the directory path (clean, "" for the root) inside the layer;
 * ELOOP or ENOTDIR when a symlink or a non-directory is on the way.
 * Kernels before 5.6 lack openat2: walk instead. */
static int open_dir(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		return walk(rootfd, path, false);
	return fd;
}

/* An entry's directory, made if missing (a tar need not list it). */
static int open_parent(int rootfd, const char *dir)
{
	int fd = open_dir(rootfd, dir);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	return walk(rootfd, dir, true);
}

static int remove_at(int dirfd, const char *name);

static int remove_children(int fd)
{
	cleanup_dir DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_at(dirfd(d), de->d_name) < 0)
			return -1;
	}
	return 0;
}

/* Remove name (a whole tree if a directory), following no symlink. */
static int remove_at(int dirfd, const char *name)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || remove_children(fd) < 0)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* Make way for a new entry: a directory over a directory is kept (1),
 * anything else already there is removed, as tar replaces it. */
static int make_room(int pfd, const char *base, bool is_dir)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (is_dir && S_ISDIR(st.st_mode))
		return 1;
	return remove_at(pfd, base);
}

/* Only the xattrs an image needs: file capabilities and the user's own.
 * trusted.overlay.* above all must not come from an image. */
static bool xattr_wanted(const char *name)
{
	return !strcmp(name, "security.capability") || md_str_has_prefix(name, "user.");
}

static int set_xattrs(int fd, struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!xattr_wanted(name) || fsetxattr(fd, name, value, size, 0) == 0)
			continue;
		/* a store on a filesystem without user xattrs (tmpfs before
		 * Linux 6.6) loses them, as Docker's does; a file capability is
		 * never dropped quietly */
		if (errno == EOPNOTSUPP && md_str_has_prefix(name, "user."))
			continue;
		return -1;
	}
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (!archive_entry_mtime_is_set(e))
		ts[1].tv_nsec = UTIME_OMIT;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	}
}

/* chown first: it clears the setuid bits and file capabilities. */
static int set_meta_fd(int fd, struct archive_entry *e)
{
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0 ||
	    fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return -1;
	return set_xattrs(fd, e);
}

static int write_data(struct unpack *u, int fd, struct archive_entry *e)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(u->a, &buf, &len, &off)) == ARCHIVE_OK) {
		/* pwrite at the block's offset: a sparse file's holes stay. */
		for (size_t done = 0; done < len;) {
			ssize_t w = pwrite(fd, (const char *)buf + done, len - done,
					   (off_t)off + (off_t)done);

			if (w < 0)
				return -1;
			done += (size_t)w;
		}
		u->stats->bytes += len;
	}
	if (r != ARCHIVE_EOF) {
		errno = 0;
		return -1;
	}
	return ftruncate(fd, (off_t)archive_entry_size(e));
}

static int make_file(struct unpack *u, struct archive_entry *e, int pfd, const char *base)
{
	cleanup_close int fd =
		openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct timespec ts[2];

	if (fd < 0 || write_data(u, fd, e) < 0 || set_meta_fd(fd, e) < 0)
		return -1;
	entry_times(e, ts);
	return futimens(fd, ts);
}

static int make_dir(struct unpack *u, struct archive_entry *e, int pfd, const char *base,
		    const char *path)
{
	cleanup_close int fd = -1;
	struct dir_time *dt;

	if (*base && mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = *base ? openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(pfd);
	if (fd < 0 || set_meta_fd(fd, e) < 0)
		return -1;
	if (u->n_dirs == u->cap_dirs) {
		u->cap_dirs = u->cap_dirs ? 2 * u->cap_dirs : 64;
		u->dirs = xrealloc(u->dirs, u->cap_dirs * sizeof(*u->dirs));
	}
	dt = &u->dirs[u->n_dirs++];
	dt->path = xstrdup(path);
	entry_times(e, dt->ts);
	return 0;
}

/* The link's target is stored as it is and never followed. */
static int make_symlink(struct archive_entry *e, int pfd, const char *base)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2];

	if (!target) {
		errno = EINVAL;
		return -1;
	}
	entry_times(e, ts);
	if (symlinkat(target, pfd, base) < 0 ||
	    fchownat(pfd, base, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

/* Devices and fifos: no xattrs (the kernel takes no user.* on them). */
static int make_node(struct archive_entry *e, int pfd, const char *base)
{
	mode_t mode = archive_entry_filetype(e) | (archive_entry_perm(e) & 07777);
	struct timespec ts[2];

	entry_times(e, ts);
	if (mknodat(pfd, base, mode, archive_entry_rdev(e)) < 0 ||
	    fchownat(pfd, base, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(pfd, base, mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

/* libarchive's word on a failure; it may have none. */
static const char *archive_msg(struct archive *a)
{
	const char *msg = archive_error_string(a);

	return msg ? msg : "corrupt archive";
}

/* The target is looked up like any entry's parent: inside the layer,
 * through no symlink; linkat without AT_SYMLINK_FOLLOW links a final
 * symlink itself, not what it points to. */
static int make_hardlink(struct unpack *u, const char *target, int pfd, const char *base,
			 md_error *err)
{
	char clean[PATH_MAX];
	char *slash;
	cleanup_close int tfd = -1;

	if (clean_name(target, clean, err) < 0)
		return md_error_prefix(err, "hard link target");
	slash = strrchr(clean, '/');
	if (slash)
		*slash = '\0';
	tfd = open_dir(u->rootfd, slash ? clean : "");
	if (tfd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return md_error_set(err, 0, "hard link to `%s`: a symlink or a file on its path",
				    target);
	if (tfd < 0)
		return md_error_set(err, errno, "hard link to `%s`", target);
	if (linkat(tfd, slash ? slash + 1 : clean, pfd, base, 0) < 0)
		return md_error_set(err, errno, "hard link to `%s`", target);
	return 0;
}

/* ".wh.NAME": NAME hides the lower layers' one as a 0/0 character device.
 * An earlier entry of this layer that made NAME is removed first. */
static int make_whiteout(int pfd, const char *base, md_error *err)
{
	const char *name = base + strlen(WH_PREFIX);

	if (remove_at(pfd, name) < 0 || mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return md_error_set(err, errno, "whiteout `%s`", name);
	return 0;
}

static int make_entry(struct unpack *u, struct archive_entry *e, int pfd, const char *base,
		      const char *path, md_error *err)
{
	const char *link = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	int r;

	if (*base && make_room(pfd, base, !link && type == AE_IFDIR) < 0)
		return md_error_set(err, errno, "layer entry `%s`: replace what is there", path);
	if (link)
		return make_hardlink(u, link, pfd, base, err);
	if (!*base && type != AE_IFDIR)
		return md_error_set(err, 0, "layer root entry that is not a directory");
	switch (type) {
	case AE_IFREG:
		r = make_file(u, e, pfd, base);
		break;
	case AE_IFDIR:
		r = make_dir(u, e, pfd, base, path);
		break;
	case AE_IFLNK:
		r = make_symlink(e, pfd, base);
		break;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		r = make_node(e, pfd, base);
		break;
	default:
		return md_error_set(err, 0, "layer entry `%s`: unsupported file type 0%o", path,
				    type);
	}
	if (r < 0 && errno == 0)
		return md_error_set(err, 0, "layer entry `%s`: %s", path, archive_msg(u->a));
	if (r < 0)
		return md_error_set(err, errno, "layer entry `%s`: create", path);
	return 0;
}

/* Dispatch one entry on its base name: opaque marker, whiteout, aufs
 * metadata (skipped, as Docker does) or a file of the layer. */
static int unpack_entry(struct unpack *u, struct archive_entry *e, md_error *err)
{
	const char *name = archive_entry_pathname(e);
	char path[PATH_MAX], dir[PATH_MAX];
	const char *base;
	size_t dlen;
	cleanup_close int pfd = -1;
	int r;

	if (layer_path_check(name, err) < 0 || clean_name(name, path, err) < 0)
		return -1;
	base = base_name(path);
	dlen = base > path ? (size_t)(base - path - 1) : 0;
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	if (md_str_has_prefix(base, WH_META) && strcmp(base, WH_OPAQUE) != 0)
		return 0;
	pfd = open_parent(u->rootfd, dir);
	if (pfd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return md_error_set(err, 0, "layer entry `%s`: a symlink or a file on its path",
				    name);
	if (pfd < 0)
		return md_error_set(err, errno, "layer entry `%s`: open its directory", name);
	if (!strcmp(base, WH_OPAQUE))
		r = fsetxattr(pfd, "trusted.overlay.opaque", "y", 1, 0) < 0
			    ? md_error_set(err, errno, "`%s`: mark the directory opaque", name)
			    : 0;
	else if (is_plain_whiteout(base))
		r = make_whiteout(pfd, base, err);
	else
		r = make_entry(u, e, pfd, base, path, err);
	if (r == 0)
		u->stats->files++;
	return r;
}

/* Last, the directories' mtimes, deepest first. One replaced since by
 * another kind of entry is skipped. */
static void set_dir_times(struct unpack *u)
{
	for (size_t i = u->n_dirs; i-- > 0;) {
		cleanup_close int fd = open_dir(u->rootfd, u->dirs[i].path);

		if (fd >= 0)
			futimens(fd, u->dirs[i].ts);
	}
}

static int check_empty(int fd, const char *dir, md_error *err)
{
	cleanup_dir DIR *d = fdopendir(dup(fd));
	struct dirent *de;

	if (!d)
		return md_error_set(err, errno, "read `%s`", dir);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			return md_error_set(err, ENOTEMPTY, "unpack a layer into `%s`", dir);
	}
	return 0;
}

/* The tar reader's input: the decompressed stream, hashed as it passes. */
static la_ssize_t raw_read(struct archive *a, void *data, const void **buf)
{
	struct unpack *u = data;
	size_t len = 0;
	la_int64_t off;
	int r = archive_read_data_block(u->raw, buf, &len, &off);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, EIO, "%s", archive_msg(u->raw));
		return -1;
	}
	EVP_DigestUpdate(u->md, *buf, len);
	return (la_ssize_t)len;
}

/* Two readers: raw (format "raw", the filters) decompresses; a (the tar
 * format alone) reads the tar from it, so that every uncompressed byte
 * goes through raw_read and its hash. */
static int open_archive(struct unpack *u, int archive_fd, md_error *err)
{
	struct archive_entry *e;

	u->raw = archive_read_new();
	u->a = archive_read_new();
	if (!u->raw || !u->a)
		return md_error_set(err, ENOMEM, "libarchive");
	archive_read_support_filter_gzip(u->raw);
	archive_read_support_filter_zstd(u->raw);
	archive_read_support_format_raw(u->raw);
	if (archive_read_open_fd(u->raw, archive_fd, 64 * 1024) != ARCHIVE_OK ||
	    archive_read_next_header(u->raw, &e) != ARCHIVE_OK)
		return md_error_set(err, 0, "read the layer: %s", archive_msg(u->raw));
	archive_read_support_format_tar(u->a);
	if (archive_read_open(u->a, u, NULL, raw_read, NULL) != ARCHIVE_OK)
		return md_error_set(err, 0, "read the layer: %s", archive_msg(u->a));
	return 0;
}

/* After the tar's end: the rest of the stream (its padding) is hashed too. */
static int drain(struct unpack *u, md_error *err)
{
	const void *buf;
	la_ssize_t n;

	while ((n = raw_read(u->a, u, &buf)) > 0)
		;
	if (n < 0)
		return md_error_set(err, 0, "read the layer: %s", archive_msg(u->raw));
	return 0;
}

static int unpack_all(struct unpack *u, md_error *err)
{
	struct archive_entry *e;
	int r;

	/* A warning (an odd pax keyword...) still gives a usable header. */
	while ((r = archive_read_next_header(u->a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (unpack_entry(u, e, err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return md_error_set(err, 0, "read the layer: %s", archive_msg(u->a));
	set_dir_times(u);
	if (drain(u, err) < 0)
		return -1;
	return sha256_end(u->md, u->stats->diff_id, err);
}

int layer_unpack(int archive_fd, const char *dir, struct layer_unpack_stats *stats, md_error *err)
{
	struct layer_unpack_stats unused;
	struct unpack u = { .stats = stats ? stats : &unused };
	int r;

	memset(u.stats, 0, sizeof(*u.stats));
	u.rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u.rootfd < 0)
		return md_error_set(err, errno, "open `%s`", dir);
	r = check_empty(u.rootfd, dir, err);
	if (r == 0)
		r = sha256_begin(&u.md, err);
	if (r == 0)
		r = open_archive(&u, archive_fd, err);
	if (r == 0)
		r = unpack_all(&u, err);
	if (u.a)
		archive_read_free(u.a);
	if (u.raw)
		archive_read_free(u.raw);
	EVP_MD_CTX_free(u.md);
	for (size_t i = 0; i < u.n_dirs; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	close(u.rootfd);
	return r;
}
