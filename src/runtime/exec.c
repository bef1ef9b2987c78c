/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/exec.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

struct exec_ctx {
	const struct rt_state *st;
	const struct spec_process *p;
	const struct rt_exec_opts *o;
	const struct rt_seccomp *seccomp; /* from o->config, or NULL */
	int init_pidfd;
	int sock;
	const struct cgroup_join *cgjoin; /* the container's, or NULL */
};

static int check_process(const struct spec_process *p, md_error *err)
{
	if (!p || !p->args || !p->args[0])
		return md_error_set(err, EINVAL, "exec: process.args is empty");
	return 0;
}

/* ---- the process in the container (grandchild) ---- */

static int exec_stdio(const struct exec_ctx *x, md_error *err)
{
	cleanup_close int master = -1;

	if (!x->p->terminal)
		return process_setup_stdio(x->o->stdio, err);
	if (process_setup_console(x->p, &master, err) < 0)
		return -1;
	return sync_send(x->sock, SYNC_CONSOLE, master, err);
}

/* The same steps as the container's init, in the same order. */
static int exec_setup(const struct exec_ctx *x, char **exe, md_error *err)
{
	const struct spec_process *p = x->p;

	/* Die with the caller until the program runs. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		return md_error_set(err, errno, "prctl");
	process_reset_signals();
	if (sync_expect(x->sock, SYNC_GO, NULL, err) < 0)
		return -1;
	if (setsid() < 0)
		return md_error_set(err, errno, "setsid");
	if (exec_stdio(x, err) < 0)
		return -1;
	if (process_prepare_fds(x->o->preserve_fds, err) < 0)
		return -1;
	if (process_apply_rlimits(p, err) < 0 || process_apply_oom_score(p, err) < 0)
		return -1;
	/* LSM label, capabilities, ids and no_new_privs, in runc's order;
	 * CAP_SYS_ADMIN kept for the filter as in the init (child.c). */
	if (process_set_user(p, x->seccomp && !p->no_new_privileges, err) < 0 ||
	    process_chdir(p, err) < 0)
		return -1;
	if (process_find_executable(p->args[0], p->env, exe, err) < 0)
		return -1;
	/* From here the program is on its own, like a detached one. */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		return md_error_set(err, errno, "prctl");
	/* The init's filter, last, as in the init. */
	return rt_seccomp_apply(x->seccomp, err);
}

__attribute__((noreturn)) static void exec_process(const struct exec_ctx *x)
{
	char *exe = NULL;
	md_error err;

	md_error_clear(&err);
	if (exec_setup(x, &exe, &err) == 0) {
		execve(exe, x->p->args, x->p->env);
		md_error_set(&err, errno, "exec: \"%s\"", exe);
		err.status = errno == ENOENT ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_EXEC;
	}
	sync_send_error(x->sock, &err);
	_exit(err.status ? err.status : MD_EXIT_FAILURE);
}

/* ---- the intermediate (child) ---- */

/* The init's root, opened on the host's procfs before we join anything:
 * a container without a mount namespace of its own is only chrooted, and
 * joining its namespaces would leave us at the host's root. */
static int open_init_root(pid_t pid, md_error *err)
{
	char path[32];
	cleanup_close int dir = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dir = md_open_procfs(path, O_RDONLY | O_DIRECTORY, err);
	if (dir < 0)
		return -1;
	fd = openat(dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open the root of pid %d", (int)pid);
	return fd;
}

/* After joining a mount namespace this is the root it gave us already. */
static int enter_root(int root, md_error *err)
{
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return md_error_set(err, errno, "enter the container's root");
	return 0;
}

/* Joins the namespaces, then forks the process as a sibling of itself
 * (CLONE_PARENT): the caller's child, in the container's pid namespace. */
static int intermediate(const struct exec_ctx *x, md_error *err)
{
	cleanup_close int root = -1;
	int pidfd = -1;
	pid_t pid;
	int r;

	/* Into the container's v1 cgroups first (see struct cgroup_join);
	 * non-dumpable before we hold anything of the container's. */
	if (x->cgjoin && cgroup_join_self(x->cgjoin, err) < 0)
		return -1;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		return md_error_set(err, errno, "prctl");
	if (sync_expect(x->sock, SYNC_CGROUP_DONE, NULL, err) < 0)
		return -1;
	root = open_init_root(x->st->pid, err);
	if (root < 0)
		return -1;
	if (ns_join_process(x->init_pidfd, x->st->pid, err) < 0 || enter_root(root, err) < 0)
		return -1;
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | CLONE_PIDFD | SIGCHLD), NULL,
			     &pidfd, NULL, 0);
	if (pid < 0)
		return md_error_set(err, errno, "fork in the container");
	if (pid == 0)
		exec_process(x);
	r = sync_send_value(x->sock, SYNC_PID, pid, pidfd, err);
	close(pidfd);
	return r;
}

