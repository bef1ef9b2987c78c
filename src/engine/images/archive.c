/* SPDX-License-Identifier: Apache-2.0 */
/* image_load: docker save archives and OCI layouts into the store
 * (archive.h). The tar streams once into the blob store; the images are
 * found afterwards, from what was kept. */
#include "engine/images/archive.h"
#include "engine/images/archive-internal.h"
#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOAD_CHUNK (1 << 20)
/* How deep an index may nest, and how many symlinks a name may go through. */
#define MAX_DEPTH 8
/* Layers unpacked at once. */
#define MAX_UNPACKERS 4

#define ANN_CONTAINERD_NAME "io.containerd.image.name"

/* A file of the archive: a blob in the store, or a symlink to another
 * name of the archive. */
struct entry {
	char *name;
	char *link; /* a symlink's target as written; NULL for a file */
	char digest[BLOB_DIGEST_MAX];
};

/* A layer to unpack: its diff id and the blob that holds it. */
struct layer_job {
	char diff_id[BLOB_DIGEST_MAX];
	char blob[BLOB_DIGEST_MAX];
	int64_t size;
};

struct load_image {
	char manifest[BLOB_DIGEST_MAX];
	char id[BLOB_DIGEST_MAX];
	char **tags; /* full references */
};

struct load {
	struct image_store *s;
	struct blobs *b;
	int dirfd; /* a directory's layout; -1 for a tar */
	char *buf; /* LOAD_CHUNK */
	struct entry *entries;
	size_t n_entries;
	/* The archive's own documents, when it has them. */
	char *manifest_json, *index_json;
	size_t manifest_len, index_len;
	struct load_image *images;
	size_t n_images;
	struct layer_job *jobs;
	size_t n_jobs;
};

static void load_free(struct load *l)
{
	for (size_t i = 0; i < l->n_entries; i++) {
		free(l->entries[i].name);
		free(l->entries[i].link);
	}
	for (size_t i = 0; i < l->n_images; i++)
		md_strv_free(l->images[i].tags);
	free(l->entries);
	free(l->images);
	free(l->jobs);
	free(l->manifest_json);
	free(l->index_json);
	free(l->buf);
	if (l->dirfd >= 0)
		close(l->dirfd);
}

/* --- names ---------------------------------------------------------- */

/* Join the components of path onto out (a clean relative path, "" for the
 * top), as a lookup inside the archive would: "" and "." are dropped;
 * ".." goes up, and only with up may it (symlink targets), never above the
 * top. An absolute path is refused. */
static int path_join(char *out, size_t size, const char *path, bool up, md_error *err)
{
	cleanup_free char *copy = xstrdup(path);
	char *save = NULL;
	size_t len = strlen(out);

	if (path[0] == '/')
		return md_error_set(err, 0, "`%s`: an absolute name in the archive", path);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (!up || len == 0)
				return md_error_set(err, 0, "`%s`: a name with '..' in the archive",
						    path);
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len + strlen(c) + 2 > size)
			return md_error_set(err, 0, "`%.64s...`: a name too long in the archive",
					    path);
		len += (size_t)sprintf(out + len, "%s%s", len ? "/" : "", c);
	}
	return 0;
}

static char *clean_name(const char *name, md_error *err)
{
	char out[PATH_MAX] = "";

	return path_join(out, sizeof(out), name, false, err) < 0 ? NULL : xstrdup(out);
}

static struct entry *entry_find(struct load *l, const char *name)
{
	for (size_t i = l->n_entries; i-- > 0;) {
		if (strcmp(l->entries[i].name, name) == 0)
			return &l->entries[i];
	}
	return NULL;
}

static struct entry *entry_add(struct load *l, const char *name)
{
	struct entry *e;

