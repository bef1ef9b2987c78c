/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the image documents (src/engine/images/manifest.c):
 * manifests, indexes, image configs and a `docker save` manifest.json, all
 * from an image's author or a registry.
 *
 *   make fuzz && build-fuzz/fuzz_manifest tests/fuzz/corpus/manifest
 *
 * Byte 0 picks the parser (its value mod 4: '0' manifest, '1' index, '2'
 * config, '3' manifest.json); the rest is the document, parsed with its
 * length (it may hold NULs). A failure must say why and leave nothing
 * allocated; a success must hold only what the parser promises: valid
 * digests, sizes not negative, known media types, vectors NULL-terminated
 * at their count. image_doc_kind runs on every document too. */
#include "engine/images/manifest.h"
#include "fuzz-util.h"

static void check_digest(const char *d)
{
	if (digest_check(d, NULL) < 0)
		abort();
}

static void check_desc(const struct image_layer_ref *r)
{
	check_digest(r->digest);
	if (r->size < 0 || !r->media_type[0])
		abort();
}

static void check_strv(char **v, size_t n)
{
	if (!v || v[n])
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			abort();
	}
}

static void failed_cleanly(int r, const md_error *err, bool empty)
{
	if (r == 0)
		return;
	if (!err->msg[0] || err->errnum != 0 || !empty)
		abort();
}

static void fuzz_manifest(const char *doc, size_t len)
{
	struct image_manifest m;
	md_error err = { 0 };
	int r = image_manifest_parse(doc, len, &m, &err);

	failed_cleanly(r, &err, !m.layers && !m.n_layers);
	if (r < 0)
		return;
	if (strcmp(m.media_type, MT_OCI_MANIFEST) != 0 &&
	    strcmp(m.media_type, MT_DOCKER_MANIFEST) != 0)
		abort();
	check_desc(&m.config);
	for (size_t i = 0; i < m.n_layers; i++)
		check_desc(&m.layers[i]);
	image_manifest_free(&m);
}

static void fuzz_index(const char *doc, size_t len)
{
	struct image_index x;
	md_error err = { 0 };
	const struct image_index_entry *e;
	int r = image_index_parse(doc, len, &x, &err);

	failed_cleanly(r, &err, !x.manifests && !x.n_manifests);
	if (r < 0)
		return;
	for (size_t i = 0; i < x.n_manifests; i++)
		check_desc(&x.manifests[i].desc);
	e = image_index_pick(&x, "linux", "amd64", NULL);
	if (e && (strcmp(e->os, "linux") != 0 || strcmp(e->arch, "amd64") != 0))
		abort();
	image_index_free(&x);
}

static void fuzz_config(const char *doc, size_t len)
{
	struct image_config c;
	md_error err = { 0 };
	int r = image_config_parse(doc, len, &c, &err);

	failed_cleanly(r, &err, !c.json && !c.diff_ids && !c.history && !c.env && !c.labels);
	if (r < 0)
		return;
	if (!c.json || !c.architecture[0] || !c.os[0] || c.health.retries < 0)
		abort();
	check_strv(c.diff_ids, c.n_diff_ids);
	for (size_t i = 0; i < c.n_diff_ids; i++)
		check_digest(c.diff_ids[i]);
	if (c.n_history && !c.history)
		abort();
	image_config_free(&c);
}

static void fuzz_archive(const char *doc, size_t len)
{
	struct docker_archive_image *imgs = NULL;
	size_t n = 0;
	md_error err = { 0 };
	int r = docker_archive_manifest_parse(doc, len, &imgs, &n, &err);

	failed_cleanly(r, &err, !imgs && !n);
	if (r < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!imgs[i].config || !imgs[i].repo_tags)
			abort();
		check_strv(imgs[i].layers, imgs[i].n_layers);
	}
	docker_archive_manifest_free(imgs, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *doc;
	size_t len;

	if (size < 1 || size > (1 << 20))
		return 0;
	doc = (const char *)data + 1;
	len = size - 1;
	switch (data[0] % 4) {
	case 0:
		fuzz_manifest(doc, len);
		break;
	case 1:
		fuzz_index(doc, len);
		break;
	case 2:
		fuzz_config(doc, len);
		break;
	default:
		fuzz_archive(doc, len);
	}
	image_doc_kind(doc, len);
	return 0;
}
