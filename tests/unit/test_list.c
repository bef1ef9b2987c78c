/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/list.c: ps's filters as Docker's daemon reads and
 * applies them (errors, OR within a key, AND across keys and labels),
 * -a / -n / status= over a scratch store, and the sizes of -s. */
#include "unit.h"

#include "engine/containers/list.h"
#include "util/cleanup.h"
#include "util/remove.h"
#include "util/util.h"

#include <stdlib.h>
#include <unistd.h>

#define IMG "sha256:2222222222222222222222222222222222222222222222222222222222222222"

/* A record in memory: id "<c> x 64", name, labels, state. */
static void fake(struct container_record *r, char c, const char *name, const char *status,
		 int exit_code)
{
	memset(r, 0, sizeof(*r));
	memset(r->id, c, RECORD_ID_LEN);
	r->name = xstrdup(name);
	r->image = xstrdup(IMG);
	r->created = xasprintf("2024-01-01T00:00:%02d.000000000Z", c - 'a');
	md_strv_push(&r->config.labels, "app=web");
	md_strv_push(&r->config.labels, "tier=");
	r->state.status = strcmp(status, "running") == 0  ? CONTAINER_RUNNING
			  : strcmp(status, "exited") == 0 ? CONTAINER_EXITED
							  : CONTAINER_CREATED;
	if (r->state.status != CONTAINER_CREATED)
		snprintf(r->state.started_at, sizeof(r->state.started_at), "%s", r->created);
	r->state.exit_code = exit_code;
}

/* Whether f (its filters as given) matches r. */
static bool matches(const char *const *filters, const struct container_record *r)
{
	struct list_filter f = { 0 };
	md_error err;
	bool m;

	for (size_t i = 0; filters[i]; i++)
		if (list_filter_add(&f, filters[i], &err) < 0) {
			fprintf(stderr, "  %s: %s\n", filters[i], err.msg);
			list_filter_free(&f);
			return false;
		}
	m = list_filter_match(&f, r);
	list_filter_free(&f);
	return m;
}

TEST(list_filter_errors)
{
	static const struct {
		const char *kv, *want;
	} cases[] = {
		{ "status", "bad format of filter (expected name=value)" },
		{ "color=red", "invalid filter 'color'" },
		{ "status=sleeping", "invalid filter 'status=sleeping'" },
		{ "exited=x", "strconv.Atoi: parsing \"x\": invalid syntax" },
		{ "exited=", "strconv.Atoi: parsing \"\": invalid syntax" },
		{ "exited=99999999999",
		  "strconv.Atoi: parsing \"99999999999\": value out of range" },
		{ "health=fine", "Unrecognised filter value for health: fine" },
	};
	struct list_filter f = { 0 };
	md_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(list_filter_add(&f, cases[i].kv, &err) < 0);
		CHECK_STR(err.msg, cases[i].want);
	}
	CHECK(list_filter_add(&f, "status=paused", &err) == 0);
	CHECK(list_filter_add(&f, "exited=-1", &err) == 0);
	CHECK(list_filter_add(&f, "name=[", &err) == 0); /* matches nothing, as Docker */
	list_filter_free(&f);
}

TEST(list_filter_match)
{
	struct container_record web, db;

	fake(&web, 'a', "web1", "running", 0);
	fake(&db, 'b', "db", "exited", 3);
	CHECK(matches((const char *[]){ NULL }, &web));
	CHECK(matches((const char *[]){ "name=web", NULL }, &web));
	CHECK(matches((const char *[]){ "name=^/web1$", NULL }, &web));
	CHECK(matches((const char *[]){ "name=^web1$", NULL }, &web));
	CHECK(!matches((const char *[]){ "name=^eb", NULL }, &web));
	CHECK(!matches((const char *[]){ "name=[", NULL }, &web));
	CHECK(matches((const char *[]){ "name=nope", "name=db", NULL }, &db)); /* OR */
	CHECK(matches((const char *[]){ "id=aaaa", NULL }, &web));
	CHECK(!matches((const char *[]){ "id=aaab", NULL }, &web));
	CHECK(matches((const char *[]){ "status=exited", "status=running", NULL }, &db));
	CHECK(!matches((const char *[]){ "status=exited", "name=web", NULL }, &db)); /* AND */
	CHECK(matches((const char *[]){ "exited=3", NULL }, &db));
	CHECK(!matches((const char *[]){ "exited=0", NULL }, &web)); /* running */
	CHECK(matches((const char *[]){ "label=app", "label=tier=", NULL }, &web));
	CHECK(!matches((const char *[]){ "label=app=web", "label=app=db", NULL }, &web));
	CHECK(!matches((const char *[]){ "label=ap", NULL }, &web));
	CHECK(matches((const char *[]){ "health=none", NULL }, &web));
	web.state.health = json_tokener_parse("{\"Status\":\"unhealthy\"}");
	CHECK(matches((const char *[]){ "health=unhealthy", "status=running", NULL }, &web));
	web.state.paused = true;
	CHECK(matches((const char *[]){ "status=paused", NULL }, &web));
	CHECK(!matches((const char *[]){ "status=running", NULL }, &web));
	records_free(&web);
	records_free(&db);
}

