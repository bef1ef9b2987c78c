/* SPDX-License-Identifier: Apache-2.0 */
/* engine_diff: a walk of the container's upper directory. Each name is
 * looked up in the image as overlayfs merges its layers (highest first:
 * a whiteout or a non-directory on the way hides what is below, so does
 * an opaque directory). Everything is opened with O_NOFOLLOW below the
 * upper and layer directories: nothing a container wrote is followed. */
#include "engine/containers/diff.h"
#include "engine/containers/copy-internal.h"
#include "engine/containers/init.h"
#include "engine/containers/records.h"
#include "engine/containers/run-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* What the engine puts in every container (etcfiles.c). */
static const char *const engine_files[] = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf" };

struct diff_walk {
	int *layers; /* the image's layer directories, highest first */
	size_t n_layers;
	char **exclude;
	struct diff_change *out;
	size_t n, cap;
	md_error *err;
};

static void add(struct diff_walk *w, char kind, const char *path)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->out = xrealloc(w->out, w->cap * sizeof(*w->out));
	}
	w->out[w->n++] = (struct diff_change){ kind, xstrdup(path) };
}

static bool whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == 0;
}

static bool opaque(int dirfd)
{
	char v[2];

	return fgetxattr(dirfd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

/* path ("/a/b") in one layer: 1 there (st), 0 not there (a lower layer
 * may have it), -1 hidden from the layers below by this one. */
static int layer_lookup(int layer, const char *path, struct stat *st)
{
	cleanup_free char *copy = xstrdup(path);
	cleanup_close int dir = openat(layer, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool sealed = false; /* below an opaque directory of this layer */
	char *save = NULL, *c = strtok_r(copy, "/", &save), *next;

	for (; c && dir >= 0; c = next) {
		int sub;

		next = strtok_r(NULL, "/", &save);
		if (fstatat(dir, c, st, AT_SYMLINK_NOFOLLOW) < 0)
			return sealed ? -1 : 0;
		if (whiteout(st) || (next && !S_ISDIR(st->st_mode)))
			return -1;
		if (!next)
			return 1;
		sub = openat(dir, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = sub;
		sealed = dir >= 0 && opaque(dir);
	}
	return 0;
}

/* Whether the image has path (its stat in st). */
static bool in_image(const struct diff_walk *w, const char *path, struct stat *st)
{
	for (size_t i = 0; i < w->n_layers; i++) {
		int r = layer_lookup(w->layers[i], path, st);

		if (r != 0)
			return r > 0;
	}
	return false;
}

/* The target of the symlink path in the image, or NULL. layer_lookup
 * found no symlink on the way in that layer, so readlinkat follows none. */
static char *image_link(const struct diff_walk *w, const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < w->n_layers; i++) {
		int r = layer_lookup(w->layers[i], path, &st);
		ssize_t n;

		if (r < 0 || (r > 0 && !S_ISLNK(st.st_mode)))
			return NULL;
		if (r == 0)
			continue;
		n = readlinkat(w->layers[i], path + 1, buf, sizeof(buf) - 1);
		if (n < 0)
			return NULL;
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return NULL;
}

/* path as the runtime reached it to make a mount target: a directory on
 * the way that is a symlink in the image (busybox's /sbin -> /bin) is
 * replaced by its target, cleaned as a path from "/". */
static char *through_links(const struct diff_walk *w, const char *path, int depth)
{
	const char *base = strrchr(path, '/') + 1;
	cleanup_free char *dir = strndup(path, (size_t)(base - path - 1)), *target = NULL;
	cleanup_free char *parent = NULL, *joined = NULL;
	const char *slash;
	struct copy_path clean;
	char *out;

	if (!*dir)
		return xstrdup(path);
	parent = through_links(w, dir, depth);
	target = depth < 8 ? image_link(w, parent) : NULL;
	if (!target)
		return xasprintf("%s/%s", parent, base);
	slash = strrchr(parent, '/');
	joined = target[0] == '/'
			 ? xasprintf("%s/%s", target, base)
			 : xasprintf("%.*s/%s/%s", (int)(slash - parent), parent, target, base);
	copy_path_parse(joined, &clean);
	out = through_links(w, clean.clean, depth + 1);
	copy_path_free(&clean);
	return out;
}

/* Leave out path, and where the image's symlinks made the runtime put it. */
static void exclude(struct diff_walk *w, const char *path)
{
	cleanup_free char *real = through_links(w, path, 0);

	md_strv_push(&w->exclude, path);
	if (strcmp(real, path) != 0)
		md_strv_push(&w->exclude, real);
}

static bool excluded(const struct diff_walk *w, const char *path)
{
	for (char **x = w->exclude; x && *x; x++)
		if (!strcmp(*x, path))
			return true;
	return false;
}

static int walk_dir(struct diff_walk *w, int fd, const char *prefix);

/* A directory of the upper layer: A when the image lacks it; C when it
 * replaced a non-directory, was made opaque, changed owner or mode, or
 * has a change below. Returns the changes listed, itself included. */
static int walk_subdir(struct diff_walk *w, int fd, const char *name, const char *path,
		       const struct stat *st)
{
	cleanup_close int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat low;
	bool had = in_image(w, path, &low);
	int n;

	if (sub < 0)
		return errno == ENOENT ? 0 : md_error_set(w->err, errno, "open `%s`", path);
	n = walk_dir(w, sub, path);
	if (n < 0)
		return -1;
	if (!had)
		add(w, 'A', path);
	else if (!S_ISDIR(low.st_mode) || opaque(sub) || n > 0 || low.st_mode != st->st_mode ||
		 low.st_uid != st->st_uid || low.st_gid != st->st_gid)
		add(w, 'C', path);
	else
		return 0;
	return n + 1;
}

static int walk_one(struct diff_walk *w, int fd, const char *name, const char *path)
{
	struct stat st, low;

	if (excluded(w, path))
		return 0;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		/* gone meanwhile: a running container's */
		return errno == ENOENT ? 0 : md_error_set(w->err, errno, "stat `%s`", path);
	if (S_ISDIR(st.st_mode))
		return walk_subdir(w, fd, name, path, &st);
	add(w, whiteout(&st) ? 'D' : in_image(w, path, &low) ? 'C' : 'A', path);
	return 1;
}

/* The changes below the upper directory fd, named prefix/NAME. */
static int walk_dir(struct diff_walk *w, int fd, const char *prefix)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3), total = 0;

	d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		if (copy >= 0)
			close(copy);
		return md_error_set(w->err, errno, "read `%s/`", prefix);
	}
	while ((de = readdir(d))) {
		cleanup_free char *path = NULL;
		int n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", prefix, de->d_name);
		n = walk_one(w, fd, de->d_name, path);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct diff_change *)a)->path, ((const struct diff_change *)b)->path);
}

