/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/reference.c: image references as Docker reads them, from
 * the cases the distribution project's reference tests cover. */
#include "unit.h"

#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/util.h"

#define D64 "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define HEX64 "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"

struct good {
	const char *in, *full, *familiar;
};

static const struct good goods[] = {
	{ "busybox", "docker.io/library/busybox:latest", "busybox:latest" },
	{ "busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36" },
	{ "me/x", "docker.io/me/x:latest", "me/x:latest" },
	{ "library/debian", "docker.io/library/debian:latest", "debian:latest" },
	{ "docker.io/debian", "docker.io/library/debian:latest", "debian:latest" },
	{ "docker.io/docker/docker", "docker.io/docker/docker:latest", "docker/docker:latest" },
	{ "index.docker.io/debian", "docker.io/library/debian:latest", "debian:latest" },
	{ "index.docker.io/docker/docker", "docker.io/docker/docker:latest",
	  "docker/docker:latest" },
	{ "docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest" },
	/* A path whose first component reads as a domain keeps docker.io. */
	{ "docker.io/foo.com/bar", "docker.io/foo.com/bar:latest", "docker.io/foo.com/bar:latest" },
	/* Bare, that name would read as an image id. */
	{ "docker.io/" HEX64, "docker.io/library/" HEX64 ":latest", "library/" HEX64 ":latest" },
	{ "localhost", "docker.io/library/localhost:latest", "localhost:latest" },
	{ "localhost/foo", "localhost/foo:latest", "localhost/foo:latest" },
	{ "localhost:5000", "docker.io/library/localhost:5000", "localhost:5000" },
	{ "localhost:5000/foo/bar:v1", "localhost:5000/foo/bar:v1", "localhost:5000/foo/bar:v1" },
	{ "127.0.0.1:5000/debian", "127.0.0.1:5000/debian:latest", "127.0.0.1:5000/debian:latest" },
	{ "192.168.1.1", "docker.io/library/192.168.1.1:latest", "192.168.1.1:latest" },
	{ "192.168.1.1:5000", "docker.io/library/192.168.1.1:5000", "192.168.1.1:5000" },
	{ "192.168.1.1/repo", "192.168.1.1/repo:latest", "192.168.1.1/repo:latest" },
	{ "foo_bar.com:8080", "docker.io/library/foo_bar.com:8080", "foo_bar.com:8080" },
	{ "foo/foo_bar.com:8080", "docker.io/foo/foo_bar.com:8080", "foo/foo_bar.com:8080" },
	{ "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
	  "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
	  "sub-dom1.foo.com/bar/baz/quux:some-long-tag" },
	{ "b.gcr.io/test.example.com/my-app:test.example.com",
	  "b.gcr.io/test.example.com/my-app:test.example.com",
	  "b.gcr.io/test.example.com/my-app:test.example.com" },
	{ "xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com/myimage:xn--n3h.com",
	  "xn--n3h.com/myimage:xn--n3h.com" },
	{ "[2001:db8::1]/repo", "[2001:db8::1]/repo:latest", "[2001:db8::1]/repo:latest" },
	{ "[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo:tag",
	  "[2001:db8::1]:5000/repo:tag" },
	{ "[::1]:5000/repo@" D64, "[::1]:5000/repo@" D64, "[::1]:5000/repo@" D64 },
	{ "test:5000/repo:tag@" D64, "test:5000/repo:tag@" D64, "test:5000/repo:tag@" D64 },
	{ "busybox@" D64, "docker.io/library/busybox@" D64, "busybox@" D64 },
	{ "lowercase:Uppercase", "docker.io/library/lowercase:Uppercase", "lowercase:Uppercase" },
	/* Docker reads an uppercase first component as a registry. */
	{ "Uppercase/lowercase:tag", "Uppercase/lowercase:tag", "Uppercase/lowercase:tag" },
	{ "a.b/c__d/e--f/g-h.i_j:_tag.x-Y", "a.b/c__d/e--f/g-h.i_j:_tag.x-Y",
	  "a.b/c__d/e--f/g-h.i_j:_tag.x-Y" },
	{ "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base:latest",
	  "ubuntu-12.04-base:latest" },
};

struct bad {
	const char *in, *msg; /* msg: a part of the message, or NULL */
};

