/* SPDX-License-Identifier: Apache-2.0 */
/* The image documents, read strictly: a document is parsed with its length
 * (never as a C string: it may hold NULs), must be one JSON value with
 * nothing but white space after it, and every member kept is checked for
 * its type. Errors name the member ("layers[2].digest: ..."). A parse that
 * fails leaves nothing to free. */
#include "engine/images/manifest.h"
#include "engine/images/layer.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/utsname.h>

#define ANNOT_REF_NAME "org.opencontainers.image.ref.name"

static const char *const manifest_types[] = { MT_OCI_MANIFEST, MT_DOCKER_MANIFEST, NULL };
static const char *const index_types[] = { MT_OCI_INDEX, MT_DOCKER_LIST, NULL };
static const char *const config_types[] = { MT_OCI_CONFIG, MT_DOCKER_CONFIG, NULL };
/* Foreign and non-distributable layers are ordinary tars whose blobs a
 * registry may not serve; their content unpacks the same way. */
static const char *const layer_types[] = {
	MT_OCI_LAYER,
	MT_OCI_LAYER_GZIP,
	MT_OCI_LAYER_ZSTD,
	MT_DOCKER_LAYER,
	MT_DOCKER_LAYER_GZIP,
	"application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	NULL,
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++) {
		if (!strcmp(s, *list))
			return true;
	}
	return false;
}

/* One JSON value of type want from data; trailing white space only. */
static int doc_parse(const char *data, size_t len, json_type want, json_object **out, md_error *err)
{
	json_tokener *tok;
	json_object *o;
	size_t used;

	*out = NULL;
	if (len > IMAGE_JSON_MAX)
		return md_error_set(err, 0, "document of %zu bytes: more than %d", len,
				    IMAGE_JSON_MAX);
	if (len == 0 || len > INT_MAX)
		return md_error_set(err, 0, "empty document");
	tok = json_tokener_new();
	if (!tok)
		return md_error_set(err, ENOMEM, "json tokener");
	/* closer to Go's decoder: no trailing commas, no bare words */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, data, (int)len);
	used = json_tokener_get_parse_end(tok);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		json_tokener_free(tok);
		json_object_put(o);
		return md_error_set(err, 0, "not JSON: %s",
				    e == json_tokener_continue ? "unexpected end"
							       : json_tokener_error_desc(e));
	}
	json_tokener_free(tok);
	while (used < len && isspace((unsigned char)data[used]))
		used++;
	if (used < len || !json_object_is_type(o, want)) {
		json_object_put(o);
		return md_error_set(err, 0,
				    used < len ? "data after the JSON document" : "not a JSON %s",
				    json_type_to_name(want));
	}
	*out = o;
	return 0;
}

/* o[key] of type t: 1 with *v set; 0 when absent or null and not
 * required; -1 when of another type, or missing and required. */
static int member(json_object *o, const char *key, json_type t, bool required, json_object **v,
		  md_error *err)
{
	*v = md_json_member(o, key);
	if (!*v)
		return required ? md_error_set(err, 0, "%s: missing", key) : 0;
	if (!json_object_is_type(*v, t))
		return md_error_set(err, 0, "%s: not a%s %s", key, t == json_type_array ? "n" : "",
				    json_type_to_name(t));
	return 1;
}

static int field_str(json_object *o, const char *key, bool required, const char **out,
		     md_error *err)
{
	json_object *v;

	*out = NULL;
	if (member(o, key, json_type_string, required, &v, err) < 0)
		return -1;
	if (v)
		*out = json_object_get_string(v);
	return 0;
}

