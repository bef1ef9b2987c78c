/* SPDX-License-Identifier: Apache-2.0 */
/* engine/registry/auth.c: WWW-Authenticate challenges as registries send
 * them, Docker's config.json credentials, base64 for Basic. */
#include "unit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/registry/auth.h"
#include "util/cleanup.h"
#include "util/util.h"

#define HUB_KEY "https://index.docker.io/v1/"

struct good_header {
	const char *in;
	enum www_auth_scheme scheme;
	const char *realm, *service, *scope, *error;
};

static const struct good_header good_headers[] = {
	/* Docker Hub's, as it answers GET /v2/library/busybox/manifests/latest. */
	{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	  "scope=\"repository:library/busybox:pull\"",
	  WWW_AUTH_BEARER, "https://auth.docker.io/token", "registry.docker.io",
	  "repository:library/busybox:pull", NULL },
	/* distribution's htpasswd. */
	{ "Basic realm=\"Registry Realm\"", WWW_AUTH_BASIC, "Registry Realm", NULL, NULL, NULL },
	/* A token value; Basic needs no realm from us. */
	{ "basic", WWW_AUTH_BASIC, NULL, NULL, NULL, NULL },
	{ "BASIC Realm=registry", WWW_AUTH_BASIC, "registry", NULL, NULL, NULL },
	/* Spaces around '=' and the commas; empty list elements. */
	{ " bEaReR  REALM = \"http://127.0.0.1:5001/auth\" ,, \tService=reg ,", WWW_AUTH_BEARER,
	  "http://127.0.0.1:5001/auth", "reg", NULL, NULL },
	/* Escapes; an unknown parameter ignored; an empty value. */
	{ "Bearer realm=\"https://a/t\",service=\"a \\\"b\\\" \\\\c, d=e\","
	  "error=\"insufficient_scope\",other=\"x\\\\\",scope=\"\"",
	  WWW_AUTH_BEARER, "https://a/t", "a \"b\" \\c, d=e", "", "insufficient_scope" },
	/* Several challenges: the first of a scheme we know. */
	{ "Negotiate, NTLM abc==, Basic realm=\"first\", Bearer realm=\"https://second\"",
	  WWW_AUTH_BASIC, "first", NULL, NULL, NULL },
	{ "Digest realm=\"x\", nonce=\"y\", qop=auth, Bearer realm=\"https://t\", service=\"s\"",
	  WWW_AUTH_BEARER, "https://t", "s", NULL, NULL },
};

static bool same_or_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

TEST(www_auth_good)
{
	for (size_t i = 0; i < ARRAY_SIZE(good_headers); i++) {
		const struct good_header *g = &good_headers[i];
		struct www_auth a;
		md_error err = { 0 };

		if (www_auth_parse(g->in, &a, &err) < 0) {
			fprintf(stderr, "  refused: %s: %s\n", g->in, err.msg);
			CHECK(0);
		}
		if (a.scheme != g->scheme || !same_or_null(a.realm, g->realm) ||
		    !same_or_null(a.service, g->service) || !same_or_null(a.scope, g->scope) ||
		    !same_or_null(a.error, g->error)) {
			fprintf(stderr, "  wrong fields: %s\n", g->in);
			CHECK(0);
		}
		www_auth_free(&a);
		CHECK(!a.realm && !a.service && !a.scheme);
	}
}

static const char *const bad_headers[] = {
	"",
	"   ,  ",
	"@@@",
	"Negotiate",
	"Negotiate abc== Basic",
	"Bearer realm=\"https://a",
	"Bearer realm=\"https://a\\",
	"Bearer",
	"Bearer service=\"s\"",
	"Bearer realm=\"\"",
	"Bearer realm=\"file:///etc/shadow\"",
	"Bearer realm=\"https://a\" junk",
	"Bearer realm=\"https://a\",realm=\"https://b\"",
	"Bearer realm=\"https://a\x01\"",
	"Basic realm=\"a\"\"b\"",
	"Basic=realm",
	"Basic/x realm=a",
	"Bearer realm=\"https://a\", service=\"s\" scope=x",
};

