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

/* A claim gives up after this many rounds lost to sweepers (each round
 * means another process removed the entry meanwhile: rare). */
#define CLAIM_TRIES 20
/* How long a fresh claim waits for a sweeper that holds its new lock. */
#define CLAIM_WAITS 400
#define CLAIM_WAIT_MS 5

/* The cgroup path of a container made by the engine. Caller frees. */
static char *store_cgroup_path(const char *id)
{
	return cgroup_path_for(NULL, id);
}

static char *entry_dir(const char *id)
{
	return xasprintf("%s/%s", ENGINE_CONTAINERS_DIR, id);
}

static char *entry_file(const char *id, const char *name)
{
	return xasprintf("%s/%s/%s", ENGINE_CONTAINERS_DIR, id, name);
}

/* Lock the entry's lock file (made when create): 1 with *fd holding it, 0
 * when another process holds it, -1 with errno otherwise (ESTALE: a
 * sweeper removed the file while we were taking it). */
static int lock_entry(const char *id, bool create, int *fd)
{
	cleanup_free char *path = entry_file(id, "lock");
	cleanup_close int f =
		open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	struct stat a, b;

	if (f < 0)
		return -1;
	if (flock(f, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 0 : -1;
	if (fstat(f, &a) < 0 || stat(path, &b) < 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		errno = ESTALE;
		return -1;
	}
	*fd = TAKE_FD(f);
	return 1;
}

/* Make (or, unless fresh, reuse) the entry directory and lock it. */
static int claim(struct store_entry *e, bool fresh, md_error *err)
{
	cleanup_free char *dir = entry_dir(e->id);
	int waits = 0;

	e->lock_fd = -1;
	if (md_mkdir_p(ENGINE_CONTAINERS_DIR, 0700, err) < 0)
		return -1;
	for (int i = 0; i < CLAIM_TRIES; i++) {
		int r;

		if (mkdir(dir, 0700) < 0 && (errno != EEXIST || (fresh && i == 0 && waits == 0)))
			return md_error_set(err, errno, "mkdir `%s`", dir);
		r = lock_entry(e->id, true, &e->lock_fd);
		if (r > 0)
			return 0;
		/* A fresh id is no one's: the holder is another command's
		 * sweep looking at the new entry (it may remove it: ESTALE
		 * next time). Wait for it. */
		if (r == 0 && fresh && waits++ < CLAIM_WAITS) {
			md_sleep_ms(CLAIM_WAIT_MS);
			i--;
			continue;
		}
		if (r == 0)
			return md_error_set(err, EBUSY, "container %s is running", e->id);
		if (errno != ENOENT && errno != ESTALE)
			return md_error_set(err, errno, "lock `%s/lock`", dir);
	}
	return md_error_set(err, EAGAIN, "lock `%s/lock`: removed again and again", dir);
}

int store_claim(struct store_entry *e, md_error *err)
{
	if (md_random_hex(e->id, 32, err) < 0)
		return -1;
	return claim(e, true, err);
}

int store_claim_id(struct store_entry *e, const char *id, md_error *err)
{
	if (strlen(id) != 64 || strchr(id, '/') || id[0] == '.')
		return md_error_set(err, EINVAL, "invalid container id `%s`", id);
	memcpy(e->id, id, sizeof(e->id));
	return claim(e, false, err);
}

int store_set_root(const struct store_entry *e, const char *root, md_error *err)
{
	cleanup_free char *path = entry_file(e->id, "root");

	return md_write_file_atomic(path, root, strlen(root), 0600, err);
}

bool store_live(const char *id)
{
	int fd = -1;
	int r = lock_entry(id, false, &fd);

	if (r > 0)
		close(fd);
	return r == 0;
}

/* The entry holds just its own files; what fails to go stays for the
 * next sweep. */
static void remove_entry(const char *id)
{
	cleanup_free char *dir = entry_dir(id), *root = entry_file(id, "root");

	/* The lock goes last but for the directory: an entry is never
	 * left with files and no lock. */
	unlink(root);
	md_remove_dir_files(dir, NULL);
}

void store_release(struct store_entry *e)
{
	remove_entry(e->id);
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	e->lock_fd = -1;
}

/* The entry of a dead owner, locked by us: the caller's side, then its
 * cgroups, then the entry. */
static int sweep_locked(const char *id, store_gone_fn gone, void *ctx, md_error *err)
{
	cleanup_free char *path = store_cgroup_path(id), *root_file = entry_file(id, "root");
	cleanup_free char *root = NULL;
	struct cgroup *cg = NULL;
	int r = 0;

	if (md_read_file(root_file, &root, NULL, NULL) < 0)
		root = NULL;
	if (gone)
		gone(id, root, ctx);
	if (cgroup_open(path, &cg, err) == 0) {
		r = cgroup_destroy(cg, err);
		cgroup_free(cg);
	}
	if (r == 0)
		remove_entry(id);
	return r;
}

/* 1 when the entry's owner was gone and it is cleaned up, 0 when alive. */
static int sweep_one(const char *id, store_gone_fn gone, void *ctx, md_error *err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int fd = -1;
	int r = lock_entry(id, false, &fd);

	if (r > 0)
		return sweep_locked(id, gone, ctx, err) < 0 ? -1 : 1;
	if (r < 0 && errno == ENOENT) {
		/* No lock file: a claim between its mkdir and its open, or
		 * one killed there. Only an empty directory goes. */
		dir = entry_dir(id);
		rmdir(dir);
	}
	return 0;
}

int store_sweep(store_gone_fn gone, void *ctx, md_error *err)
{
	cleanup_dir DIR *d = opendir(ENGINE_CONTAINERS_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0
				       : md_error_set(err, errno, "open %s", ENGINE_CONTAINERS_DIR);
	while ((de = readdir(d))) {
		int r;

		if (de->d_name[0] == '.')
			continue;
		r = sweep_one(de->d_name, gone, ctx, err);
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}