/* A string member into a fixed buffer ("" when absent). */
static int field_copy(json_object *o, const char *key, bool required, char *buf, size_t size,
		      md_error *err)
{
	const char *s;

	buf[0] = '\0';
	if (field_str(o, key, required, &s, err) < 0)
		return -1;
	if (s && strlen(s) >= size)
		return md_error_set(err, 0, "%s: longer than %zu bytes", key, size - 1);
	if (s)
		memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* A string member, copied; NULL when absent. */
static int field_dup(json_object *o, const char *key, char **out, md_error *err)
{
	const char *s;

	*out = NULL;
	if (field_str(o, key, false, &s, err) < 0)
		return -1;
	if (s)
		*out = xstrdup(s);
	return 0;
}

/* A non-negative integer member (0 when absent and not required). */
static int field_int(json_object *o, const char *key, bool required, int64_t *out, md_error *err)
{
	json_object *v;

	*out = 0;
	if (member(o, key, json_type_int, required, &v, err) < 0)
		return -1;
	if (v)
		*out = json_object_get_int64(v);
	if (*out < 0)
		return md_error_set(err, 0, "%s: negative", key);
	return 0;
}

/* An array of strings: NULL when absent or null, a strv (maybe empty,
 * never NULL) otherwise. n may be NULL. */
static int field_strv(json_object *o, const char *key, bool required, char ***out, size_t *n,
		      md_error *err)
{
	json_object *v;
	size_t len;
	int r;

	*out = NULL;
	r = member(o, key, json_type_array, required, &v, err);
	if (r <= 0)
		return r;
	len = json_object_array_length(v);
	*out = xmalloc0((len + 1) * sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		json_object *s = json_object_array_get_idx(v, i);

		if (!json_object_is_type(s, json_type_string)) {
			md_strv_free(*out);
			*out = NULL;
			return md_error_set(err, 0, "%s[%zu]: not a string", key, i);
		}
		(*out)[i] = xstrdup(json_object_get_string(s));
	}
	if (n)
		*n = len;
	return 0;
}

/* The keys of an object member (Volumes, ExposedPorts), or with values
 * (Labels) "K=V"; NULL when absent or null. */
static int field_keys(json_object *o, const char *key, bool with_values, char ***out, md_error *err)
{
	json_object *v;

	int r = member(o, key, json_type_object, false, &v, err);

	*out = NULL;
	if (r <= 0)
		return r;
	*out = xmalloc0(sizeof(char *));
	json_object_object_foreach(v, k, val)
	{
		if (!with_values) {
			md_strv_push(out, k);
			continue;
		}
		if (!json_object_is_type(val, json_type_string)) {
			md_strv_free(*out);
			*out = NULL;
			return md_error_set(err, 0, "%s.%s: not a string", key, k);
		}
		cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(val));
		md_strv_push(out, kv);
	}
	return 0;
}

/* A descriptor whose media type is in types (or, when types is NULL, any
 * media type short enough). */
static int parse_desc(json_object *o, const char *const *types, struct image_layer_ref *out,
		      md_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(o, json_type_object))
		return md_error_set(err, 0, "not an object");
	if (field_copy(o, "mediaType", true, out->media_type, sizeof(out->media_type), err) < 0 ||
	    field_copy(o, "digest", true, out->digest, sizeof(out->digest), err) < 0 ||
	    field_int(o, "size", true, &out->size, err) < 0)
		return -1;
	if (digest_check(out->digest, err) < 0)
		return md_error_prefix(err, "digest");
	if (types && !in_list(out->media_type, types))
		return md_error_set(err, 0, "mediaType: unsupported `%s`", out->media_type);
	return 0;
}

static int check_schema(json_object *o, md_error *err)
{
	int64_t v;

	if (field_int(o, "schemaVersion", true, &v, err) < 0)
		return -1;
	if (v != 2)
		return md_error_set(err, 0, "schemaVersion: %lld, want 2", (long long)v);
	return 0;
}

static int manifest_layers(json_object *o, struct image_manifest *out, md_error *err)
{
	json_object *arr;

	if (member(o, "layers", json_type_array, true, &arr, err) < 0)
		return -1;
	out->n_layers = json_object_array_length(arr);
	out->layers = xmalloc0((out->n_layers + 1) * sizeof(*out->layers));
	for (size_t i = 0; i < out->n_layers; i++) {
		if (parse_desc(json_object_array_get_idx(arr, i), layer_types, &out->layers[i],
			       err) < 0)
			return md_error_prefix(err, "layers[%zu]", i);
	}
	return 0;
}