static const struct bad bads[] = {
	{ "", "at least one component" },
	{ HEX64, "64-byte hexadecimal" },
	{ "Uppercase:tag", "must be lowercase" },
	{ "docker/Docker", "must be lowercase" },
	{ "docker.io/docker/Docker", "must be lowercase" },
	{ "test:5000/Uppercase/lowercase:tag", "must be lowercase" },
	{ "https://github.com/docker/docker", "domain" },
	{ "-docker", NULL },
	{ "-docker/docker", NULL },
	{ "-docker.io/docker/docker", "domain" },
	{ "docker///docker", NULL },
	{ "docker.io/docker///docker", NULL },
	{ "aa/asdf$$^/aa", NULL },
	{ ":justtag", NULL },
	{ "@" D64, NULL },
	{ "foo:", "tag" },
	{ "foo:-tag", "tag" },
	{ "foo:.tag", "tag" },
	{ "foo:a/b", NULL },
	{ "foo:bar:baz", NULL },
	{ "foo@", "digest" },
	{ "repo@sha256:fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "digest" },
	{ "repo@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	  "digest" },
	{ "validname@invaliddigest:"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "digest" },
	{ "foo@" D64 "@" D64, "digest" },
	{ "foo..bar", NULL },
	{ "foo___bar", NULL },
	{ "foo-_bar", NULL },
	{ "foo._bar", NULL },
	{ "foo.", NULL },
	{ "foo_", NULL },
	{ "foo-", NULL },
	{ "_foo", NULL },
	{ "foo/", NULL },
	{ "/foo", NULL },
	{ "foo//bar", NULL },
	{ "localhost:/foo", "domain" },
	{ "localhost:50a0/foo", "domain" },
	{ "a-.com/foo", "domain" },
	{ "a..com/foo", "domain" },
	{ ".com/foo", "domain" },
	{ "[2001:db8::1]", NULL },
	{ "[2001:db8::1]:5000", NULL },
	{ "[]/foo", NULL },
	{ "[fe80::1%eth0]:5000/repo", "domain" },
	{ "[::1]x/foo", "domain" },
	{ "foo bar", NULL },
	{ "foo\xc3\xa9", NULL },
};

TEST(reference_valid)
{
	for (size_t i = 0; i < ARRAY_SIZE(goods); i++) {
		struct image_ref r, again;
		cleanup_free char *full = NULL, *fam = NULL, *full2 = NULL;
		md_error err = { 0 };

		if (ref_parse(goods[i].in, &r, &err) < 0)
			fprintf(stderr, "  %s: %s\n", goods[i].in, err.msg);
		CHECK(err.msg[0] == '\0');
		full = ref_string(&r, REF_FULL);
		fam = ref_string(&r, REF_FAMILIAR);
		ref_free(&r);
		CHECK_STR(full, goods[i].full);
		CHECK_STR(fam, goods[i].familiar);
		/* The familiar form reads back as the same reference. */
		CHECK(ref_parse(fam, &again, &err) == 0);
		full2 = ref_string(&again, REF_FULL);
		ref_free(&again);
		CHECK_STR(full2, full);
	}
}

TEST(reference_invalid)
{
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		struct image_ref r;
		md_error err = { 0 };

		if (ref_parse(bads[i].in, &r, &err) == 0)
			fprintf(stderr, "  %s: accepted\n", bads[i].in);
		CHECK(err.msg[0] != '\0');
		CHECK_INT(err.errnum, 0);
		CHECK(r.domain == NULL && r.path == NULL && r.tag == NULL && r.digest == NULL);
		if (bads[i].msg && !strstr(err.msg, bads[i].msg))
			fprintf(stderr, "  %s: \"%s\"\n", bads[i].in, err.msg);
		CHECK(!bads[i].msg || strstr(err.msg, bads[i].msg));
	}
}

/* A repeated "a/" of n characters, then "a" and a suffix. */
static char *long_ref(const char *prefix, size_t n, const char *suffix)
{
	cleanup_free char *path = xmalloc0(n + 1);

	for (size_t i = 0; i < n; i++)
		path[i] = i % 2 ? '/' : 'a';
	return xasprintf("%s%sa%s", prefix, path, suffix);
}

TEST(reference_lengths)
{
	/* localhost/ + 244 + "a" = 255: the longest name. */
	cleanup_free char *max = long_ref("localhost/", 244, ":tag");
	cleanup_free char *over = long_ref("localhost/", 246, ":tag");
	/* A short name is still too long once docker.io/ is put in front. */
	cleanup_free char *normalised = long_ref("", 254, "");
	char tag[200];
	struct image_ref r;
	md_error err = { 0 };

	CHECK(ref_parse(max, &r, &err) == 0);
	ref_free(&r);
	CHECK(ref_parse(over, &r, &err) < 0);
	CHECK(strstr(err.msg, "255 characters"));
	CHECK(ref_parse(normalised, &r, &err) < 0);
	CHECK(strstr(err.msg, "255 characters"));

	memset(tag, 'x', sizeof(tag));
	memcpy(tag, "foo:", 4);
	tag[4 + 128] = '\0';
	CHECK(ref_parse(tag, &r, &err) == 0);
	CHECK_INT(strlen(r.tag), 128);
	ref_free(&r);
	tag[4 + 128] = 'x';
	tag[4 + 129] = '\0';
	CHECK(ref_parse(tag, &r, &err) < 0);
}

TEST(reference_parts)
{
	struct image_ref r;
	cleanup_free char *name = NULL, *fam = NULL;

	CHECK(ref_parse("localhost:5000/me/app:v2@" D64, &r, NULL) == 0);
	CHECK_STR(r.domain, "localhost:5000");
	CHECK_STR(r.path, "me/app");
	CHECK_STR(r.tag, "v2");
	CHECK_STR(r.digest, D64);
	name = ref_name(&r, REF_FULL);
	ref_free(&r);
	CHECK_STR(name, "localhost:5000/me/app");

	/* A digest alone: no tag is made up. */
	CHECK(ref_parse("busybox@" D64, &r, NULL) == 0);
	CHECK(r.tag == NULL);
	fam = ref_name(&r, REF_FAMILIAR);
	ref_free(&r);
	CHECK_STR(fam, "busybox");
}
