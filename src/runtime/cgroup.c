/* cgroups behind one small interface: find the hierarchies once (from
 * /proc/self/mountinfo), then send each resource group to the hierarchy that
 * holds its controller, through the v1 or v2 table of writers. In hybrid
 * mode that means limits land in the v1 controllers, while the cgroup is
 * also made and joined in the unified hierarchy for process tracking (as
 * runc does), and a controller that only the unified hierarchy has (hugetlb
 * on many hybrid hosts) is written there. */
#include "cgroup-internal.h"
#include "../util/cleanup.h"
#include "../util/mountinfo.h"
#include "../util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* destroy waits this long for the processes to die after SIGKILL */
#define DESTROY_TIMEOUT_MS 5000
/* rmdir can see EBUSY for a moment after the last task left */
#define RMDIR_TRIES 50

static const char *const v1_known[] = {
	"cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer",
	"net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
	"debug",
};

/* ---------- file helpers ---------- */

bool cg_exists(const char *dir, const char *file)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return access(p, F_OK) == 0;
}

int cg_write(const char *dir, const char *file, const char *value, md_error *err)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return md_write_file(p, value, err);
}

int cg_write_limit(const char *dir, const char *file, const char *value,
		   const char *what, const char *hint, md_error *err)
{
	if (access(dir, F_OK) < 0)
		return md_error_set(err, errno, "cgroup directory `%s`", dir);
	if (!cg_exists(dir, file))
		return md_error_set(err, ENOTSUP, "%s not supported by the host: %s missing%s",
				    what, file, hint ? hint : "");
	return cg_write(dir, file, value, err);
}

int cg_write_i64(const char *dir, const char *file, int64_t v, const char *what,
		 md_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cg_write_limit(dir, file, buf, what, NULL, err);
}

int cg_read(const char *dir, const char *file, char **out, md_error *err)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, file);

	return md_read_file(p, out, NULL, err);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *v, md_error *err)
{
	cleanup_free char *text = NULL;
	char *end;

	if (cg_read(dir, file, &text, err) < 0)
		return -1;
	if (md_str_has_prefix(text, "max")) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return md_error_set(err, EINVAL, "unexpected content in %s/%s", dir, file);
	return 0;
}

int cg_read_u64_opt(const char *dir, const char *file, uint64_t *v, md_error *err)
{
	if (!cg_exists(dir, file))
		return 0;
	return cg_read_u64(dir, file, v, err);
}

int cg_read_keyed(const char *dir, const char *file, const char *key, int64_t *v,
		  md_error *err)
{
	cleanup_free char *text = NULL;

	if (cg_read(dir, file, &text, err) < 0)
		return -1;
	return cg_keyed(text, key, v) < 0 ? 1 : 0;
}

bool cg_strv_has(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* ---------- pure helpers ---------- */

unsigned long long cgroup_shares_to_weight(unsigned long long shares)
{
	if (shares == 0)
		return 0; /* unset */
	/* clamp to the kernel's range for shares, so the result is 1..10000 */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

const char *cgroup_v2_limit(int64_t v, char *buf)
{
	if (v == -1)
		strcpy(buf, "max");
	else
		snprintf(buf, 32, "%" PRId64, v);
	return buf;
}

bool cg_name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

bool cg_path_ok(const char *path)
{
	const char *s = path;

	if (!path || path[0] != '/' || path[1] == '\0')
		return false;
	while (*s == '/') {
		const char *e = strchrnul(s + 1, '/');
		size_t len = (size_t)(e - s - 1);

		if (len == 0 || (len == 1 && s[1] == '.') ||
		    (len == 2 && s[1] == '.' && s[2] == '.'))
			return false;
		s = e;
	}
	return true;
}

/* Append rel's components to *out, dropping empty and "." ones. */
static int append_components(char **out, const char *rel)
{
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *p;

		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return -1;
		p = xasprintf("%s/%s", *out, c);
		free(*out);
		*out = p;
	}
	return 0;
}

/* "slice:prefix:name": exactly two colons and no slash. */
static bool is_systemd_style(const char *s)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	return c2 && !strchr(c2 + 1, ':') && !strchr(s, '/');
}

