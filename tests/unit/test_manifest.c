/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/manifest.c: the image documents as real images have them
 * (written here by hand after Docker Hub's busybox and umoci's output),
 * and the documents a parser must refuse. */
#include "unit.h"

#include "engine/images/manifest.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdlib.h>

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static const char oci_manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	"\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":581},"
	"\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2
	"\",\"size\":2152262},"
	"{\"mediaType\":\"" MT_OCI_LAYER_ZSTD "\",\"digest\":\"" D3 "\",\"size\":10}],"
	"\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}\n";

static const char docker_manifest[] =
	"{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"" MT_DOCKER_MANIFEST "\",\n"
	"   \"config\": {\"mediaType\": \"" MT_DOCKER_CONFIG "\", \"size\": 1457, \"digest\": \"" D1
	"\"},\n   \"layers\": [{\"mediaType\": \"" MT_DOCKER_LAYER_GZIP
	"\", \"size\": 2152262, \"digest\": \"" D2 "\"}]\n}";

static const char oci_index[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":528,"
	"\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":528,"
	"\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
	"\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.36\"}},"
	"{\"mediaType\":\"application/vnd.in-toto+json\",\"digest\":\"" D3 "\",\"size\":1},"
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\",\"size\":528,"
	"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";

static const char docker_config[] =
	"{\"architecture\":\"amd64\",\"config\":{\"Hostname\":\"\",\"User\":\"nobody\","
	"\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
	"\"Cmd\":[\"sh\"],\"Entrypoint\":null,\"WorkingDir\":\"/srv\","
	"\"Volumes\":{\"/data\":{}},\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},"
	"\"Labels\":{\"a\":\"1\",\"b\":\"x=y\"},\"StopSignal\":\"SIGQUIT\","
	"\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
	"\"Timeout\":5000000000,\"StartPeriod\":1000000000,\"Retries\":3}},"
	"\"created\":\"2023-05-19T20:19:23.2Z\",\"author\":\"me\","
	"\"history\":[{\"created\":\"2023-05-19T20:19:22Z\",\"created_by\":\"/bin/sh -c #(nop) "
	"ADD file:1 in / \"},{\"created\":\"2023-05-19T20:19:23Z\",\"created_by\":\"/bin/sh -c "
	"#(nop)  CMD [\\\"sh\\\"]\",\"empty_layer\":true}],\"os\":\"linux\","
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D3 "\"]}}";

/* As umoci and buildah write it: no container config at all. */
static const char oci_config_min[] =
	"{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
	"\"diff_ids\":[]}}";

static bool strv_eq(char **v, const char *const *want)
{
	size_t i = 0;

	for (; v && v[i] && want[i]; i++) {
		if (strcmp(v[i], want[i]) != 0)
			return false;
	}
	return v && !v[i] && !want[i];
}

static bool has(char **v, const char *s)
{
	for (; v && *v; v++) {
		if (!strcmp(*v, s))
			return true;
	}
	return false;
}

TEST(manifest_oci)
{
	struct image_manifest m;
	md_error err = { 0 };

	CHECK(image_manifest_parse(oci_manifest, strlen(oci_manifest), &m, &err) == 0);
	CHECK_STR(m.media_type, MT_OCI_MANIFEST);
	CHECK_STR(m.config.digest, D1);
	CHECK_STR(m.config.media_type, MT_OCI_CONFIG);
	CHECK_INT(m.config.size, 581);
	CHECK_INT(m.n_layers, 2);
	CHECK_STR(m.layers[0].digest, D2);
	CHECK_INT(m.layers[0].size, 2152262);
	CHECK_STR(m.layers[1].media_type, MT_OCI_LAYER_ZSTD);
	image_manifest_free(&m);
	CHECK_INT(image_doc_kind(oci_manifest, strlen(oci_manifest)), IMAGE_DOC_MANIFEST);
}

TEST(manifest_docker)
{
	struct image_manifest m;
	md_error err = { 0 };

	CHECK(image_manifest_parse(docker_manifest, strlen(docker_manifest), &m, &err) == 0);
	CHECK_STR(m.media_type, MT_DOCKER_MANIFEST);
	CHECK_STR(m.config.media_type, MT_DOCKER_CONFIG);
	CHECK_INT(m.n_layers, 1);
	CHECK_STR(m.layers[0].media_type, MT_DOCKER_LAYER_GZIP);
	image_manifest_free(&m);
}

/* An OCI manifest may leave out its own mediaType; the kind then goes by
 * its shape. */
TEST(manifest_no_media_type)
{
	static const char doc[] = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
				  "\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}";
	struct image_manifest m;
	md_error err = { 0 };

	CHECK(image_manifest_parse(doc, strlen(doc), &m, &err) == 0);
	CHECK_STR(m.media_type, MT_OCI_MANIFEST);
	CHECK_INT(m.n_layers, 0);
	image_manifest_free(&m);
	CHECK_INT(image_doc_kind(doc, strlen(doc)), IMAGE_DOC_MANIFEST);
}

/* Each bad document is refused with a message naming what is wrong. */
struct bad_doc {
	const char *doc;
	const char *msg;
};

enum parser { P_MANIFEST, P_INDEX, P_CONFIG, P_ARCHIVE };

/* The document is refused (errnum 0, msg in the message) and its parser
 * left nothing behind. */
static bool refused(enum parser p, const struct bad_doc *b)
{
	md_error err = { 0 };
	size_t len = strlen(b->doc), n = 7;
	struct image_manifest m;
	struct image_index x;
	struct image_config c;
	struct docker_archive_image *imgs = (void *)1;
	bool empty;
	int r;

	switch (p) {
	case P_MANIFEST:
		r = image_manifest_parse(b->doc, len, &m, &err);
		empty = !m.layers;
		break;
	case P_INDEX:
		r = image_index_parse(b->doc, len, &x, &err);
		empty = !x.manifests;
		break;
	case P_CONFIG:
		r = image_config_parse(b->doc, len, &c, &err);
		empty = !c.json && !c.diff_ids && !c.history && !c.env;
		break;
	default:
		r = docker_archive_manifest_parse(b->doc, len, &imgs, &n, &err);
		empty = !imgs && !n;
	}
	if (r == 0 || !strstr(err.msg, b->msg) || err.errnum != 0 || !empty) {
		fprintf(stderr, "  %s: got %d \"%s\"\n", b->doc, r, err.msg);
		return false;
	}
	return true;
}

static const struct bad_doc bad_manifests[] = {
	{ "", "empty" },
	{ "[]", "not a JSON object" },
	{ "{\"schemaVersion\":2", "not JSON" },
	{ "{} {}", "not JSON" },
	{ "{\"schemaVersion\":1}", "schemaVersion: 1" },
	{ "{\"schemaVersion\":\"2\"}", "schemaVersion: not a int" },
	{ "{\"schemaVersion\":2,\"layers\":[]}", "config: missing" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":-1},\"layers\":[]}",
	  "config: size: negative" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
	  "\",\"digest\":\"sha256:../../etc\",\"size\":1},\"layers\":[]}",
	  "config: digest: invalid digest" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":1.5},\"layers\":[]}",
	  "size: not a int" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/x-helm\",\"digest\":\"" D1
	  "\",\"size\":1},\"layers\":[]}",
	  "config: mediaType: unsupported" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":1}}",
	  "layers: missing" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":1},\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" D2
	  "\",\"size\":1}]}",
	  "layers[0]: mediaType: unsupported" },
	{ "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":1},\"layers\":[7]}",
	  "layers[0]: not an object" },
	{ "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX
	  "\",\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1
	  "\",\"size\":1},\"layers\":[]}",
	  "is not an image manifest" },
	{ "{\"schemaVersion\":2,}", "not JSON" },
};