/* Whether the labels in want (comma-separated) are all among labels. */
static bool labels_match(const char *want, char *const *labels)
{
	cleanup_free char *copy = xstrdup(want);
	cleanup_strv char **v = NULL;
	char *save = NULL;

	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		md_strv_push(&v, w);
	return list_labels_match(v, labels);
}

TEST(list_labels_match)
{
	cleanup_strv char **labels = NULL;

	md_strv_push(&labels, "a=1");
	md_strv_push(&labels, "b=");
	md_strv_push(&labels, "c=x=y");
	CHECK(list_labels_match(NULL, labels));
	CHECK(labels_match("a,b", labels));
	CHECK(labels_match("a=1,b=,c=x=y", labels));
	CHECK(!labels_match("a=2", labels));
	CHECK(!labels_match("d", labels));
	CHECK(!labels_match("a", NULL));
}

/* A scratch store with a (created), b (exited 0), c (exited 3), d
 * (running), e (created), newest last. */
static char *store_of_five(void)
{
	static const char *const states[] = { "created", "exited", "exited", "running", "created" };
	char tmpl[] = "/tmp/md-list-test.XXXXXX";
	char *root = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
	md_error err;

	for (int i = 0; root && i < 5; i++) {
		struct container_record r;
		cleanup_free char *name = xasprintf("c%d", i);

		fake(&r, (char)('a' + i), name, "created", 0);
		if (records_create(root, &r, &err) < 0 ||
		    (strcmp(states[i], "created") != 0 &&
		     records_set_running(root, r.id, getpid(), &err) < 0) ||
		    (strcmp(states[i], "exited") == 0 &&
		     records_set_exited(root, r.id, i == 2 ? 3 : 0, false, &err) < 0)) {
			fprintf(stderr, "  %s\n", err.msg);
			records_free(&r);
			return NULL;
		}
		records_free(&r);
	}
	return root;
}

/* Whether engine_list returns for r the names want (joined with spaces). */
static bool names_are(const struct list_request *r, const char *want)
{
	struct container_record *list;
	size_t n;
	md_error err;
	char *out = xstrdup("");

	bool same;

	if (engine_list(r, &list, &n, &err) < 0) {
		free(out);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char *more = xasprintf("%s%s%s", out, i ? " " : "", list[i].name);

		free(out);
		out = more;
	}
	records_list_free(list, n);
	same = strcmp(out, want) == 0;
	if (!same)
		fprintf(stderr, "  got \"%s\", want \"%s\"\n", out, want);
	free(out);
	return same;
}

TEST(list_all_last_and_filters)
{
	char *root = store_of_five();
	struct list_filter f = { 0 }, g = { 0 };
	md_error err;

	CHECK(root);
	CHECK(names_are(&(struct list_request){ .root = root }, "c3"));
	CHECK(names_are(&(struct list_request){ .root = root, .all = true }, "c4 c3 c2 c1 c0"));
	CHECK(names_are(&(struct list_request){ .root = root, .last = 2 }, "c4 c3"));
	CHECK(list_filter_add(&f, "status=exited", &err) == 0);
	CHECK(names_are(&(struct list_request){ .root = root, .filter = &f }, "c2 c1"));
	CHECK(names_are(&(struct list_request){ .root = root, .filter = &f, .last = 1 }, "c2"));
	CHECK(list_filter_add(&g, "exited=3", &err) == 0);
	CHECK(names_are(&(struct list_request){ .root = root, .filter = &g }, ""));
	CHECK(names_are(&(struct list_request){ .root = root, .filter = &g, .all = true }, "c2"));
	list_filter_free(&f);
	list_filter_free(&g);
	md_remove_tree(root, &err);
	free(root);
}

TEST(list_sizes)
{
	char *root = store_of_five();
	struct container_record *list;
	size_t n;
	int64_t rw[5], rootfs[5];
	md_error err;
	cleanup_free char *file = NULL;

	CHECK(root);
	file = xasprintf("%s/containers/%.64s/upper/f", root,
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK(md_write_file_atomic(file, "12345", 5, 0644, &err) == 0);
	CHECK(engine_list(&(struct list_request){ .root = root, .all = true }, &list, &n, &err) ==
	      0);
	CHECK_INT(n, 5);
	CHECK(engine_list_sizes(root, list, n, rw, rootfs, &err) == 0);
	CHECK_INT(rw[4], 5);     /* c0, the oldest */
	CHECK_INT(rootfs[4], 5); /* its image is not in the store */
	CHECK_INT(rw[0], 0);
	records_list_free(list, n);
	md_remove_tree(root, &err);
	free(root);
}