/* The manifest's own media type; an OCI manifest may omit it. */
static int manifest_type(json_object *o, struct image_manifest *out, md_error *err)
{
	if (field_copy(o, "mediaType", false, out->media_type, sizeof(out->media_type), err) < 0)
		return -1;
	if (!out->media_type[0])
		snprintf(out->media_type, sizeof(out->media_type), "%s",
			 !strcmp(out->config.media_type, MT_DOCKER_CONFIG) ? MT_DOCKER_MANIFEST
									   : MT_OCI_MANIFEST);
	if (!in_list(out->media_type, manifest_types))
		return md_error_set(err, 0, "mediaType: `%s` is not an image manifest",
				    out->media_type);
	return 0;
}

static int manifest_from(json_object *o, struct image_manifest *out, md_error *err)
{
	json_object *cfg;

	if (check_schema(o, err) < 0 || member(o, "config", json_type_object, true, &cfg, err) < 0)
		return -1;
	if (parse_desc(cfg, config_types, &out->config, err) < 0)
		return md_error_prefix(err, "config");
	if (manifest_type(o, out, err) < 0)
		return -1;
	return manifest_layers(o, out, err);
}

int image_manifest_parse(const char *data, size_t len, struct image_manifest *out, md_error *err)
{
	cleanup_json json_object *o = NULL;

	memset(out, 0, sizeof(*out));
	if (doc_parse(data, len, json_type_object, &o, err) < 0 || manifest_from(o, out, err) < 0) {
		image_manifest_free(out);
		return md_error_prefix(err, "image manifest");
	}
	return 0;
}