/* We have no systemd driver, so the slice is dropped and the unit name
 * ("prefix-name", as systemd would call the scope) is kept under /mydocker. */
static char *from_systemd_style(const char *s)
{
	const char *prefix = strchr(s, ':') + 1, *name = strchr(prefix, ':') + 1;
	cleanup_free char *unit = NULL;

	if (name - prefix > 1)
		unit = xasprintf("%.*s-%s", (int)(name - prefix - 1), prefix, name);
	else
		unit = xstrdup(name);
	if (!cg_name_ok(unit) || !cg_name_ok(name))
		return NULL;
	return xasprintf(MD_CGROUP_PARENT "/%s", unit);
}

/* cgroupsPath -> our layout:
 *   NULL or ""          -> /mydocker/<id>
 *   "foo/bar"           -> /mydocker/foo/bar (relative: under our parent)
 *   "/a/b"              -> /a/b (absolute: as given)
 *   "slice:prefix:name" -> /mydocker/prefix-name (systemd driver syntax)
 * Empty and "." components are dropped. NULL for "..", for an id that is not
 * a plain name, and for a result that is the root or /mydocker itself. */
char *cgroup_path_for(const char *cgroups_path, const char *id)
{
	cleanup_free char *out = NULL;

	if (!cgroups_path || !*cgroups_path)
		return cg_name_ok(id) ? xasprintf(MD_CGROUP_PARENT "/%s", id) : NULL;
	if (is_systemd_style(cgroups_path))
		return from_systemd_style(cgroups_path);
	out = xstrdup(cgroups_path[0] == '/' ? "" : MD_CGROUP_PARENT);
	if (append_components(&out, cgroups_path) < 0 || !*out ||
	    strcmp(out, MD_CGROUP_PARENT) == 0)
		return NULL;
	return TAKE_PTR(out);
}

/* The cgroup view of a mountinfo line; kept for the unit tests, which
 * build cg_mount tables by hand. */
static void cg_mount_of(const struct md_mountinfo *mi, struct cg_mount *m)
{
	m->root = mi->root;
	m->point = mi->point;
	m->dev = mi->dev;
	m->fstype = mi->fstype;
	m->opts = mi->super;
}

int cg_parse_mountinfo_line(char *line, struct cg_mount *m)
{
	struct md_mountinfo mi;

	if (md_mountinfo_parse(line, &mi) < 0)
		return -1;
	cg_mount_of(&mi, m);
	return 0;
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

int cg_pick_mode(const struct cg_mount *m, size_t n, enum cgroup_mode *mode,
		 size_t *v2)
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

int cg_keyed(const char *text, const char *key, int64_t *v)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			*v = strtoll(l + kl + 1, NULL, 10);
			return 0;
		}
		l = nl ? nl + 1 : NULL;
	}
	return -1;
}

int cg_parse_pids(const char *text, pid_t **pids, size_t *n)
{
	const char *s = text;

	for (;;) {
		char *end;
		long v;

		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			return 0;
		errno = 0;
		v = strtol(s, &end, 10);
		if (end == s || errno || v <= 0 || v > INT32_MAX)
			return -1;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(pid_t));
		(*pids)[(*n)++] = (pid_t)v;
		s = end;
	}
}

bool cg_has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += wl) {
		bool start = s == list || s[-1] == ' ' || s[-1] == '\n';
		bool end = s[wl] == '\0' || s[wl] == ' ' || s[wl] == '\n';

		if (start && end)
			return true;
	}
	return false;
}

/* ---------- writers shared by v1 and v2 ---------- */

int cg_set_cpuset(const char *dir, const struct spec_resources *res, md_error *err)
{
	if (res->cpuset_cpus && *res->cpuset_cpus &&
	    cg_write_limit(dir, "cpuset.cpus", res->cpuset_cpus, "cpuset cpus", NULL, err) < 0)
		return -1;
	if (res->cpuset_mems && *res->cpuset_mems &&
	    cg_write_limit(dir, "cpuset.mems", res->cpuset_mems, "cpuset mems", NULL, err) < 0)
		return -1;
	return 0;
}

