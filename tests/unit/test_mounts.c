/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/mounts.c: -v, --mount and --tmpfs as Docker reads
 * them (the specs Docker takes, and its words for those it refuses), the
 * tmpfs options it passes on, duplicates, and Docker's Mounts. */
#include "unit.h"

#include "engine/containers/mounts.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

typedef int (*parse_fn)(const char *, struct run_mount *, md_error *);

/* Parse arg; the result in m (free it) or -1 with the error in err. */
static int parse(parse_fn fn, const char *arg, struct run_mount *m, md_error *err)
{
	md_error_clear(err);
	return fn(arg, m, err);
}

TEST(mounts_volume_binds)
{
	struct run_mount m;
	md_error err;
	char cwd[PATH_MAX];
	cleanup_free char *want = NULL;

	CHECK(parse(run_mount_parse_volume, "/host:/ctr", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_BIND);
	CHECK_STR(m.source, "/host");
	CHECK_STR(m.target, "/ctr");
	CHECK(!m.readonly && m.create_source && !m.options);
	CHECK_STR(m.mode, "");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_volume, "/host//a/../b/:/ctr/./x/:ro", &m, &err) == 0);
	CHECK_STR(m.source, "/host/b");
	CHECK_STR(m.target, "/ctr/x");
	CHECK(m.readonly);
	CHECK_STR(m.mode, "ro");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_volume, "/h:/c:rw,rshared,z", &m, &err) == 0);
	CHECK(!m.readonly);
	CHECK_STR(m.options, "rshared");
	CHECK_STR(m.mode, "rw,rshared,z");
	run_mount_free(&m);

	/* The CLI makes ./ sources absolute. */
	CHECK(getcwd(cwd, sizeof(cwd)));
	want = xasprintf("%s/sub", cwd);
	CHECK(parse(run_mount_parse_volume, "./sub/:/c", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_BIND);
	CHECK_STR(m.source, want);
	run_mount_free(&m);
}

TEST(mounts_volume_volumes)
{
	struct run_mount m;
	md_error err;

	CHECK(parse(run_mount_parse_volume, "data_1.x-y:/data", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_VOLUME);
	CHECK_STR(m.source, "data_1.x-y");
	CHECK_STR(m.target, "/data");
	CHECK(!m.options);
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_volume, "v2:/data:ro,nocopy", &m, &err) == 0);
	CHECK(m.readonly);
	CHECK_STR(m.options, "nocopy");
	run_mount_free(&m);

	/* A target alone: an anonymous volume. */
	CHECK(parse(run_mount_parse_volume, "/data/", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_VOLUME);
	CHECK(!m.source);
	CHECK_STR(m.target, "/data");
	run_mount_free(&m);
}

struct bad_case {
	const char *arg;
	const char *msg;
};

static int check_bad(parse_fn fn, const struct bad_case *c, size_t n)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct run_mount m = { 0 };
		md_error err;

		if (parse(fn, c[i].arg, &m, &err) == 0) {
			fprintf(stderr, "  `%s`: taken\n", c[i].arg);
			run_mount_free(&m);
			failed = 1;
		} else if (strcmp(err.msg, c[i].msg) != 0) {
			fprintf(stderr, "  `%s`:\n    got  %s\n    want %s\n", c[i].arg, err.msg,
				c[i].msg);
			failed = 1;
		}
	}
	return failed;
}

