/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's local volumes: one directory each under ROOT/volumes (see
 * volumes.h for the layout and the rules). */
#include "engine/volumes/volumes.h"
#include "runtime/mounts-internal.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/remove.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Deeper trees than this are refused rather than walked with one fd a
 * level. */
#define WALK_MAX_DEPTH 256

void volume_free(struct volume *v)
{
	free(v->name);
	free(v->mountpoint);
	md_json_putp(&v->doc);
	*v = (struct volume){ 0 };
}

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '.' || c == '-');
}

static bool name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 2 || n > VOLUME_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i], i == 0))
			return false;
	return true;
}

int volume_name_check(const char *name, md_error *err)
{
	if (strlen(name) == 1)
		return md_error_set(err, 0,
				    "create %s: volume name is too short, names should be at "
				    "least two alphanumeric characters",
				    name);
	if (!name_valid(name))
		return md_error_set(err, 0,
				    "create %s: \"%s\" includes invalid characters for a local "
				    "volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. "
				    "If you intended to pass a host directory, use absolute path",
				    name, name);
	return 0;
}

static char *volumes_dir(const char *root)
{
	return xasprintf("%s/volumes", root);
}

static char *volume_path(const char *root, const char *name, const char *file)
{
	return xasprintf("%s/volumes/%s/%s", root, name, file);
}

int volumes_lock(const char *root, md_error *err)
{
	cleanup_free char *dir = volumes_dir(root);
	cleanup_free char *path = xasprintf("%s/volumes.lock", root);
	cleanup_close int fd = -1;

	/* The volumes' parent is 0701 as Docker's: containers' processes
	 * may need to cross it, never to list it. */
	if (md_mkdir_p(dir, 0701, err) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return md_error_set(err, errno, "lock `%s`", path);
	return TAKE_FD(fd);
}

/* Docker writes CreatedAt as RFC 3339 in seconds. */
static void created_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* {"K": "V"} from "K=V" (or "K", an empty value); with none, NULL (null)
 * unless empty_object. */
static json_object *labels_object(char *const *labels, bool anonymous, bool empty_object)
{
	json_object *o;

	if (md_strv_len(labels) == 0 && !anonymous && !empty_object)
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		cleanup_free char *key =
			eq ? strndup(labels[i], (size_t)(eq - labels[i])) : xstrdup(labels[i]);

		json_object_object_add(o, key, json_object_new_string(eq ? eq + 1 : ""));
	}
	if (anonymous)
		json_object_object_add(o, VOLUME_ANON_LABEL, json_object_new_string(""));
	return o;
}

/* Docker shows Labels and Options as {} for a volume that `volume create`
 * made, null for one that a container's mount made. */
static json_object *volume_doc(const char *name, const char *mountpoint, char *const *labels,
			       bool anonymous, bool by_create)
{
	json_object *o = json_object_new_object();
	char created[40];

	created_now(created, sizeof(created));
	json_object_object_add(o, "CreatedAt", json_object_new_string(created));
	json_object_object_add(o, "Driver", json_object_new_string("local"));
	json_object_object_add(o, "Labels", labels_object(labels, anonymous, by_create));
	json_object_object_add(o, "Mountpoint", json_object_new_string(mountpoint));
	json_object_object_add(o, "Name", json_object_new_string(name));
	json_object_object_add(o, "Options", by_create ? json_object_new_object() : NULL);
	json_object_object_add(o, "Scope", json_object_new_string("local"));
	return o;
}

static int no_such_volume(const char *name, md_error *err)
{
	return md_error_set(err, ENOENT, "get %s: no such volume", name);
}

int volume_load(const char *root, const char *name, json_object **out, md_error *err)
{
	cleanup_free char *path = NULL;
	cleanup_free char *text = NULL;
	size_t len;

	/* A name that is not a volume's is no path to follow. */
	if (!name_valid(name))
		return no_such_volume(name, err);
	path = volume_path(root, name, "volume.json");
	if (md_read_file(path, &text, &len, err) < 0)
		return err && err->errnum == ENOENT ? no_such_volume(name, err) : -1;
	*out = json_tokener_parse(text);
	if (!json_object_is_type(*out, json_type_object)) {
		md_json_putp(out);
		return md_error_set(err, 0, "volume %s: `%s` is not a JSON object", name, path);
	}
	return 0;
}

static int write_doc(const char *root, const char *name, json_object *doc, md_error *err)
{
	cleanup_free char *path = volume_path(root, name, "volume.json");
	const char *text = json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	return md_write_file_atomic(path, text, strlen(text), 0600, err);
}

static int ensure(const char *root, const char *name, char *const *labels, bool by_create,
		  struct volume *out, md_error *err)
{
	char anon[65];

