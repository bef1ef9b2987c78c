/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/tarball.c: a tree made here -> tar -> layer_unpack gives
 * the same tree (described entry by entry); the same tree gives the same
 * bytes; an overlay upper dir's whiteouts, opaque dirs and excluded paths.
 * Runs as root (mknod, chown, trusted.* xattrs). */
#include "unit.h"
#include "engine/images/layer.h"
#include "engine/images/tarball.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

struct scratch {
	char top[64];
	char *src, *dst;
};

static bool scratch_init(struct scratch *s)
{
	snprintf(s->top, sizeof(s->top), "/tmp/md-tarball.XXXXXX");
	if (!mkdtemp(s->top))
		return false;
	s->src = xasprintf("%s/src", s->top);
	s->dst = xasprintf("%s/dst", s->top);
	return mkdir(s->src, 0755) == 0 && mkdir(s->dst, 0755) == 0;
}

static void scratch_fini(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	if (system(cmd) != 0)
		fprintf(stderr, "  %s failed\n", cmd);
	free(s->src);
	free(s->dst);
}

/* Make one entry under dir: "f NAME TEXT", "d NAME", "l NAME TARGET",
 * "h NAME TARGET" (hard link), "p NAME" (fifo), "c NAME MAJ MIN". */
static bool make(const char *dir, char type, const char *name, const char *arg, mode_t mode)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	cleanup_free char *t = arg ? xasprintf("%s/%s", dir, arg) : NULL;
	cleanup_close int fd = -1;

	switch (type) {
	case 'f':
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || md_write_all(fd, arg, strlen(arg)) < 0)
			return false;
		break;
	case 'd':
		if (mkdir(p, 0755) < 0)
			return false;
		break;
	case 'l':
		return symlink(arg, p) == 0;
	case 'h':
		return link(t, p) == 0;
	case 'p':
		if (mkfifo(p, 0644) < 0)
			return false;
		break;
	case 'c':
		return mknod(p, S_IFCHR | 0600, mode) == 0;
	}
	return !mode || chmod(p, mode) == 0;
}

static void describe_xattrs(char **out, const char *p)
{
	char names[512], value[256];
	ssize_t len = llistxattr(p, names, sizeof(names));

	for (char *n = names; len > 0 && n < names + len; n += strlen(n) + 1) {
		ssize_t v = lgetxattr(p, n, value, sizeof(value));
		char *old = *out;

		*out = xasprintf("%s %s=%zd:", old, n, v);
		free(old);
		for (ssize_t i = 0; i < v; i++) {
			old = *out;
			*out = xasprintf("%s%02x", old, (unsigned char)value[i]);
			free(old);
		}
	}
}

/* One line per entry below dir (sorted, root excluded): type, mode,
 * owner, size, mtime, device, link target or content, xattrs, and for a
 * file with several links the first path with its inode. */
static void describe(const char *dir, const char *rel, char **out, char ***inodes)
{
	cleanup_free char *here = xasprintf("%s/%s", dir, rel);
	struct dirent **list = NULL;
	int n = scandir(here, &list, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		cleanup_free char *r = NULL, *p = NULL, *extra = NULL, *line = NULL, *key = NULL;
		char *old;
		struct stat st;
		char buf[256] = "";
		size_t len;

		if (strcmp(name, ".") && strcmp(name, "..")) {
			r = xasprintf("%s%s%s", rel, *rel ? "/" : "", name);
			p = xasprintf("%s/%s", dir, r);
			lstat(p, &st);
			if (S_ISLNK(st.st_mode) && readlink(p, buf, sizeof(buf) - 1) < 0)
				buf[0] = '\0';
			else if (S_ISREG(st.st_mode) && md_read_file(p, &extra, &len, NULL) == 0)
				snprintf(buf, sizeof(buf), "%s", extra);
			key = xasprintf("%lu", (unsigned long)st.st_ino);
			if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
				size_t k = 0;

				while (*inodes && (*inodes)[k] && strcmp((*inodes)[k], key))
					k += 2;
				if (!*inodes || !(*inodes)[k]) {
					md_strv_push(inodes, key);
					md_strv_push(inodes, r);
				}
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " link=%s",
					 (*inodes)[k + 1]);
			}
			line = xasprintf(
				"%s %o %u:%u %lld %lld %u:%u [%s]", r, st.st_mode, st.st_uid,
				st.st_gid, S_ISDIR(st.st_mode) ? 0 : (long long)st.st_size,
				(long long)st.st_mtime, major(st.st_rdev), minor(st.st_rdev), buf);
			describe_xattrs(&line, p);
			old = *out;
			*out = xasprintf("%s%s\n", old, line);
			free(old);
			if (S_ISDIR(st.st_mode))
				describe(dir, r, out, inodes);
		}
		free(list[i]);
	}
	free(list);
}