	l->entries = xrealloc(l->entries, (l->n_entries + 1) * sizeof(*l->entries));
	e = &l->entries[l->n_entries++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	return e;
}

/* "blobs/sha256/HEX" -> "sha256:HEX" (the digest its content must have),
 * when HEX is a valid digest; else "". */
static void name_digest(const char *name, char digest[BLOB_DIGEST_MAX])
{
	digest[0] = '\0';
	if (!md_str_has_prefix(name, "blobs/sha256/") || strlen(name) > 13 + 64)
		return;
	snprintf(digest, BLOB_DIGEST_MAX, "sha256:%s", name + 13);
	if (digest_check(digest, NULL) < 0)
		digest[0] = '\0';
}

/* --- the tar, streamed once -------------------------------------------- */

const char *archive_msg(struct archive *a)
{
	const char *m = archive_error_string(a);

	return m ? m : "unknown error";
}

/* The archive's documents are kept in memory. */
static bool is_document(const char *name)
{
	return strcmp(name, "manifest.json") == 0 || strcmp(name, "index.json") == 0 ||
	       strcmp(name, "oci-layout") == 0;
}

/* Files of the old layout that no loader reads: HEX/json, HEX/VERSION
 * (the v1 image format) and repositories (superseded by manifest.json). */
static bool is_unused(const char *name)
{
	const char *slash = strchr(name, '/');

	if (!slash)
		return strcmp(name, "repositories") == 0;
	return !strchr(slash + 1, '/') &&
	       (strcmp(slash + 1, "json") == 0 || strcmp(slash + 1, "VERSION") == 0);
}

static int read_document(struct load *l, struct archive *a, const char *name, md_error *err)
{
	char **data = strcmp(name, "manifest.json") == 0 ? &l->manifest_json : &l->index_json;
	size_t *len = strcmp(name, "manifest.json") == 0 ? &l->manifest_len : &l->index_len;
	la_ssize_t n;

	if (strcmp(name, "oci-layout") == 0)
		return archive_read_data_skip(a) == ARCHIVE_OK
			       ? 0
			       : md_error_set(err, 0, "read the archive: %s", archive_msg(a));
	free(*data);
	*data = NULL;
	*len = 0;
	while ((n = archive_read_data(a, l->buf, LOAD_CHUNK)) > 0) {
		if (*len + (size_t)n > IMAGE_JSON_MAX)
			return md_error_set(err, 0, "%s: larger than %d bytes", name,
					    IMAGE_JSON_MAX);
		*data = xrealloc(*data, *len + (size_t)n + 1);
		memcpy(*data + *len, l->buf, (size_t)n);
		*len += (size_t)n;
	}
	if (n < 0)
		return md_error_set(err, 0, "read %s: %s", name, archive_msg(a));
	if (!*data)
		*data = xstrdup("");
	(*data)[*len] = '\0';
	return 0;
}

/* A blob the store already has: only check that the archive's copy has
 * its digest. */
static int hash_entry(struct load *l, struct archive *a, const char *expected, md_error *err)
{
	char got[BLOB_DIGEST_MAX];
	EVP_MD_CTX *md;
	la_ssize_t n;
	int r;

	if (sha256_begin(&md, err) < 0)
		return -1;
	while ((n = archive_read_data(a, l->buf, LOAD_CHUNK)) > 0)
		EVP_DigestUpdate(md, l->buf, (size_t)n);
	r = n < 0 ? md_error_set(err, 0, "read the archive: %s", archive_msg(a))
		  : sha256_end(md, got, err);
	EVP_MD_CTX_free(md);
	if (r < 0)
		return -1;
	if (strcmp(got, expected) != 0)
		return md_error_set(err, 0, "digest mismatch: expected %s, got %s", expected, got);
	return 0;
}

static int copy_entry(struct load *l, struct archive *a, const char *expected,
		      char digest[BLOB_DIGEST_MAX], md_error *err)
{
	struct blob_writer w;
	la_ssize_t n;

	if (blob_writer_begin(l->b, &w, expected[0] ? expected : NULL, err) < 0)
		return -1;
	while ((n = archive_read_data(a, l->buf, LOAD_CHUNK)) > 0) {
		if (blob_writer_write(&w, l->buf, (size_t)n, err) < 0) {
			blob_writer_abort(&w);
			return -1;
		}
	}
	if (n < 0) {
		blob_writer_abort(&w);
		return md_error_set(err, 0, "read the archive: %s", archive_msg(a));
	}
	return blob_writer_commit(&w, digest, err);
}

static int stream_file(struct load *l, struct archive *a, const char *name, md_error *err)
{
	char expected[BLOB_DIGEST_MAX], digest[BLOB_DIGEST_MAX];
	int r;

	if (is_document(name))
		return read_document(l, a, name, err);
	if (is_unused(name) ||
	    (md_str_has_prefix(name, "blobs/") && !md_str_has_prefix(name, "blobs/sha256/")))
		return 0; /* libarchive skips the data at the next header */
	name_digest(name, expected);
	if (expected[0] && blobs_has(l->b, expected)) {
		r = hash_entry(l, a, expected, err);
		snprintf(digest, sizeof(digest), "%s", expected);
	} else {
		r = copy_entry(l, a, expected, digest, err);
	}
	if (r < 0)
		return md_error_prefix(err, "%s", name);
	memcpy(entry_add(l, name)->digest, digest, BLOB_DIGEST_MAX);
	return 0;
}

/* A hard link names a file met before: the same blob. */
static int stream_hardlink(struct load *l, const char *name, const char *target, md_error *err)
{
	cleanup_free char *t = clean_name(target, err);
	struct entry *e, *to;

	if (!t)
		return -1;
	to = entry_find(l, t);
	if (!to)
		return 0; /* a link to a file not kept (or not there): the name stays unknown */
	e = entry_add(l, name);
	to = entry_find(l, t); /* entry_add may have moved it */
	e->link = to->link ? xstrdup(to->link) : NULL;
	memcpy(e->digest, to->digest, BLOB_DIGEST_MAX);
	return 0;
}

static int stream_entry(struct load *l, struct archive *a, struct archive_entry *ae, md_error *err)
{
	cleanup_free char *name = clean_name(archive_entry_pathname(ae), err);

	if (!name)
		return -1;
	if (archive_entry_hardlink(ae))
		return stream_hardlink(l, name, archive_entry_hardlink(ae), err);
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG:
		return stream_file(l, a, name, err);
	case AE_IFLNK:
		entry_add(l, name)->link = xstrdup(archive_entry_symlink(ae));
		return 0;
	default:
		return 0; /* directories; nothing else is used */
	}
}

