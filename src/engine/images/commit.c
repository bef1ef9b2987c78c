/* SPDX-License-Identifier: Apache-2.0 */
/* import and commit. Both write one new layer the same way: its tar
 * streams into a blob (hashed on the way, so that we know before the
 * blob lands whether the store had it already), then the store unpacks
 * the blob as a layer; a tar the unpack refuses takes its blob with it,
 * unless another image had it before. Then a config and a manifest, the
 * record and the tag, under the store's lock. */
#include "engine/images/commit.h"
#include "engine/images/changes.h"
#include "engine/images/reference.h"
#include "engine/images/tarball.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include "engine/images/libs.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)

/* A layer's tar on its way into the blob store. */
struct layer_sink {
	struct blob_writer w;
	EVP_MD_CTX *md;
	int64_t size;
};

static int sink_begin(struct image_store *s, struct layer_sink *k, md_error *err)
{
	*k = (struct layer_sink){ .w.fd = -1 };
	if (sha256_begin(&k->md, err) < 0)
		return -1;
	if (blob_writer_begin(image_store_blobs(s), &k->w, NULL, err) < 0) {
		EVP_MD_CTX_free(TAKE_PTR(k->md));
		return -1;
	}
	return 0;
}

static int sink_write(void *ctx, const void *data, size_t len, md_error *err)
{
	struct layer_sink *k = ctx;

	if (blob_writer_write(&k->w, data, len, err) < 0)
		return -1;
	EVP_DigestUpdate(k->md, data, len);
	k->size += (int64_t)len;
	return 0;
}

static void sink_abort(struct layer_sink *k)
{
	blob_writer_abort(&k->w);
	EVP_MD_CTX_free(TAKE_PTR(k->md));
}

/* The blob in place, then unpacked as a layer; out describes it. */
static int sink_finish(struct image_store *s, struct layer_sink *k, struct image_layer_ref *out,
		       md_error *err)
{
	struct blobs *b = image_store_blobs(s);
	cleanup_close int fd = -1;
	bool had;

	*out = (struct image_layer_ref){ .media_type = MT_OCI_LAYER, .size = k->size };
	if (sha256_end(k->md, out->digest, err) < 0) {
		sink_abort(k);
		return -1;
	}
	EVP_MD_CTX_free(TAKE_PTR(k->md));
	had = blobs_has(b, out->digest);
	if (blob_writer_commit(&k->w, NULL, err) < 0)
		return -1;
	fd = blobs_open_blob(b, out->digest, false, err);
	if (fd >= 0 && image_store_put_layer(s, fd, out->digest, NULL, err) == 0)
		return 0;
	if (!had)
		blobs_remove(b, out->digest, NULL);
	return -1;
}

/* The reference to tag with, in full; NULL when there is none. */
static int tag_ref(const char *ref, char **out, md_error *err)
{
	struct image_ref r;

	*out = NULL;
	if (!ref)
		return 0;
	if (ref_parse(ref, &r, err) < 0)
		return -1;
	if (r.digest) {
		ref_free(&r);
		return md_error_set(err, 0, "refusing to create a tag with a digest reference");
	}
	*out = ref_string(&r, REF_FULL);
	ref_free(&r);
	return 0;
}