void image_manifest_free(struct image_manifest *m)
{
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

static int parse_platform(json_object *o, struct image_index_entry *e, md_error *err)
{
	json_object *p;
	int r = member(o, "platform", json_type_object, false, &p, err);

	if (r <= 0)
		return r;
	if (field_copy(p, "os", false, e->os, sizeof(e->os), err) < 0 ||
	    field_copy(p, "architecture", false, e->arch, sizeof(e->arch), err) < 0 ||
	    field_copy(p, "variant", false, e->variant, sizeof(e->variant), err) < 0)
		return md_error_prefix(err, "platform");
	return 0;
}

static int parse_entry(json_object *o, struct image_index_entry *e, md_error *err)
{
	json_object *annot;

	if (parse_desc(o, NULL, &e->desc, err) < 0 || parse_platform(o, e, err) < 0 ||
	    member(o, "annotations", json_type_object, false, &annot, err) < 0)
		return -1;
	if (annot && field_dup(annot, ANNOT_REF_NAME, &e->ref_name, err) < 0)
		return md_error_prefix(err, "annotations");
	return 0;
}

/* Entries of a type we cannot use (signatures, attestations as other
 * artifacts) are left out, as the specification asks. */
static int index_from(json_object *o, struct image_index *out, md_error *err)
{
	json_object *arr;
	size_t len;

	if (check_schema(o, err) < 0 ||
	    field_copy(o, "mediaType", false, out->media_type, sizeof(out->media_type), err) < 0 ||
	    member(o, "manifests", json_type_array, true, &arr, err) < 0)
		return -1;
	if (out->media_type[0] && !in_list(out->media_type, index_types))
		return md_error_set(err, 0, "mediaType: `%s` is not an image index",
				    out->media_type);
	len = json_object_array_length(arr);
	out->manifests = xmalloc0((len + 1) * sizeof(*out->manifests));
	for (size_t i = 0; i < len; i++) {
		struct image_index_entry *e = &out->manifests[out->n_manifests];

		if (parse_entry(json_object_array_get_idx(arr, i), e, err) < 0) {
			free(e->ref_name);
			memset(e, 0, sizeof(*e));
			return md_error_prefix(err, "manifests[%zu]", i);
		}
		if (in_list(e->desc.media_type, manifest_types) ||
		    in_list(e->desc.media_type, index_types)) {
			out->n_manifests++;
			continue;
		}
		free(e->ref_name);
		memset(e, 0, sizeof(*e));
	}
	return 0;
}

int image_index_parse(const char *data, size_t len, struct image_index *out, md_error *err)
{
	cleanup_json json_object *o = NULL;

	memset(out, 0, sizeof(*out));
	if (doc_parse(data, len, json_type_object, &o, err) < 0 || index_from(o, out, err) < 0) {
		image_index_free(out);
		return md_error_prefix(err, "image index");
	}
	return 0;
}

void image_index_free(struct image_index *x)
{
	for (size_t i = 0; i < x->n_manifests; i++)
		free(x->manifests[i].ref_name);
	free(x->manifests);
	memset(x, 0, sizeof(*x));
}

enum image_doc_kind image_doc_kind(const char *data, size_t len)
{
	cleanup_json json_object *o = NULL;
	const char *mt;

	if (doc_parse(data, len, json_type_object, &o, NULL) < 0)
		return IMAGE_DOC_UNKNOWN;
	mt = md_json_string(o, "mediaType");
	if (mt && in_list(mt, manifest_types))
		return IMAGE_DOC_MANIFEST;
	if (mt && in_list(mt, index_types))
		return IMAGE_DOC_INDEX;
	if (mt)
		return IMAGE_DOC_UNKNOWN;
	if (md_json_member_of(o, "manifests", json_type_array))
		return IMAGE_DOC_INDEX;
	if (md_json_member_of(o, "config", json_type_object))
		return IMAGE_DOC_MANIFEST;
	return IMAGE_DOC_UNKNOWN;
}

static int parse_health(json_object *o, struct image_healthcheck *h, md_error *err)
{
	json_object *hc;
	int64_t retries;
	int r = member(o, "Healthcheck", json_type_object, false, &hc, err);

	if (r <= 0)
		return r;
	if (field_strv(hc, "Test", false, &h->test, NULL, err) < 0 ||
	    field_int(hc, "Interval", false, &h->interval_ns, err) < 0 ||
	    field_int(hc, "Timeout", false, &h->timeout_ns, err) < 0 ||
	    field_int(hc, "StartPeriod", false, &h->start_period_ns, err) < 0 ||
	    field_int(hc, "Retries", false, &retries, err) < 0)
		return md_error_prefix(err, "Healthcheck");
	if (retries > INT_MAX)
		return md_error_set(err, 0, "Healthcheck.Retries: too large");
	h->retries = (int)retries;
	return 0;
}

/* The container defaults: config.{User, Env, Cmd...}; the member may be
 * absent or null (an image with no defaults). */
static int parse_run_config(json_object *o, struct image_config *c, md_error *err)
{
	json_object *rc;
	int r = member(o, "config", json_type_object, false, &rc, err);

	if (r <= 0)
		return r;
	if (field_dup(rc, "User", &c->user, err) < 0 ||
	    field_dup(rc, "WorkingDir", &c->working_dir, err) < 0 ||
	    field_dup(rc, "StopSignal", &c->stop_signal, err) < 0 ||
	    field_strv(rc, "Env", false, &c->env, NULL, err) < 0 ||
	    field_strv(rc, "Entrypoint", false, &c->entrypoint, NULL, err) < 0 ||
	    field_strv(rc, "Cmd", false, &c->cmd, NULL, err) < 0 ||
	    field_keys(rc, "Volumes", false, &c->volumes, err) < 0 ||
	    field_keys(rc, "ExposedPorts", false, &c->exposed_ports, err) < 0 ||
	    field_keys(rc, "Labels", true, &c->labels, err) < 0 ||
	    parse_health(rc, &c->health, err) < 0)
		return md_error_prefix(err, "config");
	return 0;
}

static int parse_rootfs(json_object *o, struct image_config *c, md_error *err)
{
	json_object *rootfs;
	const char *type;

	if (member(o, "rootfs", json_type_object, true, &rootfs, err) < 0)
		return -1;
	if (field_str(rootfs, "type", true, &type, err) < 0 ||
	    field_strv(rootfs, "diff_ids", true, &c->diff_ids, &c->n_diff_ids, err) < 0)
		return md_error_prefix(err, "rootfs");
	if (strcmp(type, "layers") != 0)
		return md_error_set(err, 0, "rootfs.type: `%s`, want \"layers\"", type);
	for (size_t i = 0; i < c->n_diff_ids; i++) {
		if (digest_check(c->diff_ids[i], err) < 0)
			return md_error_prefix(err, "rootfs.diff_ids[%zu]", i);
	}
	return 0;
}

static int parse_history_entry(json_object *o, struct image_history *h, md_error *err)
{
	json_object *empty;

	if (!json_object_is_type(o, json_type_object))
		return md_error_set(err, 0, "not an object");
	if (field_dup(o, "created", &h->created, err) < 0 ||
	    field_dup(o, "created_by", &h->created_by, err) < 0 ||
	    field_dup(o, "comment", &h->comment, err) < 0 ||
	    member(o, "empty_layer", json_type_boolean, false, &empty, err) < 0)
		return -1;
	h->empty_layer = empty && json_object_get_boolean(empty);
	return 0;
}

static int parse_history(json_object *o, struct image_config *c, md_error *err)
{
	json_object *arr;
	size_t len;
	int r = member(o, "history", json_type_array, false, &arr, err);

	if (r <= 0)
		return r;
	len = json_object_array_length(arr);
	c->history = xmalloc0((len + 1) * sizeof(*c->history));
	for (; c->n_history < len; c->n_history++) {
		if (parse_history_entry(json_object_array_get_idx(arr, c->n_history),
					&c->history[c->n_history], err) < 0) {
			c->n_history++; /* its strings are freed with the rest */
			return md_error_prefix(err, "history[%zu]", c->n_history - 1);
		}
	}
	return 0;
}

static int config_from(json_object *o, struct image_config *c, md_error *err)
{
	if (field_copy(o, "architecture", true, c->architecture, sizeof(c->architecture), err) <
		    0 ||
	    field_copy(o, "os", true, c->os, sizeof(c->os), err) < 0 ||
	    field_dup(o, "created", &c->created, err) < 0 ||
	    field_dup(o, "author", &c->author, err) < 0)
		return -1;
	if (!c->architecture[0] || !c->os[0])
		return md_error_set(err, 0, "%s: empty", c->os[0] ? "architecture" : "os");
	if (parse_run_config(o, c, err) < 0 || parse_rootfs(o, c, err) < 0)
		return -1;
	return parse_history(o, c, err);
}

int image_config_parse(const char *data, size_t len, struct image_config *out, md_error *err)
{
	memset(out, 0, sizeof(*out));
	if (doc_parse(data, len, json_type_object, &out->json, err) < 0 ||
	    config_from(out->json, out, err) < 0) {
		image_config_free(out);
		return md_error_prefix(err, "image config");
	}
	return 0;
}

void image_config_free(struct image_config *c)
{
	if (c->json)
		json_object_put(c->json);
	free(c->created);
	free(c->author);
	free(c->user);
	free(c->working_dir);
	free(c->stop_signal);
	md_strv_free(c->env);
	md_strv_free(c->entrypoint);
	md_strv_free(c->cmd);
	md_strv_free(c->volumes);
	md_strv_free(c->exposed_ports);
	md_strv_free(c->labels);
	md_strv_free(c->health.test);
	md_strv_free(c->diff_ids);
	for (size_t i = 0; i < c->n_history; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].comment);
	}
	free(c->history);
	memset(c, 0, sizeof(*c));
}

