#include "path.h"
#include "cleanup.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A process-wide switch only flipped by tests, to exercise the fallback. */
static bool force_fallback;

void md_path_force_fallback(bool on)
{
	force_fallback = on;
}

const char *md_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Fallback walk: one component at a time with O_NOFOLLOW. A symlink is
 * refused rather than followed, which is stricter than RESOLVE_IN_ROOT but
 * never leaves the root; ".." at the root stays at the root. */
static int walk_in_root(int rootfd, const char *path, int flags)
{
	cleanup_free char *copy = xstrdup(path);
	cleanup_close int cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL, *comp;

	if (cur < 0)
		return -1;
	comp = strtok_r(copy, "/", &save);
	while (comp) {
		char *next = strtok_r(NULL, "/", &save);
		int nfd;

		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			/* ".." is only safe to drop: we never climb above root. */
			if (strcmp(comp, "..") == 0) {
				errno = EXDEV;
				return -1;
			}
			comp = next;
			continue;
		}
		nfd = openat(cur, comp, (next ? O_PATH | O_DIRECTORY : flags) |
					     O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			return -1;
		close(cur);
		cur = nfd;
		comp = next;
	}
	return TAKE_FD(cur);
}

static int open_once(int rootfd, const char *path, int flags)
{
	int fd;

	if (!force_fallback) {
		fd = openat2_in_root(rootfd, path, flags);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
	return walk_in_root(rootfd, path, flags);
}

static int make_missing(int rootfd, const char *path, enum md_create create)
{
	cleanup_free char *copy = xstrdup(path);
	size_t len = strlen(copy);

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	for (char *s = copy + 1; ; s++) {
		bool last = *s == '\0';
		char *slash, saved;
		cleanup_close int parent = -1;

		if (*s != '/' && !last)
			continue;
		saved = *s;
		*s = '\0';
		slash = strrchr(copy, '/');
		if (slash)
			*slash = '\0';
		parent = open_once(rootfd, slash ? copy : ".", O_PATH | O_DIRECTORY);
		if (slash)
			*slash = '/';
		if (parent < 0)
			return -1;
		{
			const char *name = slash ? slash + 1 : copy;
			int r;

			if (last && create == MD_CREATE_FILE) {
				r = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(parent, name, 0755);
			}
			if (r < 0 && errno != EEXIST)
				return -1;
		}
		*s = saved;
		if (last)
			return 0;
	}
}

int md_open_in_root(int rootfd, const char *path, int flags,
		    enum md_create create, md_error *err)
{
	int fd = open_once(rootfd, path, flags);

	if (fd < 0 && errno == ENOENT && create != MD_NO_CREATE) {
		if (make_missing(rootfd, path, create) < 0)
			return md_error_set(err, errno, "create `%s` in the container root", path);
		fd = open_once(rootfd, path, flags);
	}
	if (fd < 0)
		return md_error_set(err, errno, "open `%s` in the container root", path);
	return fd;
}
