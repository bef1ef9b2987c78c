/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the cgroup files: cgroup.c (path, directories: create, open,
 * remove), cgroup-detect.c (layout and hierarchies), cgroup-apply.c
 * (limits to hierarchies), cgroup-procs.c (processes, freezing, stats),
 * cgroup-files.c (control files and their formats) and the per-version
 * writers (cgroup-v1.c, cgroup-v2.c): the hierarchy list, the table of
 * per-version functions, and small file helpers. Nothing outside
 * src/runtime/cgroup*.c should include this, except the unit tests, which
 * reach the pure parsers through it. */
#ifndef MD_CGROUP_INTERNAL_H
#define MD_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/cgroup.h"

/* One mounted hierarchy, and our cgroup's directory in it. */
struct cg_hier {
	char *mount;        /* mount point, e.g. /sys/fs/cgroup/memory */
	char **controllers; /* v1: from the mount options (name=systemd kept);
			     * v2: the root's cgroup.controllers */
	char *dir;          /* mount + cgroup path */
	bool unified;       /* a cgroup2 hierarchy */
	/* What is ours to remove: the leaf when we made it (not when we
	 * joined one that existed), and the parents we made, outermost
	 * first. Planned, made, or read back from the state record. */
	bool created;
	char **made;
};

struct cgroup {
	char *path; /* "/mydocker/ID" */
	enum cgroup_mode mode;
	struct cg_hier *hiers;
	size_t n_hiers;
};

/* Resource groups: each needs one controller and has one writer per
 * version. Hybrid mode picks, per group, the hierarchy that holds its
 * controller, so the version of the writer follows the controller. */
enum cg_res {
	CG_CPUSET,
	CG_MEMORY,
	CG_CPU,
	CG_PIDS,
	CG_BLKIO,
	CG_HUGETLB,
	CG_DEVICES,
	CG_UNIFIED,
	CG_NET_CLS,  /* v1 only: cgroup v2 has no such controller */
	CG_NET_PRIO, /* v1 only */
	CG_NRES,
};

typedef int (*cg_setter)(const char *dir, const struct spec_resources *res, md_error *err);

struct cg_ops {
	/* Called after the directories exist (and on update): v1 fills
	 * cpuset.cpus/mems down the chain, v2 enables controllers in the
	 * parents' cgroup.subtree_control. `need` lists v2 controller names
	 * the resources use. */
	int (*prepare)(const struct cg_hier *h, const char *path, char *const *need, md_error *err);
	cg_setter set[CG_NRES];
	int (*freeze)(const char *dir, bool frozen, md_error *err);
	int (*is_frozen)(const char *dir, md_error *err);
	int (*oom_kills)(const char *dir, long *count, md_error *err);
	int (*memory_stats)(const char *dir, struct cgroup_stats *st, md_error *err);
	int (*cpu_stats)(const char *dir, struct cgroup_stats *st, md_error *err);
};

extern const struct cg_ops cg_v1_ops;
extern const struct cg_ops cg_v2_ops;

/* Freezing gives up after this long (runc retries for about as long). */
#define CG_FREEZE_TIMEOUT_MS 2000

/* --- hierarchies (cgroup-detect.c) --- */

/* The mounted hierarchies and the mode, into cg->hiers and cg->mode
 * (cg->path set); ENOENT when no cgroup hierarchy is mounted. */
int cg_find_hierarchies(struct cgroup *cg, md_error *err);
/* The v1 or v2 table of writers for h. */
const struct cg_ops *cg_hier_ops(const struct cg_hier *h);
/* The v1 hierarchy holding controller v1 (NULL v1: none). */
struct cg_hier *cg_find_v1(struct cgroup *cg, const char *v1);
/* The hierarchy holding a controller: a v1 one first (hybrid limits go to
 * v1), else the unified one if it offers v2 (NULL v2: core files, always). */
struct cg_hier *cg_find_hier(struct cgroup *cg, const char *v1, const char *v2);

/* --- limits (cgroup-apply.c) --- */

/* Prepare every hierarchy for the controllers res needs, then write res
 * (NULL: prepare only). */
int cg_setup(struct cgroup *cg, const struct spec_resources *res, md_error *err);

/* --- processes (cgroup-procs.c) --- */

