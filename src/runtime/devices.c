/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/devices.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/mounts-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What every container gets (runc's AllowedDevices, less ptmx which is a
 * link to the devpts instance). */
static const struct {
	const char *path;
	uint32_t major, minor;
} default_nodes[] = {
	{ "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

/* ---- linux.devices ---- */

static int dev_error(md_error *err, size_t i, const char *field, const char *fmt, const char *what)
{
	return md_error_set(err, EINVAL, "linux.devices[%zu]%s%s: %s%s", i, field ? "." : "",
			    field ? field : "", fmt, what ? what : "");
}

/* An integer member in [0, max]; missing leaves *v alone unless required. */
static int get_u32(json_object *o, size_t i, const char *key, bool required, uint64_t max,
		   uint32_t *v, md_error *err)
{
	json_object *m = md_json_member(o, key);
	int64_t n;

	if (!m)
		return required ? dev_error(err, i, key, "missing", NULL) : 0;
	if (!json_object_is_type(m, json_type_int))
		return dev_error(err, i, key, "expected an integer, got ",
				 json_object_to_json_string(m));
	errno = 0;
	n = json_object_get_int64(m);
	if (errno || n < 0 || (uint64_t)n > max)
		return dev_error(err, i, key, "out of range: ", json_object_to_json_string(m));
	*v = (uint32_t)n;
	return 0;
}

static int get_path(json_object *o, size_t i, char **out, md_error *err)
{
	json_object *m = md_json_member_of(o, "path", json_type_string);
	const char *s;

	if (!m)
		return dev_error(err, i, "path", "missing or not a string", NULL);
	s = json_object_get_string(m);
	if (s[0] != '/' || strlen(s) != (size_t)json_object_get_string_len(m))
		return dev_error(err, i, "path", "not an absolute path: ", s);
	for (const char *c = s; *c; c++)
		if (c[0] == '/' && c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))
			return dev_error(err, i, "path", "\"..\" is not allowed: ", s);
	if (strcmp(s, "/") == 0 || s[strlen(s) - 1] == '/')
		return dev_error(err, i, "path", "not a file path: ", s);
	*out = xstrdup(s);
	return 0;
}

static int get_type(json_object *o, size_t i, char *out, md_error *err)
{
	json_object *m = md_json_member_of(o, "type", json_type_string);
	const char *s;

	if (!m)
		return dev_error(err, i, "type", "missing or not a string", NULL);
	s = json_object_get_string(m);
	if (strlen(s) != 1 || !strchr("cbup", s[0]))
		return dev_error(err, i, "type", "must be \"c\", \"b\", \"u\" or \"p\", not ", s);
	*out = s[0];
	return 0;
}

static int parse_one(json_object *o, size_t i, struct dev_node *d, md_error *err)
{
	bool fifo;
	uint32_t mode = 0666;

	if (!json_object_is_type(o, json_type_object))
		return dev_error(err, i, NULL, "expected an object", NULL);
	if (get_path(o, i, &d->path, err) < 0 || get_type(o, i, &d->type, err) < 0)
		return -1;
	fifo = d->type == 'p';
	if (get_u32(o, i, "major", !fifo, UINT32_MAX, &d->major, err) < 0 ||
	    get_u32(o, i, "minor", !fifo, UINT32_MAX, &d->minor, err) < 0 ||
	    get_u32(o, i, "fileMode", false, 07777, &mode, err) < 0 ||
	    get_u32(o, i, "uid", false, UINT32_MAX, (uint32_t *)&d->uid, err) < 0 ||
	    get_u32(o, i, "gid", false, UINT32_MAX, (uint32_t *)&d->gid, err) < 0)
		return -1;
	d->mode = (mode_t)mode;
	return 0;
}

int devices_parse(json_object *arr, struct dev_node **out, size_t *n, md_error *err)
{
	struct dev_node *v;
	size_t len;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return md_error_set(err, EINVAL, "linux.devices: expected an array");
	len = json_object_array_length(arr);
	v = xmalloc0((len ? len : 1) * sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		if (parse_one(json_object_array_get_idx(arr, i), i, &v[i], err) < 0) {
			devices_free(v, len);
			return -1;
		}
	}
	*out = v;
	*n = len;
	return 0;
}

void devices_free(struct dev_node *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].path);
	free(v);
}

/* ---- making the nodes ---- */

static mode_t type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* The host's node of that path, checked to be that very device before we
 * bind it: a bind of the wrong file would give the container access to it. */
