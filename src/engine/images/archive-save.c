/* SPDX-License-Identifier: Apache-2.0 */
/* image_save: images out of the store as one tar that is both an OCI
 * image layout and a docker save archive, as Docker 25 writes it
 * (archive.h). Entries are written with fixed owners and times, so the
 * same images give the same bytes. */
#include "engine/images/archive.h"
#include "engine/images/archive-internal.h"
#include "engine/images/inspect.h"
#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SAVE_CHUNK (1 << 20)
#define ANN_CONTAINERD_NAME "io.containerd.image.name"
#define ANN_REF_NAME "org.opencontainers.image.ref.name"

/* One image to save and the names it was asked for by. */
struct save_image {
	struct image_info info;
	char **names; /* full references; none when asked for by id */
};

struct save {
	struct image_store *s;
	struct blobs *b;
	struct archive *a;
	char *buf;
	char **written; /* digests of the blobs in the tar already */
	struct save_image *imgs;
	size_t n_imgs;
};

static void save_free(struct save *sv)
{
	for (size_t i = 0; i < sv->n_imgs; i++) {
		image_info_free(&sv->imgs[i].info);
		md_strv_free(sv->imgs[i].names);
	}
	free(sv->imgs);
	md_strv_free(sv->written);
	free(sv->buf);
	if (sv->a)
		archive_write_free(sv->a);
}