static void add_string(json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

/* Append the new layer's diff id and history entry; set created (and the
 * author, when given). */
static void add_layer(json_object *c, const char *diff_id, const char *created_by,
		      const struct image_new_opts *o)
{
	json_object *rootfs = md_json_child(c, "rootfs", json_type_object);
	json_object *h = json_object_new_object();
	char now[64];

	md_rfc3339_now(now, sizeof(now));
	add_string(c, "created", now);
	json_object_object_del(c, "author");
	add_string(c, "author", o->author);
	add_string(rootfs, "type", "layers");
	json_object_array_add(md_json_child(rootfs, "diff_ids", json_type_array),
			      json_object_new_string(diff_id));
	add_string(h, "created", now);
	add_string(h, "created_by", created_by);
	add_string(h, "author", o->author);
	add_string(h, "comment", o->message);
	json_object_array_add(md_json_child(c, "history", json_type_array), h);
}

/* Config and manifest, the record, the tag. */
static int create_image(struct image_store *s, json_object *c, const struct image_layer_ref *layers,
			size_t n, const char *tag, char out_id[BLOB_DIGEST_MAX], md_error *err)
{
	const char *text = json_object_to_json_string_ext(
		c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int r;

	if (image_store_lock(s, err) < 0)
		return -1;
	r = image_store_create(s, text, layers, n, out_id, err);
	if (r == 0 && tag)
		r = image_store_tag(s, tag, out_id, err);
	image_store_unlock(s);
	return r;
}

/* A first pass over the config's changes, before anything is written. */
static json_object *changed_config(json_object *base, const struct image_new_opts *o, md_error *err)
{
	json_object *config = NULL;

	if (base && json_object_deep_copy(base, &config, NULL) < 0)
		config = NULL;
	if (!config)
		config = json_object_new_object();
	if (image_changes_apply(config, o->changes, err) < 0) {
		json_object_put(config);
		return NULL;
	}
	return config;
}

static const char *archive_msg(struct archive *a)
{
	const char *msg = archive_error_string(a);

	return msg ? msg : "corrupt archive";
}

/* fd's bytes, decompressed, into k. */
static int copy_decompressed(int fd, struct layer_sink *k, md_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	cleanup_free char *buf = xmalloc0(READ_CHUNK);
	la_ssize_t n;
	int r = -1;

	if (!a)
		return md_error_set(err, ENOMEM, "libarchive");
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_fd(a, fd, READ_CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		md_error_set(err, 0, "read the archive: %s", archive_msg(a));
		goto out;
	}
	while ((n = archive_read_data(a, buf, READ_CHUNK)) > 0) {
		if (sink_write(k, buf, (size_t)n, err) < 0)
			goto out;
	}
	if (n < 0)
		md_error_set(err, 0, "read the archive: %s", archive_msg(a));
	else
		r = 0;
out:
	archive_read_free(a);
	return r;
}

static json_object *import_config(json_object *config)
{
	json_object *c = json_object_new_object();
	char os[32], arch[32];

	image_host_platform(os, arch);
	add_string(c, "architecture", arch);
	add_string(c, "os", os);
	json_object_object_add(c, "config", json_object_get(config));
	return c;
}

int image_import(struct image_store *s, int fd, const struct image_new_opts *o,
		 char out_id[BLOB_DIGEST_MAX], md_error *err)
{
	cleanup_free char *tag = NULL;
	cleanup_json json_object *config = NULL, *c = NULL;
	struct layer_sink k;
	struct image_layer_ref layer;

	if (tag_ref(o->ref, &tag, err) < 0)
		return -1;
	config = changed_config(NULL, o, err);
	if (!config || sink_begin(s, &k, err) < 0)
		return -1;
	if (copy_decompressed(fd, &k, err) < 0) {
		sink_abort(&k);
		return -1;
	}
	if (sink_finish(s, &k, &layer, err) < 0)
		return md_error_prefix(err, "import");
	c = import_config(config);
	add_layer(c, layer.digest, "import", o);
	return create_image(s, c, &layer, 1, tag, out_id, err);
}

/* The image's config with the container's Config members over its
 * "config" and the changes after them. */
static json_object *commit_config(const struct image_info *base, json_object *ctr,
				  const struct image_new_opts *o, md_error *err)
{
	json_object *c = NULL, *config;

	if (json_object_deep_copy(base->config->json, &c, NULL) < 0) {
		md_error_set(err, ENOMEM, "copy the image's config");
		return NULL;
	}
	config = md_json_child(c, "config", json_type_object);
	if (ctr) {
		json_object_object_foreach(ctr, key, value)
			json_object_object_add(config, key, json_object_get(value));
	}
	if (image_changes_apply(config, o->changes, err) < 0) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

/* The upper dir's tar as a layer. */
static int commit_layer(struct image_store *s, const struct image_commit_source *src,
			struct image_layer_ref *out, md_error *err)
{
	const struct tarball_opts opts = { .overlay_upper = true, .exclude = src->exclude };
	cleanup_close int fd = open(src->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct layer_sink k;

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", src->upper);
	if (sink_begin(s, &k, err) < 0)
		return -1;
	if (tarball_write(fd, &opts, sink_write, &k, err) < 0) {
		sink_abort(&k);
		return -1;
	}
	return sink_finish(s, &k, out, err);
}

int image_commit(struct image_store *s, const struct image_commit_source *src,
		 const struct image_new_opts *o, char out_id[BLOB_DIGEST_MAX], md_error *err)
{
	struct image_info base = { 0 };
	cleanup_free char *tag = NULL;
	cleanup_free struct image_layer_ref *layers = NULL;
	cleanup_json json_object *c = NULL;
	size_t n;
	int r = -1;

	if (tag_ref(o->ref, &tag, err) < 0 || image_store_find(s, src->image, &base, err) < 0)
		return -1;
	c = commit_config(&base, src->config, o, err);
	n = base.m->n_layers;
	layers = xmalloc0((n + 1) * sizeof(*layers));
	memcpy(layers, base.m->layers, n * sizeof(*layers));
	if (c && commit_layer(s, src, &layers[n], err) == 0) {
		add_layer(c, layers[n].digest, src->created_by, o);
		r = create_image(s, c, layers, n + 1, tag, out_id, err);
	}
	image_info_free(&base);
	return r;
}