static int open_host_node(const struct dev_node *d, md_error *err)
{
	cleanup_close int fd = open(d->path, O_PATH | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return md_error_set(err, errno, "no host device `%s` to bind", d->path);
	if (fstat(fd, &st) < 0 || (st.st_mode & S_IFMT) != type_bits(d->type) ||
	    st.st_rdev != makedev(d->major, d->minor))
		return md_error_set(err, EPERM, "host `%s` is not the device %u:%u", d->path,
				    d->major, d->minor);
	return TAKE_FD(fd);
}

/* In a user namespace mknod is refused: bind the host's node onto an
 * empty file instead, as runc does. */
static int bind_node(int parent, const char *base, const struct dev_node *d, md_error *err)
{
	cleanup_close int src = -1, dst = -1;

	if (d->type == 'p')
		return md_error_set(err, EPERM, "mknod fifo `%s`", d->path);
	src = open_host_node(d, err);
	if (src < 0)
		return -1;
	dst = openat(parent, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return md_error_set(err, errno, "create `%s` to bind the device on", d->path);
	if (mnt_fd(src, NULL, dst, NULL, MS_BIND, NULL) < 0)
		return md_error_set(err, errno, "bind host device `%s`", d->path);
	return 0;
}

static int mknod_exact(int parent, const char *base, const struct dev_node *d)
{
	mode_t old = umask(0);
	dev_t dev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
	int r = mknodat(parent, base, type_bits(d->type) | (d->mode & 07777), dev);

	/* Something of the image's own is in the way: the config wins. */
	if (r < 0 && errno == EEXIST && unlinkat(parent, base, 0) == 0)
		r = mknodat(parent, base, type_bits(d->type) | (d->mode & 07777), dev);
	umask(old);
	return r;
}

static int make_node(int rootfd, const struct dev_node *d, md_error *err)
{
	cleanup_free char *dir = xstrdup(d->path);
	cleanup_close int parent = -1;
	char *slash = strrchr(dir, '/');
	const char *base = slash + 1;

	*slash = '\0';
	parent =
		md_open_in_root(rootfd, *dir ? dir : "/", O_PATH | O_DIRECTORY, MD_CREATE_DIR, err);
	if (parent < 0)
		return -1;
	if (mknod_exact(parent, base, d) < 0) {
		if (errno == EPERM)
			return bind_node(parent, base, d, err);
		return md_error_set(err, errno, "mknod `%s`", d->path);
	}
	if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return md_error_set(err, errno, "chown `%s`", d->path);
	return 0;
}

static bool listed(const struct dev_node *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return true;
	return false;
}

static int make_default(int rootfd, size_t i, md_error *err)
{
	cleanup_free char *path = xstrdup(default_nodes[i].path);
	struct dev_node d = { .path = path,
			      .type = 'c',
			      .major = default_nodes[i].major,
			      .minor = default_nodes[i].minor,
			      .mode = 0666 };

	return make_node(rootfd, &d, err);
}

static int make_nodes(int rootfd, const struct dev_node *cfg, size_t n, md_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_nodes); i++)
		if (!listed(cfg, n, default_nodes[i].path) && make_default(rootfd, i, err) < 0)
			return -1;
	for (size_t i = 0; i < n; i++) {
		/* /dev/ptmx is the devpts instance's, linked below (runc). */
		if (strcmp(cfg[i].path, "/dev/ptmx") == 0)
			continue;
		if (make_node(rootfd, &cfg[i], err) < 0)
			return -1;
	}
	return 0;
}

/* ---- links and placeholders in /dev ---- */

static int link_at(int devfd, const char *target, const char *name, md_error *err)
{
	if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
		return md_error_set(err, errno, "symlink /dev/%s -> %s", name, target);
	return 0;
}

static int make_links(int devfd, md_error *err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (link_at(devfd, links[i][0], links[i][1], err) < 0)
			return -1;
	/* runc adds /dev/core when the kernel has /proc/kcore (which the
	 * default maskedPaths then hide). */
	if (access("/proc/kcore", F_OK) == 0 && link_at(devfd, "/proc/kcore", "core", err) < 0)
		return -1;
	return 0;
}

/* /dev/ptmx -> pts/ptmx, so that ptys come from the container's own devpts
 * instance; only when /dev/pts is one. */
static int make_ptmx(int devfd, md_error *err)
{
	cleanup_close int pts = openat(devfd, "pts", O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);

	if (pts < 0 || !mnt_fd_is_fs(pts, DEVPTS_SUPER_MAGIC))
		return 0;
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove /dev/ptmx");
	return link_at(devfd, "pts/ptmx", "ptmx", err);
}

/* The mount point for the console: the child binds its pty here
 * (process_setup_console). */
static int make_console(int devfd, const struct mount_ctx *cx, md_error *err)
{
	const struct spec_process *p = cx->spec->process;
	int fd;

	if (!p || !p->terminal)
		return 0;
	fd = openat(devfd, "console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return md_error_set(err, errno, "create /dev/console");
	close(fd);
	return 0;
}

int devices_setup(const struct mount_ctx *cx, md_error *err)
{
	struct dev_node *cfg = NULL;
	cleanup_close int devfd = -1;
	size_t n = 0;
	int r;

	if (devices_parse(cx->spec->linux.devices, &cfg, &n, err) < 0)
		return -1;
	r = make_nodes(cx->rootfd, cfg, n, err);
	devices_free(cfg, n);
	if (r < 0)
		return -1;
	devfd = md_open_in_root(cx->rootfd, "/dev", O_PATH | O_DIRECTORY, MD_NO_CREATE, err);
	if (devfd < 0)
		return -1;
	if (make_links(devfd, err) < 0 || make_ptmx(devfd, err) < 0 ||
	    make_console(devfd, cx, err) < 0)
		return -1;
	return 0;
}