/* Paths inside the archive: the loader looks them up among its entries;
 * one that could not be an entry's name is refused here already. */
static int check_paths(char *const *paths, const char *key, md_error *err)
{
	for (size_t i = 0; paths && paths[i]; i++) {
		if (layer_path_check(paths[i], err) < 0)
			return md_error_prefix(err, "%s[%zu]", key, i);
	}
	return 0;
}

static int archive_image_from(json_object *o, struct docker_archive_image *img, md_error *err)
{
	const char *config;

	if (!json_object_is_type(o, json_type_object))
		return md_error_set(err, 0, "not an object");
	if (field_str(o, "Config", true, &config, err) < 0 ||
	    field_strv(o, "RepoTags", false, &img->repo_tags, NULL, err) < 0 ||
	    field_strv(o, "Layers", true, &img->layers, &img->n_layers, err) < 0)
		return -1;
	img->config = xstrdup(config);
	if (!img->repo_tags)
		img->repo_tags = xmalloc0(sizeof(char *));
	if (layer_path_check(config, err) < 0)
		return md_error_prefix(err, "Config");
	return check_paths(img->layers, "Layers", err);
}

int docker_archive_manifest_parse(const char *data, size_t len, struct docker_archive_image **out,
				  size_t *n, md_error *err)
{
	cleanup_json json_object *o = NULL;
	struct docker_archive_image *imgs;
	size_t count;

	*out = NULL;
	*n = 0;
	if (doc_parse(data, len, json_type_array, &o, err) < 0)
		return md_error_prefix(err, "manifest.json");
	count = json_object_array_length(o);
	imgs = xmalloc0((count + 1) * sizeof(*imgs));
	for (size_t i = 0; i < count; i++) {
		if (archive_image_from(json_object_array_get_idx(o, i), &imgs[i], err) < 0) {
			docker_archive_manifest_free(imgs, i + 1);
			return md_error_prefix(err, "manifest.json: [%zu]", i);
		}
	}
	*out = imgs;
	*n = count;
	return 0;
}