	*out = (struct volume){ 0 };
	if (!name) {
		if (md_random_hex(anon, 32, err) < 0)
			return -1;
	} else if (volume_name_check(name, err) < 0) {
		return -1;
	}
	out->name = xstrdup(name ? name : anon);
	out->mountpoint = volume_path(root, out->name, "_data");
	if (volume_load(root, out->name, &out->doc, err) == 0)
		return 0;
	if (err && err->errnum != ENOENT)
		goto fail;
	/* Docker's modes: the volume's directories are 0755, root's. */
	if (md_mkdir_p(out->mountpoint, 0755, err) < 0)
		goto fail;
	out->doc = volume_doc(out->name, out->mountpoint, labels, !name, by_create);
	if (write_doc(root, out->name, out->doc, err) < 0)
		goto fail;
	out->created = true;
	return 0;
fail:
	volume_free(out);
	return -1;
}

int volume_ensure_locked(const char *root, const char *name, char *const *labels,
			 struct volume *out, md_error *err)
{
	return ensure(root, name, labels, false, out, err);
}

int volume_create(const char *root, const char *name, char *const *labels, struct volume *out,
		  md_error *err)
{
	cleanup_close int lock = volumes_lock(root, err);

	if (lock < 0)
		return -1;
	return ensure(root, name, labels, true, out, err);
}

static int natural_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

int volume_list(const char *root, char ***names, md_error *err)
{
	cleanup_free char *dir = volumes_dir(root);
	cleanup_dir DIR *d = opendir(dir);
	cleanup_strv char **list = NULL;
	struct dirent *e;

	*names = NULL;
	if (!d && errno != ENOENT)
		return md_error_set(err, errno, "open `%s`", dir);
	while (d && (e = readdir(d))) {
		cleanup_free char *doc = NULL;

		if (!name_valid(e->d_name))
			continue;
		doc = xasprintf("%s/volume.json", e->d_name);
		if (faccessat(dirfd(d), doc, F_OK, 0) == 0)
			md_strv_push(&list, e->d_name);
	}
	if (!list)
		list = xmalloc0(sizeof(char *));
	qsort(list, md_strv_len(list), sizeof(char *), natural_cmp);
	*names = TAKE_PTR(list);
	return 0;
}

/* Whether a record's Mounts (Docker's array) name the volume. */
static bool mounts_name(json_object *mounts, const char *name)
{
	size_t n =
		json_object_is_type(mounts, json_type_array) ? json_object_array_length(mounts) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = md_json_string(m, "Type");
		const char *vname = md_json_string(m, "Name");

		if (type && vname && strcmp(type, "volume") == 0 && strcmp(vname, name) == 0)
			return true;
	}
	return false;
}

/* Whether the record ROOT/containers/ID names the volume; an unreadable
 * record does not. */
static bool record_uses(const char *root, const char *id, const char *name)
{
	cleanup_free char *path = xasprintf("%s/containers/%s/container.json", root, id);
	cleanup_free char *text = NULL;
	cleanup_json json_object *o = NULL;

	if (md_read_file(path, &text, NULL, NULL) < 0)
		return false;
	o = json_tokener_parse(text);
	return mounts_name(md_json_member(o, "Mounts"), name);
}

int volume_users(const char *root, const char *name, char ***ids, md_error *err)
{
	cleanup_free char *dir = xasprintf("%s/containers", root);
	cleanup_dir DIR *d = opendir(dir);
	cleanup_strv char **list = NULL;
	struct dirent *e;

	*ids = NULL;
	if (!d && errno != ENOENT)
		return md_error_set(err, errno, "open `%s`", dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && record_uses(root, e->d_name, name))
			md_strv_push(&list, e->d_name);
	*ids = list ? TAKE_PTR(list) : xmalloc0(sizeof(char *));
	return 0;
}

/* A stream of the entries of the directory fd, from an open file of its
 * own (fd stays the caller's). */
static DIR *dir_stream(int fd)
{
	int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = own < 0 ? NULL : fdopendir(own);

	if (!d && own >= 0) {
		int saved = errno;

		close(own);
		errno = saved;
	}
	return d;
}

/* The files counted once each: Docker counts a hard link once. */
struct size_count {
	uint64_t bytes;
	ino_t *seen;
	size_t n_seen;
};

static bool seen_before(struct size_count *c, ino_t ino)
{
	for (size_t i = 0; i < c->n_seen; i++)
		if (c->seen[i] == ino)
			return true;
	c->seen = xrealloc(c->seen, (c->n_seen + 1) * sizeof(ino_t));
	c->seen[c->n_seen++] = ino;
	return false;
}

/* Add the sizes of what is below dirfd (Docker's: no directories, no
 * empty files), following no symlink. */