static const struct bad_case bad_volumes[] = {
	{ "", "invalid volume specification: ''" },
	{ ":/x", "invalid volume specification: ':/x'" },
	{ "a:/b:ro:x", "invalid volume specification: 'a:/b:ro:x'" },
	{ "/ctr:ro", "invalid volume specification: '/ctr:ro'" },
	{ "/a:/b:xx", "invalid mode: xx" },
	{ "/a:/b:ro,rw", "invalid mode: ro,rw" },
	{ "/a:/b:ro,", "invalid mode: ro," },
	{ "/a:/b:shared,slave", "invalid mode: shared,slave" },
	{ "vol:rel", "invalid volume specification: 'vol:rel': invalid mount config for type "
		     "\"volume\": invalid mount path: 'rel' mount path must be absolute" },
	{ "/a:/", "invalid volume specification: '/a:/': invalid mount config for type \"bind\": "
		  "invalid specification: destination can't be '/'" },
	{ "/a::ro", "invalid volume specification: '/a::ro': invalid mount config for type "
		    "\"bind\": field Target must not be empty" },
	{ "/a:/b:nocopy", "invalid volume specification: '/a:/b:nocopy': invalid mount config "
			  "for type \"bind\": field VolumeOptions must not be specified" },
	{ "vol:/b:rshared", "invalid volume specification: 'vol:/b:rshared': invalid mount "
			    "config for type \"volume\": field BindOptions must not be specified" },
	{ "a:/b", "create a: volume name is too short, names should be at least two "
		  "alphanumeric characters" },
	{ "foo/bar:/b", "create foo/bar: \"foo/bar\" includes invalid characters for a local "
			"volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you "
			"intended to pass a host directory, use absolute path" },
	{ "_x:/b", "create _x: \"_x\" includes invalid characters for a local volume name, only "
		   "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
		   "directory, use absolute path" },
};

TEST(mounts_volume_errors)
{
	CHECK(!check_bad(run_mount_parse_volume, bad_volumes, ARRAY_SIZE(bad_volumes)));
}

TEST(mounts_mount_types)
{
	struct run_mount m;
	md_error err;

	CHECK(parse(run_mount_parse_mount, "type=bind,source=/a,target=/b", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_BIND);
	CHECK_STR(m.source, "/a");
	CHECK_STR(m.target, "/b");
	CHECK(!m.readonly && !m.create_source && !m.options);
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount,
		    "Type=BIND,src=/a,dst=/b,readonly,bind-propagation=RSlave", &m, &err) == 0);
	CHECK(m.readonly);
	CHECK_STR(m.options, "rslave");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount, "type=bind,src=/a,destination=/b,ro=false", &m, &err) ==
	      0);
	CHECK(!m.readonly);
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount, "type=volume,source=v1,target=/data,volume-nocopy", &m,
		    &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_VOLUME);
	CHECK_STR(m.source, "v1");
	CHECK_STR(m.options, "nocopy");
	run_mount_free(&m);

	/* The type defaults to volume; no source: anonymous. */
	CHECK(parse(run_mount_parse_mount, "target=/data,volume-nocopy=false", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_VOLUME);
	CHECK(!m.source && !m.options);
	run_mount_free(&m);

	/* Quoted fields, as encoding/csv reads them. */
	CHECK(parse(run_mount_parse_mount, "\"type=bind\",\"src=/a,\"\"b\",dst=/c", &m, &err) == 0);
	CHECK_STR(m.source, "/a,\"b");
	run_mount_free(&m);
}

TEST(mounts_mount_tmpfs)
{
	struct run_mount m;
	md_error err;

	CHECK(parse(run_mount_parse_mount, "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770", &m,
		    &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_TMPFS);
	CHECK(!m.source);
	CHECK_STR(m.options, "mode=1770,size=64m");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount, "type=tmpfs,dst=/t,tmpfs-size=1000,ro", &m, &err) == 0);
	CHECK_STR(m.options, "ro,size=1000");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount, "type=tmpfs,dst=/t,tmpfs-size=1.5g", &m, &err) == 0);
	CHECK_STR(m.options, "size=1536m");
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_mount, "type=tmpfs,dst=/t", &m, &err) == 0);
	CHECK(!m.options);
	run_mount_free(&m);
}

#define MOUNT_ARG(a) "invalid argument \"" a "\" for \"--mount\" flag: "
#define CONFIG(t) "invalid mount config for type \"" t "\": "

