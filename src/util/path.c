/* SPDX-License-Identifier: Apache-2.0 */
#include "util/path.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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
	int fd;

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	/* EAGAIN: a rename raced with a ".." step; the kernel asks us to retry. */
	for (int i = 0; i < 16; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* The fallback walk keeps the directories it went through as a stack of
 * fds: ".." pops one (never the root), so it needs no lookup that could
 * leave the root. */
struct walk {
	int *fds;
	size_t n, cap;
	char *rest;     /* what is left to resolve, '/'-separated */
	unsigned links; /* symlinks followed so far */
};

#define WALK_MAX_LINKS 40

static int walk_top(const struct walk *w)
{
	return w->fds[w->n - 1];
}

static void walk_push(struct walk *w, int fd)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->fds = xrealloc(w->fds, w->cap * sizeof(int));
	}
	w->fds[w->n++] = fd;
}

static void walk_pop_to(struct walk *w, size_t n)
{
	while (w->n > n)
		close(w->fds[--w->n]);
}

static void walk_free(struct walk *w)
{
	walk_pop_to(w, 0);
	free(w->fds);
	free(w->rest);
}

/* Cut the next component off w->rest into comp (NUL-terminated, inside
 * the buffer); false when nothing is left. */
static bool walk_next(struct walk *w, char **comp, char **after)
{
	char *s = w->rest, *slash;

	while (*s == '/')
		s++;
	if (*s == '\0')
		return false;
	slash = strchr(s, '/');
	if (slash)
		*slash = '\0';
	*comp = s;
	*after = slash ? slash + 1 : s + strlen(s);
	return true;
}

/* Replace the link just met by its target: the target goes in front of what
 * was after the link; an absolute one starts again at the root. */
static int walk_splice_link(struct walk *w, int linkfd, const char *after)
{
	char target[PATH_MAX];
	ssize_t len;
	char *rest;

	if (++w->links > WALK_MAX_LINKS) {
		errno = ELOOP;
		return -1;
	}
	len = readlinkat(linkfd, "", target, sizeof(target) - 1);
	if (len < 0)
		return -1;
	target[len] = '\0';
	if (target[0] == '/')
		walk_pop_to(w, 1);
	rest = xasprintf("%s/%s", target, after);
	free(w->rest);
	w->rest = rest;
	return 0;
}

static bool is_symlink(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

static bool only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == '\0';
}

/* Open the component itself, never through a symlink. A final component
 * that is a symlink makes open fail (ELOOP, or ENOTDIR with O_DIRECTORY):
 * then get the link itself, so that the caller can resolve it. */
static int open_component(int dirfd, const char *comp, int flags, bool follow)
{
	int fd = openat(dirfd, comp, flags | O_NOFOLLOW | O_CLOEXEC), e;

	if (fd >= 0 || !follow || (errno != ELOOP && errno != ENOTDIR))
		return fd;
	e = errno;
	fd = openat(dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !is_symlink(fd)) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* One component. 0: the walk moved on, or (last component) *out holds the
 * result; -1: error. */
static int walk_step(struct walk *w, char *comp, char *after, int flags, int *out)
{
	bool last = only_slashes(after);
	bool follow = !(last && (flags & O_NOFOLLOW));
	int fd;

	if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
		/* ".." at the root stays at the root, as RESOLVE_IN_ROOT does. */
		if (comp[1] == '.')
			walk_pop_to(w, w->n > 1 ? w->n - 1 : 1);
		memmove(w->rest, after, strlen(after) + 1);
		return 0;
	}
	fd = open_component(walk_top(w), comp, last ? flags : O_PATH, follow);
	if (fd < 0)
		return -1;
	if (follow && is_symlink(fd)) {
		int r = walk_splice_link(w, fd, after);
		close(fd);
		return r;
	}
	if (last) {
		*out = fd;
		return 0;
	}
	walk_push(w, fd);
	memmove(w->rest, after, strlen(after) + 1);
	return 0;
}

/* Fallback for kernels without openat2: RESOLVE_IN_ROOT done by hand. */
static int walk_in_root(int rootfd, const char *path, int flags)
{
	struct walk w = { .rest = xstrdup(path) };
	int root = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int out = -1, r = 0, saved;
	char *comp, *after;

	if (root < 0) {
		free(w.rest);
		return -1;
	}
	walk_push(&w, root);
	while (out < 0 && walk_next(&w, &comp, &after)) {
		r = walk_step(&w, comp, after, flags, &out);
		if (r < 0)
			break;
	}
	/* An empty path (or only "/") names the root itself. */
	if (r >= 0 && out < 0)
		out = openat(walk_top(&w), ".", flags | O_CLOEXEC);
	saved = errno;
	walk_free(&w);
	errno = saved;
	return out;
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
	for (char *s = copy + 1;; s++) {
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
				r = openat(parent, name,
					   O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
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

int md_open_in_root(int rootfd, const char *path, int flags, enum md_create create, md_error *err)
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

int md_open_procfs(const char *path, int flags, md_error *err)
{
	cleanup_close int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sf;

	if (fd < 0)
		return md_error_set(err, errno, "open %s", path);
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return md_error_set(err, EPERM, "%s is not on procfs", path);
	return TAKE_FD(fd);
}