static int stream_tar(struct load *l, int fd, md_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	int r;

	if (!a)
		return md_error_set(err, ENOMEM, "libarchive");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, LOAD_CHUNK) != ARCHIVE_OK) {
		md_error_set(err, 0, "read the archive: %s", archive_msg(a));
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (stream_entry(l, a, ae, err) < 0) {
			archive_read_free(a);
			return -1;
		}
	}
	if (r != ARCHIVE_EOF)
		md_error_set(err, 0, "read the archive: %s", archive_msg(a));
	archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* --- a directory ------------------------------------------------------- */

/* A document (at most IMAGE_JSON_MAX bytes) from fd, NUL-terminated. */
static int read_fd_limited(int fd, const char *what, char **data, size_t *len, md_error *err)
{
	if (md_read_fd_max(fd, IMAGE_JSON_MAX, data, len, err) < 0)
		return md_error_prefix(err, "%s", what);
	return 0;
}

/* Read a document of the layout, if it has it. */
static int dir_document(struct load *l, const char *name, char **data, size_t *len, md_error *err)
{
	cleanup_close int fd = md_open_in_root(l->dirfd, name, O_RDONLY, MD_NO_CREATE, err);

	if (fd < 0)
		return err->errnum == ENOENT ? (md_error_clear(err), 0) : -1;
	return read_fd_limited(fd, name, data, len, err);
}

/* A file of the directory into the blob store (blobs/sha256/HEX only if
 * the store lacks it). */
static struct entry *dir_file(struct load *l, const char *name, md_error *err)
{
	char expected[BLOB_DIGEST_MAX], digest[BLOB_DIGEST_MAX];
	cleanup_close int fd = -1;
	struct stat st;

