/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups behind one small interface. The layout (v1, v2, or hybrid: v1
 * controllers plus a cgroup2 mount at /sys/fs/cgroup/unified) is detected
 * once; cgroup-v1.c and cgroup-v2.c implement the per-version writers.
 *
 * Paths: every container cgroup lives under MD_CGROUP_PARENT at the root of
 * each hierarchy (like Docker's /docker/); a relative OCI cgroupsPath is
 * placed under that parent too, an absolute one is taken as given. */
#ifndef MD_CGROUP_H
#define MD_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"
#include "runtime/spec.h"

#define MD_CGROUP_PARENT "/mydocker"
#define MD_CGROUP_ROOT "/sys/fs/cgroup"

enum cgroup_mode {
	CGROUP_MODE_V1,     /* v1 controllers only */
	CGROUP_MODE_HYBRID, /* v1 controllers + cgroup2 at /sys/fs/cgroup/unified */
	CGROUP_MODE_V2,     /* cgroup2 at /sys/fs/cgroup */
};

struct cgroup; /* opaque */

int cgroup_detect_mode(enum cgroup_mode *mode, md_error *err);

/* The full cgroup path ("/mydocker/ID", or the config's cgroupsPath made
 * relative to /mydocker, or an absolute one as given). Caller frees. */
char *cgroup_path_for(const char *cgroups_path, const char *id);

/* How a new child joins the cgroup without the slow path: moving another
 * process takes cgroup_threadgroup_rwsem for writing, an RCU grace period
 * (6-16 ms on this host). The child is born in the cgroup2 directory
 * (clone3 CLONE_INTO_CGROUP) and moves itself, a single thread, into each
 * v1 hierarchy by writing "0" to its `tasks` file, which skips that lock.
 * The fds are opened by the parent (root), whose credentials the kernel
 * checks, so a child in a user namespace can use them too. */
struct cgroup_join {
	int v2_dir;    /* the cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	int *v1_tasks; /* one O_WRONLY `tasks` fd per v1 hierarchy */
	size_t n_v1;
};

int cgroup_join_open(struct cgroup *cg, struct cgroup_join *j, md_error *err);
/* In the child, first thing: move itself into each v1 hierarchy. */
int cgroup_join_self(const struct cgroup_join *j, md_error *err);
void cgroup_join_close(struct cgroup_join *j);
/* A fork-like clone (CLONE_PIDFD when pidfd is not NULL; no new stack,
 * the child runs on a copy of ours), born in j's cgroup2 directory when
 * there is one: *in_v2 says whether that worked (Linux >= 5.7). Returns
 * like fork(), with errno. */
pid_t cgroup_clone(unsigned long flags, int *pidfd, const struct cgroup_join *j, bool *in_v2);
/* Move pid into the cgroup2 hierarchy only (when clone3 could not). */
int cgroup_enter_unified(struct cgroup *cg, pid_t pid, md_error *err);

/* True when res sets a limit (device rules aside: they are the only
 * thing a rootless container may go without, its user namespace already
 * forbids mknod). */
bool cgroup_wants_limits(const struct spec_resources *res);

/* Create the cgroup in every hierarchy and apply res (which may be NULL),
 * in two steps, for a caller that records what will be made before it is,
 * so that a runtime killed in between leaves a record that delete can act
 * on: cgroup_plan finds the hierarchies and notes the directories missing
 * now (cgroup_owned_dirs lists them); cgroup_make makes them, joining
 * those that exist (a pod's, a slice's, an admin's: only what it made is
 * ours to remove later), and applies res. A limit that the host cannot
 * apply fails cgroup_make, which then removes what it made; the caller
 * frees cg either way. */
int cgroup_plan(const char *path, struct cgroup **out, md_error *err);
int cgroup_make(struct cgroup *cg, const struct spec_resources *res, md_error *err);

/* The directories that are ours (planned, or made): per hierarchy the
 * parents we made, outermost first, then the leaf if we made it. For the
 * state record. Never NULL; caller frees. */
char **cgroup_owned_dirs(const struct cgroup *cg);

/* Open an existing cgroup (for state, kill --all, delete, update...).
 * Does not fail when some hierarchies lack the directory; ENOENT when all
 * do. Without a record of what was made, the leaf counts as ours (state
 * files from before joining existed). */
int cgroup_open(const char *path, struct cgroup **out, md_error *err);
/* The same with the record (cgroup_owned_dirs, NULL for none) for destroy:
 * never ENOENT, since parents we made may outlive a missing leaf. */
int cgroup_open_owned(const char *path, char *const *owned, struct cgroup **out, md_error *err);

/* Apply (more) resources to an existing cgroup (runc update). */
int cgroup_update(struct cgroup *cg, const struct spec_resources *res, md_error *err);

/* Freeze or thaw every process in the cgroup; waits until done. */
int cgroup_freeze(struct cgroup *cg, bool frozen, md_error *err);
/* 1 when frozen, 0 when not, -1 on error. */
int cgroup_is_frozen(struct cgroup *cg, md_error *err);

/* PIDs (host view) of every process in the cgroup. Caller frees *pids. */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, md_error *err);

/* Send sig to every process in the cgroup. */
int cgroup_kill(struct cgroup *cg, int sig, md_error *err);

/* How many times the OOM killer fired in this cgroup (0 if none). */
int cgroup_oom_kills(struct cgroup *cg, long *count, md_error *err);

/* Kill what is left in the leaf (SIGKILL, waiting until empty, bounded),
 * then remove the directories that are ours: a joined leaf stays, and a
 * parent we made stays while another cgroup is in it. Missing directories
 * are fine. */
int cgroup_destroy(struct cgroup *cg, md_error *err);

/* Memory and CPU usage for `events --stats` and `ps`. */
struct cgroup_stats {
	unsigned long long memory_usage, memory_limit, cpu_usage_ns;
	unsigned long long pids_current, pids_limit;
};
int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, md_error *err);

const char *cgroup_get_path(const struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

/* Pure conversions, exposed for unit tests. */
unsigned long long cgroup_shares_to_weight(unsigned long long shares);
/* "max" or the number, for v2 files; buf >= 32 bytes. */
const char *cgroup_v2_limit(int64_t v, char *buf);

#endif
