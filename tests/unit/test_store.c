/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/store.c in a scratch root: images made with
 * image_store_create from layers written here (libarchive into a memfd),
 * found by tag, id, prefix and digest; tags that move; removal and gc that
 * keep shared layers; the sweep of a killed unpack; a layer whose diff id
 * is wrong keeps nothing. */
#include "unit.h"

#include "engine/images/store.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct scratch {
	char top[40];
	char *root;
	struct image_store *s;
};

static void scratch_free(struct scratch *sc)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", sc->top);

	image_store_close(sc->s);
	free(sc->root);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", sc->top);
}

static bool scratch_open(struct scratch *sc)
{
	md_error err = { 0 };

	snprintf(sc->top, sizeof(sc->top), "/tmp/md-store-test.XXXXXX");
	if (!mkdtemp(sc->top))
		return false;
	sc->root = xasprintf("%s/root", sc->top);
	sc->s = image_store_open(sc->root, &err);
	if (!sc->s)
		fprintf(stderr, "  image_store_open: %s\n", err.msg);
	return sc->s != NULL;
}

/* A gzip layer in a memfd, read from its start: one file NAME with TEXT
 * in a read-only directory ro/, as real layers have (/proc, /sys). */
static int layer_tar(const char *name, const char *text)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int fd = memfd_create("layer", MFD_CLOEXEC);

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_fd(a, fd);
	archive_entry_set_pathname(e, "ro/");
	archive_entry_set_mode(e, S_IFDIR | 0555);
	archive_write_header(a, e);
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, S_IFREG | 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	archive_write_header(a, e);
	archive_write_data(a, text, strlen(text));
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A layer's blob and its unpacked directory, as a load or a commit makes
 * them; ref gets its descriptor, diff_id its diff id. */
static int put_layer(struct image_store *s, const char *name, const char *text,
		     struct image_layer_ref *ref, char diff_id[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_close int fd = layer_tar(name, text);
	struct stat st;

	memset(ref, 0, sizeof(*ref));
	snprintf(ref->media_type, sizeof(ref->media_type), MT_OCI_LAYER_GZIP);
	if (fstat(fd, &st) < 0 ||
	    blobs_put_fd(image_store_blobs(s), fd, NULL, ref->digest, err) < 0)
		return -1;
	ref->size = st.st_size;
	lseek(fd, 0, SEEK_SET);
	return image_store_put_layer(s, fd, NULL, diff_id, err);
}

/* An image of the given layers (files "ro/NAME" holding NAME); created
 * makes its config (and so its id) differ from others'. */
static int make_image(struct image_store *s, const char *const *names, size_t n,
		      const char *created, char id[BLOB_DIGEST_MAX], md_error *err)
{
	struct image_layer_ref refs[4];
	char diff_ids[4][BLOB_DIGEST_MAX];
	cleanup_free char *ids = xstrdup(""), *config = NULL;

	for (size_t i = 0; i < n && i < 4; i++) {
		cleanup_free char *path = xasprintf("ro/%s", names[i]);
		char *more;

		if (put_layer(s, path, names[i], &refs[i], diff_ids[i], err) < 0)
			return -1;
		more = xasprintf("%s%s\"%s\"", ids, i ? "," : "", diff_ids[i]);
		free(ids);
		ids = more;
	}
	config = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"%s\","
			   "\"config\":{\"Env\":[\"A=1\"],\"Cmd\":[\"sh\"]},"
			   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%s]}}",
			   created, ids);
	return image_store_create(s, config, refs, n, id, err);
}

static size_t count_in(const char *root, const char *sub)
{
	cleanup_free char *path = xasprintf("%s/%s", root, sub);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	return n;
}

static bool found_as(struct image_store *s, const char *what, const char *id)
{
	struct image_info i;
	md_error err = { 0 };
	bool ok;

	if (image_store_find(s, what, &i, &err) < 0) {
		fprintf(stderr, "  find %s: %s\n", what, err.msg);
		return false;
	}
	ok = !strcmp(i.id, id);
	image_info_free(&i);
	return ok;
}

static bool not_found(struct image_store *s, const char *what)
{
	struct image_info i;
	md_error err = { 0 };

	return image_store_find(s, what, &i, &err) < 0 && err.errnum == ENOENT &&
	       strstr(err.msg, "No such image") && !i.m;
}