int cg_set_pids(const char *dir, const struct spec_resources *res, md_error *err)
{
	char buf[32];
	int64_t v = res->pids_limit.v;

	if (!res->pids_limit.set)
		return 0;
	cgroup_v2_limit(v <= 0 ? -1 : v, buf); /* 0 or negative: no limit */
	return cg_write_limit(dir, "pids.max", buf, "pids limit", NULL, err);
}

int cg_set_hugetlb(const char *dir, const struct spec_resources *res,
		   const char *suffix, md_error *err)
{
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage *hp = &res->hugepages[i];
		cleanup_free char *file = NULL, *what = NULL;
		char buf[32];

		if (!cg_name_ok(hp->page_size))
			return md_error_set(err, EINVAL, "invalid hugepage size `%s`",
					    hp->page_size ? hp->page_size : "");
		file = xasprintf("hugetlb.%s.%s", hp->page_size, suffix);
		what = xasprintf("hugepage limit for %s", hp->page_size);
		snprintf(buf, sizeof(buf), "%" PRIu64, hp->limit);
		if (cg_write_limit(dir, file, buf, what, NULL, err) < 0)
			return -1;
	}
	return 0;
}

int cg_check_blkdev(int64_t major, int64_t minor, md_error *err)
{
	if (major < 0 || minor < 0)
		return md_error_set(err, EINVAL, "invalid block device %" PRId64 ":%" PRId64,
				    major, minor);
	return 0;
}

/* ---------- hierarchies ---------- */

static const struct cg_ops *hier_ops(const struct cg_hier *h)
{
	return h->unified ? &cg_v2_ops : &cg_v1_ops;
}

static struct cg_hier *find_v1(struct cgroup *cg, const char *v1)
{
	for (size_t i = 0; v1 && i < cg->n_hiers; i++)
		if (!cg->hiers[i].unified && cg_strv_has(cg->hiers[i].controllers, v1))
			return &cg->hiers[i];
	return NULL;
}

/* The hierarchy holding a controller: a v1 one first (hybrid limits go to
 * v1), else the unified one if it offers v2 (NULL v2: core files, always). */
