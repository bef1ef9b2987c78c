/* SPDX-License-Identifier: Apache-2.0 */
/* The image store: layout and rules in store.h. */
#include "engine/images/store.h"
#include "engine/images/layer.h"
#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SHA256_PREFIX "sha256:"
#define HEX_LEN 64
#define TMP_LAYER_PREFIX "tmp-"
#define TMP_FILE_MARK ".tmp-"
#define REPOS_FILE "repositories.json"
/* Attempts at a temporary layer directory the sweeper did not take. */
#define TMP_TRIES 16

struct image_store {
	char *root;
	int rootfd, layersfd, imagesfd;
	int lockfd; /* ROOT/lock */
	int lock_depth;
	int pinfd; /* ROOT/gc.lock: shared while this handle writes */
	bool pinned;
	pthread_mutex_t pin_mu; /* put_layer runs in threads */
	struct blobs *blobs;
	bool trust_reads; /* image_store_trust_reads */
};

static const char *hex_of(const char *digest)
{
	return digest + strlen(SHA256_PREFIX);
}

/* --- files ------------------------------------------------------------- */

/* Create or replace dirfd/name whole: a temporary name, fsync, rename,
 * fsync of the directory. */
static int write_atomic(int dirfd, const char *name, const char *data, md_error *err)
{
	char rnd[17];
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;

	if (md_random_hex(rnd, 8, err) < 0)
		return -1;
	tmp = xasprintf("%s" TMP_FILE_MARK "%s", name, rnd);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return md_error_set(err, errno, "create `%s`", tmp);
	if (md_write_all(fd, data, strlen(data)) < 0 || fsync(fd) < 0 ||
	    renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;

		unlinkat(dirfd, tmp, 0);
		return md_error_set(err, e, "write `%s`", name);
	}
	if (fsync(dirfd) < 0)
		return md_error_set(err, errno, "fsync the directory of `%s`", name);
	return 0;
}

/* A JSON object from dirfd/name; *out NULL (and 0) when there is none. */
static int read_json_at(int dirfd, const char *name, json_object **out, md_error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cleanup_free char *text = NULL;
	size_t len;

	*out = NULL;
	if (fd < 0)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "open `%s`", name);
	if (md_read_fd_max(fd, IMAGE_JSON_MAX, &text, &len, err) < 0)
		return md_error_prefix(err, "`%s`", name);
	*out = json_tokener_parse(text);
	if (!json_object_is_type(*out, json_type_object)) {
		md_json_putp(out);
		*out = NULL;
		return md_error_set(err, 0, "`%s`: not a JSON object", name);
	}
	return 0;
}

static int remove_tree(int topfd, const char *path, md_error *err);

/* The names in directory path (below topfd), made writable first: a layer
 * may hold read-only directories. */
static int list_dir(int topfd, const char *path, char ***names, md_error *err)
{
	int fd = openat(topfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_dir DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	struct stat st;

	*names = xmalloc0(sizeof(char *));
	if (!d) {
		if (fd >= 0)
			close(fd);
		return md_error_set(err, errno, "open `%s`", path);
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700)
		fchmod(fd, (st.st_mode & 07777) | 0700);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			md_strv_push(names, de->d_name);
	}
	return 0;
}

/* rm -rf of path below topfd, following no symlink. No fd is held while
 * going down, so the depth of a tree costs no descriptors. */
