/* SPDX-License-Identifier: Apache-2.0 */
/* md_open_in_root: whatever the symlinks and ".." in a path, the result
 * stays inside the root, with openat2 and with the fallback walk. */
#include "unit.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A scratch tree: TOP/root is the root, TOP/outside must stay untouched. */
struct scratch {
	char top[64];
	char root[96];
	int rootfd;
};

static void make_link(const struct scratch *s, const char *target, const char *name)
{
	cleanup_free char *p = xasprintf("%s/%s", s->root, name);

	if (symlink(target, p) < 0)
		perror(p);
}

static bool scratch_init(struct scratch *s)
{
	cleanup_free char *a = NULL, *b = NULL, *out = NULL;

	snprintf(s->top, sizeof(s->top), "/tmp/mdpath.XXXXXX");
	if (!mkdtemp(s->top))
		return false;
	snprintf(s->root, sizeof(s->root), "%s/root", s->top);
	a = xasprintf("%s/a", s->root);
	b = xasprintf("%s/a/b", s->root);
	out = xasprintf("%s/outside", s->top);
	if (mkdir(s->root, 0755) < 0 || mkdir(a, 0755) < 0 || mkdir(b, 0755) < 0 ||
	    mkdir(out, 0755) < 0)
		return false;
	make_link(s, "/", "to_root");
	make_link(s, "../../..", "up");
	make_link(s, "../../../../outside", "a/esc");
	make_link(s, "/a/b", "abs_ab");
	make_link(s, "/nonexistent/deeper", "dangle");
	make_link(s, "loop2", "loop1");
	make_link(s, "loop1", "loop2");
	s->rootfd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return s->rootfd >= 0;
}

static void scratch_fini(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	close(s->rootfd);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", s->top);
}

/* Same inode as ROOT/rel (rel "" is the root itself). */
static bool same_as(const struct scratch *s, int fd, const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", s->root, rel);
	struct stat a, b;

	return fd >= 0 && fstat(fd, &a) == 0 && lstat(p, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static bool outside_empty(const struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("[ -z \"$(ls -A '%s/outside')\" ]", s->top);

	return system(cmd) == 0;
}

static int open_in(const struct scratch *s, const char *path, int flags, enum md_create create,
		   int *errnum)
{
	md_error err;
	int fd;

	md_error_clear(&err);
	fd = md_open_in_root(s->rootfd, path, flags, create, &err);
	*errnum = fd < 0 ? err.errnum : 0;
	return fd;
}

/* Runs a test body on a fresh scratch tree, removed whatever happens. */
#define SCRATCH_TEST(name)                                                                         \
	TEST(name)                                                                                 \
	{                                                                                          \
		struct scratch s;                                                                  \
		CHECK(scratch_init(&s));                                                           \
		name##_body(&s, unit_failed);                                                      \
		md_path_force_fallback(false);                                                     \
		scratch_fini(&s);                                                                  \
	}

/* Runs body once with openat2 and once with the fallback walk. */
#define BOTH_WAYS for (int way = 0; way < 2 && (md_path_force_fallback(way == 1), 1); way++)

static void path_symlink_to_root_stays_inside_body(const struct scratch *s, int *unit_failed)
{
	int e;

	BOTH_WAYS
	{
		cleanup_close int a = open_in(s, "to_root", O_PATH, MD_NO_CREATE, &e);
		cleanup_close int b =
			open_in(s, "/to_root/a/b", O_RDONLY | O_DIRECTORY, MD_NO_CREATE, &e);
		cleanup_close int c = open_in(s, "up/a", O_PATH, MD_NO_CREATE, &e);
		cleanup_close int d = open_in(s, "../../../a/./b/..", O_PATH, MD_NO_CREATE, &e);
		cleanup_close int f = open_in(s, "abs_ab", O_PATH, MD_NO_CREATE, &e);
		cleanup_close int g = open_in(s, "/", O_PATH, MD_NO_CREATE, &e);

		if (!same_as(s, a, "") || !same_as(s, b, "a/b") || !same_as(s, c, "a") ||
		    !same_as(s, d, "a") || !same_as(s, f, "a/b") || !same_as(s, g, ""))
			fprintf(stderr, "  way %d\n", way);
		CHECK(same_as(s, a, ""));
		CHECK(same_as(s, b, "a/b"));
		CHECK(same_as(s, c, "a"));
		CHECK(same_as(s, d, "a"));
		CHECK(same_as(s, f, "a/b"));
		CHECK(same_as(s, g, ""));
	}
}

static void path_escape_link_creates_inside_body(const struct scratch *s, int *unit_failed)
{
	int e;

	BOTH_WAYS
	{
		cleanup_free char *dir = xasprintf("d%d", way), *file = xasprintf("f%d", way);
		cleanup_free char *p1 = xasprintf("up/to_root/a/../%s/x", dir);
		cleanup_free char *p2 = xasprintf("up/up/%s", file);
		cleanup_free char *r1 = xasprintf("%s/x", dir);
		cleanup_close int fd = -1, ff = -1, no = -1;
		struct stat st;

		fd = open_in(s, p1, O_PATH, MD_CREATE_DIR, &e);
		CHECK(same_as(s, fd, r1));
		CHECK(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
		ff = open_in(s, p2, O_RDONLY, MD_CREATE_FILE, &e);
		CHECK(same_as(s, ff, file));
		CHECK(fstat(ff, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
		no = open_in(s, "a/missing", O_PATH, MD_NO_CREATE, &e);
		CHECK(no < 0);
		CHECK_INT(e, ENOENT);
		/* a/esc -> ../../../../outside, which the root does not have:
		 * creating through it fails rather than reach TOP/outside. */
		close(no);
		no = open_in(s, "a/esc/x", O_PATH, MD_CREATE_DIR, &e);
		CHECK(no < 0);
		CHECK(outside_empty(s));
	}
}

static void path_dangling_and_loops_body(const struct scratch *s, int *unit_failed)
{
	int e;

	BOTH_WAYS
	{
		cleanup_close int a = open_in(s, "dangle", O_PATH, MD_NO_CREATE, &e);
		cleanup_close int b = -1, c = -1, d = -1;

		CHECK(a < 0);
		CHECK_INT(e, ENOENT);
		/* Creating through a dangling link must not make its target on
		 * the host (nor anything outside the root). */
		b = open_in(s, "dangle", O_PATH, MD_CREATE_DIR, &e);
		CHECK(access("/nonexistent", F_OK) < 0);
		CHECK(outside_empty(s));
		c = open_in(s, "loop1/x", O_PATH, MD_NO_CREATE, &e);
		CHECK(c < 0);
		CHECK_INT(e, ELOOP);
		d = open_in(s, "dangle", O_PATH | O_NOFOLLOW, MD_NO_CREATE, &e);
		CHECK(same_as(s, d, "dangle"));
	}
}

static void path_nofollow_returns_the_link_body(const struct scratch *s, int *unit_failed)
{
	int e;

	BOTH_WAYS
	{
		cleanup_close int fd =
			open_in(s, "/a/../to_root", O_PATH | O_NOFOLLOW, MD_NO_CREATE, &e);
		cleanup_close int dir =
			open_in(s, "to_root", O_RDONLY | O_DIRECTORY, MD_NO_CREATE, &e);
		struct stat st;

		CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode));
		CHECK(same_as(s, dir, ""));
	}
}

SCRATCH_TEST(path_symlink_to_root_stays_inside)

SCRATCH_TEST(path_escape_link_creates_inside)

SCRATCH_TEST(path_dangling_and_loops)

SCRATCH_TEST(path_nofollow_returns_the_link)
