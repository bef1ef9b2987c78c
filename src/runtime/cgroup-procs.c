/* SPDX-License-Identifier: Apache-2.0 */
/* The processes of a cgroup: joining it at clone, listing, signalling,
 * freezing, killing all before removal, and usage stats. */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* destroy waits this long for the processes to die after SIGKILL */
#define DESTROY_TIMEOUT_MS 5000

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
		if (cg->hiers[i].unified &&
		    cg_write(cg->hiers[i].dir, "cgroup.procs", buf, err) < 0)
			return md_error_prefix(err, "move pid %d into cgroup %s", (int)pid,
					       cg->path);
	return 0;
}

static struct cg_hier *freezer(struct cgroup *cg, md_error *err)
{
	struct cg_hier *h = cg_find_hier(cg, "freezer", NULL);

	if (!h)
		md_error_set(err, ENOTSUP,
			     "freezing not supported by the host: no freezer cgroup controller");
	return h;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, md_error *err)
{
	struct cg_hier *h = freezer(cg, err);

	return h ? cg_hier_ops(h)->freeze(h->dir, frozen, err) : -1;
}

int cgroup_is_frozen(struct cgroup *cg, md_error *err)
{
	struct cg_hier *h = freezer(cg, err);

	return h ? cg_hier_ops(h)->is_frozen(h->dir, err) : -1;
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
	struct cg_hier *h = cg_find_hier(cg, "pids", NULL);

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
	struct cg_hier *h = cg_find_hier(cg, "memory", "memory");

	*count = 0;
	return h ? cg_hier_ops(h)->oom_kills(h->dir, count, err) : 0;
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
int cg_kill_and_wait(struct cgroup *cg, md_error *err)
{
	long deadline = md_now_ms() + DESTROY_TIMEOUT_MS;
	size_t left = kill_everywhere(cg);
	struct cg_hier *h = cg_find_hier(cg, "freezer", NULL);

	if (left && h && access(h->dir, F_OK) == 0)
		cg_hier_ops(h)->freeze(h->dir, false, NULL);
	while (left) {
		if (md_now_ms() >= deadline)
			return md_error_set(
				err, EBUSY,
				"cgroup %s: %zu processes still there %d ms after SIGKILL",
				cg->path, left, DESTROY_TIMEOUT_MS);
		md_sleep_ms(10);
		left = kill_everywhere(cg);
	}
	return 0;
}

int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, md_error *err)
{
	struct cg_hier *h;
	uint64_t v;

	memset(st, 0, sizeof(*st));
	h = cg_find_hier(cg, "memory", "memory");
	if (h && cg_hier_ops(h)->memory_stats(h->dir, st, err) < 0)
		return -1;
	h = cg_find_hier(cg, "cpuacct", NULL);
	if (h && cg_hier_ops(h)->cpu_stats(h->dir, st, err) < 0)
		return -1;
	h = cg_find_hier(cg, "pids", "pids");
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
