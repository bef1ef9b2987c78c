#include "container.h"
#include "../util/cleanup.h"
#include "../util/util.h"
#include "child.h"
#include "sync.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

static void rt_log(const struct rt_create_opts *o, enum rt_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rt_log(const struct rt_create_opts *o, enum rt_log_level lvl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->log(o->log_ctx, lvl, buf);
}

/* Namespaces made by clone. The cgroup namespace is left to the child,
 * which unshares it once it sits in its own cgroup. */
static int clone_flags(const struct spec *s, md_error *err)
{
	int flags = 0;

	for (size_t i = 0; i < s->linux.n_namespaces; i++) {
		const struct spec_namespace *ns = &s->linux.namespaces[i];

		if (ns->path && *ns->path)
			return md_error_set(err, ENOTSUP, "joining namespace `%s` is not "
					    "supported yet", ns->path);
		if (ns->type == CLONE_NEWUSER)
			return md_error_set(err, ENOTSUP, "user namespaces are not supported yet");
		if (ns->type != CLONE_NEWCGROUP)
			flags |= ns->type;
	}
	return flags;
}

static pid_t clone_child(int flags, int *pidfd)
{
	/* A fork-like clone: no new stack, the child runs on a copy of ours. */
	return (pid_t)syscall(SYS_clone, (unsigned long)flags | CLONE_PIDFD | SIGCHLD,
			      NULL, pidfd, NULL, 0);
}

static struct rt_container *container_new(const char *id)
{
	struct rt_container *c = xmalloc0(sizeof(*c));

	c->id = xstrdup(id);
	c->pid = -1;
	c->pidfd = -1;
	c->sync_fd = -1;
	c->console_master = -1;
	return c;
}

static int spawn(struct rt_container *c, const struct spec *spec,
		 const struct rt_create_opts *o, int flags, md_error *err)
{
	int fds[2];

	if (sync_pair(fds, err) < 0)
		return -1;
	c->pid = clone_child(flags, &c->pidfd);
	if (c->pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return md_error_set(err, e, "clone");
	}
	if (c->pid == 0) {
		struct child_ctx cx = { .spec = spec, .opts = o, .sock = fds[1] };
		close(fds[0]);
		child_main(&cx);
	}
	close(fds[1]);
	c->sync_fd = fds[0];
	return 0;
}

/* The parent's half of the protocol, up to the child's READY. */
static int parent_sync(struct rt_container *c, const struct spec *spec, md_error *err)
{
	if (cgroup_enter(c->cgroup, c->pid, err) < 0)
		return -1;
	/* If the child already failed, its error frame says why. */
	if (sync_send(c->sync_fd, SYNC_CGROUP_DONE, -1, err) < 0)
		return sync_expect(c->sync_fd, SYNC_READY, NULL, err);
	if (spec->process->terminal &&
	    sync_expect(c->sync_fd, SYNC_CONSOLE, &c->console_master, err) < 0)
		return -1;
	return sync_expect(c->sync_fd, SYNC_READY, NULL, err);
}

int rt_create(const struct spec *spec, const struct rt_create_opts *o,
	      struct rt_container **out, md_error *err)
{
	struct rt_container *c;
	cleanup_free char *cgpath = NULL;
	int flags;

	if (!spec->process || !spec->process->args || !spec->process->args[0])
		return md_error_set(err, EINVAL, "config: process.args is empty");
	flags = clone_flags(spec, err);
	if (flags < 0)
		return -1;
	c = container_new(o->id);
	cgpath = cgroup_path_for(spec->linux.cgroups_path, o->id);
	if (cgroup_create(cgpath, &spec->linux.resources, &c->cgroup, err) < 0) {
		rt_container_free(c);
		return -1;
	}
	rt_log(o, RT_LOG_DEBUG, "cgroup %s created", cgpath);
	if (spawn(c, spec, o, flags, err) < 0 || parent_sync(c, spec, err) < 0) {
		md_error saved = *err;
		rt_destroy(c, NULL);
		rt_container_free(c);
		*err = saved;
		return -1;
	}
	rt_log(o, RT_LOG_DEBUG, "container %s created, init pid %d", o->id, (int)c->pid);
	*out = c;
	return 0;
}

int rt_start(struct rt_container *c, md_error *err)
{
	int r;

	if (c->sync_fd < 0)
		return md_error_set(err, EINVAL, "container %s was not created here", c->id);
	r = sync_send(c->sync_fd, SYNC_EXEC, -1, err);
	if (r == 0)
		r = sync_wait_exec(c->sync_fd, err);
	close(c->sync_fd);
	c->sync_fd = -1;
	return r;
}

int rt_signal(struct rt_container *c, int sig, md_error *err)
{
	if (c->reaped)
		return md_error_set(err, ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0)
		return md_error_set(err, errno, "signal %d to pid %d", sig, (int)c->pid);
	return 0;
}

int rt_wait(struct rt_container *c, md_error *err)
{
	if (c->reaped)
		return 0;
	for (;;) {
		pid_t r = waitpid(c->pid, &c->wait_status, __WALL);
		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR)
			return md_error_set(err, errno, "waitpid %d", (int)c->pid);
	}
	c->reaped = true;
	return 0;
}

int rt_destroy(struct rt_container *c, md_error *err)
{
	int r = 0;

	if (c->pid > 0 && !c->reaped) {
		(void)syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		r = rt_wait(c, err);
	}
	if (c->cgroup && cgroup_destroy(c->cgroup, err) < 0)
		r = -1;
	return r;
}

void rt_container_free(struct rt_container *c)
{
	if (!c)
		return;
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->sync_fd >= 0)
		close(c->sync_fd);
	if (c->console_master >= 0)
		close(c->console_master);
	if (c->cgroup)
		cgroup_free(c->cgroup);
	free(c->id);
	free(c);
}

int rt_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return MD_EXIT_FAILURE;
}