	name_digest(name, expected);
	if (expected[0] && blobs_has(l->b, expected)) {
		memcpy(digest, expected, sizeof(digest));
	} else {
		fd = md_open_in_root(l->dirfd, name, O_RDONLY, MD_NO_CREATE, err);
		if (fd < 0)
			return NULL;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			md_error_set(err, 0, "%s: not a regular file", name);
			return NULL;
		}
		if (blobs_put_fd(l->b, fd, expected[0] ? expected : NULL, digest, err) < 0) {
			md_error_prefix(err, "%s", name);
			return NULL;
		}
	}
	struct entry *e = entry_add(l, name);

	memcpy(e->digest, digest, sizeof(digest));
	return e;
}

/* --- lookups ------------------------------------------------------------ */

/* The blob of a name of the archive, through its symlinks. */
static int lookup_name(struct load *l, const char *name, char digest[BLOB_DIGEST_MAX],
		       md_error *err)
{
	char path[PATH_MAX] = "";
	struct entry *e;

	if (path_join(path, sizeof(path), name, false, err) < 0)
		return -1;
	for (int hops = 0; hops <= MAX_DEPTH; hops++) {
		e = entry_find(l, path);
		if (!e && l->dirfd >= 0)
			e = dir_file(l, path, err);
		if (!e)
			return l->dirfd >= 0 && err->errnum != ENOENT
				       ? -1
				       : md_error_set(err, 0, "`%s` is not in the archive", name);
		if (!e->link) {
			memcpy(digest, e->digest, BLOB_DIGEST_MAX);
			return 0;
		}
		/* The target is relative to the link's directory. */
		char *slash = strrchr(path, '/');
		cleanup_free char *target = xstrdup(e->link);

		if (slash)
			*slash = '\0';
		else
			path[0] = '\0';
		if (path_join(path, sizeof(path), target, true, err) < 0)
			return md_error_prefix(err, "`%s`", name);
	}
	return md_error_set(err, 0, "`%s`: too many symlinks in the archive", name);
}

/* A blob the images name by digest: in the archive, or in the store
 * already. */
static int lookup_digest(struct load *l, const char *digest, md_error *err)
{
	char name[BLOB_DIGEST_MAX + 16], got[BLOB_DIGEST_MAX];

	if (digest_check(digest, err) < 0)
		return -1;
	if (blobs_has(l->b, digest))
		return 0;
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if (lookup_name(l, name, got, err) < 0)
		return md_error_set(err, 0, "blob %s is not in the archive", digest);
	return 0;
}

static int read_blob(struct load *l, const char *digest, char **data, size_t *len, md_error *err)
{
	cleanup_close int fd = -1;

	if (lookup_digest(l, digest, err) < 0)
		return -1;
	fd = blobs_open_blob(l->b, digest, false, err);
	if (fd < 0)
		return -1;
	return read_fd_limited(fd, digest, data, len, err);
}

/* --- the images ---------------------------------------------------------- */

static struct load_image *image_add(struct load *l, const char *manifest, const char *id)
{
	struct load_image *im;

	for (size_t i = 0; i < l->n_images; i++) {
		if (strcmp(l->images[i].manifest, manifest) == 0)
			return &l->images[i];
	}
	l->images = xrealloc(l->images, (l->n_images + 1) * sizeof(*l->images));
	im = &l->images[l->n_images++];
	memset(im, 0, sizeof(*im));
	snprintf(im->manifest, sizeof(im->manifest), "%s", manifest);
	snprintf(im->id, sizeof(im->id), "%s", id);
	return im;
}

/* A name of an image, as a full reference (once). */
static int image_tag(struct load_image *im, const char *name, md_error *err)
{
	struct image_ref r;
	cleanup_free char *full = NULL;

	if (ref_parse(name, &r, err) < 0)
		return md_error_prefix(err, "image name `%s`", name);
	if (!r.tag) {
		ref_free(&r);
		return md_error_set(err, 0, "image name `%s`: a digest is no tag", name);
	}
	full = ref_string(&r, REF_FULL);
	ref_free(&r);
	for (size_t i = 0; im->tags && im->tags[i]; i++) {
		if (strcmp(im->tags[i], full) == 0)
			return 0;
	}
	md_strv_push(&im->tags, full);
	return 0;
}

