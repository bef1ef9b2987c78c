/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/images/inspect.h"
#include "engine/images/reference.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper trees than this are not walked further (each level holds a
 * directory fd). */
#define MAX_WALK_DEPTH 128
#define ZERO_TIME "0001-01-01T00:00:00Z"

struct size_walk {
	int64_t size;
	ino_t *seen; /* inodes counted (hard links count once) */
	size_t n_seen;
};

static bool walk_seen(struct size_walk *w, ino_t ino)
{
	for (size_t i = 0; i < w->n_seen; i++) {
		if (w->seen[i] == ino)
			return true;
	}
	w->seen = xrealloc(w->seen, (w->n_seen + 1) * sizeof(*w->seen));
	w->seen[w->n_seen++] = ino;
	return false;
}

/* Takes dfd. */
static void walk_dir(int dfd, struct size_walk *w, int depth)
{
	cleanup_dir DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat st;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0 && depth < MAX_WALK_DEPTH)
				walk_dir(fd, w, depth + 1);
			else if (fd >= 0)
				close(fd);
		} else if (st.st_size > 0 && (st.st_nlink < 2 || !walk_seen(w, st.st_ino))) {
			w->size += st.st_size;
		}
	}
}

int64_t image_layer_size(struct image_store *s, const char *diff_id)
{
	cleanup_free char *dir = image_store_layer_dir(s, diff_id);
	struct size_walk w = { 0 };
	int fd;

	if (!dir)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	walk_dir(fd, &w, 0);
	free(w.seen);
	return w.size;
}

int64_t image_size(struct image_store *s, const struct image_info *i)
{
	int64_t size = 0;

	for (size_t l = 0; i->config && l < i->config->n_diff_ids; l++)
		size += image_layer_size(s, i->config->diff_ids[l]);
	return size;
}

char *image_familiar(const char *ref, bool name_only)
{
	struct image_ref r;
	char *out;

	if (ref_parse(ref, &r, NULL) < 0)
		return xstrdup(ref);
	out = name_only ? ref_name(&r, REF_FAMILIAR) : ref_string(&r, REF_FAMILIAR);
	ref_free(&r);
	return out;
}

char *image_tag_named(const char *what, const struct image_info *i)
{
	struct image_ref r;
	char *full;

	if (ref_parse(what, &r, NULL) < 0)
		return NULL;
	full = ref_string(&r, REF_FULL);
	ref_free(&r);
	for (size_t t = 0; i->tags && i->tags[t]; t++) {
		if (strcmp(i->tags[t], full) == 0)
			return full;
	}
	free(full);
	return NULL;
}

static void push_unique(char ***out, const char *s)
{
	for (size_t k = 0; *out && (*out)[k]; k++)
		if (strcmp((*out)[k], s) == 0)
			return;
	md_strv_push(out, s);
}

char **image_repo_digests(const struct image_info *i)
{
	char **out = NULL;

	/* What registries named it by (pull), then each tag's repository
	 * with the manifest's digest. */
	for (size_t d = 0; i->repo_digests && i->repo_digests[d]; d++) {
		cleanup_free char *rd = image_familiar(i->repo_digests[d], false);

		push_unique(&out, rd);
	}
	for (size_t t = 0; i->tags && i->tags[t]; t++) {
		cleanup_free char *name = image_familiar(i->tags[t], true);
		cleanup_free char *rd = xasprintf("%s@%s", name, i->manifest);

		push_unique(&out, rd);
	}
	return out;
}

static json_object *string_array(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static void add_string(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

static json_object *repo_tags(const struct image_info *i)
{
	json_object *a = json_object_new_array();

	for (size_t t = 0; i->tags && i->tags[t]; t++) {
		char *f = image_familiar(i->tags[t], false);

		json_object_array_add(a, json_object_new_string(f));
		free(f);
	}
	return a;
}

/* The config's "config" member as it is (Docker shows what the image
 * says); null when the image has none. */
static json_object *run_config(const struct image_config *c)
{
	json_object *cfg = c ? md_json_member_of(c->json, "config", json_type_object) : NULL;
	json_object *copy = NULL;

	if (cfg && json_object_deep_copy(cfg, &copy, NULL) < 0)
		copy = NULL;
	return copy;
}

static json_object *graph_driver(struct image_store *s, const struct image_info *i)
{
	json_object *g = json_object_new_object(), *data = json_object_new_object();
	cleanup_strv char **dirs = NULL;
	cleanup_free char *lower = xstrdup("");
	md_error err;

	md_error_clear(&err);
	dirs = image_store_layer_dirs(s, i, &err);
	/* overlayfs's lowerdir: the highest layer first. */
	for (size_t n = md_strv_len(dirs); n-- > 0;) {
		char *next = xasprintf("%s%s%s", lower, lower[0] ? ":" : "", dirs[n]);

		free(lower);
		lower = next;
	}
	add_string(data, "LowerDir", lower);
	json_object_object_add(g, "Data", data);
	add_string(g, "Name", "overlay");
	return g;
}

json_object *image_inspect_json(struct image_store *s, const struct image_info *i)
{
	const struct image_config *c = i->config;
	json_object *o = json_object_new_object(), *rootfs, *meta;
	cleanup_strv char **digests = image_repo_digests(i);
	json_object *cj = c ? c->json : NULL;

	add_string(o, "Id", i->id);
	json_object_object_add(o, "RepoTags", repo_tags(i));
	json_object_object_add(o, "RepoDigests", string_array(digests));
	add_string(o, "Parent", "");
	add_string(o, "Comment", md_json_string(cj, "comment"));
	add_string(o, "Created", c && c->created ? c->created : ZERO_TIME);
	add_string(o, "DockerVersion", md_json_string(cj, "docker_version"));
	add_string(o, "Author", c ? c->author : NULL);
	json_object_object_add(o, "Config", run_config(c));
	add_string(o, "Architecture", c ? c->architecture : NULL);
	if (md_json_string(cj, "variant"))
		add_string(o, "Variant", md_json_string(cj, "variant"));
	add_string(o, "Os", c ? c->os : NULL);
	json_object_object_add(o, "Size", json_object_new_int64(image_size(s, i)));
	json_object_object_add(o, "GraphDriver", graph_driver(s, i));
	rootfs = json_object_new_object();
	add_string(rootfs, "Type", "layers");
	json_object_object_add(rootfs, "Layers", string_array(c ? c->diff_ids : NULL));
	json_object_object_add(o, "RootFS", rootfs);
	meta = json_object_new_object();
	add_string(meta, "LastTagTime", ZERO_TIME);
	json_object_object_add(o, "Metadata", meta);
	return o;
}

const char *image_short_id(const char *id, char buf[IMAGE_SHORT_ID_LEN + 1])
{
	const char *hex = md_str_has_prefix(id, "sha256:") ? id + 7 : id;
	size_t n = strnlen(hex, IMAGE_SHORT_ID_LEN);

	memcpy(buf, hex, n);
	buf[n] = '\0';
	return buf;
}