static int count_tree(int dirfd, struct size_count *c, int depth)
{
	cleanup_dir DIR *d = dir_stream(dirfd);
	struct dirent *e;

	if (!d || depth > WALK_MAX_DEPTH)
		return -1;
	while ((e = readdir(d))) {
		cleanup_close int sub = -1;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd, e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0 || count_tree(sub, c, depth + 1) < 0)
				return -1;
		} else if (st.st_size > 0 && !(st.st_nlink > 1 && seen_before(c, st.st_ino))) {
			c->bytes += (uint64_t)st.st_size;
		}
	}
	return 0;
}

uint64_t volume_dir_size(const char *dir)
{
	struct size_count c = { 0 };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	/* A tree that cannot be walked whole counts what was seen. */
	if (fd >= 0) {
		(void)count_tree(fd, &c, 0);
		close(fd);
	}
	free(c.seen);
	return c.bytes;
}

static int is_empty(int fd, bool *empty)
{
	cleanup_dir DIR *d = dir_stream(fd);
	struct dirent *e;

	if (!d)
		return -1;
	*empty = true;
	while (*empty && (e = readdir(d)))
		*empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	return 0;
}

int volume_fill_locked(const struct volume *v, int srcfd, bool *copied, md_error *err)
{
	cleanup_close int dst =
		open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool empty;

	*copied = false;
	if (dst < 0 || is_empty(dst, &empty) < 0)
		return md_error_set(err, errno, "volume %s: open `%s`", v->name, v->mountpoint);
	if (!empty)
		return 0;
	/* The runtime core's copy for tmpcopyup: cp -a without following a
	 * symlink, each entry opened below its parent's fd. */
	if (mnt_copy_tree(srcfd, dst, err) < 0) {
		md_error_prefix(err, "volume %s: copy the image's content", v->name);
		/* Empty again, so that the next container tries afresh. */
		if (md_remove_tree(v->mountpoint, NULL) == 0)
			(void)mkdir(v->mountpoint, 0755);
		return -1;
	}
	if (fstat(srcfd, &st) < 0 || fchown(dst, st.st_uid, st.st_gid) < 0 ||
	    fchmod(dst, st.st_mode & 07777) < 0)
		return md_error_set(err, errno, "volume %s: owner and mode of `%s`", v->name,
				    v->mountpoint);
	*copied = true;
	return 0;
}

/* volume.json first, so that what is left of a failed removal is no
 * volume; then the tree. */
static int remove_locked(const char *root, const char *name, md_error *err)
{
	cleanup_free char *doc = volume_path(root, name, "volume.json");
	cleanup_free char *dir = xasprintf("%s/volumes/%s", root, name);

	if (unlink(doc) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove %s: unlink `%s`", name, doc);
	if (md_remove_tree(dir, err) < 0)
		return md_error_prefix(err, "remove %s", name);
	return 0;
}

static int in_use(const char *name, char *const *ids, md_error *err)
{
	cleanup_free char *list = xstrdup("");

	for (size_t i = 0; ids[i]; i++) {
		char *more = xasprintf("%s%s%s", list, i ? ", " : "", ids[i]);

		free(list);
		list = more;
	}
	return md_error_set(err, EBUSY, "remove %s: volume is in use - [%s]", name, list);
}

int volume_remove(const char *root, const char *name, md_error *err)
{
	cleanup_close int lock = -1;
	cleanup_json json_object *doc = NULL;
	cleanup_strv char **ids = NULL;

	if (volume_load(root, name, &doc, err) < 0)
		return -1;
	lock = volumes_lock(root, err);
	if (lock < 0 || volume_users(root, name, &ids, err) < 0)
		return -1;
	if (ids[0])
		return in_use(name, ids, err);
	return remove_locked(root, name, err);
}

static bool is_anonymous(const char *root, const char *name)
{
	cleanup_json json_object *doc = NULL;

	if (volume_load(root, name, &doc, NULL) < 0)
		return false;
	return md_json_member(md_json_member(doc, "Labels"), VOLUME_ANON_LABEL) != NULL;
}

int volume_prune(const char *root, bool all, char ***removed, uint64_t *reclaimed, md_error *err)
{
	cleanup_close int lock = volumes_lock(root, err);
	cleanup_strv char **names = NULL;

	*removed = xmalloc0(sizeof(char *));
	*reclaimed = 0;
	if (lock < 0 || volume_list(root, &names, err) < 0)
		return -1;
	for (size_t i = 0; names[i]; i++) {
		cleanup_strv char **ids = NULL;
		cleanup_free char *data = NULL;
		uint64_t size;

		if (!all && !is_anonymous(root, names[i]))
			continue;
		if (volume_users(root, names[i], &ids, err) < 0)
			return -1;
		if (ids[0])
			continue;
		data = volume_path(root, names[i], "_data");
		size = volume_dir_size(data);
		if (remove_locked(root, names[i], err) < 0)
			return -1;
		md_strv_push(removed, names[i]);
		*reclaimed += size;
	}
	return 0;
}
