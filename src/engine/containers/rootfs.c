/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/rootfs.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel copies one page of mount data. */
#define MOUNT_DATA_MAX 4096
/* Mounts stacked on one mount point by mistake are undone too, up to this. */
#define UNMOUNT_MAX 8

/* Append s to buf (size MOUNT_DATA_MAX); false when it does not fit. */
static bool append(char *buf, const char *s)
{
	size_t used = strlen(buf), n = strlen(s);

	if (used + n >= MOUNT_DATA_MAX)
		return false;
	memcpy(buf + used, s, n + 1);
	return true;
}

/* A layer directory as seen from ROOT/layers (the cwd while mounting). */
static const char *relative(const char *layers_dir, const char *path)
{
	size_t n = strlen(layers_dir);

	if (strncmp(path, layers_dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Options that overlayfs takes only when the kernel has them; off, so that
 * the upper layer holds whole files and plain directories, which commit
 * and export turn into a layer (Docker's overlay2 turns index off too). */
static bool append_off_options(char *buf)
{
	static const char *const opts[] = { "index", "redirect_dir", "metacopy" };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		cleanup_free char *param = xasprintf("/sys/module/overlay/parameters/%s", opts[i]);
		cleanup_free char *opt = xasprintf(",%s=off", opts[i]);

		if (access(param, F_OK) == 0 && !append(buf, opt))
			return false;
	}
	return true;
}

/* lowerdir (highest first), upperdir and workdir relative to ROOT/layers. */
static int mount_data(const char *root, const char *id, char *const *layers, char *buf,
		      md_error *err)
{
	cleanup_free char *layers_dir = xasprintf("%s/layers", root);
	cleanup_free char *dirs = xasprintf(",upperdir=../containers/%s/upper,"
					    "workdir=../containers/%s/work",
					    id, id);
	size_t n = md_strv_len(layers);
	bool ok = append(buf, "lowerdir=");

	for (size_t i = n; ok && i > 0; i--)
		ok = (i == n || append(buf, ":")) &&
		     append(buf, relative(layers_dir, layers[i - 1]));
	if (ok && n == 0)
		ok = append(buf, "../containers/") && append(buf, id) && append(buf, "/lower");
	ok = ok && append(buf, dirs) && append_off_options(buf);
	if (!ok)
		return md_error_set(err, E2BIG, "%zu layers are too many for one overlay mount", n);
	return 0;
}

/* mount(2) with the cwd at ROOT/layers, then back where we were. */
static int mount_from_layers(const char *root, const char *target, const char *data, md_error *err)
{
	cleanup_free char *layers_dir = xasprintf("%s/layers", root);
	cleanup_close int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r, e;

	if (here < 0)
		return md_error_set(err, errno, "open the current directory");
	if (md_mkdir_p(layers_dir, 0700, err) < 0)
		return -1;
	if (chdir(layers_dir) < 0)
		return md_error_set(err, errno, "chdir `%s`", layers_dir);
	r = mount("overlay", target, "overlay", 0, data);
	e = errno;
	if (fchdir(here) < 0)
		return md_error_set(err, errno, "back to the previous directory");
	return r < 0 ? md_error_set(err, e, "mount the overlay on `%s`", target) : 0;
}

int rootfs_overlay_mount(const char *root, const char *id, char *const *layers, md_error *err)
{
	cleanup_free char *target = records_path(root, id, "rootfs");
	char data[MOUNT_DATA_MAX] = "";

	if (!layers || !layers[0]) {
		cleanup_free char *lower = records_path(root, id, "lower");

		if (mkdir(lower, 0755) < 0 && errno != EEXIST)
			return md_error_set(err, errno, "mkdir `%s`", lower);
	}
	if (mount_data(root, id, layers, data, err) < 0)
		return -1;
	return mount_from_layers(root, target, data, err);
}

int rootfs_overlay_unmount(const char *root, const char *id, md_error *err)
{
	cleanup_free char *target = records_path(root, id, "rootfs");

	for (int i = 0; i < UNMOUNT_MAX; i++) {
		if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			continue;
		if (errno == EINVAL || errno == ENOENT)
			return 0;
		return md_error_set(err, errno, "unmount `%s`", target);
	}
	return md_error_set(err, EBUSY, "unmount `%s`: still mounted", target);
}