__attribute__((noreturn)) static void intermediate_main(const struct exec_ctx *x)
{
	md_error err;

	md_error_clear(&err);
	if (intermediate(x, &err) == 0)
		_exit(0);
	sync_send_error(x->sock, &err);
	_exit(MD_EXIT_FAILURE);
}

/* ---- the caller ---- */

static int reap_intermediate(pid_t pid, md_error *err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return md_error_set(err, errno, "waitpid %d", (int)pid);
	return 0;
}

/* Caller's half: cgroup for the intermediate, then the process's pid,
 * console and execve. */
static int caller_sync(struct rt_container *c, int sock, pid_t mid, struct cgroup *cg, bool in_v2,
		       const struct spec_process *p, md_error *err)
{
	int32_t pid = 0;
	int r;

	/* The intermediate is in the cgroup before it forks, so the process
	 * is born inside. If it already failed, its frame says why. */
	if (cg && !in_v2 && cgroup_enter_unified(cg, mid, err) < 0)
		return -1;
	if (sync_send(sock, SYNC_CGROUP_DONE, -1, err) < 0)
		return sync_expect(sock, SYNC_PID, NULL, err);
	r = sync_expect_value(sock, SYNC_PID, &pid, &c->pidfd, err);
	if (reap_intermediate(mid, r < 0 ? NULL : err) < 0 || r < 0)
		return -1;
	c->pid = pid;
	if (c->pidfd < 0 || pid <= 0)
		return md_error_set(err, EPROTO, "exec: no pid from the container");
	if (sync_send(sock, SYNC_GO, -1, err) < 0)
		return -1;
	if (p->terminal && sync_expect(sock, SYNC_CONSOLE, &c->console_master, err) < 0)
		return -1;
	return sync_wait_exec(sock, err);
}

static int open_cgroup(const struct rt_state *st, struct cgroup **cg, md_error *err)
{
	*cg = NULL;
	if (!st->cgroup_path || !*st->cgroup_path)
		return 0;
	if (cgroup_open(st->cgroup_path, cg, err) < 0)
		return md_error_prefix(err, "exec");
	/* Our intermediate would freeze on entering it (runc refuses too). */
	if (cgroup_is_frozen(*cg, NULL) == 1) {
		cgroup_free(*cg);
		*cg = NULL;
		return md_error_set(err, EBUSY, "cannot exec in a paused container");
	}
	return 0;
}

static int exec_in(struct rt_container *c, struct exec_ctx *x, struct cgroup *cg, md_error *err)
{
	struct cgroup_join join = { .v2_dir = -1 };
	bool in_v2 = false;
	int fds[2];
	pid_t mid;
	int r;

	if (cg && cgroup_join_open(cg, &join, err) < 0) {
		cgroup_join_close(&join);
		return -1;
	}
	x->cgjoin = cg ? &join : NULL;
	if (sync_pair(fds, err) < 0) {
		cgroup_join_close(&join);
		return -1;
	}
	mid = cgroup_clone(0, NULL, x->cgjoin, &in_v2);
	if (mid == 0) {
		close(fds[0]);
		x->sock = fds[1];
		intermediate_main(x);
	}
	cgroup_join_close(&join);
	if (mid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return md_error_set(err, e, "fork");
	}
	close(fds[1]);
	r = caller_sync(c, fds[0], mid, cg, in_v2, x->p, err);
	/* Closing our end ends an intermediate still waiting on it. */
	close(fds[0]);
	if (r < 0 && c->pid <= 0)
		reap_intermediate(mid, NULL);
	return r;
}

int rt_exec(const struct rt_state *st, const struct spec_process *p, const struct rt_exec_opts *o,
	    struct rt_container **out, md_error *err)
{
	struct exec_ctx x = { .st = st, .p = p, .o = o, .init_pidfd = -1, .sock = -1 };
	cleanup_seccomp struct rt_seccomp *filter = NULL;
	struct cgroup *cg = NULL;
	struct rt_container *c;
	int r;

	if (check_process(p, err) < 0)
		return -1;
	/* Compiled here, once, from the container's saved config. */
	if (o->config && seccomp_compile_cached(o->config->linux.seccomp, o->seccomp_cache_dir,
						&filter, err) < 0)
		return md_error_prefix(err, "exec");
	x.seccomp = filter;
	/* Checked against the recorded start time: never join the
	 * namespaces of a process that merely reuses the init's pid. */
	if (container_open_init(st, &x.init_pidfd, err) < 0)
		return -1;
	if (open_cgroup(st, &cg, err) < 0) {
		close(x.init_pidfd);
		return -1;
	}
	c = xmalloc0(sizeof(*c));
	c->id = xstrdup(st->id);
	c->pid = -1;
	c->pidfd = c->sync_fd = c->console_master = -1;
	r = exec_in(c, &x, cg, err);
	close(x.init_pidfd);
	cgroup_free(cg);
	if (r < 0) {
		md_error saved = *err;
		rt_destroy(c, NULL); /* kills and reaps the process, if any */
		rt_container_free(c);
		*err = saved;
		return -1;
	}
	*out = c;
	return 0;
}
