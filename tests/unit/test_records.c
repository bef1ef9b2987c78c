/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/records.c in a scratch store: create, load, names
 * (Docker's rule, unique, random), lookup by id, name and prefix, state
 * updates, the list, the images in use, removal of a whole tree, the
 * inspect object; util/remove.c on a tree with odd entries. */
#include "unit.h"

#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/remove.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define IMG "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static char *scratch(void)
{
	char tmpl[] = "/tmp/md-records-test.XXXXXX";

	return mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
}

static void scratch_free(char *dir)
{
	md_error err;

	if (md_remove_tree(dir, &err) < 0)
		fprintf(stderr, "  could not remove %s: %s\n", dir, err.msg);
	free(dir);
}

/* A record with id "<c> repeated 64 times", created later the later c is
 * in the alphabet. */
static int add(const char *root, char c, const char *name)
{
	struct container_record r = { 0 };
	md_error err;
	int ret;

	memset(r.id, c, RECORD_ID_LEN);
	r.name = name ? xstrdup(name) : NULL;
	r.created = xasprintf("2024-01-01T00:00:%02d.000000000Z", c - 'a');
	r.image = xstrdup(IMG);
	r.image_ref = xstrdup("busybox");
	r.path = xstrdup("sh");
	md_strv_push(&r.args, "-c");
	md_strv_push(&r.args, "true");
	md_strv_push(&r.config.env, "A=1");
	md_strv_push(&r.config.labels, "k=v");
	r.config.cmd = xmalloc0(sizeof(char *)); /* [] */
	r.host_config = json_object_new_object();
	json_object_object_add(r.host_config, "AutoRemove", json_object_new_boolean(true));
	ret = records_create(root, &r, &err);
	records_free(&r);
	return ret;
}

TEST(records_names)
{
	CHECK(records_name_valid("ab"));
	CHECK(records_name_valid("/a.b-c_d9"));
	CHECK(!records_name_valid("a"));
	CHECK(!records_name_valid(""));
	CHECK(!records_name_valid("_ab"));
	CHECK(!records_name_valid("a b"));
	CHECK(!records_name_valid("a/b"));
	CHECK(!records_name_valid("é1"));
}

TEST(records_create_load_roundtrip)
{
	char *root = scratch();
	struct container_record r;
	md_error err;
	struct stat st;
	char *p;

	CHECK(root);
	CHECK(add(root, 'a', "web") == 0);
	CHECK(records_load(root, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			   &r, &err) == 0);
	CHECK_STR(r.name, "web");
	CHECK_STR(r.image, IMG);
	CHECK_STR(r.path, "sh");
	CHECK_STR(r.args[1], "true");
	CHECK_STR(r.config.env[0], "A=1");
	CHECK_STR(r.config.labels[0], "k=v");
	CHECK(r.config.cmd && !r.config.cmd[0]); /* [] stays [] */
	CHECK(!r.config.entrypoint);             /* null stays null */
	CHECK(r.state.status == CONTAINER_CREATED);
	CHECK(json_object_get_boolean(json_object_object_get(r.host_config, "AutoRemove")));
	p = records_path(root, r.id, "upper");
	CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
	free(p);
	records_free(&r);
	CHECK(records_load(root, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			   &r, &err) < 0);
	scratch_free(root);
}

TEST(records_name_conflict_and_random)
{
	char *root = scratch();
	struct container_record r;
	md_error err;

	CHECK(root);
	CHECK(add(root, 'a', "web") == 0);
	CHECK(add(root, 'b', "web") < 0);
	CHECK(add(root, 'b', "/web") < 0);
	CHECK(add(root, 'b', "x") < 0);
	CHECK(add(root, 'b', NULL) == 0);
	CHECK(engine_container_find(root, "bbbb", &r, &err) == 0);
	CHECK(r.name && strchr(r.name, '_') && records_name_valid(r.name));
	records_free(&r);
	scratch_free(root);
}

/* The first character of the id that what finds, or 0. */
static char found(const char *root, const char *what)
{
	struct container_record r;
	md_error err;
	char c;

	if (engine_container_find(root, what, &r, &err) < 0)
		return 0;
	c = r.id[0];
	records_free(&r);
	return c;
}

TEST(records_find)
{
	char *root = scratch();
	struct container_record r;
	md_error err;

	CHECK(root);
	CHECK(add(root, 'a', "web") == 0);
	CHECK(add(root, 'b', "db") == 0);
	CHECK(add(root, 'c', "aaaa") == 0);
	CHECK(found(root, "web") == 'a');
	CHECK(found(root, "/db") == 'b');
	CHECK(found(root, "bb") == 'b');
	CHECK(found(root, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc") ==
	      'c');
	/* A name wins over an id prefix, as in Docker. */
	CHECK(found(root, "aaaa") == 'c');
	CHECK(engine_container_find(root, "zz", &r, &err) < 0);
	CHECK(err.errnum == ENOENT);
	CHECK_STR(err.msg, "No such container: zz");
	CHECK(engine_container_find(root, "", &r, &err) < 0);
	CHECK(err.errnum == ENOENT);
	scratch_free(root);
}

TEST(records_find_ambiguous)
{
	char *root = scratch();
	struct container_record r = { 0 };
	md_error err;

	CHECK(root);
	memset(r.id, 'a', RECORD_ID_LEN);
	r.id[63] = 'b';
	r.name = xstrdup("one");
	CHECK(records_create(root, &r, &err) == 0);
	records_free(&r);
	CHECK(add(root, 'a', "two") == 0);
	CHECK(engine_container_find(root, "aaa", &r, &err) < 0);
	CHECK_STR(err.msg, "Multiple IDs found with provided prefix: aaa");
	scratch_free(root);
}

TEST(records_state_list_using)
{
	char *root = scratch();
	char id[RECORD_ID_LEN + 1];
	struct container_record *list, r;
	cleanup_strv char **ids = NULL;
	md_error err;
	size_t n;

	CHECK(root);
	CHECK(add(root, 'a', "old") == 0);
	CHECK(add(root, 'b', "new") == 0);
	memset(id, 'a', RECORD_ID_LEN);
	id[RECORD_ID_LEN] = '\0';
	CHECK(records_set_running(root, id, 42, &err) == 0);
	CHECK(records_load(root, id, &r, &err) == 0);
	CHECK(r.state.status == CONTAINER_RUNNING && r.state.pid == 42 && r.state.started_at[0]);
	records_free(&r);
	CHECK(records_set_exited(root, id, 3, true, &err) == 0);
	CHECK(records_load(root, id, &r, &err) == 0);
	CHECK(r.state.status == CONTAINER_EXITED && r.state.pid == 0);
	CHECK(r.state.exit_code == 3 && r.state.oom_killed && r.state.finished_at[0]);
	records_free(&r);
	CHECK(records_list(root, &list, &n, &err) == 0);
	CHECK_INT(n, 2);
	CHECK_STR(list[0].name, "new");
	CHECK_STR(list[1].name, "old");
	records_list_free(list, n);
	CHECK(engine_containers_using_image(root, IMG, &ids, &err) == 0);
	CHECK_INT(md_strv_len(ids), 2);
	md_strv_free(ids);
	CHECK(engine_containers_using_image(root, "sha256:22", &ids, &err) == 0);
	CHECK(ids && !ids[0]);
	scratch_free(root);
}

TEST(records_remove_tree)
{
	char *root = scratch();
	char id[RECORD_ID_LEN + 1];
	cleanup_free char *upper = NULL, *dir = NULL, *cmd = NULL;
	struct container_record r;
	md_error err;
	struct stat st;

	CHECK(root);
	CHECK(add(root, 'a', "web") == 0);
	memset(id, 'a', RECORD_ID_LEN);
	id[RECORD_ID_LEN] = '\0';
	upper = records_path(root, id, "upper");
	/* Deep, unreadable, a symlink out of the tree and a fifo. */
	cmd = xasprintf("mkdir -p %s/a/b/c && touch %s/a/b/c/f && chmod 000 %s/a/b && "
			"ln -s / %s/out && mkfifo %s/fifo",
			upper, upper, upper, upper, upper);
	CHECK(system(cmd) == 0);
	CHECK(records_remove(root, id, &err) == 0);
	dir = records_dir(root, id);
	CHECK(stat(dir, &st) < 0 && errno == ENOENT);
	CHECK(stat("/etc/passwd", &st) == 0);
	CHECK(engine_container_find(root, "web", &r, &err) < 0);
	CHECK(records_remove(root, id, &err) == 0);
	scratch_free(root);
}

TEST(records_inspect_json)
{
	char *root = scratch();
	struct container_record r;
	json_object *o, *state;
	md_error err;

	CHECK(root);
	CHECK(add(root, 'a', "web") == 0);
	CHECK(engine_container_find(root, "web", &r, &err) == 0);
	o = container_inspect_json(root, &r);
	CHECK_STR(json_object_get_string(json_object_object_get(o, "Name")), "/web");
	CHECK_STR(json_object_get_string(json_object_object_get(o, "Image")), IMG);
	state = json_object_object_get(o, "State");
	CHECK_STR(json_object_get_string(json_object_object_get(state, "Status")), "created");
	CHECK_STR(json_object_get_string(json_object_object_get(state, "StartedAt")),
		  "0001-01-01T00:00:00Z");
	CHECK(json_object_object_get(o, "GraphDriver"));
	CHECK(!json_object_object_get(o, "ImageRef"));
	json_object_put(o);
	records_free(&r);
	scratch_free(root);
}