static struct cg_hier *find_hier(struct cgroup *cg, const char *v1, const char *v2)
{
	struct cg_hier *h = find_v1(cg, v1);

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

static void add_hier(struct cgroup *cg, const char *mount, char **controllers,
		     bool unified)
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

static int find_hierarchies(struct cgroup *cg, md_error *err)
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

static int cg_new(const char *path, struct cgroup **out, md_error *err)
{
	struct cgroup *cg;

	if (!cg_path_ok(path))
		return md_error_set(err, EINVAL, "invalid cgroup path `%s`", path ? path : "");
	/* opening the parent would let destroy kill every container */
	if (strcmp(path, MD_CGROUP_PARENT) == 0)
		return md_error_set(err, EINVAL, "refusing to use %s itself as a cgroup", path);
	cg = xmalloc0(sizeof(*cg));
	cg->path = xstrdup(path);
	if (find_hierarchies(cg, err) < 0) {
		cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

/* ---------- create / open / apply ---------- */

/* The directories from the first component of cg->path down to the leaf,
 * in h ("/sys/fs/cgroup/memory/mydocker", ".../mydocker/ID"). */
static char **dir_chain(const struct cgroup *cg, const struct cg_hier *h)
{
	char **v = xmalloc0(sizeof(char *));

	for (const char *e = cg->path; *e;) {
		cleanup_free char *dir = NULL;

		e = strchrnul(e + 1, '/');
		dir = xasprintf("%s%.*s", h->mount, (int)(e - cg->path), cg->path);
		md_strv_push(&v, dir);
	}
	return v;
}

static void forget_made(struct cg_hier *h)
{
	h->created = false;
	md_strv_free(h->made);
	h->made = NULL;
}

/* Note dir (the i-th of chain) as ours. /mydocker is never noted: it is
 * shared by every container and stays. */
static void note_made(struct cg_hier *h, char *const *chain, size_t i)
{
	if (!chain[i + 1])
		h->created = true;
	else if (strcmp(chain[i] + strlen(h->mount), MD_CGROUP_PARENT) != 0)
		md_strv_push(&h->made, chain[i]);
}

/* A name that exists is joined, if it is a directory (a cgroup). */
static int join_existing(const char *dir, md_error *err)
{
	struct stat sb;

	if (stat(dir, &sb) < 0)
		return md_error_set(err, errno, "stat `%s`", dir);
	if (!S_ISDIR(sb.st_mode))
		return md_error_set(err, ENOTDIR, "cgroup `%s` is not a directory", dir);
	return 0;
}

/* mkdir each missing component of the path in h, noting what was made. An
 * existing leaf is joined, as runc and crun do: a cgroup made by a pod, a
 * slice or an admin, whose limits stay unless the config sets others. */
static int make_dirs(struct cgroup *cg, struct cg_hier *h, md_error *err)
{
	cleanup_strv char **chain = NULL;

	forget_made(h);
	/* Usually the parents exist: one mkdir then. */
	if (mkdir(h->dir, 0755) == 0) {
		h->created = true;
		return 0;
	}
	if (errno == EEXIST)
		return join_existing(h->dir, err);
	if (errno != ENOENT)
		return md_error_set(err, errno, "mkdir `%s`", h->dir);
	chain = dir_chain(cg, h);
	for (size_t i = 0; chain[i]; i++) {
		if (mkdir(chain[i], 0755) == 0)
			note_made(h, chain, i);
		else if (errno != EEXIST)
			return md_error_set(err, errno, "mkdir `%s`", chain[i]);
		else if (!chain[i + 1])
			return join_existing(chain[i], err);
	}
	return 0;
}

/* What make_dirs would make in h: the components missing now. */
static void plan_dirs(struct cgroup *cg, struct cg_hier *h)
{
	cleanup_strv char **chain = NULL;
	bool missing = false;

	forget_made(h);
	if (access(h->dir, F_OK) == 0)
		return;
	chain = dir_chain(cg, h);
	for (size_t i = 0; chain[i]; i++) {
		/* below a missing directory, everything is missing */
		missing = missing || access(chain[i], F_OK) < 0;
		if (missing)
			note_made(h, chain, i);
	}
}

/* The parents we made, innermost first. One that another container still
 * uses (a pod's) is busy and stays: it is not empty, so not ours alone. */
static void remove_made_parents(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cg_hier *h = &cg->hiers[i];

		for (size_t j = md_strv_len(h->made); j > 0; j--)
			rmdir(h->made[j - 1]);
	}
}

static void undo_create(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].created)
			rmdir(cg->hiers[i].dir);
	remove_made_parents(cg);
}

static bool want_cpuset(const struct spec_resources *r)
{
	return (r->cpuset_cpus && *r->cpuset_cpus) || (r->cpuset_mems && *r->cpuset_mems);
}

static bool want_memory(const struct spec_resources *r)
{
	return r->memory_limit.set || r->memory_reservation.set || r->memory_swap.set ||
	       r->memory_swappiness.set || r->disable_oom_killer;
}

static bool want_cpu(const struct spec_resources *r)
{
	return r->cpu_shares.set || r->cpu_quota.set || r->cpu_period.set ||
	       r->cpu_rt_runtime.set || r->cpu_rt_period.set || r->cpu_idle.set ||
	       r->cpu_burst.set;
}

static bool want_pids(const struct spec_resources *r)
{
	return r->pids_limit.set;
}

static bool want_blkio(const struct spec_resources *r)
{
	return r->blkio_weight.set || r->blkio_leaf_weight.set || r->n_blkio_weight_devices ||
	       r->n_blkio_read_bps || r->n_blkio_write_bps || r->n_blkio_read_iops ||
	       r->n_blkio_write_iops;
}

static bool want_hugetlb(const struct spec_resources *r)
{
	return r->n_hugepages > 0;
}

static bool want_devices(const struct spec_resources *r)
{
	return r->n_devices > 0;
}

static bool want_unified(const struct spec_resources *r)
{
	return r->n_unified > 0;
}

static bool want_net_cls(const struct spec_resources *r)
{
	return r->net_class_id.set;
}

static bool want_net_prio(const struct spec_resources *r)
{
	return r->n_net_priorities > 0;
}

/* Per resource group: a name for errors, the controller on v1 and on v2
 * (v1 NULL: never on v1; v2 NULL: core v2 files, no controller needed;
 * v1_only: v2 has no counterpart, and the group is ignored there). */