static bool strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++) {
		if (strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

static int resolve(struct save *sv, const char *what, md_error *err)
{
	struct image_info info = { 0 };
	cleanup_free char *tag = NULL;
	struct save_image *im = NULL;

	if (image_store_find(sv->s, what, &info, err) < 0)
		return -1;
	tag = image_tag_named(what, &info);
	for (size_t i = 0; i < sv->n_imgs && !im; i++) {
		if (strcmp(sv->imgs[i].info.id, info.id) == 0)
			im = &sv->imgs[i];
	}
	if (im) {
		image_info_free(&info);
	} else {
		sv->imgs = xrealloc(sv->imgs, (sv->n_imgs + 1) * sizeof(*sv->imgs));
		im = &sv->imgs[sv->n_imgs++];
		im->info = info;
		im->names = NULL;
	}
	if (tag && !strv_has(im->names, tag))
		md_strv_push(&im->names, tag);
	return 0;
}

/* --- entries --------------------------------------------------------- */

static int write_header(struct save *sv, const char *name, mode_t type, int64_t size, md_error *err)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_size(e, type == AE_IFDIR ? 0 : size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	r = archive_write_header(sv->a, e);
	archive_entry_free(e);
	if (r != ARCHIVE_OK)
		return md_error_set(err, 0, "write %s: %s", name, archive_msg(sv->a));
	return 0;
}

static int write_data(struct save *sv, const char *name, const void *data, size_t len,
		      md_error *err)
{
	if (archive_write_data(sv->a, data, len) != (la_ssize_t)len)
		return md_error_set(err, errno, "write %s: %s", name, archive_msg(sv->a));
	return 0;
}

static int write_text(struct save *sv, const char *name, const char *text, md_error *err)
{
	if (write_header(sv, name, AE_IFREG, (int64_t)strlen(text), err) < 0)
		return -1;
	return write_data(sv, name, text, strlen(text), err);
}

/* A file of size bytes, from fd. */
static int write_fd(struct save *sv, const char *name, int fd, int64_t size, md_error *err)
{
	int64_t done = 0;
	ssize_t n;

	if (write_header(sv, name, AE_IFREG, size, err) < 0)
		return -1;
	while (done < size) {
		n = read(fd, sv->buf, SAVE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return md_error_set(err, errno, "read %s", name);
		if (n == 0 || done + n > size)
			return md_error_set(err, 0, "%s changed while it was saved", name);
		if (write_data(sv, name, sv->buf, (size_t)n, err) < 0)
			return -1;
		done += n;
	}
	return 0;
}

static char *blob_name(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + strlen("sha256:"));
}

/* A blob of the store, once. */
static int write_blob(struct save *sv, const char *digest, md_error *err)
{
	cleanup_free char *name = NULL;
	cleanup_close int fd = -1;
	struct stat st;

	if (strv_has(sv->written, digest))
		return 0;
	fd = blobs_open_blob(sv->b, digest, false, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return md_error_set(err, errno, "stat blob %s", digest);
	name = blob_name(digest);
	if (write_fd(sv, name, fd, st.st_size, err) < 0)
		return -1;
	md_strv_push(&sv->written, digest);
	return 0;
}

/* --- compressed layers, also plain ---------------------------------------- */

static bool layer_is_plain(const char *media_type)
{
	return strcmp(media_type, MT_OCI_LAYER) == 0 || strcmp(media_type, MT_DOCKER_LAYER) == 0;
}

/* The layer blob, decompressed into tmp (an unnamed file), checked against
 * its diff id. */
static int decompress(struct save *sv, const char *blob, const char *diff_id, int tmp,
		      md_error *err)
{
	cleanup_close int fd = blobs_open_blob(sv->b, blob, false, err);
	struct archive *a = NULL;
	struct archive_entry *ae;
	char got[BLOB_DIGEST_MAX];
	EVP_MD_CTX *md = NULL;
	la_ssize_t n = -1;
	int r = -1;

	if (fd < 0 || sha256_begin(&md, err) < 0)
		goto out;
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, fd, SAVE_CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		md_error_set(err, 0, "layer %s: %s", blob, archive_msg(a));
		goto out;
	}
	while ((n = archive_read_data(a, sv->buf, SAVE_CHUNK)) > 0) {
		EVP_DigestUpdate(md, sv->buf, (size_t)n);
		if (md_write_all(tmp, sv->buf, (size_t)n) < 0) {
			md_error_set(err, errno, "write a temporary file");
			goto out;
		}
	}
	if (n < 0) {
		md_error_set(err, 0, "layer %s: %s", blob, archive_msg(a));
		goto out;
	}
	if (sha256_end(md, got, err) < 0)
		goto out;
	if (strcmp(got, diff_id) != 0)
		md_error_set(err, 0, "layer %s: its content is %s, not its diff id %s", blob, got,
			     diff_id);
	else
		r = 0;
out:
	if (md)
		EVP_MD_CTX_free(md);
	if (a)
		archive_read_free(a);
	return r;
}

static int write_plain_layer(struct save *sv, const char *blob, const char *diff_id, md_error *err)
{
	cleanup_free char *name = NULL;
	cleanup_close int tmp = -1;
	struct stat st;

	if (strv_has(sv->written, diff_id))
		return 0;
	if (blobs_has(sv->b, diff_id))
		return write_blob(sv, diff_id, err);
	tmp = open(image_store_root(sv->s), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (tmp < 0)
		return md_error_set(err, errno, "a temporary file in `%s`",
				    image_store_root(sv->s));
	if (decompress(sv, blob, diff_id, tmp, err) < 0)
		return -1;
	if (fstat(tmp, &st) < 0 || lseek(tmp, 0, SEEK_SET) < 0)
		return md_error_set(err, errno, "rewind a temporary file");
	name = blob_name(diff_id);
	if (write_fd(sv, name, tmp, st.st_size, err) < 0)
		return -1;
	md_strv_push(&sv->written, diff_id);
	return 0;
}

/* --- the documents ---------------------------------------------------------- */

static int blob_size(struct save *sv, const char *digest, int64_t *size, md_error *err)
{
	cleanup_free char *path = blobs_path(sv->b, digest, err);
	struct stat st;

	if (!path)
		return -1;
	if (stat(path, &st) < 0)
		return md_error_set(err, errno, "blob %s", digest);
	*size = st.st_size;
	return 0;
}

/* index.json's descriptor of an image, under one of its names (or none). */
static json_object *index_entry(struct save *sv, const struct save_image *im, const char *name,
				md_error *err)
{
	json_object *d, *ann;
	struct image_ref r;
	int64_t size = 0;

	if (blob_size(sv, im->info.manifest, &size, err) < 0)
		return NULL;
	d = json_object_new_object();
	json_object_object_add(d, "mediaType", json_object_new_string(im->info.m->media_type));
	json_object_object_add(d, "digest", json_object_new_string(im->info.manifest));
	json_object_object_add(d, "size", json_object_new_int64(size));
	if (!name || ref_parse(name, &r, NULL) < 0)
		return d;
	ann = json_object_new_object();
	json_object_object_add(ann, ANN_CONTAINERD_NAME, json_object_new_string(name));
	json_object_object_add(ann, ANN_REF_NAME, json_object_new_string(r.tag ? r.tag : "latest"));
	json_object_object_add(d, "annotations", ann);
	ref_free(&r);
	return d;
}

static json_object *blob_name_json(const char *digest)
{
	cleanup_free char *name = blob_name(digest);

	return json_object_new_string(name);
}

/* manifest.json's entry of an image: familiar names, plain layers. */
static json_object *docker_entry(const struct save_image *im)
{
	const struct image_manifest *m = im->info.m;
	const struct image_config *c = im->info.config;
	json_object *d = json_object_new_object(), *tags = json_object_new_array();
	json_object *layers = json_object_new_array();

	json_object_object_add(d, "Config", blob_name_json(im->info.id));
	for (size_t i = 0; im->names && im->names[i]; i++) {
		struct image_ref r;
		cleanup_free char *familiar = NULL;

		if (ref_parse(im->names[i], &r, NULL) < 0)
			continue;
		familiar = ref_string(&r, REF_FAMILIAR);
		ref_free(&r);
		json_object_array_add(tags, json_object_new_string(familiar));
	}
	json_object_object_add(d, "RepoTags", tags);
	for (size_t i = 0; i < m->n_layers && i < c->n_diff_ids; i++) {
		bool plain = layer_is_plain(m->layers[i].media_type);

		json_object_array_add(layers,
				      blob_name_json(plain ? m->layers[i].digest : c->diff_ids[i]));
	}
	json_object_object_add(d, "Layers", layers);
	return d;
}

/* An image's blobs: manifest, config, layers (and their plain tars). */
static int write_image_blobs(struct save *sv, const struct save_image *im, md_error *err)
{
	const struct image_manifest *m = im->info.m;
	const struct image_config *c = im->info.config;

	if (m->n_layers != c->n_diff_ids)
		return md_error_set(err, 0, "image %s: %zu layers, %zu diff ids", im->info.id,
				    m->n_layers, c->n_diff_ids);
	if (write_blob(sv, im->info.manifest, err) < 0 || write_blob(sv, m->config.digest, err) < 0)
		return -1;
	for (size_t i = 0; i < m->n_layers; i++) {
		if (write_blob(sv, m->layers[i].digest, err) < 0)
			return -1;
		if (!layer_is_plain(m->layers[i].media_type) &&
		    write_plain_layer(sv, m->layers[i].digest, c->diff_ids[i], err) < 0)
			return -1;
	}
	return 0;
}

static int write_json(struct save *sv, const char *name, json_object *doc, md_error *err)
{
	return write_text(sv, name,
			  json_object_to_json_string_ext(
				  doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			  err);
}

/* index.json and manifest.json, after the blobs they name. */
static int write_documents(struct save *sv, md_error *err)
{
	cleanup_json json_object *index = json_object_new_object();
	cleanup_json json_object *docker = json_object_new_array();
	json_object *list = json_object_new_array(), *d;

	json_object_object_add(index, "schemaVersion", json_object_new_int(2));
	json_object_object_add(index, "mediaType", json_object_new_string(MT_OCI_INDEX));
	json_object_object_add(index, "manifests", list);
	for (size_t i = 0; i < sv->n_imgs; i++) {
		const struct save_image *im = &sv->imgs[i];

		for (size_t t = 0; t == 0 || (im->names && im->names[t]); t++) {
			d = index_entry(sv, im, im->names ? im->names[t] : NULL, err);
			if (!d)
				return -1;
			json_object_array_add(list, d);
		}
		json_object_array_add(docker, docker_entry(im));
	}
	if (write_json(sv, "index.json", index, err) < 0)
		return -1;
	return write_json(sv, "manifest.json", docker, err);
}

static int save_open(struct save *sv, int out_fd, md_error *err)
{
	sv->a = archive_write_new();
	if (!sv->a)
		return md_error_set(err, ENOMEM, "libarchive");
	if (archive_write_set_format_pax_restricted(sv->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(sv->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(sv->a, out_fd) != ARCHIVE_OK)
		return md_error_set(err, 0, "write the archive: %s", archive_msg(sv->a));
	if (write_text(sv, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err) < 0 ||
	    write_header(sv, "blobs", AE_IFDIR, 0, err) < 0 ||
	    write_header(sv, "blobs/sha256", AE_IFDIR, 0, err) < 0)
		return -1;
	return 0;
}

int image_save(struct image_store *s, char *const *what, int out_fd, md_error *err)
{
	struct save sv = { .s = s, .b = image_store_blobs(s) };
	int r = -1;

	if (!what || !what[0])
		return md_error_set(err, 0, "no image to save");
	for (size_t i = 0; what[i]; i++) {
		if (resolve(&sv, what[i], err) < 0)
			goto out;
	}
	sv.buf = xmalloc0(SAVE_CHUNK);
	if (save_open(&sv, out_fd, err) < 0)
		goto out;
	for (size_t i = 0; i < sv.n_imgs; i++) {
		if (write_image_blobs(&sv, &sv.imgs[i], err) < 0)
			goto out;
	}
	if (write_documents(&sv, err) < 0)
		goto out;
	if (archive_write_close(sv.a) != ARCHIVE_OK) {
		md_error_set(err, errno, "write the archive: %s", archive_msg(sv.a));
		goto out;
	}
	r = 0;
out:
	save_free(&sv);
	return r;
}
