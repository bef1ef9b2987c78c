/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON documents of an image, parsed from untrusted bytes (json-c):
 * OCI image manifests and Docker schema 2 manifests, OCI image indexes and
 * Docker manifest lists, image configs (OCI and Docker's, which are the
 * same shape), and a `docker save` archive's manifest.json. Parsers check
 * what they keep: media types known, digests valid (digest_check), sizes
 * not negative, arrays of the right types; anything else is an error with
 * errnum 0 naming the field. Documents larger than IMAGE_JSON_MAX are
 * refused before parsing. */
#ifndef MD_IMAGES_MANIFEST_H
#define MD_IMAGES_MANIFEST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/images/blobs.h"
#include "util/error.h"

#define IMAGE_JSON_MAX (4 << 20)

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

/* A descriptor: what a manifest or an index points at. */
struct image_layer_ref {
	char media_type[128];
	char digest[BLOB_DIGEST_MAX];
	int64_t size;
};

struct image_manifest {
	char media_type[128]; /* MT_OCI_MANIFEST or MT_DOCKER_MANIFEST */
	struct image_layer_ref config;
	struct image_layer_ref *layers;
	size_t n_layers;
};

struct image_index_entry {
	struct image_layer_ref desc;
	char os[32], arch[32], variant[32]; /* platform, "" when absent */
	char *ref_name; /* annotation org.opencontainers.image.ref.name, or NULL */
};

struct image_index {
	char media_type[128]; /* MT_OCI_INDEX or MT_DOCKER_LIST ("" if absent) */
	struct image_index_entry *manifests;
	size_t n_manifests;
};

struct image_healthcheck {
	char **test; /* NULL when the image has none */
	int64_t interval_ns, timeout_ns, start_period_ns;
	int retries;
};

/* The parts of an image config that run, inspect and history use; the
 * whole document stays in json (owned) for inspect. */
struct image_config {
	json_object *json;
	char architecture[32], os[32];
	char *created; /* RFC 3339 or NULL */
	char *author;
	char *user, *working_dir, *stop_signal; /* NULL when absent */
	char **env, **entrypoint, **cmd;        /* NULL when absent */
	char **volumes;                         /* keys of config.Volumes */
	char **exposed_ports;
	char **labels; /* "K=V" */
	struct image_healthcheck health;
	char **diff_ids; /* rootfs.diff_ids (type "layers"), NULL-terminated */
	size_t n_diff_ids;
	struct image_history {
		char *created, *created_by, *comment;
		bool empty_layer;
	} * history;
	size_t n_history;
};

int image_manifest_parse(const char *data, size_t len, struct image_manifest *out, md_error *err);
void image_manifest_free(struct image_manifest *m);

int image_index_parse(const char *data, size_t len, struct image_index *out, md_error *err);
void image_index_free(struct image_index *x);

/* Which of the two a document is, by its mediaType, else by its shape
 * ("manifests" array: an index; "config" object: a manifest). */
enum image_doc_kind { IMAGE_DOC_UNKNOWN, IMAGE_DOC_MANIFEST, IMAGE_DOC_INDEX };
enum image_doc_kind image_doc_kind(const char *data, size_t len);

int image_config_parse(const char *data, size_t len, struct image_config *out, md_error *err);
void image_config_free(struct image_config *c);

/* A `docker save` archive's manifest.json: [{Config, RepoTags, Layers}]. */
struct docker_archive_image {
	char *config;     /* path in the archive: "HEX.json" or "blobs/sha256/HEX" */
	char **repo_tags; /* NULL-terminated, may be empty */
	char **layers;    /* paths in the archive, lowest first */
	size_t n_layers;
};
int docker_archive_manifest_parse(const char *data, size_t len, struct docker_archive_image **out,
				  size_t *n, md_error *err);
void docker_archive_manifest_free(struct docker_archive_image *imgs, size_t n);

/* The platform that an index entry must match to be picked on this host
 * (linux/amd64 here; from uname). */
void image_host_platform(char os[32], char arch[32]);
/* The entry of x for os/arch (variant ignored unless given); NULL if none. */
const struct image_index_entry *image_index_pick(const struct image_index *x, const char *os,
						 const char *arch, const char *variant);

#endif