static const struct cg_resource {
	const char *what, *v1, *v2;
	bool (*wanted)(const struct spec_resources *r);
	bool v1_only;
} resources[CG_NRES] = {
	[CG_CPUSET] = { "cpuset limits", "cpuset", "cpuset", want_cpuset },
	[CG_MEMORY] = { "memory limits", "memory", "memory", want_memory },
	[CG_CPU] = { "cpu limits", "cpu", "cpu", want_cpu },
	[CG_PIDS] = { "pids limit", "pids", "pids", want_pids },
	[CG_BLKIO] = { "blkio limits", "blkio", "io", want_blkio },
	[CG_HUGETLB] = { "hugepage limits", "hugetlb", "hugetlb", want_hugetlb },
	[CG_DEVICES] = { "device rules", "devices", NULL, want_devices },
	[CG_UNIFIED] = { "unified resources", NULL, NULL, want_unified },
	/* Network classes and priorities are for tc and the qdiscs, which cgroup
	 * v2 leaves to eBPF: runc ignores them on a v2 host, and so do we. */
	[CG_NET_CLS] = { "network class id", "net_cls", NULL, want_net_cls, true },
	[CG_NET_PRIO] = { "network priorities", "net_prio", NULL, want_net_prio, true },
};

bool cgroup_wants_limits(const struct spec_resources *res)
{
	for (size_t r = 0; res && r < CG_NRES; r++)
		if (r != CG_DEVICES && resources[r].wanted(res))
			return true;
	return false;
}

/* v2 controllers the resources use, unified keys included ("io.max" -> io). */
static char **needed_controllers(const struct spec_resources *res)
{
	char **need = xmalloc0(sizeof(char *));

	for (size_t r = 0; res && r < CG_NRES; r++)
		if (resources[r].v2 && resources[r].wanted(res))
			md_strv_push(&need, resources[r].v2);
	for (size_t i = 0; res && i < res->n_unified; i++) {
		const char *key = res->unified[i].key ? res->unified[i].key : "";
		cleanup_free char *c = strndup(key, strcspn(key, "."));

		if (c && *c && !cg_strv_has(need, c))
			md_strv_push(&need, c);
	}
	return need;
}

static int no_controller(const struct cgroup *cg, const struct cg_resource *d,
			 md_error *err)
{
	const char *name = cg->mode == CGROUP_MODE_V2 ? d->v2 : d->v1;

	if (!name)
		return md_error_set(err, ENOTSUP, "%s need cgroup v2: no cgroup2 hierarchy is mounted",
				    d->what);
	return md_error_set(err, ENOTSUP, "%s not supported by the host: no %s cgroup controller",
			    d->what, name);
}

static int apply(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	for (size_t r = 0; r < CG_NRES; r++) {
		const struct cg_resource *d = &resources[r];
		struct cg_hier *h;

		if (!d->wanted(res) || (d->v1_only && cg->mode == CGROUP_MODE_V2))
			continue;
		h = d->v1_only ? find_v1(cg, d->v1) : find_hier(cg, d->v1, d->v2);
		if (!h)
			return no_controller(cg, d, err);
		if (hier_ops(h)->set[r](h->dir, res, err) < 0)
			return -1;
	}
	return 0;
}

static int setup(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	cleanup_strv char **need = needed_controllers(res);

	for (size_t i = 0; i < cg->n_hiers; i++)
		if (hier_ops(&cg->hiers[i])->prepare(&cg->hiers[i], cg->path, need, err) < 0)
			return -1;
	return res ? apply(cg, res, err) : 0;
}

int cgroup_plan(const char *path, struct cgroup **out, md_error *err)
{
	if (cg_new(path, out, err) < 0)
		return -1;
	for (size_t i = 0; i < (*out)->n_hiers; i++)
		plan_dirs(*out, &(*out)->hiers[i]);
	return 0;
}

int cgroup_make(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	/* a failure must undo only what this call made, not what was planned */
	for (size_t i = 0; i < cg->n_hiers; i++)
		forget_made(&cg->hiers[i]);
	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (make_dirs(cg, &cg->hiers[i], err) < 0)
			goto fail;
	}
	if (setup(cg, res, err) < 0)
		goto fail;
	return 0;
