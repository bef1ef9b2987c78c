/* SPDX-License-Identifier: Apache-2.0 */
/* engine/volumes/volumes.c and run_mounts_prepare (engine/containers/
 * mounts.c) in a scratch root: create, find, list, in use by a record,
 * remove, prune and its count; the host side of binds, volumes and tmpfs,
 * the first-use copy of an image's directory, and a symlink in the image
 * that must not lead the copy out of its rootfs. */
#include "unit.h"

#include "engine/containers/mounts.h"
#include "engine/volumes/volumes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct scratch {
	char top[40];
	char *root;
};

static void scratch_free(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", s->top);
	free(s->root);
}

static int scratch_open(struct scratch *s)
{
	snprintf(s->top, sizeof(s->top), "/tmp/md-volumes-test.XXXXXX");
	if (!mkdtemp(s->top))
		return -1;
	s->root = xasprintf("%s/root", s->top);
	return 0;
}

/* Run the steps of a test in a scratch dir of its own, removed after
 * them; whether they failed. */
static int in_scratch(void (*steps)(struct scratch *s, int *unit_failed))
{
	struct scratch s = { 0 };
	int failed = 0;

	if (scratch_open(&s) < 0)
		return 1;
	steps(&s, &failed);
	scratch_free(&s);
	return failed;
}

/* A file under the scratch dir, its parents made. */
static int put(const struct scratch *s, const char *rel, const char *data)
{
	cleanup_free char *path = xasprintf("%s/%s", s->top, rel);
	cleanup_free char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	if (md_mkdir_p(dir, 0755, NULL) < 0)
		return -1;
	return md_write_file_atomic(path, data, strlen(data), 0644, NULL);
}

