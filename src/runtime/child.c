/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/child.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/hooks.h"
#include "runtime/mounts.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* What the child learns on the way; it lives until execve. */
struct child_run {
	char *exe;
	char *state_json; /* from the parent, for the hooks the child runs */
	int fifo_fd;      /* exec.fifo opened for writing, once start came */
	int fd_dir;       /* our /proc/self/fd, opened before entering the root */
};

bool child_has_hooks_step(const struct spec *s)
{
	const struct spec_hooks *h = &s->hooks;

	return h->n_prestart || h->n_create_runtime || h->n_create_container ||
	       h->n_start_container;
}

/* Bring up "lo" in a new network namespace, as runc and crun do. */
static int loopback_up(md_error *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (s < 0)
		return md_error_set(err, errno, "socket for lo");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return md_error_set(err, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return md_error_set(err, errno, "bring up lo");
	return 0;
}

static int step_early(const struct child_ctx *cx, md_error *err)
{
	/* First of all, before we use any resource: into our cgroups. */
	if (cx->cgjoin && cgroup_join_self(cx->cgjoin, err) < 0)
		return -1;
	/* Die with the parent; and stay non-dumpable until execve so that no
	 * process in the container can open our /proc/PID/exe or ptrace us
	 * while we hold host resources (CVE-2019-5736, CVE-2016-9962). A
	 * parent that died before the prctl shows as EOF on the sync socket
	 * (getppid() is 0 in a new PID namespace, so it cannot tell). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return md_error_set(err, errno, "prctl");
	/* An unprivileged parent may only open our /proc/PID/uid_map while
	 * we are dumpable: with a new user namespace, wait for the maps (as
	 * runc does). Nothing of the container runs before that. */
	if (!cx->ns->new_user && prctl(PR_SET_DUMPABLE, 0) < 0)
		return md_error_set(err, errno, "prctl");
	process_reset_signals();
	return 0;
}

/* A pid namespace unshared after joining a user namespace holds only our
 * children: fork the container's init into it as a child of the runtime
 * (CLONE_PARENT), which gets its pid and pidfd from us; then leave. The
 * init goes on with the steps below. */
static int fork_init(const struct child_ctx *cx, md_error *err)
{
	int pidfd = -1;
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | CLONE_PIDFD | SIGCHLD),
				   NULL, &pidfd, NULL, 0);

	if (pid < 0)
		return md_error_set(err, errno, "fork the init into its pid namespace");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
			return md_error_set(err, errno, "prctl");
		return 0;
	}
	if (sync_send_value(cx->sock, SYNC_PID, pid, pidfd, err) < 0) {
		kill(pid, SIGKILL);
		return -1;
	}
	_exit(0);
}

static int step_namespaces(const struct child_ctx *cx, md_error *err)
{
	const struct spec *s = cx->spec;

	/* Only now, inside our cgroup, so that a new cgroup namespace has it
	 * as its root. */
	if (ns_plan_join_child(cx->ns, s, err) < 0)
		return -1;
	if (cx->ns->second_fork && fork_init(cx, err) < 0)
		return -1;
	if (ns_plan_has(s, CLONE_NEWNET) && !ns_plan_joins(cx->ns, CLONE_NEWNET) &&
	    loopback_up(err) < 0)
		return -1;
	if (setsid() < 0)
		return md_error_set(err, errno, "setsid");
	return 0;
}

/* The state JSON the parent put in a memfd (read by offset: no path,
 * no /proc needed). */