static char *tree_text(const char *dir)
{
	char *out = xstrdup("");
	cleanup_strv char **inodes = NULL;

	describe(dir, "", &out, &inodes);
	return out;
}

static bool touch_all(const char *dir, time_t when)
{
	cleanup_free char *cmd = xasprintf("find '%s' -mindepth 1 -exec touch -h -d @%lld {} +",
					   dir, (long long)when);

	return system(cmd) == 0;
}

/* Whether the scratch filesystem took the user.* xattr of make_tree. */
static bool user_xattrs;

static bool make_tree(const char *d)
{
	struct vfs_cap_data cap = { .magic_etc = VFS_CAP_REVISION_2 };
	cleanup_free char *f = xasprintf("%s/bin/ping", d);
	cleanup_free char *u = xasprintf("%s/etc/conf", d);

	cap.data[0].permitted = 1u << CAP_NET_RAW;
	if (!make(d, 'd', "bin", NULL, 0755) || !make(d, 'f', "bin/ping", "ping", 04755) ||
	    !make(d, 'h', "bin/ping6", "bin/ping", 0) || !make(d, 'h', "bin/p3", "bin/ping", 0) ||
	    !make(d, 'd', "etc", NULL, 0750) || !make(d, 'f', "etc/conf", "a=1\n", 0600) ||
	    !make(d, 'l', "etc/up", "../../../..", 0) || !make(d, 'l', "root", "/", 0) ||
	    !make(d, 'l', "etc/dangling", "nowhere", 0) || !make(d, 'p', "fifo", NULL, 0640) ||
	    !make(d, 'c', "null", NULL, makedev(1, 3)) || !make(d, 'd', "e", NULL, 01777) ||
	    !make(d, 'd', "e/f", NULL, 0) || !make(d, 'f', "e/f/g", "", 0))
		return false;
	/* tmpfs before Linux 6.6 (the VM's /tmp) has no user.* xattrs. */
	user_xattrs = setxattr(u, "user.note", "hi", 2, 0) == 0;
	if (!user_xattrs && errno != EOPNOTSUPP)
		return false;
	if (setxattr(f, "security.capability", &cap, sizeof(cap), 0) < 0 ||
	    lchown(u, 1000, 1001) < 0)
		return false;
	return touch_all(d, 1500000000);
}

