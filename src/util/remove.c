/* SPDX-License-Identifier: Apache-2.0 */
#include "util/remove.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether name in dirfd is the root of a mount (statx knows; a bind mount
 * of the same filesystem has the same st_dev, so comparing devices would
 * not do). */
static int is_mount_root(int dirfd, const char *name)
{
	struct statx stx;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0, &stx) < 0)
		return -1;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static int remove_in(int dirfd, const char *path, md_error *err);

/* name in dirfd; path is its whole name, for messages. */
static int remove_entry(int dirfd, const char *name, const char *path, md_error *err)
{
	cleanup_close int fd = -1;
	int m;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return md_error_set(err, errno, "remove `%s`", path);
	m = is_mount_root(dirfd, name);
	if (m != 0)
		return md_error_set(err, m > 0 ? EBUSY : errno, "remove `%s`", path);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	if (remove_in(fd, path, err) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove `%s`", path);
	return 0;
}

/* Everything in the directory dirfd (path: for messages). */
static int remove_in(int dirfd, const char *path, md_error *err)
{
	int fd = dup(dirfd);
	cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return md_error_set(err, errno, "open `%s`", path);
	}
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		cleanup_free char *sub = xasprintf("%s/%s", path, de->d_name);

		if (remove_entry(dirfd, de->d_name, sub, err) < 0)
			return -1;
	}
	return errno ? md_error_set(err, errno, "read `%s`", path) : 0;
}

int md_remove_tree(const char *path, md_error *err)
{
	return remove_entry(AT_FDCWD, path, path, err);
}