TEST(manifest_refused)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_manifests); i++)
		CHECK(refused(P_MANIFEST, &bad_manifests[i]));
}

/* The length counts, not a NUL: bytes after one are refused, and a
 * document larger than IMAGE_JSON_MAX is refused unread. */
TEST(manifest_length)
{
	static const char doc[] = "{\"schemaVersion\":2}\0garbage";
	struct image_manifest m;
	md_error err = { 0 };
	size_t big = IMAGE_JSON_MAX + 1;
	cleanup_free char *huge = xmalloc0(big);

	CHECK(image_manifest_parse(doc, sizeof(doc) - 1, &m, &err) < 0);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	CHECK(image_manifest_parse(huge, big, &m, &err) < 0);
	CHECK(strstr(err.msg, "more than") != NULL);
	CHECK(image_manifest_parse(huge, big - 1, &m, &err) < 0); /* no closing brace */
	huge[big - 2] = '}';
	CHECK(image_manifest_parse(huge, big - 1, &m, &err) < 0);
	CHECK(strstr(err.msg, "schemaVersion: missing") != NULL);
}

TEST(index_oci)
{
	struct image_index x;
	md_error err = { 0 };
	const struct image_index_entry *e;

	CHECK(image_index_parse(oci_index, strlen(oci_index), &x, &err) == 0);
	CHECK_STR(x.media_type, MT_OCI_INDEX);
	CHECK_INT(x.n_manifests, 3); /* the in-toto entry is left out */
	CHECK_STR(x.manifests[0].variant, "v7");
	CHECK(x.manifests[0].ref_name == NULL);
	CHECK_STR(x.manifests[1].ref_name, "1.36");
	e = image_index_pick(&x, "linux", "amd64", NULL);
	CHECK(e && !strcmp(e->desc.digest, D2));
	e = image_index_pick(&x, "linux", "arm", "v7");
	CHECK(e && !strcmp(e->desc.digest, D1));
	CHECK(image_index_pick(&x, "linux", "arm", "v6") == NULL);
	e = image_index_pick(&x, "linux", "arm64", "v8");
	CHECK(e && !strcmp(e->desc.digest, D3));
	CHECK(image_index_pick(&x, "windows", "amd64", NULL) == NULL);
	image_index_free(&x);
	CHECK_INT(image_doc_kind(oci_index, strlen(oci_index)), IMAGE_DOC_INDEX);
}

