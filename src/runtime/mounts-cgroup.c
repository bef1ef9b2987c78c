/* SPDX-License-Identifier: Apache-2.0 */
/* The "cgroup" mount type, runc's way. On a v2 host: cgroup2 at the
 * destination. On a v1 or hybrid host: a tmpfs there, and in it one
 * directory per hierarchy (named like the host's mount point, so "cpu",
 * "memory", "systemd", "unified"), with links for co-mounted controllers
 * ("cpu" -> "cpu,cpuacct"). Each shows only the container's own cgroup: a
 * fresh cgroup mount when the container has a cgroup namespace (whose root
 * is its cgroup), otherwise a bind of its cgroup directory on the host.
 * Read-only unless the options say "rw": a writable cgroupfs lets the
 * container raise its own limits (and, on v1, reach release_agent). */
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/mounts-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define CG_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* A line of /proc/self/cgroup: "4:memory:/mydocker/ID", "0::/mydocker/ID". */
struct cg_line {
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for cgroup2 */
	char *path;
};

struct cg_plan {
	const struct mount_ctx *cx;
	const struct spec_mount *m;
	bool cgns, ro;
	unsigned long flags;
};

static int read_own(struct cg_line **out, size_t *n, char **buf, md_error *err)
{
	struct cg_line *v = NULL;
	size_t cnt = 0;
	char *save = NULL;

	if (md_read_file("/proc/self/cgroup", buf, NULL, err) < 0)
		return -1;
	for (char *l = strtok_r(*buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		v = xrealloc(v, (cnt + 1) * sizeof(*v));
		v[cnt].controllers = c1 + 1;
		v[cnt++].path = c2 + 1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static bool has_word(const char *list, const char *word, size_t wl)
{
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);

		if (l == wl && strncmp(p, word, wl) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* The hierarchy of a line holds all its controllers. */
static bool same_hierarchy(const struct md_mountinfo *mi, const struct cg_line *l)
{
	const char *p = l->controllers;

	if (!*p)
		return strcmp(mi->fstype, "cgroup2") == 0;
	if (strcmp(mi->fstype, "cgroup") != 0)
		return false;
	while (*p) {
		size_t wl = strcspn(p, ",");

		if (!has_word(mi->super, p, wl))
			return false;
		p += wl + (p[wl] == ',');
	}
	return true;
}

/* Where our cgroup dir is under this mount ("" when it is the mount's
 * root); NULL when the mount does not reach it. */
static const char *rel_path(const struct md_mountinfo *mi, const char *path)
{
	size_t l = strlen(mi->root);

	if (strcmp(mi->root, "/") == 0)
		return path;
	if (strncmp(path, mi->root, l) == 0 && (path[l] == '/' || !path[l]))
		return path + l;
	return NULL;
}

/* The host's mount of a hierarchy; the one under /sys/fs/cgroup first.
 * Without a cgroup namespace, it must reach our cgroup, to bind it. */
static const struct md_mountinfo *find_mount(const struct cg_plan *pl,
					     const struct md_mountinfo *mi, size_t n,
					     const struct cg_line *l)
{
	const struct md_mountinfo *found = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!same_hierarchy(&mi[i], l) || (!pl->cgns && !rel_path(&mi[i], l->path)))
			continue;
		if (!found || md_str_has_prefix(mi[i].point, "/sys/fs/cgroup"))
			found = &mi[i];
	}
	return found;
}

static int mount_hier(const struct cg_plan *pl, const char *dest, const struct cg_line *l,
		      const struct md_mountinfo *mi, md_error *err)
{
	cleanup_close int fd = md_open_in_root(pl->cx->rootfd, dest, O_PATH, MD_CREATE_DIR, err);
	cleanup_close int top = -1;
	cleanup_free char *src = NULL;
	bool v2 = !*l->controllers;
	char p[64];

	if (fd < 0)
		return -1;
	if (pl->cgns) {
		if (mnt_fd(-1, v2 ? "cgroup2" : "cgroup", fd, v2 ? "cgroup2" : "cgroup", pl->flags,
			   v2 ? NULL : l->controllers) < 0)
			return md_error_set(err, errno, "mount cgroup %s on `%s`",
					    v2 ? "v2" : l->controllers, dest);
		return 0;
	}
	src = xasprintf("%s%s", mi->point, rel_path(mi, l->path));
	if (mount(src, md_fd_path(fd, p, sizeof(p)), NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind cgroup `%s` on `%s`", src, dest);
	top = md_open_in_root(pl->cx->rootfd, dest, O_PATH, MD_NO_CREATE, err);
	if (top < 0)
		return -1;
	if (mnt_bind_remount(top, pl->flags, 0) < 0)
		return md_error_set(err, errno, "remount cgroup `%s`", dest);
	return 0;
}

/* "cpu" -> "cpu,cpuacct" and "cpuacct" -> "cpu,cpuacct", as runc makes. */
static int link_comounted(int dirfd, const char *name, md_error *err)
{
	cleanup_free char *copy = xstrdup(name);
	char *save = NULL;

	if (!strchr(name, ','))
		return 0;
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		if (symlinkat(name, dirfd, c) < 0 && errno != EEXIST)
			return md_error_set(err, errno, "link cgroup %s to %s", c, name);
	return 0;
}

static int mount_v1_tree(const struct cg_plan *pl, const char *dest, const struct cg_line *lines,
			 size_t nl, const struct md_mountinfo *mi, size_t nm, md_error *err)
{
	cleanup_close int tfd = md_open_in_root(pl->cx->rootfd, dest, O_PATH, MD_CREATE_DIR, err);
	cleanup_close int dir = -1;

	if (tfd < 0)
		return -1;
	if (mnt_fd(-1, "tmpfs", tfd, "tmpfs", CG_FLAGS, "mode=755") < 0)
		return md_error_set(err, errno, "mount tmpfs on `%s`", dest);
	dir = md_open_in_root(pl->cx->rootfd, dest, O_PATH | O_DIRECTORY, MD_NO_CREATE, err);
	if (dir < 0)
		return -1;
	for (size_t i = 0; i < nl; i++) {
		const struct md_mountinfo *h = find_mount(pl, mi, nm, &lines[i]);
		const char *name = h ? strrchr(h->point, '/') + 1 : NULL;
		cleanup_free char *sub = NULL;

		/* A hierarchy the host has not mounted stays out. */
		if (!h || !*name || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
			continue;
		sub = xasprintf("%s/%s", dest, name);
		if (mount_hier(pl, sub, &lines[i], h, err) < 0 ||
		    link_comounted(dir, name, err) < 0)
			return -1;
	}
	if (pl->ro && mnt_bind_remount(dir, CG_FLAGS | MS_RDONLY, 0) < 0)
		return md_error_set(err, errno, "make `%s` read-only", dest);
	return 0;
}

int mnt_cgroup(const struct mount_ctx *cx, const struct spec_mount *m, md_error *err)
{
	cleanup_free char *cgbuf = NULL, *mibuf = NULL;
	cleanup_free struct cg_line *lines = NULL;
	cleanup_free struct md_mountinfo *mi = NULL;
	struct cg_plan pl = { .cx = cx, .m = m };
	size_t nl, nm;

	pl.cgns = spec_find_namespace(cx->spec, CLONE_NEWCGROUP) != NULL;
	pl.ro = !(m->clear & MS_RDONLY);
	pl.flags = CG_FLAGS | (pl.ro ? MS_RDONLY : 0);
	if (read_own(&lines, &nl, &cgbuf, err) < 0 || md_mountinfo_read(&mi, &nm, &mibuf, err) < 0)
		return -1;
	if (nl == 1 && !*lines[0].controllers) {
		const struct md_mountinfo *h = find_mount(&pl, mi, nm, &lines[0]);

		if (!h)
			return md_error_set(err, ENOENT, "no cgroup2 mount on the host");
		return mount_hier(&pl, m->destination, &lines[0], h, err);
	}
	return mount_v1_tree(&pl, m->destination, lines, nl, mi, nm, err);
}