TEST(www_auth_errors)
{
	struct www_auth a;
	md_error err = { 0 };
	cleanup_free char *big = xmalloc0(9000);

	for (size_t i = 0; i < ARRAY_SIZE(bad_headers); i++) {
		md_error_clear(&err);
		if (www_auth_parse(bad_headers[i], &a, &err) == 0) {
			fprintf(stderr, "  accepted: %s\n", bad_headers[i]);
			CHECK(0);
		}
		CHECK_INT(err.errnum, EPROTO);
		CHECK(err.msg[0]);
		CHECK(!a.realm && !a.service && !a.scope && !a.error);
		CHECK_INT(a.scheme, WWW_AUTH_NONE);
	}
	memcpy(big, "Basic realm=\"", 13);
	memset(big + 13, 'x', 8900);
	big[8913] = '"';
	CHECK(www_auth_parse(big, &a, &err) < 0);
}

/* --- base64 ------------------------------------------------------------------ */

TEST(auth_basic_round_trip)
{
	static const char *const passwords[] = { "pa:ss:w", "", "a", "ab", "abc", "p@$$ wörd" };
	md_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(passwords); i++) {
		cleanup_free char *enc = auth_basic_encode("me", passwords[i]);
		cleanup_free char *user = NULL, *password = NULL;

		CHECK(enc && md_str_has_prefix(enc, "Basic "));
		CHECK(auth_basic_decode(enc + 6, &user, &password, &err) == 0);
		CHECK_STR(user, "me");
		CHECK_STR(password, passwords[i]);
	}
	{
		cleanup_free char *enc = auth_basic_encode("user", "pa:ss:w");

		CHECK_STR(enc, "Basic dXNlcjpwYTpzczp3");
	}
}

TEST(auth_basic_decode_errors)
{
	static const char *const bad[] = { "",          "abc",      "dXNlcg==", /* "user" */
					   "dXNlcj===", "dX=lcg==", "dXNl cg=", "dXNlcjpw\n" };
	md_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *user = (char *)1, *password = (char *)1;

		CHECK(auth_basic_decode(bad[i], &user, &password, &err) < 0);
		CHECK(!user && !password);
	}
}

/* --- the auth file ------------------------------------------------------------ */

struct auth_dir {
	char top[64];
	char *file;
};

static int auth_dir_make(struct auth_dir *d)
{
	snprintf(d->top, sizeof(d->top), "/tmp/md-auth-test.XXXXXX");
	if (!mkdtemp(d->top))
		return -1;
	d->file = xasprintf("%s/docker/config.json", d->top);
	return 0;
}

static void auth_dir_remove(struct auth_dir *d)
{
	cleanup_free char *dir = xasprintf("%s/docker", d->top);
	md_error err;

	md_remove_dir_files(dir, &err);
	rmdir(d->top);
	free(d->file);
}

static int write_text(const char *path, const char *text)
{
	md_error err;
	cleanup_free char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	if (md_mkdir_p(dir, 0700, &err) < 0)
		return -1;
	return md_write_file_atomic(path, text, strlen(text), 0644, &err);
}

static char *read_text(const char *path)
{
	char *data = NULL;
	size_t len;
	md_error err;

	return md_read_file(path, &data, &len, &err) < 0 ? NULL : data;
}

