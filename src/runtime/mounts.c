#include "mounts.h"
#include "../util/cleanup.h"
#include "../util/path.h"
#include "../util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Flags that a bind mount only takes on a second, remounting call. */
#define BIND_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | \
			    MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

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

static char *bind_source(const struct spec_mount *m, const char *bundle)
{
	if (m->source && m->source[0] != '/' && bundle)
		return xasprintf("%s/%s", bundle, m->source);
	return xstrdup(m->source ? m->source : "none");
}

static enum md_create target_kind(const struct spec_mount *m, const char *source)
{
	struct stat st;

	if (m->bind && source && stat(source, &st) == 0 && !S_ISDIR(st.st_mode))
		return MD_CREATE_FILE;
	return MD_CREATE_DIR;
}

/* Re-resolve the target after mounting: the old fd still points at the
 * directory underneath the new mount. */
static int remount_target(int rootfd, const char *dest, unsigned long flags,
			  const char *what, md_error *err)
{
	cleanup_close int fd = md_open_in_root(rootfd, dest, O_PATH, MD_NO_CREATE, err);
	char p[64];

	if (fd < 0)
		return -1;
	if (mount(NULL, md_fd_path(fd, p, sizeof(p)), NULL, flags, NULL) < 0)
		return md_error_set(err, errno, "%s `%s`", what, dest);
	return 0;
}

static int mount_one(int rootfd, const struct spec_mount *m, const char *bundle,
		     md_error *err)
{
	cleanup_free char *source = bind_source(m, bundle);
	cleanup_close int tfd = -1;
	unsigned long flags = m->flags;
	char p[64];

	tfd = md_open_in_root(rootfd, m->destination, O_PATH, target_kind(m, source), err);
	if (tfd < 0)
		return -1;
	md_fd_path(tfd, p, sizeof(p));
	if (m->bind) {
		if (mount(source, p, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
			return md_error_set(err, errno, "bind `%s` on `%s`", source, m->destination);
		if ((flags & BIND_REMOUNT_FLAGS) &&
		    remount_target(rootfd, m->destination,
				   MS_BIND | MS_REMOUNT | (flags & BIND_REMOUNT_FLAGS),
				   "remount", err) < 0)
			return -1;
	} else if (mount(source, p, m->type, flags & ~MS_REC, m->data) < 0) {
		return md_error_set(err, errno, "mount %s on `%s`", m->type ? m->type : "none",
				    m->destination);
	}
	if (m->propagation)
		return remount_target(rootfd, m->destination, m->propagation,
				      "set propagation of", err);
	return 0;
}

static int enter_root(const char *root, bool no_pivot, md_error *err)
{
	cleanup_close int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fchdir(fd) < 0)
		return md_error_set(err, errno, "enter rootfs `%s`", root);
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			return md_error_set(err, errno, "move rootfs `%s` to /", root);
		return chdir("/") < 0 ? md_error_set(err, errno, "chdir /") : 0;
	}
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * make it a slave first so that unmounting it does not propagate to
	 * the host, then detach it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return md_error_set(err, errno, "pivot_root into `%s`", root);
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return md_error_set(err, errno, "detach old root");
	return chdir("/") < 0 ? md_error_set(err, errno, "chdir /") : 0;
}

static int mount_all(int rootfd, const struct spec *spec, const char *bundle, md_error *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (mount_one(rootfd, &spec->mounts[i], bundle, err) < 0)
			return -1;
	return 0;
}

int rootfs_setup(const struct spec *spec, const char *bundle, bool no_pivot,
		 md_error *err)
{
	unsigned long prop = spec->linux.rootfs_propagation;
	cleanup_free char *root = NULL;
	cleanup_close int rootfd = -1;
	bool host_root;

	if (rootfs_resolve(spec, bundle, &root, err) < 0)
		return -1;
	host_root = strcmp(root, "/") == 0;
	/* Nothing we mount may show up on the host. */
	if (mount(NULL, "/", NULL, prop ? prop : (MS_SLAVE | MS_REC), NULL) < 0)
		return md_error_set(err, errno, "set propagation of /");
	if (!host_root && mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind rootfs `%s`", root);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return md_error_set(err, errno, "open rootfs `%s`", root);
	if (mount_all(rootfd, spec, bundle, err) < 0)
		return -1;
	if (!host_root && enter_root(root, no_pivot, err) < 0)
		return -1;
	if (spec->root_readonly &&
	    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return md_error_set(err, errno, "make rootfs read-only");
	return 0;
}
