/* SPDX-License-Identifier: Apache-2.0 */
/* layer_unpack: archives built here with libarchive's write API, unpacked
 * into a scratch TOP/layer; TOP/canary must stay as it was whatever the
 * archive tries. Runs as root (mknod, chown, trusted.* xattrs). */
#include "unit.h"
#include "engine/images/layer.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* One entry to write: link is a symlink's target (type S_IFLNK) or, with
 * hard, a hard link's. */
struct ent {
	const char *name;
	mode_t mode; /* type and permissions; 0 is a 0644 file */
	const char *data;
	const char *link;
	bool hard;
};

#define REG(name, data)                                                                            \
	{                                                                                          \
		name, S_IFREG | 0644, data, NULL, false                                            \
	}
#define DIR(name, perm)                                                                            \
	{                                                                                          \
		name, S_IFDIR | perm, NULL, NULL, false                                            \
	}
#define SYM(name, target)                                                                          \
	{                                                                                          \
		name, S_IFLNK | 0777, NULL, target, false                                          \
	}
#define HARD(name, target)                                                                         \
	{                                                                                          \
		name, S_IFREG | 0644, NULL, target, true                                           \
	}

struct scratch {
	char top[64];
	char layer[96];
	char canary[96];
};

static void add_entry(struct archive *a, const struct ent *x, const char *top)
{
	struct archive_entry *e = archive_entry_new();
	cleanup_free char *link = NULL;
	size_t len = x->data ? strlen(x->data) : 0;

	if (x->link)
		link = md_str_has_prefix(x->link, "%s") ? xasprintf("%s%s", top, x->link + 2)
							: xstrdup(x->link);
	archive_entry_set_pathname(e, x->name);
	archive_entry_set_mode(e, x->mode ? x->mode : S_IFREG | 0644);
	archive_entry_set_mtime(e, 1000000000, 0);
	if (link && x->hard)
		archive_entry_set_hardlink(e, link);
	else if (link)
		archive_entry_set_symlink(e, link);
	if (S_ISREG(archive_entry_mode(e)) && !x->hard)
		archive_entry_set_size(e, (la_int64_t)len);
	archive_write_header(a, e);
	if (len)
		archive_write_data(a, x->data, len);
	archive_entry_free(e);
}

/* The entries as a tar in a memfd, read from its start; filter 'g' gzip,
 * 'z' zstd, 0 none. "%s" in a link is the scratch top. */
static int build(const struct ent *ents, size_t n, char filter, const char *top)
{
	struct archive *a = archive_write_new();
	int fd = memfd_create("layer", MFD_CLOEXEC);

	archive_write_set_format_pax_restricted(a);
	if (filter == 'g')
		archive_write_add_filter_gzip(a);
	if (filter == 'z')
		archive_write_add_filter_zstd(a);
	archive_write_open_fd(a, fd);
	for (size_t i = 0; i < n; i++)
		add_entry(a, &ents[i], top);
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static bool write_text(const char *path, const char *text)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd >= 0 && md_write_all(fd, text, strlen(text)) == 0;
}

static bool scratch_init(struct scratch *s)
{
	cleanup_free char *f = NULL;

	snprintf(s->top, sizeof(s->top), "/tmp/mdlayer.XXXXXX");
	if (!mkdtemp(s->top))
		return false;
	snprintf(s->layer, sizeof(s->layer), "%s/layer", s->top);
	snprintf(s->canary, sizeof(s->canary), "%s/canary", s->top);
	f = xasprintf("%s/f", s->canary);
	return mkdir(s->layer, 0755) == 0 && mkdir(s->canary, 0755) == 0 &&
	       write_text(f, "canary\n");
}

static void scratch_fini(const struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	if (system(cmd) != 0)
		fprintf(stderr, "  %s failed\n", cmd);
}

static size_t count_entries(const char *dir)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	return n;
}

