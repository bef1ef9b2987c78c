/* SPDX-License-Identifier: Apache-2.0 */
/* ps's filters and limits as Docker's daemon applies them
 * (daemon/list.go: foldFilter, includeContainerInList), sizes, prune. */
#include "engine/containers/list.h"
#include "engine/containers/lifecycle.h"
#include "engine/images/inspect.h"
#include "engine/images/store.h"
#include "engine/volumes/volumes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const filter_keys[] = { "status",   "name",   "id",    "label",
					   "ancestor", "exited", "health" };
/* Docker's state names (container.IsValidStateString). */
static const char *const states[] = { "created", "restarting", "running", "removing",
				      "paused",  "exited",     "dead" };
static const char *const healths[] = { "starting", "healthy", "unhealthy", "none" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* exited=N: Go's strconv.Atoi, and its words. */
static int add_exited(struct list_filter *f, const char *v, md_error *err)
{
	char *end;
	long code;

	errno = 0;
	code = strtol(v, &end, 10);
	if (!*v || *end || v[0] == ' ' || errno || code < -2147483648L || code > 2147483647L)
		return md_error_set(err, 0, "strconv.Atoi: parsing \"%s\": %s", v,
				    errno == ERANGE || (!*end && *v) ? "value out of range"
								     : "invalid syntax");
	f->exited = xrealloc(f->exited, (f->n_exited + 1) * sizeof(*f->exited));
	f->exited[f->n_exited++] = (int)code;
	return 0;
}

/* name=: Docker's regular expression, compiled once. One that does not
 * compile matches nothing (Docker skips it). */
static void add_name(struct list_filter *f, const char *v)
{
	size_t n = md_strv_len(f->name);

	f->name_re = xrealloc(f->name_re, (n + 1) * sizeof(*f->name_re));
	f->name_ok = xrealloc(f->name_ok, (n + 1) * sizeof(*f->name_ok));
	f->name_ok[n] = regcomp(&f->name_re[n], v, REG_EXTENDED | REG_NOSUB) == 0;
	md_strv_push(&f->name, v);
}

int list_filter_add(struct list_filter *f, const char *kv, md_error *err)
{
	const char *eq = strchr(kv, '='), *v;
	cleanup_free char *key = NULL;

	if (!eq)
		return md_error_set(err, 0, "bad format of filter (expected name=value)");
	key = strndup(kv, (size_t)(eq - kv));
	v = eq + 1;
	if (!in_list(key, filter_keys, ARRAY_SIZE(filter_keys)))
		return md_error_set(err, 0, "invalid filter '%s'", key);
	if (strcmp(key, "status") == 0 && !in_list(v, states, ARRAY_SIZE(states)))
		return md_error_set(err, 0, "invalid filter 'status=%s'", v);
	if (strcmp(key, "health") == 0 && !in_list(v, healths, ARRAY_SIZE(healths)))
		return md_error_set(err, 0, "Unrecognised filter value for health: %s", v);
	if (strcmp(key, "exited") == 0)
		return add_exited(f, v, err);
	if (strcmp(key, "name") == 0)
		add_name(f, v);
	else if (strcmp(key, "status") == 0 || strcmp(key, "health") == 0)
		md_strv_push(&f->status, kv); /* "status=X" or "health=X": one key each below */
	else
		md_strv_push(strcmp(key, "id") == 0      ? &f->id
			     : strcmp(key, "label") == 0 ? &f->label
							 : &f->ancestor,
			     v);
	return 0;
}

void list_filter_free(struct list_filter *f)
{
	for (size_t i = 0; f->name && f->name[i]; i++)
		if (f->name_ok[i])
			regfree(&f->name_re[i]);
	free(f->name_re);
	free(f->name_ok);
	md_strv_free(f->status);
	md_strv_free(f->name);
	md_strv_free(f->id);
	md_strv_free(f->label);
	md_strv_free(f->ancestor);
	md_strv_free(f->ancestor_ids);
	free(f->exited);
	memset(f, 0, sizeof(*f));
}

int list_filter_resolve(struct list_filter *f, const char *root, md_error *err)
{
	struct image_store *s;

	if (!f->ancestor)
		return 0;
	f->ancestor_ids = xmalloc0(sizeof(char *));
	s = image_store_open(root, err);
	if (!s)
		return -1;
	/* An image not found adds nothing, as Docker (which only warns). */
	for (size_t i = 0; f->ancestor[i]; i++) {
		struct image_info info = { 0 };

		if (image_store_find(s, f->ancestor[i], &info, NULL) == 0)
			md_strv_push(&f->ancestor_ids, info.id);
		image_info_free(&info);
	}
	image_store_close(s);
	return 0;
}

bool list_running(const struct container_record *c)
{
	return c->state.status == CONTAINER_RUNNING || c->state.restarting;
}

bool list_labels_match(char *const *want, char *const *labels)
{
	for (size_t i = 0; want && want[i]; i++) {
		const char *eq = strchr(want[i], '=');
		size_t klen = eq ? (size_t)(eq - want[i]) : strlen(want[i]);
		bool found = false;

		for (size_t l = 0; labels && labels[l] && !found; l++) {
			const char *leq = strchr(labels[l], '=');
			size_t llen = leq ? (size_t)(leq - labels[l]) : strlen(labels[l]);

			found = llen == klen && strncmp(labels[l], want[i], klen) == 0 &&
				(!eq || strcmp(leq ? leq + 1 : "", eq + 1) == 0);
		}
		if (!found)
			return false;
	}
	return true;
}

static const char *health_status(const struct container_record *c)
{
	const char *s = md_json_string(c->state.health, "Status");

	return s && *s ? s : "none";
}

/* status= and health= (kept as "KEY=VALUE" in f->status): each key given
 * must have a value that is c's. */
static bool match_state(const struct list_filter *f, const struct container_record *c)
{
	const char *keys[] = { "status", "health" };
	const char *have[] = { records_status_name(&c->state), health_status(c) };

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		bool given = false, any = false;
		size_t klen = strlen(keys[k]);

		for (size_t i = 0; f->status && f->status[i]; i++) {
			if (strncmp(f->status[i], keys[k], klen) != 0 || f->status[i][klen] != '=')
				continue;
			given = true;
			any = any || strcmp(f->status[i] + klen + 1, have[k]) == 0;
		}
		if (given && !any)
			return false;
	}
	return true;
}

