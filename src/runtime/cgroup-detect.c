/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup layout, from /proc/self/mountinfo: v1, v2, or hybrid (v1
 * controllers plus cgroup2 at /sys/fs/cgroup/unified), the hierarchies it
 * mounts, and which of them holds a controller. */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const v1_known[] = {
	"cpuset",     "cpu",      "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls",
	"perf_event", "net_prio", "hugetlb", "pids",  "rdma",   "misc",    "debug",
};

/* The cgroup view of a mountinfo line (the unit tests build cg_mount
 * tables by hand). */
static void cg_mount_of(const struct md_mountinfo *mi, struct cg_mount *m)
{
	m->root = mi->root;
	m->point = mi->point;
	m->dev = mi->dev;
	m->fstype = mi->fstype;
	m->opts = mi->super;
}

static bool v1_known_controller(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(v1_known); i++)
		if (strcmp(name, v1_known[i]) == 0)
			return true;
	return false;
}

char **cg_v1_controllers(const char *opts)
{
	cleanup_free char *copy = xstrdup(opts);
	char **out = xmalloc0(sizeof(char *));
	char *save = NULL;

	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (md_str_has_prefix(o, "name=") || v1_known_controller(o))
			md_strv_push(&out, o);
	return out;
}

/* A named-only v1 hierarchy (name=systemd) does not make a v1 host. */
static bool v1_has_controller(const char *opts)
{
	cleanup_strv char **c = cg_v1_controllers(opts);

	for (size_t i = 0; c[i]; i++)
		if (!md_str_has_prefix(c[i], "name="))
			return true;
	return false;
}

/* Which cgroup2 mount to prefer: /sys/fs/cgroup, then .../unified, then any. */
static int v2_rank(const char *point)
{
	if (strcmp(point, MD_CGROUP_ROOT) == 0)
		return 2;
	if (strcmp(point, MD_CGROUP_ROOT "/unified") == 0)
		return 1;
	return 0;
}

int cg_pick_mode(const struct cg_mount *m, size_t n, enum cgroup_mode *mode, size_t *v2)
{
	bool v1 = false;

	*v2 = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].fstype, "cgroup2") == 0) {
			if (*v2 == SIZE_MAX || v2_rank(m[i].point) > v2_rank(m[*v2].point))
				*v2 = i;
		} else if (strcmp(m[i].fstype, "cgroup") == 0 && v1_has_controller(m[i].opts)) {
			v1 = true;
		}
	}
	if (*v2 != SIZE_MAX && (v2_rank(m[*v2].point) == 2 || !v1))
		*mode = CGROUP_MODE_V2;
	else if (v1)
		*mode = *v2 == SIZE_MAX ? CGROUP_MODE_V1 : CGROUP_MODE_HYBRID;
	else
		return -1;
	return 0;
}

const struct cg_ops *cg_hier_ops(const struct cg_hier *h)
{
	return h->unified ? &cg_v2_ops : &cg_v1_ops;
}

struct cg_hier *cg_find_v1(struct cgroup *cg, const char *v1)
{
	for (size_t i = 0; v1 && i < cg->n_hiers; i++)
		if (!cg->hiers[i].unified && cg_strv_has(cg->hiers[i].controllers, v1))
			return &cg->hiers[i];
	return NULL;
}

/* The hierarchy holding a controller: a v1 one first (hybrid limits go to
 * v1), else the unified one if it offers v2 (NULL v2: core files, always). */
struct cg_hier *cg_find_hier(struct cgroup *cg, const char *v1, const char *v2)
{
	struct cg_hier *h = cg_find_v1(cg, v1);

	if (h)
		return h;
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified && (!v2 || cg_strv_has(cg->hiers[i].controllers, v2)))
			return &cg->hiers[i];
	return NULL;
}

/* The cgroup mounts of /proc/self/mountinfo, split in place inside *buf. */
static int load_mounts(char **buf, struct cg_mount **out, size_t *n, md_error *err)
{
	cleanup_free struct md_mountinfo *mi = NULL;
	size_t nmi;

	*out = NULL;
	*n = 0;
	if (md_mountinfo_read(&mi, &nmi, buf, err) < 0)
		return -1;
	for (size_t i = 0; i < nmi; i++) {
		if (strcmp(mi[i].fstype, "cgroup") != 0 && strcmp(mi[i].fstype, "cgroup2") != 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		cg_mount_of(&mi[i], &(*out)[(*n)++]);
	}
	return 0;
}

int cgroup_detect_mode(enum cgroup_mode *mode, md_error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free struct cg_mount *m = NULL;
	size_t n, v2;

	if (load_mounts(&buf, &m, &n, err) < 0)
		return -1;
	if (cg_pick_mode(m, n, mode, &v2) < 0)
		return md_error_set(err, ENOENT, "no cgroup hierarchy is mounted");
	return 0;
}

static void add_hier(struct cgroup *cg, const char *mount, char **controllers, bool unified)
{
	struct cg_hier *h;

	cg->hiers = xrealloc(cg->hiers, (cg->n_hiers + 1) * sizeof(*h));
	h = &cg->hiers[cg->n_hiers++];
	memset(h, 0, sizeof(*h));
	h->mount = xstrdup(mount);
	h->controllers = controllers;
	h->unified = unified;
	h->dir = xasprintf("%s%s", mount, cg->path);
}

/* A v1 hierarchy mounted twice shows the same device: keep the first. */
static bool seen_before(const struct cg_mount *m, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(m[j].fstype, "cgroup") == 0 && strcmp(m[j].dev, m[i].dev) == 0)
			return true;
	return false;
}

static int unified_controllers(const char *mount, char ***out, md_error *err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (cg_read(mount, "cgroup.controllers", &text, err) < 0)
		return -1;
	*out = xmalloc0(sizeof(char *));
	for (char *c = strtok_r(text, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		md_strv_push(out, c);
	return 0;
}

int cg_find_hierarchies(struct cgroup *cg, md_error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free struct cg_mount *m = NULL;
	size_t n, v2;
	char **ctl;

	if (load_mounts(&buf, &m, &n, err) < 0)
		return -1;
	if (cg_pick_mode(m, n, &cg->mode, &v2) < 0)
		return md_error_set(err, ENOENT, "no cgroup hierarchy is mounted");
	for (size_t i = 0; cg->mode != CGROUP_MODE_V2 && i < n; i++)
		if (strcmp(m[i].fstype, "cgroup") == 0 && !seen_before(m, i))
			add_hier(cg, m[i].point, cg_v1_controllers(m[i].opts), false);
	if (cg->mode == CGROUP_MODE_V1)
		return 0;
	if (unified_controllers(m[v2].point, &ctl, err) < 0)
		return -1;
	add_hier(cg, m[v2].point, ctl, true);
	return 0;
}
