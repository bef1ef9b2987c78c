/* SPDX-License-Identifier: Apache-2.0 */
/* The container's mount tree: the spec's mounts (each target an fd inside
 * the root), /dev, pivot_root, then masked and read-only paths and the
 * read-only root, following runc's order. */
#include "runtime/mounts.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/devices.h"
#include "runtime/mounts-internal.h"
#include "runtime/namespaces.h"
#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What mount(2) must not see: the bind flags and options that are ours. */
#define NOT_MOUNT_FLAGS (MS_BIND | MS_REC | MS_REMOUNT)
#define SECURITY_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

int rootfs_resolve(const struct spec *spec, const char *bundle, char **out, md_error *err)
{
	cleanup_free char *joined = NULL;
	char buf[PATH_MAX];

	if (!spec->root_path)
		return md_error_set(err, EINVAL, "config has no root.path");
	if (spec->root_path[0] != '/' && bundle)
		joined = xasprintf("%s/%s", bundle, spec->root_path);
	if (!realpath(joined ? joined : spec->root_path, buf))
		return md_error_set(err, errno, "rootfs `%s`", joined ? joined : spec->root_path);
	*out = xstrdup(buf);
	return 0;
}

/* "/a//b/./c/../d" -> "/a/b/d", lexically; ".." stops at "/". */
static char *clean_path(const char *p)
{
	cleanup_free char *copy = xstrdup(p);
	char *out = xmalloc0(strlen(p) + 2), *save = NULL;
	size_t len = 0;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			while (len > 0 && out[len] != '/')
				len--;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "/%s", c);
	}
	if (len == 0)
		strcpy(out, "/");
	return out;
}

static bool type_is(const struct spec_mount *m, const char *type)
{
	return !m->bind && m->type && strcmp(m->type, type) == 0;
}