static void job_add(struct load *l, const char *diff_id, const char *blob, int64_t size)
{
	struct layer_job *j;

	for (size_t i = 0; i < l->n_jobs; i++) {
		if (strcmp(l->jobs[i].diff_id, diff_id) == 0)
			return;
	}
	l->jobs = xrealloc(l->jobs, (l->n_jobs + 1) * sizeof(*l->jobs));
	j = &l->jobs[l->n_jobs++];
	snprintf(j->diff_id, sizeof(j->diff_id), "%s", diff_id);
	snprintf(j->blob, sizeof(j->blob), "%s", blob);
	j->size = size;
}

static int read_config(struct load *l, const char *digest, struct image_config *c, md_error *err)
{
	cleanup_free char *data = NULL;
	size_t len;

	if (read_blob(l, digest, &data, &len, err) < 0)
		return -1;
	if (image_config_parse(data, len, c, err) < 0)
		return md_error_prefix(err, "image config %s", digest);
	return 0;
}

static int check_layer_count(const struct image_config *c, size_t n_layers, const char *what,
			     md_error *err)
{
	if (c->n_diff_ids == n_layers)
		return 0;
	return md_error_set(err, 0, "%s: its config has %zu diff ids for %zu layers", what,
			    c->n_diff_ids, n_layers);
}

/* An OCI (or Docker schema 2) manifest and what it names. */
static int add_manifest(struct load *l, const char *digest, const char *data, size_t len,
			struct load_image **out, md_error *err)
{
	struct image_manifest m = { 0 };
	struct image_config c = { 0 };
	int r = -1;

	if (image_manifest_parse(data, len, &m, err) < 0) {
		md_error_prefix(err, "manifest %s", digest);
		goto out;
	}
	if (read_config(l, m.config.digest, &c, err) < 0 ||
	    check_layer_count(&c, m.n_layers, digest, err) < 0)
		goto out;
	for (size_t i = 0; i < m.n_layers; i++) {
		if (lookup_digest(l, m.layers[i].digest, err) < 0)
			goto out;
		job_add(l, c.diff_ids[i], m.layers[i].digest, m.layers[i].size);
	}
	*out = image_add(l, digest, m.config.digest);
	r = 0;
out:
	image_manifest_free(&m);
	image_config_free(&c);
	return r;
}

static int add_descriptor(struct load *l, const char *digest, char **names, int depth,
			  md_error *err);

/* An index inside the archive: this host's platform. */
static int add_nested_index(struct load *l, const char *digest, const char *data, size_t len,
			    char **names, int depth, md_error *err)
{
	struct image_index x = { 0 };
	const struct image_index_entry *pick;
	char os[32], arch[32];
	int r = -1;

	if (image_index_parse(data, len, &x, err) < 0) {
		md_error_prefix(err, "index %s", digest);
		goto out;
	}
	image_host_platform(os, arch);
	pick = image_index_pick(&x, os, arch, NULL);
	if (!pick)
		md_error_set(err, 0, "index %s has no image for %s/%s", digest, os, arch);
	else
		r = add_descriptor(l, pick->desc.digest, names, depth + 1, err);
out:
	image_index_free(&x);
	return r;
}

static int add_descriptor(struct load *l, const char *digest, char **names, int depth,
			  md_error *err)
{
	cleanup_free char *data = NULL;
	struct load_image *im = NULL;
	size_t len;

	if (depth > MAX_DEPTH)
		return md_error_set(err, 0, "indexes nested too deep");
	if (read_blob(l, digest, &data, &len, err) < 0)
		return -1;
	switch (image_doc_kind(data, len)) {
	case IMAGE_DOC_INDEX:
		return add_nested_index(l, digest, data, len, names, depth, err);
	case IMAGE_DOC_MANIFEST:
		if (add_manifest(l, digest, data, len, &im, err) < 0)
			return -1;
		for (size_t i = 0; names && names[i]; i++) {
			if (image_tag(im, names[i], err) < 0)
				return -1;
		}
		return 0;
	default:
		return md_error_set(err, 0, "%s is neither an image manifest nor an index", digest);
	}
}