static int remove_tree(int topfd, const char *path, md_error *err)
{
	cleanup_strv char **names = NULL;

	if (unlinkat(topfd, path, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return md_error_set(err, errno, "remove `%s`", path);
	if (list_dir(topfd, path, &names, err) < 0)
		return -1;
	for (size_t i = 0; names[i]; i++) {
		cleanup_free char *child = xasprintf("%s/%s", path, names[i]);

		if (remove_tree(topfd, child, err) < 0)
			return -1;
	}
	if (unlinkat(topfd, path, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove `%s`", path);
	return 0;
}

/* --- open, lock -------------------------------------------------------- */

static int open_dir_in(int dirfd, const char *name, md_error *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return md_error_set(err, errno, "create `%s`", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", name);
	return fd;
}

/* Take dir (below layersfd) when no writer holds it: it was left by a
 * killed unpack. */
static void sweep_tmp_layer(struct image_store *s, const char *name)
{
	cleanup_close int fd =
		openat(s->layersfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	md_error ignored;

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
		remove_tree(s->layersfd, name, &ignored);
}

/* Records' temporaries have no writer outside the lock, which we hold. */
static void sweep_tmp_files(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (strstr(de->d_name, TMP_FILE_MARK))
			unlinkat(dirfd, de->d_name, 0);
	}
}

static int sweep(struct image_store *s, md_error *err)
{
	cleanup_strv char **names = NULL;

	if (list_dir(s->rootfd, "layers", &names, err) < 0)
		return -1;
	for (size_t i = 0; names[i]; i++) {
		if (md_str_has_prefix(names[i], TMP_LAYER_PREFIX))
			sweep_tmp_layer(s, names[i]);
	}
	if (image_store_lock(s, err) < 0)
		return -1;
	sweep_tmp_files(s->imagesfd);
	sweep_tmp_files(s->rootfd);
	image_store_unlock(s);
	return 0;
}

static int open_files(struct image_store *s, md_error *err)
{
	cleanup_free char *blobdir = xasprintf("%s/blobs", s->root);

	if (md_mkdir_p(s->root, 0700, err) < 0)
		return -1;
	s->rootfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return md_error_set(err, errno, "open `%s`", s->root);
	s->lockfd = openat(s->rootfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	s->pinfd = openat(s->rootfd, "gc.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lockfd < 0 || s->pinfd < 0)
		return md_error_set(err, errno, "open the locks of `%s`", s->root);
	if ((s->layersfd = open_dir_in(s->rootfd, "layers", err)) < 0 ||
	    (s->imagesfd = open_dir_in(s->rootfd, "images", err)) < 0)
		return md_error_prefix(err, "`%s`", s->root);
	s->blobs = blobs_open(blobdir, err);
	return s->blobs ? 0 : -1;
}

void image_store_trust_reads(struct image_store *s)
{
	s->trust_reads = true;
}

struct image_store *image_store_open(const char *root, md_error *err)
{
	struct image_store *s = xmalloc0(sizeof(*s));

	s->root = xstrdup(root);
	s->rootfd = s->layersfd = s->imagesfd = s->lockfd = s->pinfd = -1;
	pthread_mutex_init(&s->pin_mu, NULL);
	if (open_files(s, err) < 0 || sweep(s, err) < 0) {
		image_store_close(s);
		return NULL;
	}
	return s;
}

void image_store_close(struct image_store *s)
{
	int *fds[] = { &s->rootfd, &s->layersfd, &s->imagesfd, &s->lockfd, &s->pinfd };

	if (!s)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
	}
	blobs_close(s->blobs);
	pthread_mutex_destroy(&s->pin_mu);
	free(s->root);
	free(s);
}

const char *image_store_root(const struct image_store *s)
{
	return s->root;
}

/* A handle that may write blobs or layers holds ROOT/gc.lock shared until
 * it is closed, so that no gc takes what it wrote before the record that
 * will use it. */
static void pin(struct image_store *s)
{
	pthread_mutex_lock(&s->pin_mu);
	if (!s->pinned) {
		while (flock(s->pinfd, LOCK_SH) < 0 && errno == EINTR)
			;
		s->pinned = true;
	}
	pthread_mutex_unlock(&s->pin_mu);
}

struct blobs *image_store_blobs(struct image_store *s)
{
	pin(s);
	return s->blobs;
}

int image_store_lock(struct image_store *s, md_error *err)
{
	if (s->lock_depth++ > 0)
		return 0;
	while (flock(s->lockfd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			s->lock_depth--;
			return md_error_set(err, errno, "lock `%s/lock`", s->root);
		}
	}
	return 0;
}

void image_store_unlock(struct image_store *s)
{
	if (s->lock_depth > 0 && --s->lock_depth == 0)
		flock(s->lockfd, LOCK_UN);
}

/* --- layers ------------------------------------------------------------ */

bool image_store_has_layer(const struct image_store *s, const char *diff_id)
{
	cleanup_free char *diff = NULL;

	if (digest_check(diff_id, NULL) < 0)
		return false;
	diff = xasprintf("%s/diff", hex_of(diff_id));
	return faccessat(s->layersfd, diff, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

char *image_store_layer_dir(const struct image_store *s, const char *diff_id)
{
	if (digest_check(diff_id, NULL) < 0)
		return NULL;
	return xasprintf("%s/layers/%s/diff", s->root, hex_of(diff_id));
}

/* A fresh ROOT/layers/tmp-XXXXXX, flock()ed (fd returned): another
 * handle's open sweeps it if it comes between our mkdir and our flock, so
 * once locked, check it is still ours under its name. */
static int tmp_layer(struct image_store *s, char name[32], md_error *err)
{
	struct stat mine, named;

	for (int i = 0; i < TMP_TRIES; i++) {
		char rnd[13];
		int fd;

		if (md_random_hex(rnd, 6, err) < 0)
			return -1;
		snprintf(name, 32, TMP_LAYER_PREFIX "%s", rnd);
		if (mkdirat(s->layersfd, name, 0700) < 0 && errno == EEXIST)
			continue;
		fd = openat(s->layersfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue; /* swept already */
		if (fd < 0)
			return md_error_set(err, errno, "create `%s/layers/%s`", s->root, name);
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &mine) == 0 &&
		    fstatat(s->layersfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
		    mine.st_ino == named.st_ino && mine.st_dev == named.st_dev)
			return fd;
		close(fd);
	}
	return md_error_set(err, 0, "no temporary layer directory after %d tries", TMP_TRIES);
}

/* Unpack into tmp/diff, check the diff id, make it durable. */
static int unpack_into(struct image_store *s, int tmpfd, const char *tmp, int fd,
		       const char *diff_id, char got[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_free char *diff = xasprintf("%s/layers/%s/diff", s->root, tmp);
	struct layer_unpack_stats stats;

	if (mkdirat(tmpfd, "diff", 0755) < 0)
		return md_error_set(err, errno, "create `%s`", diff);
	if (layer_unpack(fd, diff, &stats, err) < 0)
		return -1;
	if (diff_id && strcmp(diff_id, stats.diff_id) != 0)
		return md_error_set(err, 0, "layer diff id mismatch: expected %s, got %s", diff_id,
				    stats.diff_id);
	if (syncfs(tmpfd) < 0)
		return md_error_set(err, errno, "sync `%s`", diff);
	memcpy(got, stats.diff_id, BLOB_DIGEST_MAX);
	return 0;
}

/* tmp becomes ROOT/layers/HEX; one already there (a concurrent writer of
 * the same layer) wins and ours goes. */
static int publish_layer(struct image_store *s, const char *tmp, const char *diff_id, md_error *err)
{
	if (renameat(s->layersfd, tmp, s->layersfd, hex_of(diff_id)) == 0)
		return fsync(s->layersfd) < 0
			       ? md_error_set(err, errno, "fsync `%s/layers`", s->root)
			       : 0;
	if (errno != EEXIST && errno != ENOTEMPTY)
		return md_error_set(err, errno, "store layer %s", diff_id);
	return remove_tree(s->layersfd, tmp, err);
}

int image_store_put_layer(struct image_store *s, int fd, const char *diff_id,
			  char out_diff_id[BLOB_DIGEST_MAX], md_error *err)
{
	char tmp[32], got[BLOB_DIGEST_MAX];
	cleanup_close int tmpfd = -1;
	md_error ignored;

	if (diff_id && digest_check(diff_id, err) < 0)
		return md_error_prefix(err, "layer");
	if (diff_id && image_store_has_layer(s, diff_id)) {
		if (out_diff_id)
			memcpy(out_diff_id, diff_id, strlen(diff_id) + 1);
		return 0;
	}
	pin(s);
	tmpfd = tmp_layer(s, tmp, err);
	if (tmpfd < 0)
		return -1;
	if (unpack_into(s, tmpfd, tmp, fd, diff_id, got, err) < 0 ||
	    publish_layer(s, tmp, got, err) < 0) {
		remove_tree(s->layersfd, tmp, &ignored);
		return -1;
	}
	if (out_diff_id)
		memcpy(out_diff_id, got, sizeof(got));
	return 0;
}

/* --- records and tags ---------------------------------------------------- */

/* A document blob, checked against its digest, parsed by the caller. */
static int read_blob(struct image_store *s, const char *digest, char **out, size_t *len,
		     md_error *err)
{
	cleanup_close int fd = blobs_open_blob(s->blobs, digest, !s->trust_reads, err);

	if (fd < 0)
		return -1;
	if (md_read_fd_max(fd, IMAGE_JSON_MAX, out, len, err) < 0)
		return md_error_prefix(err, "blob %s", digest);
	return 0;
}

/* The manifest and the config of a manifest blob. */
static int read_image(struct image_store *s, const char *manifest, struct image_info *i,
		      md_error *err)
{
	cleanup_free char *mtext = NULL, *ctext = NULL;
	size_t mlen, clen;

	i->m = xmalloc0(sizeof(*i->m));
	i->config = xmalloc0(sizeof(*i->config));
	if (read_blob(s, manifest, &mtext, &mlen, err) < 0 ||
	    image_manifest_parse(mtext, mlen, i->m, err) < 0 ||
	    read_blob(s, i->m->config.digest, &ctext, &clen, err) < 0 ||
	    image_config_parse(ctext, clen, i->config, err) < 0)
		return md_error_prefix(err, "image %s", manifest);
	snprintf(i->id, sizeof(i->id), "%s", i->m->config.digest);
	snprintf(i->manifest, sizeof(i->manifest), "%s", manifest);
	return 0;
}

void image_info_free(struct image_info *i)
{
	md_strv_free(i->tags);
	md_strv_free(i->repo_digests);
	if (i->m)
		image_manifest_free(i->m);
	if (i->config)
		image_config_free(i->config);
	free(i->m);
	free(i->config);
	memset(i, 0, sizeof(*i));
}

/* The image's layers and blobs are all there. */
static int check_complete(struct image_store *s, const struct image_info *i, md_error *err)
{
	if (i->config->n_diff_ids != i->m->n_layers)
		return md_error_set(err, 0, "image %s: %zu layers but %zu diff ids", i->id,
				    i->m->n_layers, i->config->n_diff_ids);
	for (size_t k = 0; k < i->m->n_layers; k++) {
		if (!blobs_has(s->blobs, i->m->layers[k].digest))
			return md_error_set(err, ENOENT, "image %s: no blob for layer %s", i->id,
					    i->m->layers[k].digest);
		if (!image_store_has_layer(s, i->config->diff_ids[k]))
			return md_error_set(err, ENOENT, "image %s: layer %s is not unpacked",
					    i->id, i->config->diff_ids[k]);
	}
	return 0;
}

static char *record_name(const char *id)
{
	return xasprintf("%s.json", hex_of(id));
}

static bool record_valid(json_object *rec, const char *id)
{
	const char *manifest = md_json_string(rec, "manifest"), *rid = md_json_string(rec, "id");

	return manifest && digest_check(manifest, NULL) == 0 && rid && !strcmp(rid, id);
}

/* ROOT/images/HEX.json of id: *out NULL when there is none. */
static int read_record(struct image_store *s, const char *id, json_object **out, md_error *err)
{
	cleanup_free char *name = record_name(id);

	if (read_json_at(s->imagesfd, name, out, err) < 0)
		return -1;
	if (*out && !record_valid(*out, id)) {
		md_json_putp(out);
		*out = NULL;
		return md_error_set(err, 0, "image record `%s/images/%s` is corrupt", s->root,
				    name);
	}
	return 0;
}

/* digests: the record's "digests" (index digests that name the image),
 * kept as they are; may be NULL. */
static int write_record(struct image_store *s, const struct image_info *i, json_object *digests,
			md_error *err)
{
	cleanup_json json_object *o = json_object_new_object();
	cleanup_free char *name = record_name(i->id);

	json_object_object_add(o, "id", json_object_new_string(i->id));
	json_object_object_add(o, "manifest", json_object_new_string(i->manifest));
	json_object_object_add(o, "loaded", json_object_new_int64(i->loaded));
	if (digests)
		json_object_object_add(o, "digests", json_object_get(digests));
	return write_atomic(s->imagesfd, name,
			    json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			    err);
}

static int add_locked(struct image_store *s, const char *manifest_digest, md_error *err)
{
	struct image_info i = { 0 };
	cleanup_json json_object *old = NULL;
	int r;

	r = read_image(s, manifest_digest, &i, err);
	if (r == 0)
		r = check_complete(s, &i, err);
	if (r == 0)
		r = read_record(s, i.id, &old, err);
	if (r == 0) {
		/* a second add keeps the first one's time */
		i.loaded = old ? json_object_get_int64(md_json_member(old, "loaded")) : time(NULL);
		r = write_record(s, &i, md_json_member_of(old, "digests", json_type_array), err);
	}
	image_info_free(&i);
	return r;
}

int image_store_add(struct image_store *s, const char *manifest_digest, md_error *err)
{
	int r;

	if (digest_check(manifest_digest, err) < 0)
		return md_error_prefix(err, "manifest");
	pin(s);
	if (image_store_lock(s, err) < 0)
		return -1;
	r = add_locked(s, manifest_digest, err);
	image_store_unlock(s);
	return r;
}

static int read_repos(struct image_store *s, json_object **out, md_error *err)
{
	if (read_json_at(s->rootfd, REPOS_FILE, out, err) < 0)
		return -1;
	if (!*out)
		*out = json_object_new_object();
	return 0;
}

static int write_repos(struct image_store *s, json_object *repos, md_error *err)
{
	return write_atomic(
		s->rootfd, REPOS_FILE,
		json_object_to_json_string_ext(repos, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE),
		err);
}

/* A tag as the store keys it: the full reference, which must have a tag
 * and no digest. */
static char *tag_key(const char *ref, md_error *err)
{
	struct image_ref r;
	char *key;

	if (ref_parse(ref, &r, err) < 0)
		return NULL;
	if (!r.tag || r.digest) {
		md_error_set(err, 0, "`%s`: a tag is NAME:TAG, without a digest", ref);
		ref_free(&r);
		return NULL;
	}
	key = ref_string(&r, REF_FULL);
	ref_free(&r);
	return key;
}

static int tag_locked(struct image_store *s, const char *key, const char *id, md_error *err)
{
	cleanup_json json_object *repos = NULL, *rec = NULL;

	if (read_record(s, id, &rec, err) < 0 || read_repos(s, &repos, err) < 0)
		return -1;
	if (!rec)
		return md_error_set(err, ENOENT, "No such image: %s", id);
	json_object_object_add(repos, key, json_object_new_string(id));
	return write_repos(s, repos, err);
}

int image_store_tag(struct image_store *s, const char *ref, const char *id, md_error *err)
{
	cleanup_free char *key = tag_key(ref, err);
	int r;

	if (!key)
		return -1;
	if (digest_check(id, err) < 0)
		return md_error_prefix(err, "image id");
	if (image_store_lock(s, err) < 0)
		return -1;
	r = tag_locked(s, key, id, err);
	image_store_unlock(s);
	return r;
}

static int untag_locked(struct image_store *s, const char *ref, const char *key, md_error *err)
{
	cleanup_json json_object *repos = NULL;

	if (read_repos(s, &repos, err) < 0)
		return -1;
	if (!md_json_member(repos, key))
		return md_error_set(err, ENOENT, "No such image: %s", ref);
	json_object_object_del(repos, key);
	return write_repos(s, repos, err);
}

int image_store_untag(struct image_store *s, const char *ref, md_error *err)
{
	cleanup_free char *key = tag_key(ref, err);
	int r;

	if (!key)
		return -1;
	if (image_store_lock(s, err) < 0)
		return -1;
	r = untag_locked(s, ref, key, err);
	image_store_unlock(s);
	return r;
}

/* --- lookups ----------------------------------------------------------- */

static int by_tag(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tags of id in repos, sorted. */
static char **tags_of(json_object *repos, const char *id)
{
	char **tags = xmalloc0(sizeof(char *));

	json_object_object_foreach(repos, key, val)
	{
		if (json_object_is_type(val, json_type_string) &&
		    !strcmp(json_object_get_string(val), id))
			md_strv_push(&tags, key);
	}
	qsort(tags, md_strv_len(tags), sizeof(char *), by_tag);
	return tags;
}

/* The image id (a valid digest) with its record, into out; ENOENT when the
 * store has no such record. */
static int load_info(struct image_store *s, const char *id, json_object *repos,
		     struct image_info *out, md_error *err)
{
	cleanup_json json_object *rec = NULL;

	memset(out, 0, sizeof(*out));
	if (read_record(s, id, &rec, err) < 0)
		return -1;
	if (!rec)
		return md_error_set(err, ENOENT, "No such image: %s", id);
	if (read_image(s, md_json_string(rec, "manifest"), out, err) < 0) {
		image_info_free(out);
		return -1;
	}
	if (strcmp(out->id, id) != 0) {
		image_info_free(out);
		return md_error_set(err, 0, "image record %s names the manifest of %s", id,
				    out->id);
	}
	out->loaded = json_object_get_int64(md_json_member(rec, "loaded"));
	out->tags = tags_of(repos, id);
	out->repo_digests = md_json_strv(rec, "digests");
	return 0;
}

/* Every image id of the store ("sha256:HEX"), from the records' names. */
static int list_ids(struct image_store *s, char ***ids, md_error *err)
{
	cleanup_strv char **names = NULL;

	*ids = xmalloc0(sizeof(char *));
	if (list_dir(s->rootfd, "images", &names, err) < 0)
		return -1;
	for (size_t i = 0; names[i]; i++) {
		size_t len = strlen(names[i]);
		cleanup_free char *id = NULL;

		if (len != HEX_LEN + 5 || strcmp(names[i] + HEX_LEN, ".json") != 0)
			continue;
		id = xasprintf(SHA256_PREFIX "%.*s", HEX_LEN, names[i]);
		if (digest_check(id, NULL) == 0)
			md_strv_push(ids, id);
	}
	return 0;
}

/* 1 to 64 lowercase hex digits, after an optional "sha256:". */
static const char *hex_prefix(const char *what)
{
	const char *p = md_str_has_prefix(what, SHA256_PREFIX) ? hex_of(what) : what;
	size_t n = strspn(p, "0123456789abcdef");

	return n > 0 && n <= HEX_LEN && !p[n] ? p : NULL;
}

/* The one id that starts with prefix: 0 with *id set, ENOENT if none. */
static int find_prefix(struct image_store *s, const char *what, const char *prefix, char **id,
		       md_error *err)
{
	cleanup_strv char **ids = NULL;
	size_t found = 0;

	*id = NULL;
	if (list_ids(s, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		if (!md_str_has_prefix(hex_of(ids[i]), prefix))
			continue;
		if (found++ == 0)
			*id = xstrdup(ids[i]);
	}
	if (found > 1) {
		free(*id);
		*id = NULL;
		return md_error_set(err, 0, "image id prefix `%s` is ambiguous: %zu images", what,
				    found);
	}
	return found ? 0 : md_error_set(err, ENOENT, "No such image: %s", what);
}

/* Whether a record's "digests" hold want (a whole NAME@DIGEST), or, when
 * want is a bare digest, whether it is the record's manifest or a digest
 * of its "digests". */
static bool record_has_digest(json_object *rec, const char *want)
{
	json_object *list = md_json_member_of(rec, "digests", json_type_array);
	const char *m = md_json_string(rec, "manifest");
	bool bare = !strchr(want, '@');

	if (bare && m && strcmp(m, want) == 0)
		return true;
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(list, i));
		const char *at = d ? strrchr(d, '@') : NULL;

		if (d && (strcmp(d, want) == 0 || (bare && at && strcmp(at + 1, want) == 0)))
			return true;
	}
	return false;
}

int image_store_add_digest(struct image_store *s, const char *id, const char *repo_digest,
			   md_error *err)
{
	cleanup_json json_object *rec = NULL;
	const char *at = strrchr(repo_digest, '@');
	struct image_info i = { 0 };
	json_object *list;
	int r;

	if (!at || at == repo_digest)
		return md_error_set(err, 0, "`%s` is not NAME@DIGEST", repo_digest);
	if (digest_check(at + 1, err) < 0 || image_store_lock(s, err) < 0)
		return -1;
	r = read_record(s, id, &rec, err);
	if (r == 0 && !rec)
		r = md_error_set(err, ENOENT, "No such image: %s", id);
	if (r == 0 && !record_has_digest(rec, repo_digest)) {
		snprintf(i.id, sizeof(i.id), "%s", id);
		snprintf(i.manifest, sizeof(i.manifest), "%s", md_json_string(rec, "manifest"));
		i.loaded = json_object_get_int64(md_json_member(rec, "loaded"));
		list = md_json_member_of(rec, "digests", json_type_array);
		if (!list) {
			list = json_object_new_array();
			json_object_object_add(rec, "digests", list);
		}
		json_object_array_add(list, json_object_new_string(repo_digest));
		r = write_record(s, &i, list, err);
	}
	image_store_unlock(s);
	return r;
}

/* The image whose manifest (or index) is digest. */
static int find_manifest(struct image_store *s, const char *what, const char *digest, char **id,
			 md_error *err)
{
	cleanup_strv char **ids = NULL;

	*id = NULL;
	if (list_ids(s, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i] && !*id; i++) {
		cleanup_json json_object *rec = NULL;
		md_error ignored;

		if (read_record(s, ids[i], &rec, &ignored) == 0 && rec &&
		    record_has_digest(rec, digest))
			*id = xstrdup(ids[i]);
	}
	return *id ? 0 : md_error_set(err, ENOENT, "No such image: %s", what);
}

/* A reference's image id: the tag's, or the image of the digest's
 * manifest. 0 with *id, ENOENT when none, or -1 with errnum 0 when what is
 * no reference. */
static int find_ref(struct image_store *s, json_object *repos, const char *what, char **id,
		    md_error *err)
{
	struct image_ref r;
	cleanup_free char *key = NULL;
	const char *val;
	int ret;

	*id = NULL;
	if (ref_parse(what, &r, err) < 0)
		return -1;
	if (r.digest) {
		ret = find_manifest(s, what, r.digest, id, err);
		ref_free(&r);
		return ret;
	}
	key = ref_string(&r, REF_FULL);
	ref_free(&r);
	val = md_json_string(repos, key);
	if (!val || digest_check(val, NULL) < 0)
		return md_error_set(err, ENOENT, "No such image: %s", what);
	*id = xstrdup(val);
	return 0;
}

/* As Docker: a full id, else a reference, else an id prefix. */
static int resolve(struct image_store *s, json_object *repos, const char *what, char **id,
		   md_error *err)
{
	const char *prefix = hex_prefix(what);
	md_error ref_err = { 0 };

	if (digest_check(what, NULL) == 0) {
		*id = xstrdup(what);
		return 0;
	}
	if (find_ref(s, repos, what, id, &ref_err) == 0)
		return 0;
	if (prefix)
		return find_prefix(s, what, prefix, id, err);
	if (ref_err.errnum != ENOENT)
		return md_error_set(err, ENOENT, "No such image: %s (%s)", what, ref_err.msg);
	if (err)
		*err = ref_err;
	return -1;
}

int image_store_find(struct image_store *s, const char *what, struct image_info *out, md_error *err)
{
	cleanup_json json_object *repos = NULL;
	cleanup_free char *id = NULL;

	memset(out, 0, sizeof(*out));
	if (read_repos(s, &repos, err) < 0 || resolve(s, repos, what, &id, err) < 0)
		return -1;
	if (load_info(s, id, repos, out, err) < 0)
		return err && err->errnum == ENOENT
			       ? md_error_set(err, ENOENT, "No such image: %s", what)
			       : -1;
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	const struct image_info *x = a, *y = b;

	if (x->loaded != y->loaded)
		return x->loaded > y->loaded ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* A record that cannot be read (a blob gone bad) is left out. */
int image_store_list(struct image_store *s, struct image_info **out, size_t *n, md_error *err)
{
	cleanup_json json_object *repos = NULL;
	cleanup_strv char **ids = NULL;
	struct image_info *list;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (read_repos(s, &repos, err) < 0 || list_ids(s, &ids, err) < 0)
		return -1;
	list = xmalloc0((md_strv_len(ids) + 1) * sizeof(*list));
	for (size_t i = 0; ids[i]; i++) {
		md_error ignored;

		if (load_info(s, ids[i], repos, &list[count], &ignored) == 0)
			count++;
	}
	qsort(list, count, sizeof(*list), newest_first);
	*out = list;
	*n = count;
	return 0;
}

void image_info_list_free(struct image_info *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		image_info_free(&list[i]);
	free(list);
}

char **image_store_layer_dirs(struct image_store *s, const struct image_info *i, md_error *err)
{
	char **dirs = xmalloc0(sizeof(char *));

	for (size_t k = 0; k < i->config->n_diff_ids; k++) {
		const char *diff_id = i->config->diff_ids[k];
		cleanup_free char *dir = image_store_layer_dir(s, diff_id);

		if (!dir || !image_store_has_layer(s, diff_id)) {
			md_strv_free(dirs);
			md_error_set(err, ENOENT, "image %s: layer %s is missing", i->id, diff_id);
			return NULL;
		}
		md_strv_push(&dirs, dir);
	}
	return dirs;
}

/* --- removal ------------------------------------------------------------ */

/* What gc keeps: digests, in a json object used as a set. */
static void mark(json_object *set, const char *digest)
{
	if (digest)
		json_object_object_add(set, digest, NULL);
}

static void mark_config(json_object *set, const struct image_config *c)
{
	for (size_t k = 0; k < c->n_diff_ids; k++)
		mark(set, c->diff_ids[k]);
}

static void mark_image(json_object *set, const struct image_info *i)
{
	mark(set, i->id);
	mark(set, i->manifest);
	for (size_t k = 0; k < i->m->n_layers; k++)
		mark(set, i->m->layers[k].digest);
	mark_config(set, i->config);
}

/* A kept id's config names its layers even when its record is gone. */
static void mark_kept(struct image_store *s, json_object *set, const char *id)
{
	cleanup_free char *text = NULL;
	struct image_config c;
	size_t len;
	md_error ignored;

	if (digest_check(id, NULL) < 0)
		return;
	mark(set, id);
	if (read_blob(s, id, &text, &len, &ignored) < 0 ||
	    image_config_parse(text, len, &c, &ignored) < 0)
		return;
	mark_config(set, &c);
	image_config_free(&c);
}

/* A record whose blobs cannot all be read (one removed or damaged by
 * hand) keeps what it still names: its manifest, the layers the manifest
 * lists, its config and the config's layers. */
static void mark_damaged(struct image_store *s, json_object *set, const char *id, json_object *rec)
{
	const char *manifest = md_json_string(rec, "manifest");
	cleanup_free char *text = NULL;
	struct image_manifest m;
	size_t len;
	md_error ignored;

	mark(set, manifest);
	mark_kept(s, set, id);
	if (read_blob(s, manifest, &text, &len, &ignored) < 0 ||
	    image_manifest_parse(text, len, &m, &ignored) < 0)
		return;
	for (size_t k = 0; k < m.n_layers; k++)
		mark(set, m.layers[k].digest);
	image_manifest_free(&m);
}

/* Every record's digests, and the kept ids'. Only a record file that
 * cannot be read at all stops the gc: what it names is unknown. */
static int mark_all(struct image_store *s, json_object *set, char *const *keep, md_error *err)
{
	cleanup_json json_object *repos = json_object_new_object();
	cleanup_strv char **ids = NULL;

	if (list_ids(s, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		cleanup_json json_object *rec = NULL;
		struct image_info info;
		md_error ignored;

		if (load_info(s, ids[i], repos, &info, &ignored) == 0) {
			mark_image(set, &info);
			image_info_free(&info);
			continue;
		}
		if (read_record(s, ids[i], &rec, err) < 0)
			return md_error_prefix(err, "gc");
		if (rec)
			mark_damaged(s, set, ids[i], rec);
	}
	for (size_t i = 0; keep && keep[i]; i++)
		mark_kept(s, set, keep[i]);
	return 0;
}

static bool marked(json_object *set, const char *hex)
{
	cleanup_free char *digest = xasprintf(SHA256_PREFIX "%s", hex);

	return json_object_object_get_ex(set, digest, NULL);
}

static int sweep_unmarked(struct image_store *s, json_object *set, md_error *err)
{
	cleanup_strv char **blobs = NULL, **layers = NULL;

	if (list_dir(s->rootfd, "blobs/sha256", &blobs, err) < 0 ||
	    list_dir(s->rootfd, "layers", &layers, err) < 0)
		return -1;
	for (size_t i = 0; blobs[i]; i++) {
		cleanup_free char *digest = xasprintf(SHA256_PREFIX "%s", blobs[i]);

		if (!marked(set, blobs[i]) && digest_check(digest, NULL) == 0 &&
		    blobs_remove(s->blobs, digest, err) < 0)
			return -1;
	}
	for (size_t i = 0; layers[i]; i++) {
		if (strlen(layers[i]) == HEX_LEN && !marked(set, layers[i]) &&
		    remove_tree(s->layersfd, layers[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The sweep needs ROOT/gc.lock alone: a writer holds it shared (pin),
 * this handle's own pin included, which is turned exclusive and back. When
 * another handle writes, the sweep waits for a later gc. */
static int gc_locked(struct image_store *s, char *const *keep, md_error *err)
{
	cleanup_json json_object *set = json_object_new_object();
	int r = 0;

	if (mark_all(s, set, keep, err) < 0)
		return -1;
	pthread_mutex_lock(&s->pin_mu);
	if (flock(s->pinfd, LOCK_EX | LOCK_NB) == 0) {
		r = sweep_unmarked(s, set, err);
		flock(s->pinfd, s->pinned ? LOCK_SH : LOCK_UN);
	} else if (s->pinned) {
		flock(s->pinfd, LOCK_SH);
	}
	pthread_mutex_unlock(&s->pin_mu);
	return r;
}

int image_store_gc(struct image_store *s, char *const *keep, md_error *err)
{
	int r;

	if (image_store_lock(s, err) < 0)
		return -1;
	r = gc_locked(s, keep, err);
	image_store_unlock(s);
	return r;
}

static int remove_locked(struct image_store *s, const char *id, char *const *keep, md_error *err)
{
	cleanup_json json_object *repos = NULL, *rec = NULL;
	cleanup_strv char **tags = NULL;
	cleanup_free char *name = record_name(id);

	if (read_record(s, id, &rec, err) < 0 || read_repos(s, &repos, err) < 0)
		return -1;
	if (!rec)
		return md_error_set(err, ENOENT, "No such image: %s", id);
	tags = tags_of(repos, id);
	for (size_t i = 0; tags[i]; i++)
		json_object_object_del(repos, tags[i]);
	if (tags[0] && write_repos(s, repos, err) < 0)
		return -1;
	if (unlinkat(s->imagesfd, name, 0) < 0 || fsync(s->imagesfd) < 0)
		return md_error_set(err, errno, "remove the record of %s", id);
	return gc_locked(s, keep, err);
}

int image_store_remove(struct image_store *s, const char *id, char *const *keep, md_error *err)
{
	int r;

	if (digest_check(id, err) < 0)
		return md_error_prefix(err, "image id");
	if (image_store_lock(s, err) < 0)
		return -1;
	r = remove_locked(s, id, keep, err);
	image_store_unlock(s);
	return r;
}

/* --- new images ---------------------------------------------------------- */

static int put_text(struct image_store *s, const char *text, char digest[BLOB_DIGEST_MAX],
		    md_error *err)
{
	struct blob_writer w;

	if (blob_writer_begin(image_store_blobs(s), &w, NULL, err) < 0)
		return -1;
	if (blob_writer_write(&w, text, strlen(text), err) < 0) {
		blob_writer_abort(&w);
		return -1;
	}
	return blob_writer_commit(&w, digest, err);
}

static json_object *desc_json(const char *media_type, const char *digest, int64_t size)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mediaType", json_object_new_string(media_type));
	json_object_object_add(o, "digest", json_object_new_string(digest));
	json_object_object_add(o, "size", json_object_new_int64(size));
	return o;
}

static char *manifest_text(const char *config_digest, size_t config_size,
			   const struct image_layer_ref *layers, size_t n_layers)
{
	cleanup_json json_object *m = json_object_new_object();
	json_object *arr = json_object_new_array();

	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	json_object_object_add(m, "config",
			       desc_json(MT_OCI_CONFIG, config_digest, (int64_t)config_size));
	for (size_t i = 0; i < n_layers; i++)
		json_object_array_add(
			arr, desc_json(layers[i].media_type, layers[i].digest, layers[i].size));
	json_object_object_add(m, "layers", arr);
	return xstrdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
}

int image_store_create(struct image_store *s, const char *config_json,
		       const struct image_layer_ref *layers, size_t n_layers,
		       char out_id[BLOB_DIGEST_MAX], md_error *err)
{
	char config[BLOB_DIGEST_MAX], manifest[BLOB_DIGEST_MAX];
	struct image_config c;
	cleanup_free char *text = NULL;

	if (image_config_parse(config_json, strlen(config_json), &c, err) < 0)
		return -1;
	image_config_free(&c);
	if (put_text(s, config_json, config, err) < 0)
		return md_error_prefix(err, "store the image config");
	text = manifest_text(config, strlen(config_json), layers, n_layers);
	if (put_text(s, text, manifest, err) < 0)
		return md_error_prefix(err, "store the image manifest");
	if (image_store_add(s, manifest, err) < 0)
		return -1;
	memcpy(out_id, config, sizeof(config));
	return 0;
}