static bool with_init(const struct container_record *c)
{
	json_object *v = NULL;

	return c->host_config && json_object_object_get_ex(c->host_config, "Init", &v) &&
	       json_object_get_boolean(v);
}

static int open_layers(struct diff_walk *w, char *const *dirs, md_error *err)
{
	size_t n = md_strv_len(dirs);

	w->layers = xmalloc0((n ? n : 1) * sizeof(int));
	for (size_t i = 0; i < n; i++) {
		int fd = open(dirs[n - 1 - i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return md_error_set(err, errno, "open `%s`", dirs[n - 1 - i]);
		w->layers[w->n_layers++] = fd;
	}
	return 0;
}

static int diff_container(const char *root, const struct container_record *c, struct diff_walk *w,
			  md_error *err)
{
	cleanup_free char *upper = records_path(root, c->id, "upper");
	cleanup_close int fd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_strv char **layers = NULL;
	struct image_info img;
	int r;

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", upper);
	r = run_image_layers(root, c->image, &img, &layers, err);
	image_info_free(&img);
	if (r < 0 || open_layers(w, layers, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(engine_files); i++)
		exclude(w, engine_files[i]);
	if (with_init(c))
		exclude(w, INIT_CONTAINER_PATH);
	return walk_dir(w, fd, "") < 0 ? -1 : 0;
}

int engine_diff(const char *root, const char *what, struct diff_change **out, size_t *n,
		md_error *err)
{
	struct container_record c = { 0 };
	struct diff_walk w = { .err = err };
	int r;

	*out = NULL;
	*n = 0;
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	r = diff_container(root, &c, &w, err);
	for (size_t i = 0; i < w.n_layers; i++)
		close(w.layers[i]);
	free(w.layers);
	md_strv_free(w.exclude);
	records_free(&c);
	if (r < 0) {
		diff_changes_free(w.out, w.n);
		return -1;
	}
	if (w.n)
		qsort(w.out, w.n, sizeof(*w.out), by_path);
	*out = w.out;
	*n = w.n;
	return 0;
}

void diff_changes_free(struct diff_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].path);
	free(c);
}