/* Saved 0600 in a directory made 0700, read back, replaced, removed. */
static void check_round_trip(int *unit_failed, const struct auth_dir *d)
{
	cleanup_free char *user = NULL, *password = NULL, *text = NULL, *dir = NULL;
	md_error err = { 0 };
	struct stat st;

	CHECK(auth_file_get(d->file, "localhost:5000", &user, &password, &err) == 0);
	CHECK(!user && !password);
	CHECK(auth_file_set(d->file, "localhost:5000", "me", "se:cret", &err) == 0);
	CHECK(stat(d->file, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	dir = xasprintf("%s/docker", d->top);
	CHECK(stat(dir, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK(auth_file_get(d->file, "localhost:5000", &user, &password, &err) == 0);
	CHECK_STR(user, "me");
	CHECK_STR(password, "se:cret");
	text = read_text(d->file);
	CHECK(text && strstr(text, "\"auth\": \"bWU6c2U6Y3JldA==\""));
	CHECK(!strstr(text, "se:cret"));
	free(user);
	free(password);
	CHECK(auth_file_set(d->file, "localhost:5000", "you", "x", &err) == 0);
	CHECK(auth_file_get(d->file, "localhost:5000", &user, &password, &err) == 0);
	CHECK_STR(user, "you");
	CHECK(auth_file_remove(d->file, "localhost:5000", &err) == 0);
	CHECK(auth_file_remove(d->file, "localhost:5000", &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
}

TEST(auth_file_round_trip)
{
	struct auth_dir d;

	CHECK(auth_dir_make(&d) == 0);
	check_round_trip(unit_failed, &d);
	auth_dir_remove(&d);
}

TEST(auth_file_missing)
{
	cleanup_free char *user = NULL, *password = NULL;
	md_error err = { 0 };

	CHECK(auth_file_get("/nonexistent/md/config.json", HUB_KEY, &user, &password, &err) == 0);
	CHECK(!user && !password);
	CHECK(auth_file_remove("/nonexistent/md/config.json", HUB_KEY, &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
}

static const char other_keys[] =
	"{\"credsStore\": \"desktop\", \"HttpHeaders\": {\"X-Meta\": \"1\"},"
	" \"auths\": {\"ghcr.io\": {\"auth\": \"Z2g6dG9r\"},"
	" \"quay.io\": {\"identitytoken\": \"abc\"}}, \"psFormat\": \"table\"}";

/* A file with other keys keeps them; an identity token alone is no
 * credential. */
static void check_other_keys(int *unit_failed, const char *file)
{
	cleanup_free char *user = NULL, *password = NULL, *text = NULL;
	md_error err = { 0 };

	CHECK(write_text(file, other_keys) == 0);
	CHECK(auth_file_get(file, "quay.io", &user, &password, &err) == 0);
	CHECK(!user && !password);
	CHECK(auth_file_set(file, HUB_KEY, "me", "pw", &err) == 0);
	CHECK(auth_file_get(file, "ghcr.io", &user, &password, &err) == 0);
	CHECK_STR(user, "gh");
	CHECK_STR(password, "tok");
	text = read_text(file);
	CHECK(text);
	CHECK(strstr(text, "\"credsStore\": \"desktop\""));
	CHECK(strstr(text, "\"X-Meta\": \"1\""));
	CHECK(strstr(text, "\"psFormat\": \"table\""));
	CHECK(strstr(text, "\"identitytoken\": \"abc\""));
	CHECK(strstr(text, "\"" HUB_KEY "\""));
	CHECK(!strstr(text, "\\/")); /* URLs as Docker writes them */
}

TEST(auth_file_keeps_other_keys)
{
	struct auth_dir d;

	CHECK(auth_dir_make(&d) == 0);
	check_other_keys(unit_failed, d.file);
	auth_dir_remove(&d);
}

static const char url_keys[] =
	"{\"auths\": {"
	"\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmE=\"},"
	"\"http://reg.local:5000/v2/\": {\"auth\": \"cmVnOmI=\"},"
	"\"https://other.example/\": {\"username\": \"o\", \"password\": \"c\"},"
	"\"reg.local:5000\": {\"identitytoken\": \"t\"}}}";

static void check_get(int *unit_failed, const char *file, const char *key, const char *want_user,
		      const char *want_password)
{
	cleanup_free char *user = NULL, *password = NULL;
	md_error err = { 0 };

	CHECK(auth_file_get(file, key, &user, &password, &err) == 0);
	if (!want_user) {
		CHECK(!user && !password);
		return;
	}
	CHECK_STR(user, want_user);
	CHECK_STR(password, want_password);
}

/* Keys written as URLs match their host, Docker Hub's under each of its
 * names; an exact key comes first. */
static void check_url_keys(int *unit_failed, const char *file)
{
	md_error err = { 0 };
	cleanup_free char *text = NULL;

	CHECK(write_text(file, url_keys) == 0);
	check_get(unit_failed, file, HUB_KEY, "hub", "a");
	check_get(unit_failed, file, "docker.io", "hub", "a");
	check_get(unit_failed, file, "index.docker.io", "hub", "a");
	check_get(unit_failed, file, "other.example", "o", "c");
	check_get(unit_failed, file, "reg.local", NULL, NULL);
	check_get(unit_failed, file, "reg.local:5001", NULL, NULL);
	/* The exact key is an identity token only: none. */
	check_get(unit_failed, file, "reg.local:5000", NULL, NULL);
	CHECK(!*unit_failed);
	CHECK(auth_file_remove(file, "reg.local:5000", &err) == 0);
	text = read_text(file);
	CHECK(text && !strstr(text, "reg.local") && strstr(text, "other.example"));
	CHECK(auth_file_remove(file, "docker.io", &err) == 0);
	check_get(unit_failed, file, HUB_KEY, NULL, NULL);
}

TEST(auth_file_url_keys)
{
	struct auth_dir d;

	CHECK(auth_dir_make(&d) == 0);
	check_url_keys(unit_failed, d.file);
	auth_dir_remove(&d);
}

/* A broken file is an error that names neither the password nor the
 * text; it is not overwritten. */
static void check_bad_files(int *unit_failed, const char *file)
{
	cleanup_free char *user = NULL, *password = NULL, *text = NULL;
	md_error err = { 0 };

	CHECK(write_text(file, "{\"auths\": {\"h\": {\"auth\": \"c2VjcmV0\"}}}") == 0);
	CHECK(auth_file_get(file, "h", &user, &password, &err) < 0);
	CHECK(!user && !password && !strstr(err.msg, "secret") && !strstr(err.msg, "c2Vj"));
	CHECK(write_text(file, "[\"not an object\"]") == 0);
	CHECK(auth_file_set(file, "h", "me", "pw", &err) < 0);
	text = read_text(file);
	CHECK_STR(text, "[\"not an object\"]");
	CHECK(auth_file_set(file, "h", "a:b", "pw", &err) < 0);
	CHECK(write_text(file, "") == 0);
	CHECK(auth_file_set(file, "h", "me", "pw", &err) == 0);
}

TEST(auth_file_errors)
{
	struct auth_dir d;

	CHECK(auth_dir_make(&d) == 0);
	check_bad_files(unit_failed, d.file);
	auth_dir_remove(&d);
}

static void setenv_or_unset(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

TEST(auth_file_default_env)
{
	cleanup_free char *saved_raf = NULL, *saved_dc = NULL, *saved_home = NULL;
	cleanup_free char *a = NULL, *b = NULL, *c = NULL;

	saved_raf = getenv("REGISTRY_AUTH_FILE") ? xstrdup(getenv("REGISTRY_AUTH_FILE")) : NULL;
	saved_dc = getenv("DOCKER_CONFIG") ? xstrdup(getenv("DOCKER_CONFIG")) : NULL;
	saved_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("REGISTRY_AUTH_FILE", "/x/auth.json", 1);
	setenv("DOCKER_CONFIG", "/y", 1);
	setenv("HOME", "/home/z", 1);
	a = auth_file_default();
	unsetenv("REGISTRY_AUTH_FILE");
	b = auth_file_default();
	setenv("DOCKER_CONFIG", "", 1);
	c = auth_file_default();
	setenv_or_unset("REGISTRY_AUTH_FILE", saved_raf);
	setenv_or_unset("DOCKER_CONFIG", saved_dc);
	setenv_or_unset("HOME", saved_home);
	CHECK_STR(a, "/x/auth.json");
	CHECK_STR(b, "/y/config.json");
	CHECK_STR(c, "/home/z/.docker/config.json");
}

TEST(auth_key_domain_forms)
{
	static const char *const cases[][2] = {
		{ HUB_KEY, "docker.io" },
		{ "index.docker.io", "docker.io" },
		{ "registry-1.docker.io", "docker.io" },
		{ "docker.io", "docker.io" },
		{ "http://localhost:5000/v2/", "localhost:5000" },
		{ "https://ghcr.io", "ghcr.io" },
		{ "quay.io/org/repo", "quay.io" },
		{ "[::1]:5000", "[::1]:5000" },
		{ "HTTPS://x", "HTTPS:" }, /* Docker's prefixes are lowercase */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *d = auth_key_domain(cases[i][0]);

		CHECK_STR(d, cases[i][1]);
	}
}
