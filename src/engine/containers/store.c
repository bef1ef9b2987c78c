/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/store.h"
#include "engine/paths.h"
#include "runtime/cgroup.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cgroup path of a container made by the engine. Caller frees. */
static char *store_cgroup_path(const char *id)
{
	return cgroup_path_for(NULL, id);
}

static char *entry_dir(const char *id)
{
	return xasprintf("%s/%s", ENGINE_CONTAINERS_DIR, id);
}

int store_claim(struct store_entry *e, md_error *err)
{
	cleanup_free char *dir = NULL, *lock = NULL;

	if (md_mkdir_p(ENGINE_CONTAINERS_DIR, 0700, err) < 0)
		return -1;
	if (md_random_hex(e->id, 32, err) < 0)
		return -1;
	dir = entry_dir(e->id);
	if (mkdir(dir, 0700) < 0)
		return md_error_set(err, errno, "mkdir `%s`", dir);
	lock = xasprintf("%s/lock", dir);
	e->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (e->lock_fd < 0 || flock(e->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;
		store_release(e);
		return md_error_set(err, saved, "lock `%s`", lock);
	}
	return 0;
}

/* The entry holds just its lock file; what fails to go stays for the
 * next sweep. */
static void remove_entry(const char *id)
{
	cleanup_free char *dir = entry_dir(id);

	md_remove_dir_files(dir, NULL);
}

void store_release(struct store_entry *e)
{
	remove_entry(e->id);
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	e->lock_fd = -1;
}

/* Take the lock of an entry; 1 when its owner is gone, 0 when alive. */
static int owner_gone(const char *id)
{
	cleanup_free char *lock = xasprintf("%s/%s/lock", ENGINE_CONTAINERS_DIR, id);
	cleanup_close int fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT;
	return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

static int sweep_one(const char *id, md_error *err)
{
	cleanup_free char *path = store_cgroup_path(id);
	struct cgroup *cg = NULL;
	int r = 0;

	if (cgroup_open(path, &cg, err) == 0) {
		r = cgroup_destroy(cg, err);
		cgroup_free(cg);
	}
	if (r == 0)
		remove_entry(id);
	return r;
}

int store_sweep(md_error *err)
{
	cleanup_dir DIR *d = opendir(ENGINE_CONTAINERS_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0
				       : md_error_set(err, errno, "open %s", ENGINE_CONTAINERS_DIR);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !owner_gone(de->d_name))
			continue;
		if (sweep_one(de->d_name, err) < 0)
			return -1;
		n++;
	}
	return n;
}