fail:
	undo_create(cg);
	return -1;
}

int cgroup_create(const char *path, const struct spec_resources *res,
		  struct cgroup **out, md_error *err)
{
	struct cgroup *cg;

	if (cg_new(path, &cg, err) < 0)
		return -1;
	if (cgroup_make(cg, res, err) < 0) {
		cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

/* Without a record (an older state file, the engine's sweep) the leaf is
 * ours wherever it exists: before joining existed, we made every one. */
int cgroup_open(const char *path, struct cgroup **out, md_error *err)
{
	struct cgroup *cg;
	bool found = false;

	if (cg_new(path, &cg, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		cg->hiers[i].created = true;
		found = found || access(cg->hiers[i].dir, F_OK) == 0;
	}
	if (found) {
		*out = cg;
		return 0;
	}
	cgroup_free(cg);
	return md_error_set(err, ENOENT, "cgroup %s does not exist", path);
}

char **cgroup_owned_dirs(const struct cgroup *cg)
{
	char **v = xmalloc0(sizeof(char *));

	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cg_hier *h = &cg->hiers[i];

		for (size_t j = 0; h->made && h->made[j]; j++)
			md_strv_push(&v, h->made[j]);
		if (h->created)
			md_strv_push(&v, h->dir);
	}
	return v;
}

/* A recorded directory is ours if it is the leaf or one of its parents
 * (below /mydocker) in a hierarchy mounted now; anything else (a hierarchy
 * since unmounted, an edited record) is left alone. */
static void claim_dir(struct cgroup *cg, const char *dir)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cg_hier *h = &cg->hiers[i];
		size_t ml = strlen(h->mount), rl;
		const char *rel = dir + ml;

		if (strncmp(dir, h->mount, ml) != 0 || rel[0] != '/')
			continue;
		if (strcmp(rel, cg->path) == 0) {
			h->created = true;
			return;
		}
		rl = strlen(rel);
		if (strncmp(cg->path, rel, rl) == 0 && cg->path[rl] == '/' &&
		    strcmp(rel, MD_CGROUP_PARENT) != 0) {
			md_strv_push(&h->made, dir);
			return;
		}
	}
}

int cgroup_open_owned(const char *path, char *const *owned, struct cgroup **out,
		      md_error *err)
{
	if (!owned)
		return cgroup_open(path, out, err);
	if (cg_new(path, out, err) < 0)
		return -1;
	for (size_t i = 0; owned[i]; i++)
		claim_dir(*out, owned[i]);
	return 0;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	if (!res)
		return 0;
	return setup(cg, res, err);
}

/* ---------- processes ---------- */

static int open_at_dir(const char *dir, const char *file, int flags, md_error *err)
{
	cleanup_free char *p = file ? xasprintf("%s/%s", dir, file) : xstrdup(dir);
	int fd = open(p, flags | O_CLOEXEC);

	if (fd < 0)
		return md_error_set(err, errno, "open %s", p);
	return fd;
}

int cgroup_join_open(struct cgroup *cg, struct cgroup_join *j, md_error *err)
{
	j->v2_dir = -1;
	j->v1_tasks = xmalloc0(sizeof(int) * (cg->n_hiers + 1));
	j->n_v1 = 0;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cg_hier *h = &cg->hiers[i];
		int fd;

		if (h->unified && j->v2_dir >= 0)
			return md_error_set(err, ENOTSUP, "more than one cgroup2 hierarchy");
		fd = open_at_dir(h->dir, h->unified ? NULL : "tasks",
				 h->unified ? O_RDONLY | O_DIRECTORY : O_WRONLY, err);
		if (fd < 0)
			return -1;
		if (h->unified)
			j->v2_dir = fd;
		else
			j->v1_tasks[j->n_v1++] = fd;
	}
	return 0;
}

int cgroup_join_self(const struct cgroup_join *j, md_error *err)
{
	for (size_t i = 0; i < j->n_v1; i++)
		if (write(j->v1_tasks[i], "0", 1) != 1)
			return md_error_set(err, errno, "join the cgroup (v1 tasks)");
	return 0;
}