TEST(store_create_find)
{
	static const char *const names[] = { "one", "two" };
	struct scratch sc;
	char id[BLOB_DIGEST_MAX];
	md_error err = { 0 };
	struct image_info i;
	cleanup_strv char **dirs = NULL;
	cleanup_free char *by_digest = NULL, *prefix = NULL, *file = NULL, *text = NULL;
	size_t len;

	CHECK(scratch_open(&sc));
	CHECK(make_image(sc.s, names, 2, "2024-01-01T00:00:00Z", id, &err) == 0);
	CHECK(image_store_tag(sc.s, "busybox", id, &err) == 0);
	CHECK(found_as(sc.s, "busybox", id));
	CHECK(found_as(sc.s, "busybox:latest", id));
	CHECK(found_as(sc.s, "docker.io/library/busybox:latest", id));
	CHECK(found_as(sc.s, id, id));
	prefix = xasprintf("%.19s", id); /* sha256: and 12 digits */
	CHECK(found_as(sc.s, prefix, id));
	CHECK(found_as(sc.s, prefix + 7, id));
	CHECK(image_store_find(sc.s, "busybox", &i, &err) == 0);
	CHECK(i.tags && i.tags[0] && !i.tags[1]);
	CHECK_STR(i.tags[0], "docker.io/library/busybox:latest");
	CHECK_INT(i.m->n_layers, 2);
	CHECK_STR(i.m->media_type, MT_OCI_MANIFEST);
	CHECK_STR(i.config->cmd[0], "sh");
	CHECK(i.loaded > 0);
	dirs = image_store_layer_dirs(sc.s, &i, &err);
	by_digest = xasprintf("busybox@%s", i.manifest);
	image_info_free(&i);
	CHECK(dirs && md_strv_len(dirs) == 2);
	file = xasprintf("%s/ro/two", dirs[1]);
	CHECK(md_read_file(file, &text, &len, &err) == 0 && !strcmp(text, "two"));
	CHECK(found_as(sc.s, by_digest, id));
	CHECK(not_found(sc.s, "busybox:other"));
	CHECK(not_found(sc.s, "nothere"));
	CHECK(not_found(sc.s, "fedcba9876"));
	CHECK(not_found(sc.s, "busybox@sha256:"
			      "0000000000000000000000000000000000000000000000000000000000000000"));
	scratch_free(&sc);
}

/* Images with no layer, told apart by their config's date, until two ids
 * share their first digit: that one-digit prefix is ambiguous. */
TEST(store_prefix_ambiguous)
{
	struct scratch sc;
	char ids[17][BLOB_DIGEST_MAX], prefix[2] = { 0 };
	md_error err = { 0 };
	struct image_info i;

	CHECK(scratch_open(&sc));
	for (int n = 0; n < 17 && !prefix[0]; n++) {
		cleanup_free char *created = xasprintf("2024-01-01T00:00:%02dZ", n);

		CHECK(make_image(sc.s, NULL, 0, created, ids[n], &err) == 0);
		for (int k = 0; k < n; k++) {
			if (ids[k][7] == ids[n][7])
				prefix[0] = ids[n][7];
		}
	}
	CHECK(prefix[0]);
	CHECK(image_store_find(sc.s, prefix, &i, &err) < 0);
	CHECK(strstr(err.msg, "ambiguous") && err.errnum != ENOENT);
	CHECK(found_as(sc.s, ids[0], ids[0]));
	scratch_free(&sc);
}

