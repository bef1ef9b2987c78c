/* SPDX-License-Identifier: Apache-2.0 */
/* cp's pieces (engine/containers/copy-internal.h): paths as Docker reads
 * them, where a copy lands (Docker's PrepareArchiveCopy cases), and tars
 * both ways between scratch directories: names rebased, hard links, a
 * tar that tries "..", and one whose own symlink would lead out of the
 * destination. Runs as root (chown). */
#include "unit.h"
#include "engine/containers/copy-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(copy_path_parse)
{
	static const struct {
		const char *in, *clean;
		bool dir, contents;
	} cases[] = {
		{ "etc", "/etc", false, false },  { "/etc/", "/etc", true, false },
		{ "/etc/.", "/etc", true, true }, { "/a/../../b//c", "/b/c", false, false },
		{ ".", "/", true, true },         { "/", "/", true, false },
		{ "/x/..", "/", false, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct copy_path p;

		copy_path_parse(cases[i].in, &p);
		CHECK_STR(p.clean, cases[i].clean);
		CHECK_INT(p.dir, cases[i].dir);
		CHECK_INT(p.contents, cases[i].contents);
		copy_path_free(&p);
	}
	CHECK_STR(copy_path_base("/etc/passwd"), "passwd");
	CHECK_STR(copy_path_base("/"), "");
	{
		cleanup_free char *a = copy_path_dir("/etc/passwd"), *b = copy_path_dir("/etc");

		CHECK_STR(a, "/etc");
		CHECK_STR(b, "/");
	}
}

/* copy_plan for src (name, is dir) onto dst (path, exists, is dir):
 * "DIR FROM>TO", "DIR" without a rebase, or "error: MESSAGE". */
static char *plan(const char *name, bool src_dir, const char *dst, bool exists, bool is_dir)
{
	struct copy_path p;
	char *dir, *from, *to, *out;
	md_error err;

	copy_path_parse(dst, &p);
	if (copy_plan(name, src_dir, &p, exists, is_dir, &dir, &from, &to, &err) < 0)
		out = xasprintf("error: %s", err.msg);
	else if (from)
		out = xasprintf("%s %s>%s", dir, from, to);
	else
		out = xstrdup(dir);
	free(dir);
	free(from);
	free(to);
	copy_path_free(&p);
	return out;
}

TEST(copy_plan_docker_cases)
{
	static const struct {
		const char *name;
		bool src_dir;
		const char *dst;
		bool exists, is_dir;
		const char *want;
	} cases[] = {
		/* into an existing directory, as it is */
		{ "f", false, "/d", true, true, "/d" },
		{ "etc", true, "/d/", true, true, "/d" },
		{ ".", true, "/d", true, true, "/d" },
		/* a file onto a file: renamed as the destination */
		{ "f", false, "/d/g", true, false, "/d f>g" },
		{ "etc", true, "/d/g", true, false, "error: cannot copy directory" },
		/* a missing destination: the source takes its name */
		{ "etc", true, "/d/new", false, false, "/d etc>new" },
		{ ".", true, "/d/new", false, false, "/d >new" },
		{ "f", false, "/new", false, false, "/ f>new" },
		{ "f", false, "/d/new/", false, false, "error: no such directory" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *got = plan(cases[i].name, cases[i].src_dir, cases[i].dst,
					      cases[i].exists, cases[i].is_dir);

		CHECK_STR(got, cases[i].want);
	}
}

struct scratch {
	char top[64];
	int fd;
};

static bool scratch_init(struct scratch *s)
{
	snprintf(s->top, sizeof(s->top), "/tmp/md-copy.XXXXXX");
	if (!mkdtemp(s->top))
		return false;
	s->fd = open(s->top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return s->fd >= 0;
}

static void scratch_fini(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	if (s->fd >= 0)
		close(s->fd);
	if (system(cmd) != 0)
		fprintf(stderr, "  %s failed\n", cmd);
}

static char *slurp(const char *dir, const char *name)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	char *text = NULL;

	return md_read_file(p, &text, NULL, NULL) == 0 ? text : NULL;
}

static bool put(const char *dir, const char *name, const char *text)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);

	return md_write_file_atomic(p, text, strlen(text), 0640, NULL) == 0;
}