void cgroup_join_close(struct cgroup_join *j)
{
	for (size_t i = 0; i < j->n_v1; i++)
		close(j->v1_tasks[i]);
	free(j->v1_tasks);
	j->v1_tasks = NULL;
	j->n_v1 = 0;
	if (j->v2_dir >= 0)
		close(j->v2_dir);
	j->v2_dir = -1;
}

pid_t cgroup_clone(unsigned long flags, int *pidfd, const struct cgroup_join *j, bool *in_v2)
{
	if (pidfd)
		flags |= CLONE_PIDFD;
	*in_v2 = false;
	if (j && j->v2_dir >= 0) {
		struct clone_args a = {
			.flags = (uint64_t)flags | CLONE_INTO_CGROUP,
			.pidfd = (uint64_t)(uintptr_t)pidfd,
			.exit_signal = SIGCHLD,
			.cgroup = (uint64_t)j->v2_dir,
		};
		pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));

		if (pid >= 0) {
			*in_v2 = true;
			return pid;
		}
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, pidfd, NULL, 0);
}

int cgroup_enter_unified(struct cgroup *cg, pid_t pid, md_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified && cg_write(cg->hiers[i].dir, "cgroup.procs", buf, err) < 0)
			return md_error_prefix(err, "move pid %d into cgroup %s", (int)pid, cg->path);
	return 0;
}

static struct cg_hier *freezer(struct cgroup *cg, md_error *err)
{
	struct cg_hier *h = find_hier(cg, "freezer", NULL);

	if (!h)
		md_error_set(err, ENOTSUP, "freezing not supported by the host: no freezer cgroup controller");
	return h;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, md_error *err)
{
	struct cg_hier *h = freezer(cg, err);

	return h ? hier_ops(h)->freeze(h->dir, frozen, err) : -1;
}

int cgroup_is_frozen(struct cgroup *cg, md_error *err)
{
	struct cg_hier *h = freezer(cg, err);

	return h ? hier_ops(h)->is_frozen(h->dir, err) : -1;
}

/* cgroup.procs of dir and of every cgroup below it (a container may nest). */
static int collect_pids(const char *dir, pid_t **pids, size_t *n, md_error *err)
{
	cleanup_free char *text = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *e;

	if (cg_read(dir, "cgroup.procs", &text, err) < 0)
		return -1;
	if (cg_parse_pids(text, pids, n) < 0)
		return md_error_set(err, EINVAL, "unexpected content in %s/cgroup.procs", dir);
	d = opendir(dir);
	if (!d)
		return md_error_set(err, errno, "opendir `%s`", dir);
	while ((e = readdir(d))) {
		cleanup_free char *sub = NULL;
		md_error sub_err;

		if (e->d_type != DT_DIR || !cg_name_ok(e->d_name))
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		/* a nested cgroup may vanish while we walk */
		if (collect_pids(sub, pids, n, &sub_err) < 0 && sub_err.errnum != ENOENT) {
			if (err)
				*err = sub_err;
			return -1;
		}
	}
	return 0;
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, md_error *err)
{
	struct cg_hier *h = find_hier(cg, "pids", NULL);

	*pids = NULL;
	*n = 0;
	if (!h && cg->n_hiers)
		h = &cg->hiers[0];
	if (!h)
		return md_error_set(err, ENOENT, "no cgroup hierarchy");
	if (collect_pids(h->dir, pids, n, err) < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* v2 can kill the whole subtree in one write, without racing forks. */
static bool kill_v2(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].unified && cg_exists(cg->hiers[i].dir, "cgroup.kill") &&
		    cg_write(cg->hiers[i].dir, "cgroup.kill", "1", NULL) == 0)
			return true;
	return false;
}

