/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's rmi policy over the image store: Docker's conflicts, the tags
 * that go, the image that goes with its last tag, and one that containers
 * use kept for them. */
#include "engine/images/remove.h"
#include "engine/containers/records.h"
#include "engine/images/inspect.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <string.h>

struct rmi {
	struct image_store *s;
	bool force;
	image_rmi_report report;
	void *ctx;
};

/* Docker's isSingleReference: every tag in one repository. */
static bool one_repository(char *const *tags)
{
	cleanup_free char *first = tags && tags[0] ? image_familiar(tags[0], true) : NULL;

	for (size_t i = 1; first && tags[i]; i++) {
		cleanup_free char *name = image_familiar(tags[i], true);

		if (strcmp(name, first) != 0)
			return false;
	}
	return true;
}

/* The first container using the image, "" for none, NULL on an error.
 * Caller frees. */
static char *container_using(const struct rmi *r, const char *id, md_error *err)
{
	cleanup_strv char **ids = NULL;

	if (engine_containers_using_image(image_store_root(r->s), id, &ids, err) < 0)
		return NULL;
	md_error_clear(err);
	return ids && ids[0] ? xstrdup(ids[0]) : xstrdup("");
}

static void report(const struct rmi *r, const char *kind, const char *what)
{
	if (r->report)
		r->report(r->ctx, kind, what);
}

static int untag(const struct rmi *r, const char *full, md_error *err)
{
	cleanup_free char *name = image_familiar(full, false);

	if (image_store_untag(r->s, full, err) < 0)
		return -1;
	report(r, "Untagged", name);
	return 0;
}

/* Docker's conflicts: a container made from the image (one that runs
 * even with -f, when asked by id), and an id naming an image tagged in
 * several repositories. user: a container using it, or "". */
static int rmi_conflict(const char *what, const struct image_info *info, bool by_tag,
			const char *user, bool force, md_error *err)
{
	size_t ntags = md_strv_len(info->tags);
	char sid[IMAGE_SHORT_ID_LEN + 1], cid[IMAGE_SHORT_ID_LEN + 1];

	image_short_id(info->id, sid);
	image_short_id(user, cid);
	if (user[0] && !by_tag && records_live(user))
		return md_error_set(err, 0,
				    "conflict: unable to delete %s (cannot be forced) - image is "
				    "being used by running container %s",
				    sid, cid);
	if (user[0] && !force && by_tag && ntags == 1)
		return md_error_set(err, 0,
				    "conflict: unable to remove repository reference \"%s\" (must "
				    "force) - container %s is using its referenced image %s",
				    what, cid, sid);
	if (user[0] && !force && !by_tag)
		return md_error_set(err, 0,
				    "conflict: unable to delete %s (must be forced) - image is "
				    "being used by stopped container %s",
				    sid, cid);
	if (!by_tag && !force && ntags > 1 && !one_repository(info->tags))
		return md_error_set(err, 0,
				    "conflict: unable to delete %s (must be forced) - image is "
				    "referenced in multiple repositories",
				    sid);
	return 0;
}

/* Remove an image found, as `what` asked for it (under the lock): a tag
 * goes, and the image with its last one; an image that containers use
 * stays for them (-f: untagged). */
static int rmi_one(const struct rmi *r, const char *what, const struct image_info *info,
		   md_error *err)
{
	cleanup_free char *tag = image_tag_named(what, info);
	cleanup_free char *user = container_using(r, info->id, err);

	if (!user || rmi_conflict(what, info, tag != NULL, user, r->force, err) < 0)
		return -1;
	if (tag && (md_strv_len(info->tags) > 1 || user[0]))
		return untag(r, tag, err);
	for (size_t i = 0; info->tags && info->tags[i]; i++) {
		if (user[0] && untag(r, info->tags[i], err) < 0)
			return -1;
	}
	if (user[0])
		return 0;
	if (image_store_remove(r->s, info->id, NULL, err) < 0)
		return -1;
	for (size_t i = 0; info->tags && info->tags[i]; i++) {
		cleanup_free char *name = image_familiar(info->tags[i], false);

		report(r, "Untagged", name);
	}
	report(r, "Deleted", info->id);
	return 0;
}

int image_rmi(struct image_store *s, const char *what, bool force, image_rmi_report fn, void *ctx,
	      md_error *err)
{
	const struct rmi r = { .s = s, .force = force, .report = fn, .ctx = ctx };
	struct image_info info = { 0 };
	int ret;

	if (image_store_lock(s, err) < 0)
		return -1;
	ret = image_store_find(s, what, &info, err);
	if (ret == 0)
		ret = rmi_one(&r, what, &info, err);
	image_store_unlock(s);
	image_info_free(&info);
	return ret;
}