/* The names an index.json entry gives: containerd's full name, else the
 * OCI ref.name when it is a reference (with a '/' or a ':'); a bare
 * ref.name is only a tag, with no repository to put it in. */
static char **entry_names(json_object *index, size_t i, const struct image_index_entry *e)
{
	json_object *list = md_json_member_of(index, "manifests", json_type_array);
	json_object *ann = md_json_member_of(json_object_array_get_idx(list, i), "annotations",
					     json_type_object);
	const char *name = md_json_string(ann, ANN_CONTAINERD_NAME);
	char **names = NULL;

	if (!name && e->ref_name && strpbrk(e->ref_name, "/:"))
		name = e->ref_name;
	if (name)
		md_strv_push(&names, name);
	return names;
}

static int collect_oci(struct load *l, md_error *err)
{
	cleanup_json json_object *doc = json_tokener_parse(l->index_json);
	struct image_index x = { 0 };
	int r = 0;

	if (image_index_parse(l->index_json, l->index_len, &x, err) < 0)
		return md_error_prefix(err, "index.json");
	for (size_t i = 0; i < x.n_manifests && r == 0; i++) {
		cleanup_strv char **names = entry_names(doc, i, &x.manifests[i]);

		r = add_descriptor(l, x.manifests[i].desc.digest, names, 0, err);
	}
	image_index_free(&x);
	return r;
}

/* The old layout's layers are plain tars mostly; a compressed one has no
 * digest equal to its diff id. */
static const char *layer_media_type(struct load *l, const char *digest, md_error *err)
{
	cleanup_close int fd = blobs_open_blob(l->b, digest, false, err);
	unsigned char m[4] = { 0 };

	if (fd < 0)
		return NULL;
	if (read(fd, m, sizeof(m)) < 0) {
		md_error_set(err, errno, "read blob %s", digest);
		return NULL;
	}
	if (m[0] == 0x1f && m[1] == 0x8b)
		return MT_OCI_LAYER_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return MT_OCI_LAYER_ZSTD;
	return MT_OCI_LAYER;
}

static json_object *descriptor(struct load *l, const char *media_type, const char *digest,
			       md_error *err)
{
	cleanup_close int fd = blobs_open_blob(l->b, digest, false, err);
	json_object *d;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		md_error_set(err, errno, "stat blob %s", digest);
		return NULL;
	}
	d = json_object_new_object();
	json_object_object_add(d, "mediaType", json_object_new_string(media_type));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64(st.st_size));
	return d;
}

/* One layer of a docker save image: its blob, checked against the
 * config's diff id when it is a plain tar, described for the manifest. */
static json_object *docker_layer(struct load *l, const char *path, const char *diff_id,
				 md_error *err)
{
	char digest[BLOB_DIGEST_MAX];
	const char *mt;
	json_object *d;

	if (lookup_name(l, path, digest, err) < 0)
		return NULL;
	mt = layer_media_type(l, digest, err);
	if (!mt)
		return NULL;
	if (strcmp(mt, MT_OCI_LAYER) == 0 && strcmp(digest, diff_id) != 0) {
		md_error_set(err, 0, "layer %s has the digest %s, but its config says %s", path,
			     digest, diff_id);
		return NULL;
	}
	d = descriptor(l, mt, digest, err);
	if (d)
		job_add(l, diff_id, digest,
			json_object_get_int64(json_object_object_get(d, "size")));
	return d;
}

/* A docker save image has no manifest: make the OCI one, so that the
 * image has a manifest digest and save can write it again. The same
 * archive makes the same bytes (two loads of it agree). */