static int write_memfd(const char *dir, const struct tarball_opts *o, md_error *err)
{
	int fd = memfd_create("tar", MFD_CLOEXEC);

	if (tarball_write_fd(dir, o, fd, err) < 0) {
		fprintf(stderr, "  tarball_write: %s (%d)\n", err->msg, err->errnum);
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

TEST(tarball_roundtrip)
{
	struct scratch s;
	md_error err = { 0 };
	cleanup_close int fd = -1;
	cleanup_free char *want = NULL, *got = NULL;

	CHECK(scratch_init(&s));
	CHECK(make_tree(s.src));
	fd = write_memfd(s.src, NULL, &err);
	CHECK(fd >= 0);
	if (layer_unpack(fd, s.dst, NULL, &err) < 0)
		fprintf(stderr, "  layer_unpack: %s\n", err.msg);
	want = tree_text(s.src);
	got = tree_text(s.dst);
	if (strcmp(want, got))
		fprintf(stderr, "  want:\n%s  got:\n%s", want, got);
	CHECK_STR(got, want);
	CHECK(strstr(got, "bin/ping6 104755 0:0 4 1500000000 0:0 [ping link=bin/p3]"));
	CHECK(strstr(got, "security.capability=20:"));
	CHECK(!user_xattrs || strstr(got, "user.note=2:6869"));
	scratch_fini(&s);
}

static bool same_bytes(int a, int b)
{
	char x[4096], y[4096];
	ssize_t n, m;

	do {
		n = read(a, x, sizeof(x));
		m = read(b, y, sizeof(y));
		if (n != m || (n > 0 && memcmp(x, y, (size_t)n)))
			return false;
	} while (n > 0);
	return n == 0;
}

TEST(tarball_deterministic)
{
	struct scratch s;
	md_error err = { 0 };
	cleanup_close int a = -1, b = -1;
	cleanup_free char *sock = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CHECK(scratch_init(&s));
	CHECK(make_tree(s.src));
	a = write_memfd(s.src, NULL, &err);
	CHECK(a >= 0);
	/* reading every file, a new socket (skipped) and new atimes change
	 * nothing */
	sock = xasprintf("%s/sock", s.src);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CHECK(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	b = write_memfd(s.src, NULL, &err);
	CHECK(b >= 0);
	CHECK(same_bytes(a, b));
	scratch_fini(&s);
}

/* "name type size" of each entry, one a line. */
static char *tar_listing(int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *out = xstrdup("");

	archive_read_support_format_tar(a);
	archive_read_open_fd(a, fd, 4096);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char *old = out;

		out = xasprintf("%s%s %o %lld\n", old, archive_entry_pathname(e),
				archive_entry_filetype(e) >> 12, (long long)archive_entry_size(e));
		free(old);
	}
	archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return out;
}

static bool make_upper(const char *d)
{
	cleanup_free char *opq = xasprintf("%s/d", d);

	return make(d, 'c', "gone", NULL, makedev(0, 0)) && make(d, 'd', "d", NULL, 0) &&
	       make(d, 'f', "d/new", "n", 0) && make(d, 'd', "etc", NULL, 0) &&
	       make(d, 'f', "etc/hostname", "", 0) && make(d, 'f', "etc/passwd", "p", 0) &&
	       make(d, 'd', "vol", NULL, 0) && make(d, 'd', "vol/data", NULL, 0) &&
	       make(d, 'f', "vol/data/x", "x", 0) && make(d, 'c', "null", NULL, makedev(1, 3)) &&
	       setxattr(opq, "trusted.overlay.opaque", "y", 1, 0) == 0;
}

TEST(tarball_overlay_upper)
{
	static char host[] = "/etc/hostname", vol[] = "vol/data/";
	static char *const exclude[] = { host, vol, NULL };
	const struct tarball_opts o = { .overlay_upper = true, .exclude = exclude };
	struct scratch s;
	md_error err = { 0 };
	cleanup_close int fd = -1;
	cleanup_free char *list = NULL, *gone = NULL, *d = NULL;
	struct stat st;
	char v[4];

	CHECK(scratch_init(&s));
	CHECK(make_upper(s.src));
	fd = write_memfd(s.src, &o, &err);
	CHECK(fd >= 0);
	list = tar_listing(fd);
	/* in the order of the upper dir's names */
	CHECK_STR(list, "d/ 4 0\n"
			"d/.wh..wh..opq 10 0\n"
			"d/new 10 1\n"
			"etc/ 4 0\n"
			"etc/passwd 10 1\n"
			".wh.gone 10 0\n"
			"null 2 0\n"
			"vol/ 4 0\n");
	if (layer_unpack(fd, s.dst, NULL, &err) < 0)
		fprintf(stderr, "  layer_unpack: %s\n", err.msg);
	gone = xasprintf("%s/gone", s.dst);
	d = xasprintf("%s/d", s.dst);
	CHECK(lstat(gone, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0);
	CHECK(lgetxattr(d, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
	scratch_fini(&s);
}

TEST(tarball_overlay_redirect_refused)
{
	const struct tarball_opts o = { .overlay_upper = true };
	struct scratch s;
	md_error err = { 0 };
	cleanup_free char *d = NULL;
	int fd;

	CHECK(scratch_init(&s));
	CHECK(make(s.src, 'd', "moved", NULL, 0));
	d = xasprintf("%s/moved", s.src);
	CHECK(setxattr(d, "trusted.overlay.redirect", "/old", 4, 0) == 0);
	fd = memfd_create("tar", MFD_CLOEXEC);
	CHECK(tarball_write_fd(s.src, &o, fd, &err) < 0);
	close(fd);
	CHECK(strstr(err.msg, "redirect"));
	/* without the flag it is a plain tree */
	fd = memfd_create("tar", MFD_CLOEXEC);
	CHECK(tarball_write_fd(s.src, NULL, fd, &err) == 0);
	close(fd);
	scratch_fini(&s);
}