/* TOP holds layer and canary only; canary/f as made, one link, same text. */
static bool canary_intact(const struct scratch *s)
{
	cleanup_free char *f = xasprintf("%s/f", s->canary);
	cleanup_free char *text = NULL;
	size_t len;
	struct stat st;

	if (count_entries(s->top) != 2 || count_entries(s->canary) != 1)
		return false;
	if (lstat(f, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_mode & 07777) != 0644 || st.st_uid != 0)
		return false;
	return md_read_file(f, &text, &len, NULL) == 0 && len == 7 && !memcmp(text, "canary\n", 7);
}

static int unpack(const struct scratch *s, const struct ent *ents, size_t n, char filter,
		  struct layer_unpack_stats *stats, md_error *err)
{
	cleanup_close int fd = build(ents, n, filter, s->top);

	return layer_unpack(fd, s->layer, stats, err);
}

static bool lstat_in(const struct scratch *s, const char *name, struct stat *st)
{
	cleanup_free char *p = xasprintf("%s/%s", s->layer, name);

	return lstat(p, st) == 0;
}

static bool file_is(const struct scratch *s, const char *name, const char *text)
{
	cleanup_free char *p = xasprintf("%s/%s", s->layer, name);
	cleanup_free char *got = NULL;
	size_t len;

	return md_read_file(p, &got, &len, NULL) == 0 && len == strlen(text) &&
	       !memcmp(got, text, len);
}

TEST(layer_path_check_rules)
{
	static const char *const good[] = { "a",       "./a",          "a/b/",
					    "a/./b",   "./",           ".",
					    "a/.wh.b", ".wh..wh..opq", ".wh..wh.plnk",
					    "a..b",    "..a",          ".wh.a..b" };
	static const char *const bad[] = { "",          "/",        "/abs",    "..",   "../x",
					   "a/../../x", "a/..",     "./..",    ".wh.", ".wh..",
					   ".wh...",    "a/.wh...", "a//.wh.." };
	md_error err;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (layer_path_check(good[i], &err) != 0)
			fprintf(stderr, "  refused `%s`: %s\n", good[i], err.msg);
		CHECK(layer_path_check(good[i], &err) == 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.errnum = -1;
		if (layer_path_check(bad[i], &err) == 0)
			fprintf(stderr, "  accepted `%s`\n", bad[i]);
		CHECK(layer_path_check(bad[i], &err) < 0);
		CHECK_INT(err.errnum, 0);
	}
}