/* SIGKILL everything in the cgroup, thaw it, and wait (bounded) until every
 * hierarchy lists no process. */
int cg_kill_and_wait(struct cgroup *cg, md_error *err);

/* --- file helpers (cgroup-files.c) --- */

bool cg_exists(const char *dir, const char *file);
/* Write value to dir/file; kernel errors carry errno, file and value. */
int cg_write(const char *dir, const char *file, const char *value, md_error *err);
/* Like cg_write, but a missing file means the host cannot apply the limit
 * `what`: "<what> not supported by the host: <file> missing<hint>". */
int cg_write_limit(const char *dir, const char *file, const char *value, const char *what,
		   const char *hint, md_error *err);
int cg_write_i64(const char *dir, const char *file, int64_t v, const char *what, md_error *err);
int cg_read(const char *dir, const char *file, char **out, md_error *err);
/* A single number; "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *file, uint64_t *v, md_error *err);
/* The "key value" line of a flat keyed file (memory.events, cpu.stat...):
 * 0 when found, 1 when the key is absent (*v untouched), -1 on error. */
int cg_read_keyed(const char *dir, const char *file, const char *key, int64_t *v, md_error *err);
/* Like cg_read_u64, but a missing file leaves *v as it is (for stats). */
int cg_read_u64_opt(const char *dir, const char *file, uint64_t *v, md_error *err);
bool cg_strv_has(char *const *v, const char *s);

/* An optional integer, 0 when unset (0 means "leave alone", as in runc). */
static inline int64_t cg_opt(const struct opt_i64 *o)
{
	return o->set ? o->v : 0;
}

/* --- writers whose files are the same in v1 and v2 (cgroup-apply.c) --- */

int cg_set_cpuset(const char *dir, const struct spec_resources *res, md_error *err);
int cg_set_pids(const char *dir, const struct spec_resources *res, md_error *err);
/* hugetlb.<size>.<suffix>: "limit_in_bytes" on v1, "max" on v2. */
int cg_set_hugetlb(const char *dir, const struct spec_resources *res, const char *suffix,
		   md_error *err);

/* blkio device numbers have no wildcard: both must be >= 0. */
int cg_check_blkdev(int64_t major, int64_t minor, md_error *err);

/* --- pure helpers, unit tested --- */

/* What the layout detection needs of a mountinfo line (opts: the super
 * options), pointing into the line as util/mountinfo.h split it. */
struct cg_mount {
	char *root, *point, *dev, *fstype, *opts;
};
/* Controllers named by v1 super options ("rw,cpu,cpuacct" -> cpu, cpuacct;
 * "rw,name=systemd" -> name=systemd). NULL-terminated, caller frees. */
char **cg_v1_controllers(const char *opts);
/* From the cgroup mounts: the mode and the index of the cgroup2 mount to use
 * (SIZE_MAX when none). -1 when there is no usable hierarchy at all. */
int cg_pick_mode(const struct cg_mount *m, size_t n, enum cgroup_mode *mode, size_t *v2);
/* An absolute cgroup path without empty, "." or ".." components, not "/". */
bool cg_path_ok(const char *path);
/* A plain file name: non-empty, no '/', not "." or "..". */
bool cg_name_ok(const char *name);
/* The value of `key` in a flat keyed text ("oom_kill 3\n"); -1 if absent. */
int cg_keyed(const char *text, const char *key, int64_t *v);
/* Parse cgroup.procs text, appending to *pids (realloc'd). */
int cg_parse_pids(const char *text, pid_t **pids, size_t *n);
/* True for a space-separated word list containing word. */
bool cg_has_word(const char *list, const char *word);
/* OCI memory.swap is memory+swap; v2 memory.swap.max is swap alone.
 * -1 stays -1 (max). */
int cg_v2_swap_max(int64_t swap, int64_t limit, int64_t *out, md_error *err);
/* blkio.weight (10..1000) -> io.weight (1..10000), runc's formula. */
uint64_t cg_blkio_to_io_weight(uint64_t w);
/* One v1 devices.allow/deny line, e.g. "c 1:3 rwm" or "a". */
void cg_v1_device_line(const struct spec_device_rule *r, char *buf, size_t len);

#endif