static int docker_manifest(struct load *l, const struct docker_archive_image *d, const char *config,
			   const struct image_config *c, char out[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_json json_object *m = json_object_new_object();
	json_object *layers = json_object_new_array(), *cd;
	struct blob_writer w;
	const char *text;

	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	cd = descriptor(l, MT_OCI_CONFIG, config, err);
	if (!cd) {
		json_object_put(layers);
		return -1;
	}
	json_object_object_add(m, "config", cd);
	json_object_object_add(m, "layers", layers);
	for (size_t i = 0; i < d->n_layers; i++) {
		json_object *ld = docker_layer(l, d->layers[i], c->diff_ids[i], err);

		if (!ld)
			return -1;
		json_object_array_add(layers, ld);
	}
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	if (blob_writer_begin(l->b, &w, NULL, err) < 0)
		return -1;
	if (blob_writer_write(&w, text, strlen(text), err) < 0) {
		blob_writer_abort(&w);
		return -1;
	}
	return blob_writer_commit(&w, out, err);
}

static int add_docker_image(struct load *l, const struct docker_archive_image *d, md_error *err)
{
	char config[BLOB_DIGEST_MAX], manifest[BLOB_DIGEST_MAX];
	struct image_config c = { 0 };
	struct load_image *im;
	int r = -1;

	if (lookup_name(l, d->config, config, err) < 0 || read_config(l, config, &c, err) < 0 ||
	    check_layer_count(&c, d->n_layers, d->config, err) < 0 ||
	    docker_manifest(l, d, config, &c, manifest, err) < 0)
		goto out;
	im = image_add(l, manifest, config);
	for (size_t i = 0; d->repo_tags && d->repo_tags[i]; i++) {
		if (image_tag(im, d->repo_tags[i], err) < 0)
			goto out;
	}
	r = 0;
out:
	image_config_free(&c);
	return r;
}

/* The RepoTags of manifest.json go to the images index.json found (Docker
 * 25's archives have both). */
static int merge_repo_tags(struct load *l, const struct docker_archive_image *d, md_error *err)
{
	char config[BLOB_DIGEST_MAX];

	if (lookup_name(l, d->config, config, err) < 0)
		return -1;
	for (size_t i = 0; i < l->n_images; i++) {
		if (strcmp(l->images[i].id, config) != 0)
			continue;
		for (size_t t = 0; d->repo_tags && d->repo_tags[t]; t++) {
			if (image_tag(&l->images[i], d->repo_tags[t], err) < 0)
				return -1;
		}
	}
	return 0;
}

static int collect_docker(struct load *l, bool merge, md_error *err)
{
	struct docker_archive_image *imgs = NULL;
	size_t n = 0;
	int r = 0;

	if (docker_archive_manifest_parse(l->manifest_json, l->manifest_len, &imgs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		r = merge ? merge_repo_tags(l, &imgs[i], err) : add_docker_image(l, &imgs[i], err);
	docker_archive_manifest_free(imgs, n);
	return r;
}

static int collect(struct load *l, md_error *err)
{
	if (l->index_json && collect_oci(l, err) < 0)
		return -1;
	if (l->manifest_json && collect_docker(l, l->index_json != NULL, err) < 0)
		return -1;
	if (!l->index_json && !l->manifest_json)
		return md_error_set(err, 0,
				    "neither manifest.json nor index.json: not an image "
				    "archive");
	if (l->n_images == 0)
		return md_error_set(err, 0, "no image in the archive");
	return 0;
}

/* --- the layers, in parallel ------------------------------------------------ */

struct unpack_pool {
	struct load *l;
	size_t next;
	pthread_mutex_t mu;
	bool failed;
	md_error err; /* the first failure */
};

static int unpack_one(struct load *l, const struct layer_job *j, md_error *err)
{
	cleanup_close int fd = blobs_open_blob(l->b, j->blob, false, err);

	if (fd < 0 || image_store_put_layer(l->s, fd, j->diff_id, NULL, err) < 0)
		return md_error_prefix(err, "layer %s", j->diff_id);
	return 0;
}

static void *unpack_worker(void *arg)
{
	struct unpack_pool *p = arg;
	const struct layer_job *j;
	md_error e;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		j = !p->failed && p->next < p->l->n_jobs ? &p->l->jobs[p->next++] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (!j)
			return NULL;
		md_error_clear(&e);
		if (unpack_one(p->l, j, &e) == 0)
			continue;
		pthread_mutex_lock(&p->mu);
		if (!p->failed)
			p->err = e;
		p->failed = true;
		pthread_mutex_unlock(&p->mu);
	}
}

static int job_by_size(const void *a, const void *b)
{
	const struct layer_job *x = a, *y = b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

/* The layers the store lacks, largest first, over a few threads. */
static int unpack_layers(struct load *l, md_error *err)
{
	struct unpack_pool p = { .l = l };
	pthread_t threads[MAX_UNPACKERS];
	size_t n = 0, nthreads;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	for (size_t i = 0; i < l->n_jobs; i++) {
		if (!image_store_has_layer(l->s, l->jobs[i].diff_id))
			l->jobs[n++] = l->jobs[i];
	}
	l->n_jobs = n;
	qsort(l->jobs, n, sizeof(*l->jobs), job_by_size);
	nthreads = n < MAX_UNPACKERS ? n : MAX_UNPACKERS;
	if (ncpu > 0 && nthreads > (size_t)ncpu + 1)
		nthreads = (size_t)ncpu + 1;
	pthread_mutex_init(&p.mu, NULL);
	for (size_t i = 1; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, unpack_worker, &p) != 0)
			nthreads = i;
	}
	unpack_worker(&p);
	for (size_t i = 1; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.mu);
	if (p.failed)
		*err = p.err;
	return p.failed ? -1 : 0;
}

/* --- the records ---------------------------------------------------------- */

static int add_images(struct load *l, char ***loaded, md_error *err)
{
	int r = 0;

	if (image_store_lock(l->s, err) < 0)
		return -1;
	for (size_t i = 0; i < l->n_images && r == 0; i++) {
		struct load_image *im = &l->images[i];

		r = image_store_add(l->s, im->manifest, err);
		for (size_t t = 0; r == 0 && im->tags && im->tags[t]; t++)
			r = image_store_tag(l->s, im->tags[t], im->id, err);
		if (r == 0 && !im->tags)
			md_strv_push(loaded, im->id);
		for (size_t t = 0; r == 0 && im->tags && im->tags[t]; t++)
			md_strv_push(loaded, im->tags[t]);
	}
	image_store_unlock(l->s);
	return r;
}

/* A failed load leaves blobs and layers no image uses: they go. */
static void load_failed(struct load *l)
{
	md_error ignored;

	md_error_clear(&ignored);
	if (image_store_lock(l->s, &ignored) < 0)
		return;
	image_store_gc(l->s, NULL, &ignored);
	image_store_unlock(l->s);
}

static int load_finish(struct load *l, char ***loaded, md_error *err)
{
	*loaded = NULL;
	if (collect(l, err) < 0 || unpack_layers(l, err) < 0 || add_images(l, loaded, err) < 0) {
		md_strv_free(*loaded);
		*loaded = NULL;
		return -1;
	}
	return 0;
}

static void load_init(struct load *l, struct image_store *s)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	l->b = image_store_blobs(s);
	l->dirfd = -1;
	l->buf = xmalloc0(LOAD_CHUNK);
}

int image_load(struct image_store *s, int fd, char ***loaded, md_error *err)
{
	struct load l;
	int r;

	load_init(&l, s);
	r = stream_tar(&l, fd, err);
	if (r == 0)
		r = load_finish(&l, loaded, err);
	if (r < 0)
		load_failed(&l);
	load_free(&l);
	return r;
}

int image_load_dir(struct image_store *s, const char *dir, char ***loaded, md_error *err)
{
	struct load l;
	int r = -1;

	load_init(&l, s);
	l.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l.dirfd < 0)
		md_error_set(err, errno, "open `%s`", dir);
	else if (dir_document(&l, "index.json", &l.index_json, &l.index_len, err) == 0 &&
		 dir_document(&l, "manifest.json", &l.manifest_json, &l.manifest_len, err) == 0)
		r = load_finish(&l, loaded, err);
	if (r < 0)
		load_failed(&l);
	load_free(&l);
	return r;
}