static int read_fd_text(int fd, char **out, md_error *err)
{
	size_t used = 0, cap = 4096;
	char *buf = xmalloc0(cap);

	for (;;) {
		ssize_t r = pread(fd, buf + used, cap - used - 1, (off_t)used);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return md_error_set(err, errno, "read state from parent");
		}
		if (r == 0)
			break;
		used += (size_t)r;
		if (cap - used < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[used] = '\0';
	*out = buf;
	return 0;
}

/* The hooks step, after our mounts and before pivot_root (runtime-spec
 * order): the parent runs prestart and createRuntime while we wait, then
 * we run createContainer in the container's namespaces. */
static int step_hooks(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	cleanup_close int state_fd = -1;

	if (!child_has_hooks_step(cx->spec))
		return 0;
	if (sync_send(cx->sock, SYNC_HOOKS, -1, err) < 0 ||
	    sync_expect(cx->sock, SYNC_HOOKS_DONE, &state_fd, err) < 0)
		return -1;
	if (state_fd >= 0 && read_fd_text(state_fd, &run->state_json, err) < 0)
		return -1;
	if (!run->state_json)
		return 0;
	return hooks_run_text(&cx->spec->hooks, RT_HOOK_CREATE_CONTAINER, run->state_json, err);
}

static int step_names(const struct spec *s, md_error *err)
{
	bool uts = ns_plan_has(s, CLONE_NEWUTS);

	if ((s->hostname || s->domainname) && !uts)
		return md_error_set(err, EINVAL,
				    "hostname or domainname set without a "
				    "new UTS namespace");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return md_error_set(err, errno, "sethostname `%s`", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return md_error_set(err, errno, "setdomainname `%s`", s->domainname);
	return 0;
}

static int step_stdio(const struct child_ctx *cx, md_error *err)
{
	const struct spec_process *p = cx->spec->process;
	cleanup_close int master = -1;

	if (!p->terminal)
		return process_setup_stdio(cx->opts->stdio, err);
	if (process_setup_console(p, &master, err) < 0)
		return -1;
	return sync_send(cx->sock, SYNC_CONSOLE, master, err);
}

static int step_process(const struct child_ctx *cx, char **exe, md_error *err)
{
	const struct spec_process *p = cx->spec->process;
	/* Without no_new_privs, loading the filter takes CAP_SYS_ADMIN, which
	 * the user switch may drop: keep it until execve (seccomp.h). */
	bool keep_admin = cx->seccomp && !p->no_new_privileges;

	if (process_apply_rlimits(p, err) < 0 || process_apply_oom_score(p, err) < 0 ||
	    personality_apply(cx->spec, err) < 0)
		return -1;
	if (process_set_user(p, keep_admin, err) < 0 || process_chdir(p, err) < 0)
		return -1;
	/* Look the program up before reporting ready, so that "not found"
	 * fails `create` as callers expect. */
	return process_find_executable(p->args[0], p->env, exe, err);
}

/* The fifo was opened O_PATH before pivot_root; reopen it for writing
 * through our /proc/self/fd, opened before we entered the root: the
 * container may have no /proc (none in its mounts, or no mount namespace),
 * and an image's own /proc must not take the "0" (CVE-2019-16884). */
static int open_fifo(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	cleanup_close int dir = TAKE_FD(run->fd_dir);
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", cx->fifo_path_fd);
	do
		fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return md_error_set(err, errno, "open exec fifo");
	return fd;
}

static int wait_for_start(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	if (cx->fifo_path_fd < 0) {
		if (sync_send(cx->sock, SYNC_READY, -1, err) < 0)
			return -1;
		return sync_expect(cx->sock, SYNC_EXEC, NULL, err);
	}
	/* `create` exits once we are ready: we must outlive it. */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		return md_error_set(err, errno, "prctl");
	if (sync_send(cx->sock, SYNC_READY, -1, err) < 0)
		return -1;
	/* Blocks until `start` opens the other end for reading. We keep it
	 * open until execve closes it: that EOF tells `start` we exec'd. */
	run->fifo_fd = open_fifo(cx, run, err);
	if (run->fifo_fd < 0)
		return -1;
	if (write(run->fifo_fd, "0", 1) != 1)
		return md_error_set(err, errno, "write exec fifo");
	return 0;
}

/* startContainer hooks see the state as "created": the program has not
 * run yet. */
static int step_start_hooks(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	json_object *o;
	int r;

	if (!run->state_json || cx->spec->hooks.n_start_container == 0)
		return 0;
	o = json_tokener_parse(run->state_json);
	if (!o)
		return md_error_set(err, EINVAL, "bad state from parent");
	json_object_object_add(o, "status", json_object_new_string("created"));
	r = hooks_run(&cx->spec->hooks, RT_HOOK_START_CONTAINER, o, err);
	json_object_put(o);
	return r;
}

/* Close now what execve would close anyway (every fd above the preserved
 * ones is close-on-exec by now) but those we still need: the sync socket,
 * the exec fifo and the fd directory to reopen it through. An init that
 * waits for `start` must not hold its creator's files, such as the lock
 * on the container's state, which `delete` would then wait for. */
static int close_inherited(const struct child_ctx *cx, const struct child_run *run, md_error *err)
{
	const int keep[] = { cx->sock, cx->fifo_path_fd, run->fd_dir };
	unsigned fd = 3 + (unsigned)(cx->opts->preserve_fds > 0 ? cx->opts->preserve_fds : 0);

	for (;;) {
		unsigned next = ~0U; /* the lowest fd to keep from fd on */

		for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= fd && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == ~0U)
			return process_close_range(fd, ~0U, false, err);
		if (next > fd && process_close_range(fd, next - 1, false, err) < 0)
			return -1;
		fd = next + 1;
	}
}

static int step_rootfs(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	const struct spec *s = cx->spec;
	struct rootfs r;
	int ret;

	/* For the exec fifo (open_fifo), before the root changes. */
	if (cx->fifo_path_fd >= 0) {
		run->fd_dir = md_open_procfs("/proc/self/fd", O_RDONLY | O_DIRECTORY, err);
		if (run->fd_dir < 0)
			return -1;
	}
	if (rootfs_prepare(s, cx->opts->bundle, &r, err) < 0) {
		if (r.rootfd >= 0)
			close(r.rootfd);
		return md_error_prefix(err, "rootfs");
	}
	ret = step_hooks(cx, run, err);
	if (ret < 0) {
		close(r.rootfd);
		return -1;
	}
	if (rootfs_enter(s, &r, cx->opts->no_pivot, err) < 0)
		return md_error_prefix(err, "rootfs");
	return 0;
}

static int child_setup(const struct child_ctx *cx, struct child_run *run, md_error *err)
{
	const struct spec *s = cx->spec;

	if (step_early(cx, err) < 0)
		return -1;
	if (sync_expect(cx->sock, SYNC_CGROUP_DONE, NULL, err) < 0)
		return -1;
	if (cx->ns->new_user && prctl(PR_SET_DUMPABLE, 0) < 0)
		return md_error_set(err, errno, "prctl");
	if (step_namespaces(cx, err) < 0)
		return -1;
	if (step_rootfs(cx, run, err) < 0)
		return -1;
	if (step_names(s, err) < 0 || step_stdio(cx, err) < 0)
		return -1;
	if (process_prepare_fds(cx->opts->preserve_fds, err) < 0 ||
	    close_inherited(cx, run, err) < 0)
		return -1;
	if (step_process(cx, &run->exe, err) < 0)
		return -1;
	if (wait_for_start(cx, run, err) < 0 || step_start_hooks(cx, run, err) < 0)
		return -1;
	/* Last, with or without no_new_privs: nothing of ours runs under the
	 * filter but execve, so any profile that lets the program run lets us
	 * start it. */
	return rt_seccomp_apply(cx->seccomp, err);
}

/* After start opened the fifo, nobody reads the sync socket: `start`
 * reads the error from the fifo, as "STATUS:message". */
static void report_error(const struct child_ctx *cx, const struct child_run *run,
			 const md_error *err)
{
	char text[1200];

	if (run->fifo_fd >= 0) {
		md_error_text(err, text, sizeof(text));
		dprintf(run->fifo_fd, "%d:%s", err->status, text);
	}
	sync_send_error(cx->sock, err);
}

void child_main(const struct child_ctx *cx)
{
	struct child_run run = { .fifo_fd = -1, .fd_dir = -1 };
	md_error err;

	md_error_clear(&err);
	if (child_setup(cx, &run, &err) == 0) {
		execve(run.exe, cx->spec->process->args, cx->spec->process->env);
		md_error_set(&err, errno, "exec: \"%s\"", run.exe);
		err.status = errno == ENOENT ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_EXEC;
	}
	report_error(cx, &run, &err);
	_exit(err.status ? err.status : MD_EXIT_FAILURE);
}