TEST(index_refused)
{
	static const struct bad_doc bad[] = {
		{ "{\"schemaVersion\":2}", "manifests: missing" },
		{ "{\"schemaVersion\":2,\"manifests\":{}}", "manifests: not an array" },
		{ "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"manifests\":[]}",
		  "not an image index" },
		{ "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
		  "\",\"digest\":\"sha256:abc\",\"size\":1}]}",
		  "manifests[0]: digest" },
		{ "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
		  "\",\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":3}}]}",
		  "manifests[0]: platform: os: not a string" },
		{ "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
		  "\",\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"architecture\":"
		  "\"0123456789012345678901234567890123456789\"}}]}",
		  "architecture: longer than" },
		{ "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
		  "\",\"digest\":\"" D1 "\",\"size\":1,\"annotations\":{\"" MT_OCI_MANIFEST "\":1,"
		  "\"org.opencontainers.image.ref.name\":[]}}]}",
		  "annotations: org.opencontainers.image.ref.name: not a string" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(refused(P_INDEX, &bad[i]));
}

TEST(doc_kind)
{
	static const char list[] = "{\"mediaType\":\"" MT_DOCKER_LIST "\"}";
	static const char shape[] = "{\"manifests\":[]}";
	static const char other[] = "{\"mediaType\":\"" MT_OCI_CONFIG "\",\"manifests\":[]}";

	CHECK_INT(image_doc_kind(list, strlen(list)), IMAGE_DOC_INDEX);
	CHECK_INT(image_doc_kind(shape, strlen(shape)), IMAGE_DOC_INDEX);
	CHECK_INT(image_doc_kind(other, strlen(other)), IMAGE_DOC_UNKNOWN);
	CHECK_INT(image_doc_kind("[1]", 3), IMAGE_DOC_UNKNOWN);
	CHECK_INT(image_doc_kind("{", 1), IMAGE_DOC_UNKNOWN);
	CHECK_INT(image_doc_kind(docker_manifest, strlen(docker_manifest)), IMAGE_DOC_MANIFEST);
}

TEST(config_docker)
{
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL
	};
	static const char *const cmd[] = { "sh", NULL };
	static const char *const test[] = { "CMD-SHELL", "true", NULL };
	struct image_config c;
	md_error err = { 0 };

	CHECK(image_config_parse(docker_config, strlen(docker_config), &c, &err) == 0);
	CHECK(c.json != NULL);
	CHECK_STR(c.architecture, "amd64");
	CHECK_STR(c.os, "linux");
	CHECK_STR(c.created, "2023-05-19T20:19:23.2Z");
	CHECK_STR(c.author, "me");
	CHECK_STR(c.user, "nobody");
	CHECK_STR(c.working_dir, "/srv");
	CHECK_STR(c.stop_signal, "SIGQUIT");
	CHECK(strv_eq(c.env, env) && strv_eq(c.cmd, cmd));
	CHECK(c.entrypoint == NULL);
	CHECK(has(c.volumes, "/data") && md_strv_len(c.volumes) == 1);
	CHECK(has(c.exposed_ports, "80/tcp") && has(c.exposed_ports, "53/udp"));
	CHECK(has(c.labels, "a=1") && has(c.labels, "b=x=y"));
	CHECK(strv_eq(c.health.test, test));
	CHECK_INT(c.health.interval_ns, 30000000000LL);
	CHECK_INT(c.health.timeout_ns, 5000000000LL);
	CHECK_INT(c.health.start_period_ns, 1000000000LL);
	CHECK_INT(c.health.retries, 3);
	CHECK_INT(c.n_diff_ids, 1);
	CHECK_STR(c.diff_ids[0], D3);
	CHECK(c.diff_ids[1] == NULL);
	CHECK_INT(c.n_history, 2);
	CHECK(!c.history[0].empty_layer && c.history[1].empty_layer);
	CHECK_STR(c.history[1].created_by, "/bin/sh -c #(nop)  CMD [\"sh\"]");
	CHECK(c.history[0].comment == NULL);
	image_config_free(&c);
}