static bool match_name(const struct list_filter *f, const struct container_record *c)
{
	cleanup_free char *slashed = xasprintf("/%s", c->name ? c->name : "");

	for (size_t i = 0; f->name && f->name[i]; i++)
		if (f->name_ok[i] && (regexec(&f->name_re[i], slashed, 0, NULL, 0) == 0 ||
				      regexec(&f->name_re[i], slashed + 1, 0, NULL, 0) == 0))
			return true;
	return !f->name;
}

static bool match_prefix(char *const *values, const char *s)
{
	for (size_t i = 0; values && values[i]; i++)
		if (s && md_str_has_prefix(s, values[i]))
			return true;
	return !values;
}

/* exited=: of a container that ran and does not run. */
static bool match_exited(const struct list_filter *f, const struct container_record *c)
{
	for (size_t i = 0; i < f->n_exited; i++)
		if (f->exited[i] == c->state.exit_code && !list_running(c) &&
		    c->state.started_at[0])
			return true;
	return f->n_exited == 0;
}

static bool match_ancestor(const struct list_filter *f, const struct container_record *c)
{
	for (size_t i = 0; f->ancestor_ids && f->ancestor_ids[i]; i++)
		if (c->image && strcmp(c->image, f->ancestor_ids[i]) == 0)
			return true;
	return !f->ancestor;
}

bool list_filter_match(const struct list_filter *f, const struct container_record *c)
{
	return match_name(f, c) && match_prefix(f->id, c->id) &&
	       list_labels_match(f->label, c->config.labels) && match_exited(f, c) &&
	       match_state(f, c) && match_ancestor(f, c);
}

/* Whether the filters ask for stopped containers: status= does (Docker
 * sets All), health= and the others do not. */
static bool filter_wants_all(const struct list_filter *f)
{
	for (size_t i = 0; f && f->status && f->status[i]; i++)
		if (md_str_has_prefix(f->status[i], "status="))
			return true;
	return false;
}

int engine_list(const struct list_request *r, struct container_record **out, size_t *n,
		md_error *err)
{
	bool all = r->all || r->last > 0 || filter_wants_all(r->filter);
	size_t count, kept = 0;

	if (records_list(r->root, out, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct container_record *c = &(*out)[i];
		bool keep = (all || list_running(c)) &&
			    (!r->filter || list_filter_match(r->filter, c)) &&
			    (r->last <= 0 || kept < (size_t)r->last);

		if (!keep) {
			records_free(c);
			continue;
		}
		if (kept != i) {
			(*out)[kept] = *c;
			memset(c, 0, sizeof(*c));
		}
		kept++;
	}
	*n = kept;
	return 0;
}

/* The bytes of the layers of image id (0 when it is gone). */
static int64_t image_bytes(struct image_store **s, const char *root, const char *id)
{
	struct image_info info = { 0 };
	int64_t size = 0;

	if (!*s)
		*s = image_store_open(root, NULL);
	if (*s && id && image_store_find(*s, id, &info, NULL) == 0)
		size = image_size(*s, &info);
	image_info_free(&info);
	return size;
}

int engine_list_sizes(const char *root, const struct container_record *list, size_t n, int64_t *rw,
		      int64_t *rootfs, md_error *err)
{
	struct image_store *s = NULL;

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *upper = records_path(root, list[i].id, "upper");
		int64_t image = -1;

		rw[i] = (int64_t)volume_dir_size(upper);
		/* Containers of one image: its size counted once. */
		for (size_t j = 0; j < i && image < 0; j++)
			if (list[j].image && list[i].image &&
			    strcmp(list[j].image, list[i].image) == 0)
				image = rootfs[j] - rw[j];
		if (image < 0)
			image = image_bytes(&s, root, list[i].image);
		rootfs[i] = rw[i] + image;
	}
	image_store_close(s);
	return 0;
}

static bool prune_match(const struct prune_filter *f, const struct container_record *c)
{
	if (!list_labels_match(f->label, c->config.labels))
		return false;
	if (f->label_not && list_labels_match(f->label_not, c->config.labels))
		return false;
	/* until: Created is RFC 3339 in UTC (md_rfc3339_now); its seconds
	 * compare as text. */
	if (f->until[0] && c->created && strncmp(c->created, f->until, strlen(f->until)) >= 0)
		return false;
	return true;
}

int engine_containers_prune(const char *root, const struct prune_filter *f, char ***removed,
			    uint64_t *reclaimed, md_error *err)
{
	struct container_record *list;
	size_t n;

	*removed = xmalloc0(sizeof(char *));
	*reclaimed = 0;
	if (records_list(root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *upper = records_path(root, list[i].id, "upper");
		uint64_t size;
		md_error ignored;

		if (list_running(&list[i]) || records_live(list[i].id) || !prune_match(f, &list[i]))
			continue;
		size = volume_dir_size(upper);
		/* One that started meanwhile is refused (EBUSY): left. */
		if (engine_rm(root, list[i].id, false, false, &ignored) < 0)
			continue;
		md_strv_push(removed, list[i].id);
		*reclaimed += size;
	}
	records_list_free(list, n);
	return 0;
}
