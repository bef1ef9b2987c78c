/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for mounts.c: mounting onto fds, flags of a mount,
 * and the tree copy behind tmpcopyup. */
#include "runtime/mounts-internal.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* Flags the kernel locks on mounts inherited across user namespaces. */
#define LOCKED_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | ATIME_FLAGS)
#define ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

int mnt_fd(int sfd, const char *source, int tfd, const char *type, unsigned long flags,
	   const char *data)
{
	char sp[64], tp[64];

	if (sfd >= 0)
		source = md_fd_path(sfd, sp, sizeof(sp));
	return mount(source, md_fd_path(tfd, tp, sizeof(tp)), type, flags, data);
}

int mnt_flags_of(int fd, unsigned long *flags)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },     { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },       { ST_NOEXEC, MS_NOEXEC },
		{ ST_MANDLOCK, MS_MANDLOCK }, { ST_SYNCHRONOUS, MS_SYNCHRONOUS },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME }, { ST_NOSYMFOLLOW, MS_NOSYMFOLLOW },
	};
	struct statvfs sv;

	if (fstatvfs(fd, &sv) < 0)
		return -1;
	*flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (sv.f_flag & map[i].st)
			*flags |= map[i].ms;
	/* statvfs has no strictatime: it is what is left when no other
	 * atime mode is set. */
	if (!(*flags & (MS_NOATIME | MS_RELATIME)))
		*flags |= MS_STRICTATIME;
	return 0;
}

int mnt_bind_remount(int tfd, unsigned long flags, unsigned long clear)
{
	unsigned long now, retry;
	int e;

	flags &= ~(MS_BIND | MS_REC | MS_REMOUNT);
	if (mnt_fd(-1, NULL, tfd, NULL, MS_BIND | MS_REMOUNT | flags, NULL) == 0)
		return 0;
	e = errno;
	if (e != EPERM || mnt_flags_of(tfd, &now) < 0) {
		errno = e;
		return -1;
	}
	/* Asked to clear a locked flag that is set: nothing we can do. So is
	 * an atime mode other than the one the mount has (the kernel would
	 * silently keep the old one). */
	if ((now & clear & LOCKED_FLAGS) ||
	    ((flags & ATIME_FLAGS) && (flags & ATIME_FLAGS) != (now & ATIME_FLAGS))) {
		errno = e;
		return -1;
	}
	retry = flags | (now & LOCKED_FLAGS);
	if ((flags & ATIME_FLAGS) == 0)
		retry = (retry & ~ATIME_FLAGS) | (now & ATIME_FLAGS);
	return mnt_fd(-1, NULL, tfd, NULL, MS_BIND | MS_REMOUNT | retry, NULL);
}

int mnt_set_rec_attr(int tfd, uint64_t set, uint64_t clear)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clear };

	if (!set && !clear)
		return 0;
	/* The atime modes are an enum, not bits (MOUNT_ATTR_RELATIME is 0):
	 * changing one needs the whole MOUNT_ATTR__ATIME field cleared. */
	if ((set | clear) & MOUNT_ATTR__ATIME)
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	return mount_setattr(tfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
}

bool mnt_fd_is_fs(int fd, long magic)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (long)sf.f_type == magic;
}

/* ---- tmpcopyup ---- */

#define COPY_MAX_DEPTH 256

static int copy_dir(int src, int dst, int depth, md_error *err);

/* Owner, mode and times of st onto fd (chown first: it clears setuid). */
static int copy_attrs(int fd, const struct stat *st, const char *name, md_error *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
	    futimens(fd, ts) < 0)
		return md_error_set(err, errno, "copy attributes of `%s`", name);
	return 0;
}

static int copy_file(int src, int dst, const char *name, const struct stat *st, md_error *err)
{
	cleanup_close int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	char buf[65536];
	ssize_t r;

	if (in < 0)
		return md_error_set(err, errno, "open `%s`", name);
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return md_error_set(err, errno, "create `%s`", name);
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (md_write_all(out, buf, (size_t)r) < 0)
			return md_error_set(err, errno, "write `%s`", name);
	if (r < 0)
		return md_error_set(err, errno, "read `%s`", name);
	return copy_attrs(out, st, name, err);
}

static int copy_link(int src, int dst, const char *name, const struct stat *st, md_error *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t len = readlinkat(src, name, target, sizeof(target) - 1);

	if (len < 0)
		return md_error_set(err, errno, "readlink `%s`", name);
	target[len] = '\0';
	if (symlinkat(target, dst, name) < 0 ||
	    fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return md_error_set(err, errno, "copy symlink `%s`", name);
	return 0;
}

static int copy_node(int dst, const char *name, const struct stat *st, md_error *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (mknodat(dst, name, st->st_mode, st->st_rdev) < 0 ||
	    fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dst, name, st->st_mode & 07777, 0) < 0 ||
	    utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return md_error_set(err, errno, "copy node `%s`", name);
	return 0;
}

static int copy_subdir(int src, int dst, const char *name, const struct stat *st, int depth,
		       md_error *err)
{
	cleanup_close int s = -1, d = -1;

	if (mkdirat(dst, name, 0700) < 0)
		return md_error_set(err, errno, "mkdir `%s`", name);
	s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return md_error_set(err, errno, "open directory `%s`", name);
	if (copy_dir(s, d, depth + 1, err) < 0)
		return md_error_prefix(err, "%s", name);
	return copy_attrs(d, st, name, err);
}

static int copy_entry(int src, int dst, const char *name, int depth, md_error *err)
{
	struct stat st;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return md_error_set(err, errno, "stat `%s`", name);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_subdir(src, dst, name, &st, depth, err);
	case S_IFREG:
		return copy_file(src, dst, name, &st, err);
	case S_IFLNK:
		return copy_link(src, dst, name, &st, err);
	case S_IFSOCK:
		return 0; /* a socket is useless without its server */
	default:
		return copy_node(dst, name, &st, err);
	}
}

static int copy_dir(int src, int dst, int depth, md_error *err)
{
	int fd = dup(src);
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (depth > COPY_MAX_DEPTH)
		return md_error_set(err, ELOOP, "tree deeper than %d levels", COPY_MAX_DEPTH);
	if (fd < 0 || !(d = fdopendir(fd))) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return md_error_set(err, saved, "read directory");
	}
	errno = 0;
	while (r == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = copy_entry(src, dst, e->d_name, depth, err);
	}
	closedir(d);
	return r;
}

int mnt_copy_tree(int srcdir, int dstdir, md_error *err)
{
	return copy_dir(srcdir, dstdir, 0, err);
}