int cgroup_kill(struct cgroup *cg, int sig, md_error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n;

	if (sig == SIGKILL && kill_v2(cg))
		return 0;
	if (cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return md_error_set(err, errno, "kill %d", (int)pids[i]);
	return 0;
}

int cgroup_oom_kills(struct cgroup *cg, long *count, md_error *err)
{
	struct cg_hier *h = find_hier(cg, "memory", "memory");

	*count = 0;
	return h ? hier_ops(h)->oom_kills(h->dir, count, err) : 0;
}

/* SIGKILL what every hierarchy lists; returns how many were listed. */
static size_t kill_everywhere(struct cgroup *cg)
{
	size_t total = 0;

	kill_v2(cg);
	for (size_t i = 0; i < cg->n_hiers; i++) {
		cleanup_free pid_t *pids = NULL;
		size_t n = 0;

		if (collect_pids(cg->hiers[i].dir, &pids, &n, NULL) < 0)
			continue; /* missing here: fine */
		for (size_t j = 0; j < n; j++)
			kill(pids[j], SIGKILL);
		total += n;
	}
	return total;
}

/* Kill, thaw (a task frozen by the v1 freezer cannot die), and wait for the
 * cgroup to empty, killing again anything that forked meanwhile. */
static int kill_and_wait(struct cgroup *cg, md_error *err)
{
	long deadline = md_now_ms() + DESTROY_TIMEOUT_MS;
	size_t left = kill_everywhere(cg);
	struct cg_hier *h = find_hier(cg, "freezer", NULL);

	if (left && h && access(h->dir, F_OK) == 0)
		hier_ops(h)->freeze(h->dir, false, NULL);
	while (left) {
		if (md_now_ms() >= deadline)
			return md_error_set(err, EBUSY, "cgroup %s: %zu processes still there %d ms after SIGKILL",
					    cg->path, left, DESTROY_TIMEOUT_MS);
		md_sleep_ms(10);
		left = kill_everywhere(cg);
	}
	return 0;
}

static int rmdir_retry(const char *dir, md_error *err)
{
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i == RMDIR_TRIES)
			return md_error_set(err, errno, "rmdir `%s`", dir);
		md_sleep_ms(10);
	}
}

/* Nested cgroups first, then dir; only directories, which cgroupfs lets
 * rmdir remove along with their control files. */
static int remove_tree(const char *dir, md_error *err)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "opendir `%s`", dir);
	while ((e = readdir(d))) {
		cleanup_free char *sub = NULL;

		if (e->d_type != DT_DIR || !cg_name_ok(e->d_name))
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if (remove_tree(sub, err) < 0)
			return -1;
	}
	return rmdir_retry(dir, err);
}

/* The common case after a container's init was reaped: every leaf is
 * ours, empty and has no children, so a plain rmdir each is enough. */
static bool remove_leaves_fast(struct cgroup *cg)
{
	bool all = true;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (!cg->hiers[i].created)
			all = false; /* joined: what runs in it must still die */
		else if (rmdir(cg->hiers[i].dir) < 0 && errno != ENOENT)
			all = false;
	}
	return all;
}

int cgroup_destroy(struct cgroup *cg, md_error *err)
{
	if (!remove_leaves_fast(cg)) {
		if (kill_and_wait(cg, err) < 0)
			return -1;
		for (size_t i = 0; i < cg->n_hiers; i++)
			if (cg->hiers[i].created && remove_tree(cg->hiers[i].dir, err) < 0)
				return md_error_prefix(err, "remove cgroup %s", cg->path);
	}
	remove_made_parents(cg);
	return 0;
}

int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, md_error *err)
{
	struct cg_hier *h;
	uint64_t v;

	memset(st, 0, sizeof(*st));
	h = find_hier(cg, "memory", "memory");
	if (h && hier_ops(h)->memory_stats(h->dir, st, err) < 0)
		return -1;
	h = find_hier(cg, "cpuacct", NULL);
	if (h && hier_ops(h)->cpu_stats(h->dir, st, err) < 0)
		return -1;
	h = find_hier(cg, "pids", "pids");
	if (!h)
		return 0;
	v = 0;
	if (cg_read_u64_opt(h->dir, "pids.current", &v, err) < 0)
		return -1;
	st->pids_current = v;
	v = 0;
	if (cg_read_u64_opt(h->dir, "pids.max", &v, err) < 0)
		return -1;
	st->pids_limit = v;
	return 0;
}

const char *cgroup_get_path(const struct cgroup *cg)
{
	return cg->path;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		free(cg->hiers[i].mount);
		free(cg->hiers[i].dir);
		md_strv_free(cg->hiers[i].controllers);
		md_strv_free(cg->hiers[i].made);
	}
	free(cg->hiers);
	free(cg->path);
	free(cg);
}