TEST(store_tag_move_untag)
{
	struct scratch sc;
	char a[BLOB_DIGEST_MAX], b[BLOB_DIGEST_MAX];
	md_error err = { 0 };
	struct image_info i;

	CHECK(scratch_open(&sc));
	CHECK(make_image(sc.s, NULL, 0, "a", a, &err) == 0);
	CHECK(make_image(sc.s, NULL, 0, "b", b, &err) == 0);
	CHECK(image_store_tag(sc.s, "me/app:1", a, &err) == 0);
	CHECK(found_as(sc.s, "me/app:1", a));
	CHECK(image_store_tag(sc.s, "docker.io/me/app:1", b, &err) == 0);
	CHECK(found_as(sc.s, "me/app:1", b));
	CHECK(image_store_find(sc.s, a, &i, &err) == 0);
	CHECK(i.tags && !i.tags[0]);
	image_info_free(&i);
	CHECK(image_store_tag(sc.s,
			      "me/app@sha256:"
			      "0000000000000000000000000000000000000000000000000000000000000000",
			      a, &err) < 0);
	CHECK(image_store_tag(
		      sc.s, "x:1",
		      "sha256:0000000000000000000000000000000000000000000000000000000000000000",
		      &err) < 0 &&
	      err.errnum == ENOENT);
	CHECK(image_store_untag(sc.s, "me/app:1", &err) == 0);
	CHECK(not_found(sc.s, "me/app:1"));
	CHECK(image_store_untag(sc.s, "me/app:1", &err) < 0 && err.errnum == ENOENT);
	CHECK(found_as(sc.s, b, b));
	scratch_free(&sc);
}

TEST(store_list_newest_first)
{
	struct scratch sc;
	char a[BLOB_DIGEST_MAX], b[BLOB_DIGEST_MAX];
	md_error err = { 0 };
	struct image_info *list;
	size_t n;

	CHECK(scratch_open(&sc));
	CHECK(make_image(sc.s, NULL, 0, "a", a, &err) == 0);
	CHECK(make_image(sc.s, NULL, 0, "b", b, &err) == 0);
	CHECK(image_store_tag(sc.s, "b:2", b, &err) == 0);
	CHECK(image_store_tag(sc.s, "b:1", b, &err) == 0);
	CHECK(image_store_list(sc.s, &list, &n, &err) == 0);
	CHECK_INT(n, 2);
	CHECK(list[0].loaded >= list[1].loaded);
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(list[k].id, b))
			CHECK(md_strv_len(list[k].tags) == 2 &&
			      !strcmp(list[k].tags[0], "docker.io/library/b:1"));
	}
	image_info_list_free(list, n);
	scratch_free(&sc);
}

/* Two images share layer "one"; removing the second takes only what is
 * its own, removing the first takes the rest; a kept id keeps its layers
 * even without its record. */
TEST(store_remove_gc)
{
	static const char *const first[] = { "one" }, *const second[] = { "one", "two" };
	struct scratch sc;
	char a[BLOB_DIGEST_MAX], b[BLOB_DIGEST_MAX];
	md_error err = { 0 };
	char *keep[] = { b, NULL };

	CHECK(scratch_open(&sc));
	CHECK(make_image(sc.s, first, 1, "a", a, &err) == 0);
	CHECK(make_image(sc.s, second, 2, "b", b, &err) == 0);
	CHECK(image_store_tag(sc.s, "b", b, &err) == 0);
	CHECK_INT(count_in(sc.root, "layers"), 2);
	CHECK_INT(count_in(sc.root, "blobs/sha256"), 2 + 2 + 2); /* configs, manifests, layers */
	CHECK(image_store_remove(sc.s, b, keep, &err) == 0);
	CHECK(not_found(sc.s, "b") && not_found(sc.s, b));
	CHECK_INT(count_in(sc.root, "layers"), 2);
	CHECK(image_store_gc(sc.s, NULL, &err) == 0);
	CHECK_INT(count_in(sc.root, "layers"), 1);
	CHECK_INT(count_in(sc.root, "blobs/sha256"), 3);
	CHECK(found_as(sc.s, a, a));
	CHECK(image_store_remove(sc.s, a, NULL, &err) == 0);
	CHECK_INT(count_in(sc.root, "layers"), 0);
	CHECK_INT(count_in(sc.root, "blobs/sha256"), 0);
	CHECK_INT(count_in(sc.root, "images"), 0);
	CHECK(image_store_remove(sc.s, a, NULL, &err) < 0 && err.errnum == ENOENT);
	scratch_free(&sc);
}

/* An image whose manifest blob is gone (by hand) still keeps its config
 * and its layers through a gc; a record file that is not JSON stops it. */