/* lxcfs bind-mounts its files over these; runc allows them too. */
static bool proc_file_allowed(const char *dest)
{
	static const char *const ok[] = {
		"/proc/cpuinfo", "/proc/diskstats",
		"/proc/meminfo", "/proc/stat",
		"/proc/swaps",   "/proc/uptime",
		"/proc/loadavg", "/proc/slabinfo",
		"/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (strcmp(dest, ok[i]) == 0)
			return true;
	return false;
}

/* Nothing but procfs on /proc, nothing inside it but the lxcfs files: a
 * mount there could hide what masked paths hide, or fake what the runtime
 * reads (CVE-2019-16884). dest is clean. */
static int check_proc_dest(const struct spec_mount *m, const char *dest, md_error *err)
{
	if (strcmp(dest, "/proc") == 0)
		return type_is(m, "proc")
			       ? 0
			       : md_error_set(err, EPERM, "only procfs can be mounted on /proc");
	if (md_str_has_prefix(dest, "/proc/") && !proc_file_allowed(dest))
		return md_error_set(err, EPERM, "`%s` is inside /proc", dest);
	return 0;
}

/* The same once the target is open: a path that does not name /proc but
 * leads into it through a symlink. */
static int check_proc_target(const struct spec_mount *m, const char *dest, int tfd, md_error *err)
{
	/* A fresh procfs over /proc (the host's, with a host root) is fine. */
	if (strcmp(dest, "/proc") == 0 && type_is(m, "proc"))
		return 0;
	if (mnt_fd_is_fs(tfd, PROC_SUPER_MAGIC) && !proc_file_allowed(dest))
		return md_error_set(err, EPERM, "`%s` leads into /proc", m->destination);
	return 0;
}

static int open_target(const struct mount_ctx *cx, const char *dest, int flags,
		       enum md_create create, md_error *err)
{
	return md_open_in_root(cx->rootfd, dest, flags, create, err);
}

static char *bind_source(const struct spec_mount *m, const char *bundle)
{
	if (m->source && m->source[0] != '/' && bundle)
		return xasprintf("%s/%s", bundle, m->source);
	return xstrdup(m->source ? m->source : "none");
}

static int mount_bind(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
		      md_error *err)
{
	cleanup_free char *source = bind_source(m, cx->bundle);
	cleanup_close int tfd = -1, top = -1;
	struct stat st;
	char p[64];

	if (stat(source, &st) < 0)
		return md_error_set(err, errno, "bind source `%s`", source);
	tfd = open_target(cx, dest, O_PATH, S_ISDIR(st.st_mode) ? MD_CREATE_DIR : MD_CREATE_FILE,
			  err);
	if (tfd < 0 || check_proc_target(m, dest, tfd, err) < 0)
		return -1;
	if (mount(source, md_fd_path(tfd, p, sizeof(p)), NULL, MS_BIND | (m->flags & MS_REC),
		  NULL) < 0)
		return md_error_set(err, errno, "bind `%s` on `%s`", source, m->destination);
	/* A bind takes its flags only from a second, remounting call; skip it
	 * when the options set nothing, to keep the source's flags. */
	if (!(m->flags & ~NOT_MOUNT_FLAGS) && !m->clear)
		return 0;
	top = open_target(cx, dest, O_PATH, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (mnt_bind_remount(top, m->flags, m->clear) < 0)
		return md_error_set(err, errno, "remount bind `%s` with its options",
				    m->destination);
	return 0;
}

/* runc's fallback when sysfs cannot be mounted (no network namespace of
 * our own inside a user namespace): the host's /sys, read-only all the way
 * down when asked, since an rbind brings its submounts along writable. */
static int bind_host_sys(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
			 int tfd, md_error *err)
{
	cleanup_close int top = -1;
	char p[64];

	if (mount("/sys", md_fd_path(tfd, p, sizeof(p)), NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind the host's /sys on `%s`", m->destination);
	top = open_target(cx, dest, O_PATH | O_NOFOLLOW, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (mnt_bind_remount(top, m->flags, m->clear) < 0)
		return md_error_set(err, errno, "remount `%s`", m->destination);
	if ((m->flags & MS_RDONLY) && mnt_set_rec_attr(top, MOUNT_ATTR_RDONLY, 0) < 0)
		return md_error_set(err, errno, "make `%s` read-only", m->destination);
	return 0;
}

/* proc and sysfs go on a plain directory, never through a symlink; and
 * what ends up there must be the filesystem we asked for. */
static int mount_pseudo(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
			md_error *err)
{
	bool proc = strcmp(m->type, "proc") == 0;
	long magic = proc ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
	cleanup_close int tfd = -1, top = -1;
	struct stat st;

	tfd = open_target(cx, dest, O_PATH | O_NOFOLLOW, MD_CREATE_DIR, err);
	if (tfd < 0)
		return -1;
	if (fstat(tfd, &st) < 0 || !S_ISDIR(st.st_mode))
		return md_error_set(err, ENOTDIR,
				    "%s must be mounted on a plain directory; "
				    "`%s` in the image is not one",
				    m->type, m->destination);
	if (check_proc_target(m, dest, tfd, err) < 0)
		return -1;
	if (mnt_fd(-1, m->source ? m->source : m->type, tfd, m->type, m->flags & ~NOT_MOUNT_FLAGS,
		   m->data) < 0) {
		if (!proc && errno == EPERM)
			return bind_host_sys(cx, m, dest, tfd, err);
		return md_error_set(err, errno, "mount %s on `%s`", m->type, m->destination);
	}
	top = open_target(cx, dest, O_PATH | O_NOFOLLOW | O_DIRECTORY, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (!mnt_fd_is_fs(top, magic))
		return md_error_set(err, EIO, "`%s` is not %s after mounting it", m->destination,
				    m->type);
	return 0;
}

/* /dev stays writable until its device nodes exist (see rootfs_prepare). */
static bool is_dev(const char *dest)
{
	return strcmp(dest, "/dev") == 0;
}

/* The directory a tmpfs will cover, made if missing; *existed tells. */
static int open_lower(const struct mount_ctx *cx, const char *dest, bool *existed, md_error *err)
{
	md_error ignored;
	int fd = open_target(cx, dest, O_RDONLY | O_DIRECTORY, MD_NO_CREATE, &ignored);

	*existed = fd >= 0;
	if (fd < 0)
		fd = open_target(cx, dest, O_RDONLY | O_DIRECTORY, MD_CREATE_DIR, err);
	return fd;
}

/* A tmpfs takes the mode of the directory it covers, as in runc (a tmpfs
 * on /tmp stays 1777); a mode= of the config's, coming later, wins. */
static char *tmpfs_data(int lower, bool existed, const char *data)
{
	struct stat st;

	if (!existed || fstat(lower, &st) < 0)
		return data ? xstrdup(data) : NULL;
	return xasprintf("mode=%04o%s%s", st.st_mode & 07777, data ? "," : "", data ? data : "");
}

/* tmpcopyup fills the tmpfs with what it covers: the lower directory stays
 * reachable through the fd opened before the mount. Read-only waits until
 * the copy is done (and, for /dev, until the device nodes exist). */
static int mount_tmpfs(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
		       md_error *err)
{
	cleanup_close int lower = -1, upper = -1;
	cleanup_free char *data = NULL;
	unsigned long flags = m->flags & ~NOT_MOUNT_FLAGS;
	bool late_ro = (flags & MS_RDONLY) && (m->tmpcopyup || is_dev(dest));
	bool existed;

	lower = open_lower(cx, dest, &existed, err);
	if (lower < 0 || check_proc_target(m, dest, lower, err) < 0)
		return -1;
	data = tmpfs_data(lower, existed, m->data);
	if (mnt_fd(-1, m->source ? m->source : "tmpfs", lower, "tmpfs",
		   late_ro ? flags & ~MS_RDONLY : flags, data) < 0)
		return md_error_set(err, errno, "mount tmpfs on `%s`", m->destination);
	if (!m->tmpcopyup)
		return 0;
	upper = open_target(cx, dest, O_RDONLY | O_DIRECTORY, MD_NO_CREATE, err);
	if (upper < 0)
		return -1;
	if (mnt_copy_tree(lower, upper, err) < 0)
		return md_error_prefix(err, "tmpcopyup `%s`", m->destination);
	if (late_ro && !is_dev(dest) && mnt_bind_remount(upper, flags, m->clear) < 0)
		return md_error_set(err, errno, "make `%s` read-only", m->destination);
	return 0;
}

/* devpts refuses a gid= that our user namespace does not map (gid=5 of
 * the default config, in a rootless container): mount it without, as
 * crun does; the ptys then belong to our own gid. */
static int mount_devpts_any_gid(const struct spec_mount *m, int tfd)
{
	cleanup_free char *data = xstrdup(m->data);
	cleanup_free char *kept = xmalloc0(strlen(m->data) + 1);
	char *save = NULL;

	for (char *o = strtok_r(data, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "gid=", 4) == 0)
			continue;
		if (*kept)
			strcat(kept, ",");
		strcat(kept, o);
	}
	if (strcmp(kept, m->data) == 0) {
		errno = EINVAL;
		return -1;
	}
	return mnt_fd(-1, m->source ? m->source : m->type, tfd, m->type,
		      m->flags & ~NOT_MOUNT_FLAGS, kept);
}

/* devpts, mqueue and any other filesystem, made by type and data. */
static int mount_fs(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
		    md_error *err)
{
	unsigned long flags = m->flags & ~NOT_MOUNT_FLAGS;
	cleanup_close int tfd = -1;

	if (!m->type || !*m->type)
		return md_error_set(err, EINVAL, "mount on `%s` has no type", m->destination);
	tfd = open_target(cx, dest, O_PATH, MD_CREATE_DIR, err);
	if (tfd < 0 || check_proc_target(m, dest, tfd, err) < 0)
		return -1;
	if (is_dev(dest))
		flags &= ~MS_RDONLY;
	if (mnt_fd(-1, m->source ? m->source : m->type, tfd, m->type, flags, m->data) == 0)
		return 0;
	if (errno == EINVAL && strcmp(m->type, "devpts") == 0 && m->data &&
	    mount_devpts_any_gid(m, tfd) == 0)
		return 0;
	return md_error_set(err, errno, "mount %s on `%s`", m->type, m->destination);
}

/* Propagation and the recursive attributes go on the new mount, which the
 * first fd does not see: open the target again. */
static int mount_finish(const struct mount_ctx *cx, const struct spec_mount *m, const char *dest,
			md_error *err)
{
	cleanup_close int top = -1;
	char p[64];

	if (!m->propagation && !m->rec_attr_set && !m->rec_attr_clear)
		return 0;
	top = open_target(cx, dest, O_PATH, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (m->propagation &&
	    mount(NULL, md_fd_path(top, p, sizeof(p)), NULL, m->propagation, NULL) < 0)
		return md_error_set(err, errno, "set propagation of `%s`", m->destination);
	if (mnt_set_rec_attr(top, m->rec_attr_set, m->rec_attr_clear) < 0)
		return md_error_set(err, errno, "set recursive options (rro...) of `%s`",
				    m->destination);
	return 0;
}

static int mount_one(const struct mount_ctx *cx, const struct spec_mount *m, md_error *err)
{
	cleanup_free char *dest = clean_path(m->destination);
	int r;

	if (check_proc_dest(m, dest, err) < 0)
		return -1;
	if (m->bind)
		r = mount_bind(cx, m, dest, err);
	else if (type_is(m, "cgroup"))
		r = mnt_cgroup(cx, m, err);
	else if (type_is(m, "proc") || type_is(m, "sysfs"))
		r = mount_pseudo(cx, m, dest, err);
	else if (type_is(m, "tmpfs"))
		r = mount_tmpfs(cx, m, dest, err);
	else
		r = mount_fs(cx, m, dest, err);
	if (r < 0)
		return -1;
	return mount_finish(cx, m, dest, err);
}

static int mount_all(const struct mount_ctx *cx, md_error *err)
{
	for (size_t i = 0; i < cx->spec->n_mounts; i++)
		if (mount_one(cx, &cx->spec->mounts[i], err) < 0)
			return -1;
	return 0;
}

/* The config's own filesystem on /dev (not a bind of a host /dev): then
 * we fill it, as runc does. */
static const struct spec_mount *dev_mount(const struct spec *spec)
{
	const struct spec_mount *found = NULL;

	for (size_t i = 0; i < spec->n_mounts; i++) {
		cleanup_free char *dest = clean_path(spec->mounts[i].destination);

		if (is_dev(dest))
			found = &spec->mounts[i];
	}
	return found && !found->bind ? found : NULL;
}

/* /dev was left writable for the device nodes; make it read-only now if
 * the config asked. */
static int dev_finish(const struct mount_ctx *cx, const struct spec_mount *m, md_error *err)
{
	cleanup_close int fd = -1;

	if (!(m->flags & MS_RDONLY))
		return 0;
	fd = open_target(cx, "/dev", O_PATH, MD_NO_CREATE, err);
	if (fd < 0)
		return -1;
	if (mnt_bind_remount(fd, m->flags, m->clear) < 0)
		return md_error_set(err, errno, "make /dev read-only");
	return 0;
}

/* pivot_root fails when the rootfs's parent mount is shared, and the
 * rootfs bind would propagate to the host through it: make it private
 * (runc's rootfsParentMountPrivate). The parent is the longest mount
 * point that contains root. */
static int parent_private(const char *root, md_error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free struct md_mountinfo *mi = NULL;
	const struct md_mountinfo *best = NULL;
	size_t n, blen = 0;

	if (md_mountinfo_read(&mi, &n, &buf, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(mi[i].point);
		bool under = strcmp(mi[i].point, "/") == 0 ||
			     (strncmp(root, mi[i].point, l) == 0 && (root[l] == '/' || !root[l]));

		if (under && l >= blen) {
			best = &mi[i];
			blen = l;
		}
	}
	if (!best || !strstr(best->optional, "shared:"))
		return 0;
	if (mount(NULL, best->point, NULL, MS_PRIVATE, NULL) < 0)
		return md_error_set(err, errno, "make `%s` private", best->point);
	return 0;
}

/* With the host's root, the host's own /dev (and what is mounted below
 * it) would stay under the container's: detach it when the config mounts
 * one afresh. Not /proc: we mount by fd through it, nor /sys: the cgroup
 * mount reads the host's hierarchies from it; the new mounts cover them. */
static int detach_host_pseudo(const struct spec *spec, md_error *err)
{
	static const char *const pseudo[] = { "/dev" };

	for (size_t i = 0; i < spec->n_mounts; i++) {
		const char *dest = spec->mounts[i].destination;

		for (size_t k = 0; k < ARRAY_SIZE(pseudo); k++) {
			if (!dest || strcmp(dest, pseudo[k]) != 0)
				continue;
			if (umount2(dest, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
				return md_error_set(err, errno, "detach the host's `%s`", dest);
		}
	}
	return 0;
}

/* Propagation of "/" first: a slave of the host, so that nothing we mount
 * shows up there (a copied shared mount is a peer of the host's), or
 * private when asked. shared and unbindable wait until the tree is built
 * (root_propagation): an unbindable "/" could not even be bound. */
static unsigned long first_propagation(const struct spec *spec)
{
	unsigned long prop = spec->linux.rootfs_propagation;

	return (prop & MS_PRIVATE) ? prop : (MS_SLAVE | MS_REC);
}

/* Propagation of "/", then the rootfs bound onto itself so that it is a
 * mount point. */
static int prepare_root(const struct spec *spec, const char *root, bool host_root, md_error *err)
{
	if (mount(NULL, "/", NULL, first_propagation(spec), NULL) < 0)
		return md_error_set(err, errno, "set propagation of /");
	if (host_root)
		return detach_host_pseudo(spec, err);
	if (parent_private(root, err) < 0)
		return -1;
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind rootfs `%s`", root);
	return 0;
}

static int enter_root(int rootfd, bool no_pivot, md_error *err)
{
	if (fchdir(rootfd) < 0)
		return md_error_set(err, errno, "enter rootfs");
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			return md_error_set(err, errno, "move rootfs to /");
		return chdir("/") < 0 ? md_error_set(err, errno, "chdir /") : 0;
	}
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * make it a slave first so that unmounting it does not propagate to
	 * the host, then detach it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return md_error_set(err, errno, "pivot_root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return md_error_set(err, errno, "detach old root");
	return chdir("/") < 0 ? md_error_set(err, errno, "chdir /") : 0;
}

/* The requested propagation of the container's "/", last of all: the
 * masks and read-only paths are binds, which an unbindable tree refuses.
 * The rootfs is a slave of its host mount by then (or private, when the
 * host's is), so shared makes a new peer group of the container's own:
 * mounts made on the host still come in, none goes out. */
static int root_propagation(const struct spec *spec, md_error *err)
{
	unsigned long prop = spec->linux.rootfs_propagation;

	if (!prop || prop == first_propagation(spec))
		return 0;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return md_error_set(err, errno, "set rootfs propagation");
	return 0;
}

/* The container's /dev/null, checked to be the null device: an image can
 * make it a symlink to a procfs file, which a mask would then bind over
 * the path it should hide, writable (CVE-2025-31133). */
static int open_null(int root, int *out, md_error *err)
{
	cleanup_close int fd =
		md_open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW, MD_NO_CREATE, err);
	struct stat st;

	if (fd < 0)
		return md_error_prefix(err, "masked paths need /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return md_error_set(err, EPERM,
				    "/dev/null in the container is not the null "
				    "device (1:3); refusing to mask paths with it");
	*out = TAKE_FD(fd);
	return 0;
}

/* Open a path of masked/readonlyPaths; 0 with *fd = -1 when missing. */
static int open_listed(int root, const char *path, int *fd, md_error *err)
{
	md_error e;

	md_error_clear(&e);
	*fd = md_open_in_root(root, path, O_PATH, MD_NO_CREATE, &e);
	if (*fd >= 0 || e.errnum == ENOENT || e.errnum == ENOTDIR)
		return 0;
	*err = e;
	return -1;
}

/* A directory gets an empty read-only tmpfs, anything else /dev/null. */
static int mask_one(int root, const char *path, int *null, md_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	int r;

	if (open_listed(root, path, &fd, err) < 0)
		return -1;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return md_error_set(err, errno, "stat `%s`", path);
	if (S_ISDIR(st.st_mode)) {
		r = mnt_fd(-1, "tmpfs", fd, "tmpfs", MS_RDONLY | SECURITY_FLAGS, NULL);
	} else {
		if (*null < 0 && open_null(root, null, err) < 0)
			return -1;
		r = mnt_fd(*null, NULL, fd, NULL, MS_BIND, NULL);
	}
	if (r < 0)
		return md_error_set(err, errno, "mask `%s`", path);
	return 0;
}

/* Bound onto itself and remounted read-only, keeping nosuid, nodev and
 * noexec: dropping one of them is refused in a user namespace. */
static int readonly_one(int root, const char *path, md_error *err)
{
	cleanup_close int fd = -1, top = -1;
	unsigned long now;

	if (open_listed(root, path, &fd, err) < 0)
		return -1;
	if (fd < 0)
		return 0;
	if (mnt_fd(fd, NULL, fd, NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind `%s` onto itself", path);
	top = md_open_in_root(root, path, O_PATH, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (mnt_flags_of(top, &now) < 0 ||
	    mnt_bind_remount(top, MS_RDONLY | (now & SECURITY_FLAGS), 0) < 0)
		return md_error_set(err, errno, "make `%s` read-only", path);
	return 0;
}

/* After pivot_root: paths are those of the container, under its /proc. */
static int protect_paths(const struct spec *spec, md_error *err)
{
	cleanup_close int root = -1, null = -1, procfd = -1;
	char *const *masked = spec->linux.masked_paths, *const *ro = spec->linux.readonly_paths;

	if (!(masked && *masked) && !(ro && *ro))
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return md_error_set(err, errno, "open /");
	/* We mask through /proc/self/fd/N: it must be the real procfs. */
	procfd = md_open_procfs("/proc/self/fd", O_RDONLY | O_DIRECTORY, err);
	if (procfd < 0)
		return md_error_prefix(err, "masked and read-only paths need /proc "
					    "mounted in the container");
	for (size_t i = 0; masked && masked[i]; i++)
		if (mask_one(root, masked[i], &null, err) < 0)
			return -1;
	for (size_t i = 0; ro && ro[i]; i++)
		if (readonly_one(root, ro[i], err) < 0)
			return -1;
	return 0;
}

static int readonly_root(md_error *err)
{
	cleanup_close int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned long now;

	if (fd < 0 || mnt_flags_of(fd, &now) < 0)
		return md_error_set(err, errno, "open /");
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | (now & SECURITY_FLAGS),
		  NULL) < 0 &&
	    mnt_bind_remount(fd, MS_RDONLY | (now & SECURITY_FLAGS), 0) < 0)
		return md_error_set(err, errno, "make rootfs read-only");
	return 0;
}

/* Before pivot_root: the spec's mounts, then /dev's content. */
static int populate(const struct mount_ctx *cx, md_error *err)
{
	const struct spec_mount *dev = dev_mount(cx->spec);

	if (mount_all(cx, err) < 0)
		return -1;
	if (!dev)
		return 0;
	if (devices_setup(cx, err) < 0)
		return md_error_prefix(err, "/dev");
	return dev_finish(cx, dev, err);
}

/* A config without a mount namespace shares its caller's mount table:
 * a pivot_root there would move the caller's root (and the host's, run
 * from the host), and even runc's rslave of "/" or its rootfs bind would
 * change the host. runc mounts the config's mounts there anyway and then
 * chroots; we mount nothing, and refuse whatever needs a mount. */
static int check_shared_ns(const struct spec *spec, md_error *err)
{
	const struct spec_linux *l = &spec->linux;
	const char *what = NULL;

	if (spec->n_mounts)
		what = "mounts";
	else if (l->masked_paths && *l->masked_paths)
		what = "linux.maskedPaths";
	else if (l->readonly_paths && *l->readonly_paths)
		what = "linux.readonlyPaths";
	else if (spec->root_readonly)
		what = "root.readonly";
	else if (l->rootfs_propagation)
		what = "linux.rootfsPropagation";
	else if (l->devices && json_object_is_type(l->devices, json_type_array) &&
		 json_object_array_length(l->devices) > 0)
		what = "linux.devices";
	if (!what)
		return 0;
	return md_error_set(err, EINVAL,
			    "%s: needs a mount namespace, and the config has "
			    "none (the caller's mounts are never changed)",
			    what);
}

static int open_root(const char *root, struct rootfs *r, md_error *err)
{
	r->host_root = strcmp(root, "/") == 0;
	r->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		return md_error_set(err, errno, "open rootfs `%s`", root);
	return 0;
}

int rootfs_prepare(const struct spec *spec, const char *bundle, struct rootfs *r, md_error *err)
{
	cleanup_free char *root = NULL;
	struct mount_ctx cx = { .spec = spec, .bundle = bundle };

	r->rootfd = -1;
	/* Joined by path counts: that namespace is ours to set up. */
	r->shared_ns = !ns_plan_has(spec, CLONE_NEWNS);
	if (r->shared_ns && check_shared_ns(spec, err) < 0)
		return -1;
	if (rootfs_resolve(spec, bundle, &root, err) < 0)
		return -1;
	if (r->shared_ns)
		return open_root(root, r, err);
	if (prepare_root(spec, root, strcmp(root, "/") == 0, err) < 0 ||
	    open_root(root, r, err) < 0)
		return -1;
	cx.rootfd = r->rootfd;
	return populate(&cx, err);
}

/* The caller's mount table stays as it is: sysctls through its /proc
 * (they name our own namespaces, which sysctl_apply checks), then the
 * root changes for us alone. */
static int enter_shared_ns(const struct spec *spec, int rootfd, bool host_root, md_error *err)
{
	if (sysctl_apply(spec, err) < 0)
		return -1;
	if (host_root)
		return 0;
	if (fchdir(rootfd) < 0 || chroot(".") < 0)
		return md_error_set(err, errno, "chroot into the rootfs");
	return chdir("/") < 0 ? md_error_set(err, errno, "chdir /") : 0;
}

int rootfs_enter(const struct spec *spec, struct rootfs *r, bool no_pivot, md_error *err)
{
	cleanup_close int rootfd = TAKE_FD(r->rootfd);

	if (r->shared_ns)
		return enter_shared_ns(spec, rootfd, r->host_root, err);
	if (!r->host_root && enter_root(rootfd, no_pivot, err) < 0)
		return -1;
	/* Before the read-only paths make /proc/sys read-only. */
	if (sysctl_apply(spec, err) < 0)
		return -1;
	if (protect_paths(spec, err) < 0)
		return -1;
	if (spec->root_readonly && readonly_root(err) < 0)
		return -1;
	return root_propagation(spec, err);
}