static void check_basic(int *unit_failed, const struct scratch *s)
{
	struct stat st, st2;

	CHECK(lstat_in(s, "d", &st) && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0750);
	CHECK_INT(st.st_mtime, 1000000000); /* set after d/f was made in it */
	CHECK(file_is(s, "d/f", "hello"));
	CHECK(lstat_in(s, "d/f", &st) && S_ISREG(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 04755);
	CHECK_INT(st.st_mtime, 1000000000);
	CHECK_INT(st.st_nlink, 2);
	CHECK(lstat_in(s, "d/h", &st2) && st2.st_ino == st.st_ino);
	CHECK(lstat_in(s, "d/l", &st) && S_ISLNK(st.st_mode));
	CHECK(lstat_in(s, "p", &st) && S_ISFIFO(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK(lstat_in(s, "x/y/z", &st) && S_ISREG(st.st_mode));
	CHECK(lstat_in(s, "x/y", &st) && S_ISDIR(st.st_mode));
	CHECK(file_is(s, "x/y/z", ""));
}

TEST(layer_unpack_basic)
{
	static const struct ent ents[] = {
		DIR("./", 0755),
		DIR("d/", 0750),
		{ "./d/f", S_IFREG | 04755, "hello", NULL, false },
		SYM("d/l", "/etc/shadow"),
		HARD("d/h", "d/f"),
		{ "p", S_IFIFO | 0600, NULL, NULL, false },
		REG("x/y/z", ""),
	};
	struct scratch s;
	struct layer_unpack_stats stats;
	md_error err = { 0 };
	char target[64];
	cleanup_free char *l = NULL;
	ssize_t n;

	CHECK(scratch_init(&s));
	if (unpack(&s, ents, ARRAY_SIZE(ents), 0, &stats, &err) < 0)
		fprintf(stderr, "  %s (%d)\n", err.msg, err.errnum);
	CHECK(unpack(&s, NULL, 0, 0, NULL, &err) < 0); /* no longer empty */
	CHECK_INT(err.errnum, ENOTEMPTY);
	CHECK_INT(stats.files, ARRAY_SIZE(ents));
	CHECK_INT(stats.bytes, 5);
	check_basic(unit_failed, &s);
	l = xasprintf("%s/d/l", s.layer);
	n = readlink(l, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n] = '\0';
	CHECK_STR(target, "/etc/shadow"); /* stored as it is */
	CHECK(canary_intact(&s));
	scratch_fini(&s);
}

TEST(layer_unpack_owner_xattr_device)
{
	struct scratch s;
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct vfs_cap_data cap = { .magic_etc = VFS_CAP_REVISION_2 };
	cleanup_close int fd = memfd_create("layer", MFD_CLOEXEC);
	cleanup_free char *f = NULL, *c = NULL;
	struct vfs_cap_data got;
	char buf[8];
	struct stat st;
	md_error err = { 0 };

	CHECK(scratch_init(&s));
	cap.data[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	archive_write_set_format_pax_restricted(a);
	archive_write_open_fd(a, fd);
	archive_entry_set_pathname(e, "f");
	archive_entry_set_mode(e, S_IFREG | 02755);
	archive_entry_set_uid(e, 1000);
	archive_entry_set_gid(e, 1001);
	archive_entry_xattr_add_entry(e, "user.k", "v", 1);
	archive_entry_xattr_add_entry(e, "trusted.overlay.opaque", "y", 1);
	archive_entry_xattr_add_entry(e, "security.capability", &cap, sizeof(cap));
	archive_write_header(a, e);
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "c");
	archive_entry_set_mode(e, S_IFCHR | 0666);
	archive_entry_set_rdev(e, makedev(1, 3));
	archive_write_header(a, e);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	if (layer_unpack(fd, s.layer, NULL, &err) < 0)
		fprintf(stderr, "  %s (%d)\n", err.msg, err.errnum);
	f = xasprintf("%s/f", s.layer);
	c = xasprintf("%s/c", s.layer);
	CHECK(lstat(f, &st) == 0);
	CHECK_INT(st.st_uid, 1000);
	CHECK_INT(st.st_gid, 1001);
	CHECK_INT(st.st_mode & 07777, 02755); /* setgid kept after the chown */
	/* user xattrs where the filesystem has them (not tmpfs before 6.6) */
	if (lsetxattr(s.layer, "user.probe", "1", 1, 0) == 0 || errno != EOPNOTSUPP)
		CHECK(lgetxattr(f, "user.k", buf, sizeof(buf)) == 1 && buf[0] == 'v');
	CHECK(lgetxattr(f, "trusted.overlay.opaque", buf, sizeof(buf)) < 0);
	CHECK(lgetxattr(f, "security.capability", &got, sizeof(got)) == sizeof(cap));
	CHECK_INT(got.data[0].permitted, 1u << CAP_NET_BIND_SERVICE);
	CHECK(lstat(c, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(st.st_rdev == makedev(1, 3));
	CHECK_INT(st.st_mode & 07777, 0666);
	scratch_fini(&s);
}

/* Each archive must be refused and leave the canary as it was. */
static const struct ent esc_dotdot[] = { REG("../x", "evil") };
static const struct ent esc_abs[] = { REG("/abs", "evil") };
static const struct ent esc_deep[] = { DIR("a/", 0755), REG("a/../../x", "evil") };
static const struct ent esc_link_abs[] = { SYM("l", "%s/canary"), REG("l/f", "evil") };
static const struct ent esc_link_rel[] = { SYM("l", "../canary"), REG("l/g", "evil") };
static const struct ent esc_link_hard[] = { SYM("l", "%s/canary"), HARD("h", "l/f") };
static const struct ent esc_hard_up[] = { HARD("h", "../../etc/passwd") };
static const struct ent esc_hard_abs[] = { HARD("h", "%s/canary/f") };
static const struct ent esc_wh_up[] = { REG(".wh...", NULL) };
static const struct ent esc_wh_dir[] = { SYM("l", "%s/canary"), REG("l/.wh.f", NULL) };
static const struct ent esc_opq_link[] = { SYM("l", "%s/canary"), REG("l/.wh..wh..opq", NULL) };
static const struct ent esc_dir_swap[] = { DIR("d/", 0755), REG("d/f", "ok"), SYM("d", "%s/canary"),
					   REG("d/g", "evil") };
static const struct ent esc_mid_link[] = { DIR("a/b/", 0755), SYM("a/l", "/"),
					   REG("a/l/tmp/x", "evil") };

struct esc_case {
	const char *name;
	const struct ent *ents;
	size_t n;
};
#define ESC(x)                                                                                     \
	{                                                                                          \
#x, x, ARRAY_SIZE(x)                                                               \
	}

TEST(layer_unpack_escapes_refused)
{
	static const struct esc_case cases[] = {
		ESC(esc_dotdot),   ESC(esc_abs),       ESC(esc_deep),     ESC(esc_link_abs),
		ESC(esc_link_rel), ESC(esc_link_hard), ESC(esc_hard_up),  ESC(esc_hard_abs),
		ESC(esc_wh_up),    ESC(esc_wh_dir),    ESC(esc_opq_link), ESC(esc_dir_swap),
		ESC(esc_mid_link),
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct scratch s;
		md_error err = { 0 };
		int r;

		CHECK(scratch_init(&s));
		r = unpack(&s, cases[i].ents, cases[i].n, 0, NULL, &err);
		if (r == 0 || !canary_intact(&s) || !err.msg[0])
			fprintf(stderr, "  %s: r=%d, canary %s\n", cases[i].name, r,
				canary_intact(&s) ? "intact" : "CHANGED");
		CHECK(r < 0);
		CHECK(err.msg[0]);
		CHECK(canary_intact(&s));
		scratch_fini(&s);
	}
}

static bool is_whiteout(const struct scratch *s, const char *name)
{
	struct stat st;

	return lstat_in(s, name, &st) && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

TEST(layer_unpack_whiteouts)
{
	static const struct ent ents[] = {
		REG("a", "gone"),         DIR("d/", 0755),        REG("d/x", "gone"),
		REG(".wh.a", NULL),       REG(".wh.d", NULL),     REG("e/.wh..wh..opq", NULL),
		REG("e/.wh.lower", NULL), REG("e/kept", "k"),     REG(".wh..wh.plnk", NULL),
		REG("f/.wh.again", NULL), REG("f/again", "back"),
	};
	struct scratch s;
	md_error err = { 0 };
	cleanup_free char *e = NULL;
	char buf[4];

	CHECK(scratch_init(&s));
	if (unpack(&s, ents, ARRAY_SIZE(ents), 0, NULL, &err) < 0)
		fprintf(stderr, "  %s (%d)\n", err.msg, err.errnum);
	CHECK(is_whiteout(&s, "a"));
	CHECK(is_whiteout(&s, "d"));
	CHECK(is_whiteout(&s, "e/lower"));
	CHECK(file_is(&s, "e/kept", "k"));
	CHECK(file_is(&s, "f/again", "back")); /* a later entry replaces it */
	e = xasprintf("%s/e", s.layer);
	CHECK(lgetxattr(e, "trusted.overlay.opaque", buf, sizeof(buf)) == 1 && buf[0] == 'y');
	CHECK_INT(count_entries(s.layer), 4); /* a d e f: no .wh.* left */
	CHECK_INT(count_entries(e), 2);
	CHECK(canary_intact(&s));
	scratch_fini(&s);
}

TEST(layer_unpack_compressed)
{
	static const struct ent ents[] = { DIR("dir/", 0755), REG("dir/file", "compressed") };
	static const char filters[] = { 'g', 'z' };

	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		struct scratch s;
		struct layer_unpack_stats stats;
		md_error err = { 0 };

		CHECK(scratch_init(&s));
		if (unpack(&s, ents, ARRAY_SIZE(ents), filters[i], &stats, &err) < 0)
			fprintf(stderr, "  %c: %s (%d)\n", filters[i], err.msg, err.errnum);
		CHECK(file_is(&s, "dir/file", "compressed"));
		CHECK_INT(stats.bytes, 10);
		scratch_fini(&s);
	}
}

/* The digest of everything fd holds, from its start. */
static bool digest_of_fd(int fd, char out[BLOB_DIGEST_MAX])
{
	char buf[4096];
	EVP_MD_CTX *md;
	ssize_t n;
	bool ok;

	if (lseek(fd, 0, SEEK_SET) < 0 || sha256_begin(&md, NULL) < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(md, buf, (size_t)n);
	ok = n == 0 && sha256_end(md, out, NULL) == 0;
	EVP_MD_CTX_free(md);
	return ok && lseek(fd, 0, SEEK_SET) == 0;
}

/* The diff id is the sha256 of the uncompressed tar, whatever the
 * compression, and covers the bytes after the tar's end blocks too. */
TEST(layer_unpack_diff_id)
{
	static const struct ent ents[] = { DIR("d/", 0755), REG("d/f", "diff id") };
	static const char filters[] = { 0, 'g', 'z' };
	static const char zeros[8192];
	char want[BLOB_DIGEST_MAX];
	cleanup_close int plain = -1;
	struct scratch s;
	struct layer_unpack_stats stats;
	md_error err = { 0 };

	CHECK(scratch_init(&s));
	plain = build(ents, ARRAY_SIZE(ents), 0, s.top);
	CHECK(digest_of_fd(plain, want));
	scratch_fini(&s);
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		CHECK(scratch_init(&s));
		if (unpack(&s, ents, ARRAY_SIZE(ents), filters[i], &stats, &err) < 0)
			fprintf(stderr, "  %d: %s\n", filters[i], err.msg);
		scratch_fini(&s);
		CHECK_STR(stats.diff_id, want);
	}
	CHECK(lseek(plain, 0, SEEK_END) > 0 && write(plain, zeros, sizeof(zeros)) == sizeof(zeros));
	CHECK(digest_of_fd(plain, want));
	CHECK(scratch_init(&s));
	CHECK(layer_unpack(plain, s.layer, &stats, &err) == 0);
	scratch_fini(&s);
	CHECK_STR(stats.diff_id, want);
}

TEST(layer_unpack_corrupt)
{
	static const struct ent ents[] = { REG("big", "0123456789abcdef0123456789") };
	struct scratch s;
	md_error err = { 0 };
	cleanup_close int fd = -1;
	struct stat st;

	CHECK(scratch_init(&s));
	fd = build(ents, ARRAY_SIZE(ents), 'g', s.top);
	CHECK(fstat(fd, &st) == 0);
	CHECK(ftruncate(fd, st.st_size / 2) == 0); /* a truncated gzip stream */
	CHECK(layer_unpack(fd, s.layer, NULL, &err) < 0);
	CHECK(err.msg[0]);
	scratch_fini(&s);
	CHECK(scratch_init(&s));
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && ftruncate(fd, 0) == 0);
	CHECK(write(fd, "not a tar at all", 16) == 16 && lseek(fd, 0, SEEK_SET) == 0);
	CHECK(layer_unpack(fd, s.layer, NULL, &err) < 0);
	CHECK_INT(err.errnum, 0);
	CHECK(canary_intact(&s));
	scratch_fini(&s);
}