TEST(store_gc_damaged_image)
{
	static const char *const names[] = { "one" };
	struct scratch sc;
	char id[BLOB_DIGEST_MAX];
	md_error err = { 0 };
	struct image_info i;
	cleanup_free char *record = NULL;

	CHECK(scratch_open(&sc));
	CHECK(make_image(sc.s, names, 1, "a", id, &err) == 0);
	CHECK(image_store_find(sc.s, id, &i, &err) == 0);
	CHECK(blobs_remove(image_store_blobs(sc.s), i.manifest, &err) == 0);
	image_info_free(&i);
	CHECK(image_store_gc(sc.s, NULL, &err) == 0);
	CHECK_INT(count_in(sc.root, "layers"), 1);
	CHECK_INT(count_in(sc.root, "blobs/sha256"), 1); /* the config */
	record = xasprintf("%s/images/%s.json", sc.root, id + 7);
	CHECK(md_write_file_atomic(record, "{", 1, 0600, &err) == 0);
	CHECK(image_store_gc(sc.s, NULL, &err) < 0);
	CHECK_INT(count_in(sc.root, "blobs/sha256"), 1);
	scratch_free(&sc);
}

/* A killed unpack's directory goes at the next open, read-only parts and
 * all; one whose writer still holds it stays. */
TEST(store_sweeps_stale_tmp)
{
	struct scratch sc;
	md_error err = { 0 };
	cleanup_free char *stale = NULL, *live = NULL, *cmd = NULL;
	cleanup_close int fd = -1;

	CHECK(scratch_open(&sc));
	stale = xasprintf("%s/layers/tmp-dead00", sc.root);
	live = xasprintf("%s/layers/tmp-live00", sc.root);
	cmd = xasprintf("mkdir -p %s/diff/ro/d %s && touch %s/diff/ro/d/f && chmod 0555 "
			"%s/diff/ro/d %s/diff/ro",
			stale, live, stale, stale, stale);
	CHECK(system(cmd) == 0);
	fd = open(live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
	image_store_close(sc.s);
	sc.s = image_store_open(sc.root, &err);
	CHECK(sc.s);
	CHECK(access(stale, F_OK) < 0 && errno == ENOENT);
	CHECK(access(live, F_OK) == 0);
	scratch_free(&sc);
}

TEST(store_put_layer_wrong_diff_id)
{
	static const char wrong[] =
		"sha256:1111111111111111111111111111111111111111111111111111111111111111";
	struct scratch sc;
	md_error err = { 0 };
	char got[BLOB_DIGEST_MAX], again[BLOB_DIGEST_MAX];
	cleanup_close int fd = layer_tar("f", "data");

	CHECK(scratch_open(&sc));
	CHECK(image_store_put_layer(sc.s, fd, wrong, NULL, &err) < 0);
	CHECK(strstr(err.msg, "mismatch"));
	CHECK_INT(count_in(sc.root, "layers"), 0);
	CHECK(!image_store_has_layer(sc.s, wrong));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(image_store_put_layer(sc.s, fd, NULL, got, &err) == 0);
	CHECK(image_store_has_layer(sc.s, got));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(image_store_put_layer(sc.s, fd, got, again, &err) == 0);
	CHECK_STR(again, got);
	CHECK_INT(count_in(sc.root, "layers"), 1);
	scratch_free(&sc);
}

/* Two processes unpack the same layer at once: both succeed, one stays. */
TEST(store_put_layer_concurrent)
{
	struct scratch sc;
	md_error err = { 0 };
	pid_t pids[2];
	int status, ok = 0;
	char got[BLOB_DIGEST_MAX];
	size_t n;

	CHECK(scratch_open(&sc));
	for (int k = 0; k < 2; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			struct image_store *s = image_store_open(sc.root, &err);
			int fd = layer_tar("f", "same");

			if (s && image_store_put_layer(s, fd, NULL, got, &err) == 0)
				_exit(0);
			fprintf(stderr, "  child %d: %s (%d)\n", k, err.msg, err.errnum);
			_exit(1);
		}
	}
	for (int k = 0; k < 2; k++)
		ok += pids[k] > 0 && waitpid(pids[k], &status, 0) == pids[k] && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0;
	n = count_in(sc.root, "layers");
	scratch_free(&sc);
	CHECK_INT(ok, 2);
	CHECK_INT(n, 1);
}