static bool exists(const struct scratch *s, const char *rel)
{
	cleanup_free char *path = xasprintf("%s/%s", s->top, rel);
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A container record that mounts the volume name. */
static int put_record(const struct scratch *s, const char *id, const char *name)
{
	cleanup_free char *rel = xasprintf("root/containers/%s/container.json", id);
	cleanup_free char *doc = xasprintf("{\"Id\":\"%s\",\"Mounts\":[{\"Type\":\"bind\","
					   "\"Source\":\"/x\"},{\"Type\":\"volume\",\"Name\":"
					   "\"%s\"}]}",
					   id, name);

	return put(s, rel, doc);
}

static void create_steps(struct scratch *s, int *unit_failed)
{
	char a[] = "a=1", b[] = "b";
	char *labels[] = { a, b, NULL };
	struct volume v = { 0 };
	cleanup_json json_object *doc = NULL;
	cleanup_strv char **names = NULL;
	md_error err = { 0 };

	CHECK(volume_create(s->root, "v1", labels, &v, &err) == 0);
	CHECK(v.created);
	CHECK_STR(json_object_get_string(md_json_member(v.doc, "Driver")), "local");
	volume_free(&v);
	CHECK(exists(s, "root/volumes/v1/_data"));
	CHECK(volume_load(s->root, "v1", &doc, &err) == 0);
	CHECK_STR(md_json_string(doc, "Name"), "v1");
	CHECK_STR(md_json_string(doc, "Scope"), "local");
	CHECK(strstr(md_json_string(doc, "Mountpoint"), "/root/volumes/v1/_data"));
	CHECK_STR(md_json_string(md_json_member(doc, "Labels"), "a"), "1");
	CHECK_STR(md_json_string(md_json_member(doc, "Labels"), "b"), "");
	CHECK(json_object_is_type(md_json_member(doc, "Options"), json_type_object));

	/* Again: found, not made. */
	CHECK(volume_create(s->root, "v1", NULL, &v, &err) == 0);
	CHECK(!v.created);
	volume_free(&v);

	CHECK(volume_create(s->root, NULL, NULL, &v, &err) == 0);
	CHECK_INT(strlen(v.name), 64);
	CHECK(md_json_member(md_json_member(v.doc, "Labels"), VOLUME_ANON_LABEL));
	volume_free(&v);

	CHECK(volume_create(s->root, "v10", NULL, &v, &err) == 0);
	volume_free(&v);
	CHECK(volume_create(s->root, "v2", NULL, &v, &err) == 0);
	volume_free(&v);
	CHECK(volume_list(s->root, &names, &err) == 0);
	CHECK_INT(md_strv_len(names), 4);
	CHECK_STR(names[1], "v1");
	CHECK_STR(names[2], "v2");
	CHECK_STR(names[3], "v10");

	CHECK(volume_create(s->root, "a/b", NULL, &v, &err) < 0);
	CHECK(strstr(err.msg, "includes invalid characters"));
	CHECK(volume_load(s->root, "nosuch", &doc, &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
	CHECK_STR(err.msg, "get nosuch: no such volume");
	CHECK(volume_load(s->root, "../root", &doc, &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
}

TEST(volumes_create_list_load)
{
	CHECK(!in_scratch(create_steps));
}

static void remove_steps(struct scratch *s, int *unit_failed)
{
	struct volume v = { 0 };
	cleanup_strv char **ids = NULL;
	cleanup_strv char **names = NULL;
	md_error err = { 0 };

	CHECK(volume_create(s->root, "used", NULL, &v, &err) == 0);
	volume_free(&v);
	CHECK(volume_create(s->root, "free", NULL, &v, &err) == 0);
	volume_free(&v);
	CHECK(put(s, "root/volumes/free/_data/d/f", "data") == 0);
	CHECK(put_record(s, "c1", "used") == 0);
	CHECK(put_record(s, "c2", "used") == 0);
	CHECK(put(s, "root/containers/c3/container.json", "not json") == 0);

	CHECK(volume_users(s->root, "used", &ids, &err) == 0);
	CHECK_INT(md_strv_len(ids), 2);
	CHECK(volume_remove(s->root, "used", &err) < 0);
	CHECK_INT(err.errnum, EBUSY);
	CHECK(strstr(err.msg, "remove used: volume is in use - [c"));
	CHECK(strstr(err.msg, ", c"));

	CHECK(volume_remove(s->root, "free", &err) == 0);
	CHECK(!exists(s, "root/volumes/free"));
	CHECK(volume_remove(s->root, "free", &err) < 0);
	CHECK_INT(err.errnum, ENOENT);
	CHECK(volume_list(s->root, &names, &err) == 0);
	CHECK_INT(md_strv_len(names), 1);
}

TEST(volumes_remove_in_use)
{
	CHECK(!in_scratch(remove_steps));
}

static void prune_steps(struct scratch *s, int *unit_failed)
{
	struct volume anon = { 0 }, anon_used = { 0 }, named = { 0 };
	cleanup_strv char **removed = NULL;
	cleanup_free char *f = NULL, *hard = NULL, *rel = NULL;
	uint64_t bytes;
	md_error err = { 0 };

	CHECK(volume_create(s->root, NULL, NULL, &anon, &err) == 0);
	CHECK(volume_create(s->root, NULL, NULL, &anon_used, &err) == 0);
	CHECK(volume_create(s->root, "named", NULL, &named, &err) == 0);
	CHECK(put_record(s, "c1", anon_used.name) == 0);
	/* 10 bytes, and a hard link to them that counts once. */
	rel = xasprintf("root/volumes/%s/_data/sub/f", anon.name);
	CHECK(put(s, rel, "0123456789") == 0);
	f = xasprintf("%s/sub/f", anon.mountpoint);
	hard = xasprintf("%s/g", anon.mountpoint);
	CHECK(link(f, hard) == 0);
	CHECK(volume_dir_size(anon.mountpoint) == 10);

	CHECK(volume_prune(s->root, false, &removed, &bytes, &err) == 0);
	CHECK_INT(md_strv_len(removed), 1);
	CHECK_STR(removed[0], anon.name);
	CHECK_INT(bytes, 10);
	md_strv_free(TAKE_PTR(removed));

	CHECK(volume_prune(s->root, true, &removed, &bytes, &err) == 0);
	CHECK_INT(md_strv_len(removed), 1);
	CHECK_STR(removed[0], "named");
	CHECK_INT(bytes, 0);
	md_json_putp(&anon_used.doc);
	CHECK(volume_load(s->root, anon_used.name, &anon_used.doc, &err) == 0);
	volume_free(&anon);
	volume_free(&anon_used);
	volume_free(&named);
}

TEST(volumes_prune)
{
	CHECK(!in_scratch(prune_steps));
}

/* An image's tree: /etc with files, a subdirectory, a symlink, its own
 * mode; /data a symlink to /etc (resolved inside the rootfs); /evil an
 * absolute symlink to a host directory next to the rootfs. */
static int make_rootfs(const struct scratch *s)
{
	cleanup_free char *etc = xasprintf("%s/rootfs/etc", s->top);
	cleanup_free char *data = xasprintf("%s/rootfs/data", s->top);
	cleanup_free char *evil = xasprintf("%s/rootfs/evil", s->top);
	cleanup_free char *secret = xasprintf("%s/secret", s->top);
	cleanup_free char *l = xasprintf("%s/rootfs/etc/l", s->top);

	if (put(s, "rootfs/etc/a", "A") < 0 || put(s, "rootfs/etc/sub/b", "B") < 0 ||
	    put(s, "secret/key", "K") < 0)
		return -1;
	if (symlink("a", l) < 0 || symlink("/etc", data) < 0 || symlink(secret, evil) < 0 ||
	    chmod(etc, 0750) < 0 || chown(etc, 0, 12) < 0)
		return -1;
	return 0;
}

static const char *plain(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void prepare_steps(struct scratch *s, int *unit_failed)
{
	cleanup_free char *rootfs = xasprintf("%s/rootfs", s->top);
	cleanup_free char *spec = xasprintf("%s/newdir:/mnt/b:ro", s->top);
	cleanup_free char *missing = xasprintf("type=bind,src=%s/nosuch,dst=/b", s->top);
	struct run_mount m[6];
	cleanup_json json_object *oci = NULL;
	cleanup_strv char **names = NULL;
	struct stat st;
	md_error err = { 0 };

	CHECK(make_rootfs(s) == 0);
	CHECK(run_mount_parse_volume(spec, &m[0], &err) == 0);
	CHECK(run_mount_parse_volume("copied:/data", &m[1], &err) == 0);
	CHECK(run_mount_parse_volume("escape:/evil", &m[2], &err) == 0);
	CHECK(run_mount_parse_volume("nocp:/etc:nocopy", &m[3], &err) == 0);
	CHECK(run_mount_parse_volume("/etc/sub", &m[4], &err) == 0);
	CHECK(run_mount_parse_tmpfs("/t:size=1m", &m[5], &err) == 0);
	CHECK(run_mounts_prepare(s->root, m, 6, rootfs, &oci, &names, &err) == 0);

	/* The bind's source was made; ro; Docker's default propagation. */
	CHECK(exists(s, "newdir"));
	CHECK(strstr(plain(json_object_array_get_idx(oci, 0)),
		     "\"type\":\"bind\",\"source\":\"/tmp/md-volumes-test."));
	CHECK(strstr(plain(json_object_array_get_idx(oci, 0)),
		     "\"options\":[\"rbind\",\"ro\",\"rprivate\"]"));
	CHECK(strstr(plain(json_object_array_get_idx(oci, 1)),
		     "/root/volumes/copied/_data\",\"options\":[\"rbind\"]}"));
	/* The image's /etc (through /data -> /etc, inside the rootfs). */
	CHECK(exists(s, "root/volumes/copied/_data/a"));
	CHECK(exists(s, "root/volumes/copied/_data/sub/b"));
	{
		cleanup_free char *l = xasprintf("%s/volumes/copied/_data/l", s->root);
		cleanup_free char *d = xasprintf("%s/volumes/copied/_data", s->root);
		char target[8] = "";

		CHECK(readlink(l, target, sizeof(target) - 1) == 1 && target[0] == 'a');
		CHECK(stat(d, &st) == 0);
		CHECK_INT(st.st_mode & 07777, 0750);
		CHECK_INT(st.st_gid, 12);
	}
	/* /evil leads to a host path: looked up inside the rootfs, where it
	 * is not; nothing copied. */
	CHECK(!exists(s, "root/volumes/escape/_data/key"));
	CHECK(exists(s, "root/volumes/escape/_data"));
	CHECK(!exists(s, "root/volumes/nocp/_data/a"));
	CHECK(m[4].source && strlen(m[4].source) == 64);
	CHECK(exists(s, "root/volumes/copied/_data/sub/b"));
	CHECK_INT(md_strv_len(names), 4);
	CHECK_STR(names[0], "copied");
	CHECK_STR(names[3], m[4].source);
	CHECK_STR(plain(json_object_array_get_idx(oci, 5)),
		  "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"
		  "[\"noexec\",\"nosuid\",\"nodev\",\"rprivate\",\"size=1m\"]}");
	for (int i = 0; i < 6; i++)
		run_mount_free(&m[i]);
	md_json_putp(&oci);

	/* A volume that has content is not filled again. */
	CHECK(put(s, "rootfs/etc/new", "N") == 0);
	CHECK(run_mount_parse_volume("copied:/etc", &m[0], &err) == 0);
	CHECK(run_mounts_prepare(s->root, m, 1, rootfs, &oci, NULL, &err) == 0);
	run_mount_free(&m[0]);
	CHECK(!exists(s, "root/volumes/copied/_data/new"));

	/* --mount's bind wants its source. */
	CHECK(run_mount_parse_mount(missing, &m[0], &err) == 0);
	CHECK(run_mounts_prepare(s->root, m, 1, rootfs, NULL, NULL, &err) < 0);
	CHECK(strstr(err.msg, "invalid mount config for type \"bind\": bind source path does not "
			      "exist: "));
	run_mount_free(&m[0]);
}

/* Anonymous volumes named before the record, made with the label. */
static void named_steps(struct scratch *s, int *unit_failed)
{
	struct run_mount m[2];
	cleanup_json json_object *doc = NULL;
	md_error err = { 0 };

	CHECK(run_mount_parse_volume("/anon", &m[0], &err) == 0);
	CHECK(run_mount_parse_volume("named:/n", &m[1], &err) == 0);
	CHECK(run_mounts_name(m, 2, &err) == 0);
	CHECK(m[0].anonymous && strlen(m[0].source) == 64);
	CHECK(!m[1].anonymous);
	CHECK_STR(m[1].source, "named");
	CHECK(run_mounts_prepare(s->root, m, 2, NULL, NULL, NULL, &err) == 0);
	CHECK(volume_load(s->root, m[0].source, &doc, &err) == 0);
	CHECK(md_json_member(md_json_member(doc, "Labels"), VOLUME_ANON_LABEL));
	md_json_putp(&doc);
	CHECK(volume_load(s->root, "named", &doc, &err) == 0);
	CHECK(!md_json_member(doc, "Labels"));
	run_mount_free(&m[0]);
	run_mount_free(&m[1]);
}

TEST(mounts_name_anonymous)
{
	CHECK(!in_scratch(named_steps));
}

TEST(mounts_prepare)
{
	CHECK(!in_scratch(prepare_steps));
}