static const struct bad_case bad_mounts[] = {
	{ "", MOUNT_ARG("") "EOF" },
	{ "type=bind,src=/a", MOUNT_ARG("type=bind,src=/a") "target is required" },
	{ "type=,dst=/a", MOUNT_ARG("type=,dst=/a") "type is required" },
	{ "foo", MOUNT_ARG("foo") "invalid field 'foo' must be a key=value pair" },
	{ "dst=/a,", MOUNT_ARG("dst=/a,") "invalid field '' must be a key=value pair" },
	{ "dst=/a,foo=bar", MOUNT_ARG("dst=/a,foo=bar") "unexpected key 'foo' in 'foo=bar'" },
	{ "dst=/a,ro=maybe", MOUNT_ARG("dst=/a,ro=maybe") "invalid value for ro: maybe" },
	{ "dst=/a,volume-nocopy=2",
	  MOUNT_ARG("dst=/a,volume-nocopy=2") "invalid value for volume-nocopy: 2" },
	{ "type=tmpfs,dst=/a,tmpfs-size=lots",
	  MOUNT_ARG("type=tmpfs,dst=/a,tmpfs-size=lots") "invalid value for tmpfs-size: lots" },
	{ "type=tmpfs,dst=/a,tmpfs-mode=9",
	  MOUNT_ARG("type=tmpfs,dst=/a,tmpfs-mode=9") "invalid value for tmpfs-mode: 9" },
	{ "type=tmpfs,dst=/x,bind-propagation=shared",
	  MOUNT_ARG("type=tmpfs,dst=/x,bind-propagation=shared") "cannot mix 'bind-*' options with "
								 "mount type 'tmpfs'" },
	{ "type=bind,src=/a,dst=/x,volume-nocopy",
	  MOUNT_ARG("type=bind,src=/a,dst=/x,volume-nocopy") "cannot mix 'volume-*' options with "
							     "mount type 'bind'" },
	{ "type=volume,dst=/x,tmpfs-size=1m",
	  MOUNT_ARG("type=volume,dst=/x,tmpfs-size=1m") "cannot mix 'tmpfs-*' options with mount "
							"type 'volume'" },
	{ "type=bind,src=/a\"b,dst=/c",
	  MOUNT_ARG("type=bind,src=/a\"b,dst=/c") "parse error on line 1: bare \" in "
						  "non-quoted-field" },
	{ "type=bind,dst=/b", CONFIG("bind") "field Source must not be empty" },
	{ "type=bind,src=rel,dst=/b", CONFIG("bind") "invalid mount path: 'rel' mount path must be "
						     "absolute" },
	{ "type=bind,src=/a,dst=/b,bind-propagation=bogus", CONFIG("bind") "invalid propagation "
									   "mode: bogus" },
	{ "type=bind,src=/a,dst=b", CONFIG("bind") "invalid mount path: 'b' mount path must be "
						   "absolute" },
	{ "type=volume,dst=/b,ro", CONFIG("volume") "must not set ReadOnly mode when using "
						    "anonymous volumes" },
	{ "type=tmpfs,src=x,dst=/b", CONFIG("tmpfs") "field Source must not be specified" },
	{ "type=tmpfs,dst=/", CONFIG("tmpfs") "invalid specification: destination can't be '/'" },
	{ "type=foo,dst=/b", CONFIG("foo") "mount type unknown" },
};

TEST(mounts_mount_errors)
{
	CHECK(!check_bad(run_mount_parse_mount, bad_mounts, ARRAY_SIZE(bad_mounts)));
}

TEST(mounts_tmpfs_flag)
{
	struct run_mount m;
	md_error err;

	CHECK(parse(run_mount_parse_tmpfs, "/run", &m, &err) == 0);
	CHECK_INT(m.type, RUN_MOUNT_TMPFS);
	CHECK_STR(m.target, "/run");
	CHECK(!m.source && !m.options && !m.mode);
	run_mount_free(&m);

	CHECK(parse(run_mount_parse_tmpfs, "/run/:rw,size=64m,exec", &m, &err) == 0);
	CHECK_STR(m.target, "/run");
	CHECK_STR(m.options, "rw,size=64m,exec");
	run_mount_free(&m);
}

static const struct bad_case bad_tmpfs[] = {
	{ "/:size=1m", "invalid specification: destination can't be '/'" },
	{ "run", "invalid mount path: 'run' mount path must be absolute" },
	{ "", "invalid mount path: '' mount path must be absolute" },
	{ "/x:foo", "invalid tmpfs option [\"foo\"]" },
	{ "/x:bad=1", "invalid tmpfs option [\"bad\" \"1\"]" },
	{ "/x:size=1m,", "invalid tmpfs option [\"\"]" },
};

