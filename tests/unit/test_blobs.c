/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/blobs.c: the content-addressed blob store in a scratch
 * directory: put and verify, a digest mismatch keeps nothing, concurrent
 * puts of one blob, the sweep of killed writers' files, digest checks. */
#include "unit.h"

#include "engine/images/blobs.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ABC_DIGEST "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_DIGEST "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A scratch store; its dir goes with scratch_free (which scratch_open
 * calls itself when it fails). */
struct scratch {
	char top[40];
	char *dir;
	struct blobs *store;
};

static void scratch_free(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	blobs_close(s->store);
	free(s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", s->top);
}

static int scratch_open(struct scratch *s)
{
	md_error err = { 0 };

	snprintf(s->top, sizeof(s->top), "/tmp/md-blobs-test.XXXXXX");
	if (!mkdtemp(s->top))
		return -1;
	s->dir = xasprintf("%s/blobs", s->top);
	s->store = blobs_open(s->dir, &err);
	if (!s->store) {
		fprintf(stderr, "  blobs_open: %s\n", err.msg);
		scratch_free(s);
		return -1;
	}
	return 0;
}

/* An fd that reads data: a pipe, so the store sees a stream. */
static int data_fd(const char *data)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	if (md_write_all(p[1], data, strlen(data)) < 0) {
		close(p[0]);
		p[0] = -1;
	}
	close(p[1]);
	return p[0];
}

/* Entries in dir/sub other than . and .. */
static int count_entries(const char *dir, const char *sub)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, sub);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	return d ? n : -1;
}