/* src/tree -> tar -> dst/copy (rebased): contents, hard link, owner. */
TEST(copy_tar_round_trip)
{
	struct scratch s;
	struct copy_path src;
	struct copy_source cs = { .fd = -1 };
	cleanup_free char *tree = NULL, *a = NULL, *b = NULL, *hl = NULL;
	struct copy_extract x = { .dir = "dst",
				  .confine = true,
				  .rebase_from = "tree",
				  .rebase_to = "copy",
				  .owner = COPY_OWNER_TAR };
	struct stat st;
	md_error err;

	CHECK(scratch_init(&s));
	tree = xasprintf("%s/src/tree", s.top);
	CHECK(md_mkdir_p(tree, 0755, NULL) == 0 && mkdirat(s.fd, "dst", 0755) == 0);
	CHECK(mkdirat(s.fd, "src/tree/sub", 0700) == 0 && put(tree, "a", "alpha"));
	CHECK(put(tree, "sub/b", "beta") && linkat(s.fd, "src/tree/a", s.fd, "src/tree/h", 0) == 0);
	CHECK(fchownat(s.fd, "src/tree/sub/b", 1234, 5678, 0) == 0);
	copy_path_parse("/src/tree", &src);
	CHECK(copy_source_find(s.fd, &src, false, &cs, &err) == 0);
	CHECK_STR(cs.name, "tree");
	x.rootfd = s.fd;
	CHECK(copy_tar_pipe(&cs, &x, &err) == 0);
	copy_source_free(&cs);
	copy_path_free(&src);
	a = xasprintf("%s/dst/copy", s.top);
	b = slurp(a, "sub/b");
	hl = slurp(a, "h");
	CHECK_STR(b, "beta");
	CHECK_STR(hl, "alpha");
	CHECK(fstatat(s.fd, "dst/copy/sub/b", &st, 0) == 0);
	CHECK(st.st_uid == 1234 && st.st_gid == 5678 && (st.st_mode & 07777) == 0640);
	CHECK(fstatat(s.fd, "dst/copy/sub", &st, 0) == 0 && (st.st_mode & 07777) == 0700);
	CHECK(fstatat(s.fd, "dst/copy/h", &st, 0) == 0 && st.st_nlink == 2);
	scratch_fini(&s);
}

/* A tar of the given entries ("f NAME", "l NAME TARGET") into a file. */
static bool write_tar(const char *path, const char *const *entries)
{
	struct archive *a = archive_write_new();
	bool ok = archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
		  archive_write_open_filename(a, path) == ARCHIVE_OK;

	for (size_t i = 0; ok && entries[i]; i += 3) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, entries[i + 1]);
		archive_entry_set_mode(e, entries[i][0] == 'l' ? AE_IFLNK | 0777 : AE_IFREG | 0644);
		if (entries[i][0] == 'l')
			archive_entry_set_symlink(e, entries[i + 2]);
		else
			archive_entry_set_size(e, (la_int64_t)strlen(entries[i + 2]));
		ok = archive_write_header(a, e) == ARCHIVE_OK;
		if (ok && entries[i][0] == 'f')
			ok = archive_write_data(a, entries[i + 2], strlen(entries[i + 2])) >= 0;
		archive_entry_free(e);
	}
	ok = ok && archive_write_close(a) == ARCHIVE_OK;
	archive_write_free(a);
	return ok;
}

static int extract_file(struct scratch *s, const char *tar, const struct copy_extract *x,
			md_error *err)
{
	cleanup_free char *p = xasprintf("%s/%s", s->top, tar);
	cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -1 : copy_tar_extract(fd, x, err);
}

/* A symlink the tar makes leads inside the destination (confine) or the
 * root, never out; ".." is refused. */
TEST(copy_tar_extract_stays_inside)
{
	static const char *const evil[] = { "l",           "out", "/",  "f",        "out/escaped",
					    "x",           "l",   "up", "../../..", "f",
					    "up/escaped2", "y",   NULL };
	static const char *const dots[] = { "f", "../dotdot", "z", NULL };
	struct scratch s;
	cleanup_free char *t1 = NULL, *t2 = NULL, *in = NULL, *in2 = NULL;
	struct copy_extract x = { .dir = "dst", .confine = true, .owner = COPY_OWNER_CALLER };
	md_error err;

	CHECK(scratch_init(&s));
	x.rootfd = s.fd;
	CHECK(mkdirat(s.fd, "dst", 0755) == 0);
	t1 = xasprintf("%s/evil.tar", s.top);
	t2 = xasprintf("%s/dots.tar", s.top);
	CHECK(write_tar(t1, evil) && write_tar(t2, dots));
	CHECK(extract_file(&s, "evil.tar", &x, &err) == 0);
	in = xasprintf("%s/dst", s.top);
	in2 = slurp(in, "escaped");
	CHECK_STR(in2, "x");
	CHECK(access("/escaped", F_OK) < 0 && access("/escaped2", F_OK) < 0);
	CHECK(faccessat(s.fd, "dst/escaped2", F_OK, 0) == 0);
	CHECK(extract_file(&s, "dots.tar", &x, &err) < 0);
	CHECK(strstr(err.msg, "\"..\"") != NULL);
	CHECK(faccessat(s.fd, "dotdot", F_OK, 0) < 0);
	scratch_fini(&s);
}