TEST(mounts_tmpfs_errors)
{
	CHECK(!check_bad(run_mount_parse_tmpfs, bad_tmpfs, ARRAY_SIZE(bad_tmpfs)));
}

static char *joined(char **v)
{
	char *s = xstrdup("");

	for (size_t i = 0; v && v[i]; i++) {
		char *more = xasprintf("%s%s%s", s, i ? "," : "", v[i]);

		free(s);
		s = more;
	}
	return s;
}

static int tmpfs_opts(const char *in, const char *want)
{
	cleanup_strv char **v = NULL;
	cleanup_free char *got = NULL;
	md_error err;

	if (run_mount_tmpfs_options(in, &v, &err) < 0) {
		fprintf(stderr, "  `%s`: %s\n", in, err.msg);
		return 1;
	}
	got = joined(v);
	if (strcmp(got, want) == 0)
		return 0;
	fprintf(stderr, "  `%s`: got %s, want %s\n", in ? in : "(null)", got, want);
	return 1;
}

/* Docker's MergeTmpfsOptions: its defaults first, the last of a kind wins. */
TEST(mounts_tmpfs_options_merge)
{
	CHECK(!tmpfs_opts(NULL, "noexec,nosuid,nodev,rprivate"));
	CHECK(!tmpfs_opts("", "noexec,nosuid,nodev,rprivate"));
	CHECK(!tmpfs_opts("exec,size=1m", "nosuid,nodev,rprivate,exec,size=1m"));
	CHECK(!tmpfs_opts("size=1m,rw,noexec,size=2m,mode=700,shared",
			  "nosuid,nodev,rw,noexec,size=2m,mode=700,shared"));
	CHECK(!tmpfs_opts("defaults,ro,uid=1,gid=2,nr_inodes=9",
			  "noexec,nosuid,nodev,rprivate,ro,uid=1,gid=2,nr_inodes=9"));
}

TEST(mounts_duplicates)
{
	struct run_mount m[3];
	md_error err;

	CHECK(parse(run_mount_parse_volume, "/a:/x", &m[0], &err) == 0);
	CHECK(parse(run_mount_parse_tmpfs, "/y", &m[1], &err) == 0);
	CHECK(parse(run_mount_parse_mount, "type=volume,dst=/x/", &m[2], &err) == 0);
	CHECK(run_mounts_check(m, 2, &err) == 0);
	CHECK(run_mounts_check(m, 3, &err) < 0);
	CHECK_STR(err.msg, "Duplicate mount point: /x");
	for (int i = 0; i < 3; i++)
		run_mount_free(&m[i]);
}

TEST(mounts_inspect)
{
	struct run_mount m[4];
	md_error err;
	cleanup_json json_object *a = NULL;

	CHECK(parse(run_mount_parse_volume, "/a:/x:ro,z", &m[0], &err) == 0);
	CHECK(parse(run_mount_parse_volume, "vol:/v", &m[1], &err) == 0);
	CHECK(parse(run_mount_parse_tmpfs, "/t", &m[2], &err) == 0);
	CHECK(parse(run_mount_parse_mount, "type=tmpfs,dst=/m", &m[3], &err) == 0);
	a = run_mounts_inspect("/root", m, 4);
	CHECK_STR(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE),
		  "[{\"Type\":\"bind\",\"Source\":\"/a\",\"Destination\":\"/x\",\"Mode\":\"ro,z\","
		  "\"RW\":false,\"Propagation\":\"rprivate\"},"
		  "{\"Type\":\"volume\",\"Name\":\"vol\",\"Source\":\"/root/volumes/vol/_data\","
		  "\"Destination\":\"/v\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":true,"
		  "\"Propagation\":\"\"},"
		  "{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/m\",\"Mode\":\"\","
		  "\"RW\":true,\"Propagation\":\"\"}]");
	for (int i = 0; i < 4; i++)
		run_mount_free(&m[i]);
}