void docker_archive_manifest_free(struct docker_archive_image *imgs, size_t n)
{
	for (size_t i = 0; imgs && i < n; i++) {
		free(imgs[i].config);
		md_strv_free(imgs[i].repo_tags);
		md_strv_free(imgs[i].layers);
	}
	free(imgs);
}

/* uname's machine names in the OCI's (Go's GOARCH) words. */
static const char *oci_arch(const char *machine)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" },
		{ "aarch64", "arm64" },
		{ "arm64", "arm64" },
		{ "i386", "386" },
		{ "i486", "386" },
		{ "i586", "386" },
		{ "i686", "386" },
		{ "ppc64le", "ppc64le" },
		{ "ppc64", "ppc64" },
		{ "s390x", "s390x" },
		{ "riscv64", "riscv64" },
		{ "mips64", "mips64le" },
		{ "loongarch64", "loong64" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!strcmp(machine, map[i][0]))
			return map[i][1];
	}
	if (md_str_has_prefix(machine, "arm"))
		return "arm";
	return machine;
}

void image_host_platform(char os[32], char arch[32])
{
	struct utsname u;

	snprintf(os, 32, "linux");
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof(u.machine), "x86_64");
	snprintf(arch, 32, "%.31s", oci_arch(u.machine));
}

/* arm64's variant is v8 whether written or not. */
static bool variant_matches(const char *arch, const char *want, const char *have)
{
	if (!want || !*want)
		return true;
	if (!strcmp(arch, "arm64") && !strcmp(want, "v8") && !*have)
		return true;
	return !strcmp(want, have);
}

const struct image_index_entry *image_index_pick(const struct image_index *x, const char *os,
						 const char *arch, const char *variant)
{
	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct image_index_entry *e = &x->manifests[i];

		if (!strcmp(e->os, os) && !strcmp(e->arch, arch) &&
		    variant_matches(arch, variant, e->variant))
			return e;
	}
	return NULL;
}