static int put_string(struct blobs *store, const char *data, const char *expected,
		      char out[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_close int fd = data_fd(data);

	return fd < 0 ? -1 : blobs_put_fd(store, fd, expected, out, err);
}

/* The steps of blobs_put_verify; CHECK returns to it, which cleans up. */
static void put_verify_steps(struct scratch *s, int *unit_failed)
{
	char digest[BLOB_DIGEST_MAX];
	char buf[8] = { 0 };
	cleanup_free char *path = NULL;
	cleanup_close int fd = -1;
	md_error err = { 0 };

	CHECK(put_string(s->store, "abc", NULL, digest, &err) == 0);
	CHECK_STR(digest, ABC_DIGEST);
	CHECK(blobs_has(s->store, ABC_DIGEST));
	CHECK(blobs_verify(s->store, ABC_DIGEST, &err) == 0);
	fd = blobs_open_blob(s->store, ABC_DIGEST, true, &err);
	CHECK(fd >= 0);
	CHECK_INT(read(fd, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "abc");
	/* The same blob again, now expected: fine. */
	CHECK(put_string(s->store, "abc", ABC_DIGEST, NULL, &err) == 0);
	CHECK_INT(count_entries(s->dir, "tmp"), 0);

	/* A blob changed on disk is caught on a verified read only. */
	path = blobs_path(s->store, ABC_DIGEST, &err);
	CHECK(path);
	CHECK(md_write_file(path, "abd", &err) == 0);
	CHECK(blobs_verify(s->store, ABC_DIGEST, &err) < 0);
	CHECK(strstr(err.msg, "corrupt"));
	CHECK_INT(err.errnum, 0);
	close(TAKE_FD(fd));
	fd = blobs_open_blob(s->store, ABC_DIGEST, false, &err);
	CHECK(fd >= 0);

	CHECK(blobs_remove(s->store, ABC_DIGEST, &err) == 0);
	CHECK(!blobs_has(s->store, ABC_DIGEST));
	CHECK(blobs_remove(s->store, ABC_DIGEST, &err) == 0);
	CHECK(blobs_open_blob(s->store, ABC_DIGEST, false, &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
}

TEST(blobs_put_verify)
{
	struct scratch s = { 0 };
	int failed = 0;

	CHECK(scratch_open(&s) == 0);
	put_verify_steps(&s, &failed);
	scratch_free(&s);
	CHECK(!failed);
}

TEST(blobs_mismatch_keeps_nothing)
{
	struct scratch s = { 0 };
	char digest[BLOB_DIGEST_MAX] = "";
	md_error err = { 0 };
	int r, tmp, blobs;

	CHECK(scratch_open(&s) == 0);
	r = put_string(s.store, "abc", EMPTY_DIGEST, digest, &err);
	tmp = count_entries(s.dir, "tmp");
	blobs = count_entries(s.dir, "sha256");
	scratch_free(&s);
	CHECK(r < 0);
	CHECK(strstr(err.msg, "digest mismatch"));
	CHECK(strstr(err.msg, ABC_DIGEST));
	CHECK_STR(digest, "");
	CHECK_INT(tmp, 0);
	CHECK_INT(blobs, 0);
}

/* A child that puts the same blob many times, from its own stream. */
static void put_many(struct blobs *store, const char *data)
{
	for (int i = 0; i < 50; i++) {
		if (put_string(store, data, NULL, NULL, NULL) < 0)
			_exit(1);
	}
	_exit(0);
}

TEST(blobs_concurrent_puts)
{
	struct scratch s = { 0 };
	pid_t pids[4];
	int ok = 1, status;

	CHECK(scratch_open(&s) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			put_many(s.store, "abc");
	}
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			ok = 0;
	}
	ok = ok && blobs_verify(s.store, ABC_DIGEST, NULL) == 0;
	ok = ok && count_entries(s.dir, "tmp") == 0 && count_entries(s.dir, "sha256") == 1;
	scratch_free(&s);
	CHECK(ok);
}

/* A file in the store's tmp/, as a writer leaves it. */
static int make_tmp(const char *dir, const char *name)
{
	cleanup_free char *path = xasprintf("%s/tmp/%s", dir, name);

	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

TEST(blobs_sweep_unlocked_only)
{
	struct scratch s = { 0 };
	cleanup_close int stale = -1, live = -1;
	struct blob_writer w;
	md_error err = { 0 };
	int swept, left, r;

	CHECK(scratch_open(&s) == 0);
	stale = make_tmp(s.dir, "0000000000000000");
	live = make_tmp(s.dir, "1111111111111111");
	/* flock is per open file: our own sweep sees this one as held. */
	r = live >= 0 && flock(live, LOCK_EX) == 0;
	r = r && blob_writer_begin(s.store, &w, NULL, &err) == 0;
	swept = blobs_sweep(s.store, &err);
	left = count_entries(s.dir, "tmp");
	/* The writer's file survived the sweep and still commits. */
	r = r && blob_writer_write(&w, "abc", 3, &err) == 0 &&
	    blob_writer_commit(&w, NULL, &err) == 0 && blobs_has(s.store, ABC_DIGEST);
	scratch_free(&s);
	CHECK(stale >= 0 && r);
	CHECK_INT(swept, 1);
	CHECK_INT(left, 2);
}

TEST(blobs_digest_check)
{
	const char *bad[] = {
		"",
		"sha256:",
		"sha256",
		"sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
		"sha256:../../../../etc/passwd",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2001/ad",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\n",
	};
	struct scratch s = { 0 };
	int refused = 0;
	md_error err = { 0 };

	CHECK(digest_check(ABC_DIGEST, &err) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (digest_check(bad[i], &err) < 0 && err.errnum == 0 && err.msg[0])
			refused++;
	}
	CHECK_INT(refused, ARRAY_SIZE(bad));
	CHECK(scratch_open(&s) == 0);
	/* Every entry point checks before it makes a path. */
	refused = blobs_path(s.store, bad[8], &err) == NULL;
	refused += blobs_open_blob(s.store, bad[8], false, &err) < 0 && err.errnum == 0;
	refused += blobs_remove(s.store, bad[8], &err) < 0;
	refused += put_string(s.store, "abc", bad[5], NULL, &err) < 0;
	refused += !blobs_has(s.store, bad[8]);
	scratch_free(&s);
	CHECK_INT(refused, 5);
}