TEST(config_minimal)
{
	struct image_config c;
	md_error err = { 0 };

	CHECK(image_config_parse(oci_config_min, strlen(oci_config_min), &c, &err) == 0);
	CHECK_STR(c.architecture, "arm64");
	CHECK(!c.user && !c.env && !c.cmd && !c.entrypoint && !c.labels && !c.health.test);
	CHECK(c.diff_ids && !c.diff_ids[0] && c.n_diff_ids == 0);
	CHECK(c.history == NULL && c.created == NULL);
	image_config_free(&c);
}

TEST(config_refused)
{
	static const struct bad_doc bad[] = {
		{ "{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "architecture: missing" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\"}", "rootfs: missing" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}",
		  "rootfs: diff_ids: missing" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"zfs\","
		  "\"diff_ids\":[]}}",
		  "rootfs.type" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		  "\"diff_ids\":[\"sha256:00\"]}}",
		  "rootfs.diff_ids[0]: invalid digest" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		  "\"diff_ids\":[1]}}",
		  "diff_ids[0]: not a string" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":\"A=1\"},"
		  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "config: Env: not an array" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":1}},"
		  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "config: Labels.a: not a string" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Healthcheck\":"
		  "{\"Interval\":-5}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "config: Healthcheck: Interval: negative" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":0},"
		  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "config: User: not a string" },
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"history\":[{\"created_by\":\"x\"}"
		  ","
		  "{\"empty_layer\":\"yes\"}],\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
		  "history[1]: empty_layer: not a boolean" },
		{ "{\"architecture\":\"\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		  "\"diff_ids\":[]}}",
		  "architecture: empty" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(refused(P_CONFIG, &bad[i]));
}

TEST(docker_archive_manifest)
{
	static const char doc[] =
		"[{\"Config\":\"blobs/sha256/11\",\"RepoTags\":[\"busybox:latest\",\"bb:1\"],"
		"\"Layers\":[\"blobs/sha256/22\",\"33/layer.tar\"]},"
		"{\"Config\":\"44.json\",\"RepoTags\":null,\"Layers\":[]}]";
	struct docker_archive_image *imgs;
	size_t n;
	md_error err = { 0 };

	CHECK(docker_archive_manifest_parse(doc, strlen(doc), &imgs, &n, &err) == 0);
	CHECK_INT(n, 2);
	CHECK_STR(imgs[0].config, "blobs/sha256/11");
	CHECK_STR(imgs[0].repo_tags[1], "bb:1");
	CHECK_INT(imgs[0].n_layers, 2);
	CHECK_STR(imgs[0].layers[1], "33/layer.tar");
	CHECK(imgs[1].repo_tags && !imgs[1].repo_tags[0]);
	CHECK(imgs[1].layers && imgs[1].n_layers == 0);
	docker_archive_manifest_free(imgs, n);
}

TEST(docker_archive_manifest_refused)
{
	static const struct bad_doc bad[] = {
		{ "{}", "not a JSON array" },
		{ "[1]", "[0]: not an object" },
		{ "[{\"RepoTags\":[],\"Layers\":[]}]", "Config: missing" },
		{ "[{\"Config\":\"a.json\",\"RepoTags\":[]}]", "Layers: missing" },
		{ "[{\"Config\":\"a.json\",\"Layers\":[\"../x/layer.tar\"]}]", "Layers[0]" },
		{ "[{\"Config\":\"/etc/passwd\",\"Layers\":[]}]", "Config: layer entry" },
		{ "[{\"Config\":\"a.json\",\"Layers\":[]},{\"Config\":\"b\",\"RepoTags\":[1],"
		  "\"Layers\":[]}]",
		  "[1]: RepoTags[0]: not a string" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(refused(P_ARCHIVE, &bad[i]));
}

TEST(host_platform)
{
	char os[32], arch[32];

	image_host_platform(os, arch);
	CHECK_STR(os, "linux");
	CHECK(arch[0] != '\0' && strcmp(arch, "x86_64") != 0 && strcmp(arch, "aarch64") != 0);
}
