/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/container.h"
#include "runtime/cgroup-systemd.h"
#include "util/cleanup.h"
#include "util/util.h"
#include "runtime/child.h"
#include "runtime/hooks.h"
#include "runtime/mounts.h"
#include "runtime/namespaces.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"
#include "runtime/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

static void create_log(const struct rt_create_opts *o, enum rt_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void create_log(const struct rt_create_opts *o, enum rt_log_level lvl, const char *fmt, ...)
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

/* The fifo is opened O_PATH before the child pivots away from it; the fd
 * goes above the preserved ones so that it can never become one. */
static int open_fifo_path(const struct rt_create_opts *o, md_error *err)
{
	cleanup_close int fd = -1;
	int high;

	if (!o->exec_fifo)
		return -1;
	fd = open(o->exec_fifo, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open exec fifo `%s`", o->exec_fifo);
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3 + (o->preserve_fds > 0 ? o->preserve_fds : 0));
	if (high < 0)
		return md_error_set(err, errno, "dup exec fifo fd");
	return high;
}

/* Clone the child, inside the pid namespace to join if the config names
 * one: we enter it for our children only around the clone. */
static int spawn(struct rt_container *c, const struct child_ctx *proto, struct ns_plan *plan,
		 bool *in_v2, md_error *err)
{
	int fds[2], e = 0;

	if (sync_pair(fds, err) < 0)
		return -1;
	if (ns_plan_enter_parent(plan, err) == 0) {
		c->pid = cgroup_clone((unsigned long)plan->clone_flags, &c->pidfd, proto->cgjoin,
				      in_v2);
		e = errno;
	}
	if (c->pid == 0) {
		struct child_ctx cx = *proto;

		cx.sock = fds[1];
		close(fds[0]);
		child_main(&cx);
	}
	/* Back to our own pid namespace before anything else can fork. */
	if (ns_plan_leave_parent(plan, c->pid > 0 ? err : NULL) < 0 && c->pid > 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	if (c->pid < 0) {
		close(fds[0]);
		if (e == ENOMEM && plan->join_fd[NS_PID] >= 0)
			return md_error_set(err, e,
					    "clone into the pid namespace to join "
					    "(its init has exited?)");
		return e ? md_error_set(err, e, "clone") : -1;
	}
	c->sync_fd = fds[0];
	return 0;
}

static char *absolute_bundle(const char *bundle)
{
	char buf[PATH_MAX];

	if (realpath(bundle ? bundle : ".", buf))
		return xstrdup(buf);
	return xstrdup(bundle ? bundle : "");
}

static json_object *annotations_json(const struct spec *spec)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < spec->n_annotations; i++)
		json_object_object_add(o, spec->annotations[i].key,
				       json_object_new_string(spec->annotations[i].value));
	return o;
}

/* The record of the container, for state.json and the hooks' stdin. */
static int make_state(struct rt_container *c, const struct spec *spec,
		      const struct rt_create_opts *o, md_error *err)
{
	struct rt_state *st = state_new(c->id);

	c->state = st;
	st->pid = c->pid;
	if (state_proc_start_time(c->pid, &st->start_time, NULL, err) < 0)
		return -1;
	if (spec->oci_version) {
		free(st->oci_version);
		st->oci_version = xstrdup(spec->oci_version);
	}
	st->bundle = absolute_bundle(o->bundle);
	if (rootfs_resolve(spec, o->bundle, &st->rootfs, err) < 0)
		return -1;
	st->created = state_now_rfc3339();
	st->annotations = annotations_json(spec);
	st->cgroup_path = xstrdup(c->cgroup ? cgroup_get_path(c->cgroup) : "");
	if (c->cgroup)
		st->cgroup_owned = cgroup_owned_dirs(c->cgroup);
	if (c->systemd_unit)
		st->systemd_unit = xstrdup(c->systemd_unit);
	st->status = xstrdup("creating");
	return 0;
}

/* The hooks step (the child is in its namespaces, not pivoted yet): run
 * prestart then createRuntime here, then hand the child the state for the
 * hooks it runs itself. */
static int parent_hooks(struct rt_container *c, const struct spec *spec, md_error *err)
{
	const struct spec_hooks *h = &spec->hooks;
	json_object *state = NULL;
	cleanup_close int fd = -1;
	int r = -1;

	if (sync_expect(c->sync_fd, SYNC_HOOKS, NULL, err) < 0)
		return -1;
	state = state_oci_json(c->state, RT_STATUS_CREATING);
	if (hooks_run(h, RT_HOOK_PRESTART, state, err) < 0 ||
	    hooks_run(h, RT_HOOK_CREATE_RUNTIME, state, err) < 0)
		goto out;
	if (h->n_create_container || h->n_start_container) {
		fd = hooks_state_memfd(
			json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN), err);
		if (fd < 0)
			goto out;
	}
	r = sync_send(c->sync_fd, SYNC_HOOKS_DONE, fd, err);
out:
	json_object_put(state);
	return r;
}

/* The parent's half of the protocol, up to the child's READY. */
/* The child forked the container's init (ns_plan.second_fork): the init
 * is ours now (CLONE_PARENT); reap the child that made it. */
static int adopt_init(struct rt_container *c, md_error *err)
{
	int32_t pid = 0;
	int pidfd = -1, status;

	if (sync_expect_value(c->sync_fd, SYNC_PID, &pid, &pidfd, err) < 0)
		return -1;
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(c->pidfd);
	c->pid = pid;
	c->pidfd = pidfd;
	if (pid <= 0 || pidfd < 0)
		return md_error_set(err, EPROTO, "no init pid from the child");
	return 0;
}

static int parent_sync(struct rt_container *c, const struct spec *spec,
		       const struct rt_create_opts *o, const struct ns_plan *plan, bool in_v2,
		       md_error *err)
{
	/* The child moved itself into the v1 hierarchies (cgroup_join). */
	if (c->cgroup && !in_v2 && cgroup_enter_unified(c->cgroup, c->pid, err) < 0)
		return -1;
	if (plan->new_user && userns_write_maps(c->pid, spec, err) < 0)
		return -1;
	/* If the child already failed, its error frame says why. */
	if (sync_send(c->sync_fd, SYNC_CGROUP_DONE, -1, err) < 0)
		return sync_expect(c->sync_fd, SYNC_READY, NULL, err);
	if (plan->second_fork && adopt_init(c, err) < 0)
		return -1;
	if (make_state(c, spec, o, err) < 0)
		return -1;
	if (child_has_hooks_step(spec) && parent_hooks(c, spec, err) < 0)
		return -1;
	if (spec->process->terminal &&
	    sync_expect(c->sync_fd, SYNC_CONSOLE, &c->console_master, err) < 0)
		return -1;
	return sync_expect(c->sync_fd, SYNC_READY, NULL, err);
}

/* The record of what we are about to make goes to disk first, when the
 * caller keeps one (the OCI state): a create killed from here on leaves
 * delete what it needs to remove it. */
static int plan_cgroup(const struct rt_create_opts *o, const char *path, struct cgroup **out,
		       md_error *err)
{
	cleanup_strv char **owned = NULL;

	if (cgroup_plan(path, out, err) < 0)
		return -1;
	if (!o->cgroup_intent)
		return 0;
	owned = cgroup_owned_dirs(*out);
	if (o->cgroup_intent(o->intent_ctx, path, owned, err) < 0) {
		cgroup_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Rootless (we are not the host's root: `unshare -r`), the cgroup tree is
 * not ours to write; a container that asks for no limit runs without a
 * cgroup of its own, as with runc and crun. A limit still fails. */
static int make_cgroup(struct rt_container *c, const struct spec *spec,
		       const struct rt_create_opts *o, const char *path, md_error *err)
{
	struct cgroup *cg = NULL;
	md_error e;

	md_error_clear(&e);
	if (plan_cgroup(o, path, &cg, &e) == 0 &&
	    cgroup_make(cg, &spec->linux.resources, &e) == 0) {
		create_log(o, RT_LOG_DEBUG, "cgroup %s created", path);
		c->cgroup = cg;
		return 0;
	}
	cgroup_free(cg);
	if ((e.errnum == EACCES || e.errnum == EPERM || e.errnum == EROFS) && userns_rootless() &&
	    !cgroup_wants_limits(&spec->linux.resources)) {
		create_log(o, RT_LOG_DEBUG, "rootless: no cgroup (%s)", e.msg);
		return 0;
	}
	*err = e;
	if (userns_rootless())
		md_error_prefix(err, "rootless: cgroup limits need a delegated cgroup");
	return -1;
}

/* ---- the systemd cgroup driver ---- */

/* The scope systemd is to make for a container, and where it will be. */
struct sd_target {
	char *slice, *unit, *path;
};

static void sd_target_free(struct sd_target *t)
{
	free(t->slice);
	free(t->unit);
	free(t->path);
}

static int sd_target_for(const struct spec *spec, const char *id, struct sd_target *t,
			 md_error *err)
{
	const char *given = spec->linux.cgroups_path;
	cleanup_free char *dflt = NULL;
	enum cgroup_mode mode;

	if (cgroup_detect_mode(&mode, err) < 0)
		return -1;
	if (mode != CGROUP_MODE_V2)
		return md_error_set(err, ENOTSUP,
				    "the systemd cgroup driver needs a cgroup v2 "
				    "host (this one has v1 hierarchies); use the cgroupfs driver");
	if (!given || !*given)
		given = dflt = xasprintf(CGSD_DEFAULT_SLICE ":mydocker:%s", id);
	if (cgsd_parse_path(given, &t->slice, &t->unit, err) < 0)
		return -1;
	t->path = cgsd_cgroup_path(t->slice, t->unit);
	if (!t->path)
		return md_error_set(err, EINVAL, "cgroupsPath `%s`: no cgroup for unit %s", given,
				    t->unit);
	return 0;
}

/* A scope needs a process when systemd makes it: the child, waiting for
 * cgroup-done. Then the limits systemd has no property for (and the
 * device filter) go to the files of the delegated cgroup, as runc does;
 * what it made is systemd's to remove (cgsd_stop), none of it ours. */
static int sd_enter(struct rt_container *c, const struct spec *spec, const struct sd_target *t,
		    md_error *err)
{
	char *none[] = { NULL };

	if (cgsd_start(t->slice, t->unit, c->pid, &spec->linux.resources, err) < 0)
		return -1;
	c->systemd_unit = xstrdup(t->unit);
	if (cgroup_open_owned(t->path, none, &c->cgroup, err) < 0)
		return -1;
	return cgroup_update(c->cgroup, &spec->linux.resources, err);
}

static int create_in(struct rt_container *c, const struct spec *spec,
		     const struct rt_create_opts *o, struct ns_plan *plan, md_error *err)
{
	struct child_ctx proto = { .spec = spec, .opts = o, .ns = plan, .fifo_path_fd = -1 };
	cleanup_free char *cgpath = cgroup_path_for(spec->linux.cgroups_path, o->id);
	cleanup_close int fifo_fd = -1;
	cleanup_seccomp struct rt_seccomp *filter = NULL;
	struct cgroup_join join = { .v2_dir = -1 };
	struct sd_target sd = { NULL, NULL, NULL };
	bool in_v2 = false;
	int r;

	/* Once, here: the child only loads the program. */
	if (seccomp_compile_cached(spec->linux.seccomp, o->seccomp_cache_dir, &filter, err) < 0)
		return -1;
	proto.seccomp = filter;
	if (o->systemd_cgroup)
		r = sd_target_for(spec, o->id, &sd, err);
	else
		r = make_cgroup(c, spec, o, cgpath, err);
	if (r < 0) {
		sd_target_free(&sd);
		return -1;
	}
	if (o->exec_fifo) {
		fifo_fd = open_fifo_path(o, err);
		if (fifo_fd < 0)
			return -1;
		proto.fifo_path_fd = fifo_fd;
	}
	if (c->cgroup) {
		if (cgroup_join_open(c->cgroup, &join, err) < 0) {
			cgroup_join_close(&join);
			return -1;
		}
		proto.cgjoin = &join;
	}
	r = spawn(c, &proto, plan, &in_v2, err);
	ns_plan_close(plan); /* the child has its copies */
	cgroup_join_close(&join);
	if (r == 0 && o->systemd_cgroup) {
		r = sd_enter(c, spec, &sd, err);
		in_v2 = true;
	}
	sd_target_free(&sd);
	if (r < 0)
		return -1;
	return parent_sync(c, spec, o, plan, in_v2 || !c->cgroup, err);
}

int rt_create(const struct spec *spec, const struct rt_create_opts *o, struct rt_container **out,
	      md_error *err)
{
	struct rt_container *c;
	struct ns_plan plan;

	if (!spec->process || !spec->process->args || !spec->process->args[0])
		return md_error_set(err, EINVAL, "config: process.args is empty");
	if (ns_plan_make(spec, &plan, err) < 0)
		return -1;
	c = container_new(o->id);
	if (create_in(c, spec, o, &plan, err) < 0) {
		md_error saved = *err;
		ns_plan_close(&plan);
		rt_destroy(c, NULL);
		rt_container_free(c);
		*err = saved;
		return -1;
	}
	create_log(o, RT_LOG_DEBUG, "container %s created, init pid %d", o->id, (int)c->pid);
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

/* ---- containers made by another process ---- */

int container_open_init(const struct rt_state *st, int *pidfd, md_error *err)
{
	unsigned long long start;
	bool zombie;
	int fd;

	if (st->pid <= 0)
		return md_error_set(err, ESRCH, "container not running");
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0 && errno == ESRCH)
		return md_error_set(err, ESRCH, "container not running");
	if (fd < 0)
		return md_error_set(err, errno, "pidfd_open %d", (int)st->pid);
	/* The pidfd pins the process: if it is still the one that started at
	 * start_time now, the pidfd is the init, whatever happens next. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    state_proc_start_time(st->pid, &start, &zombie, NULL) < 0 || start != st->start_time ||
	    zombie) {
		close(fd);
		return md_error_set(err, ESRCH, "container not running");
	}
	*pidfd = fd;
	return 0;
}

int container_attach(const struct rt_state *st, struct rt_container **out, md_error *err)
{
	struct rt_container *c = container_new(st->id);
	md_error e;

	c->pid = st->pid;
	if (container_open_init(st, &c->pidfd, &e) < 0) {
		if (e.errnum != ESRCH) {
			rt_container_free(c);
			if (err)
				*err = e;
			return -1;
		}
		c->reaped = true;
	}
	if (st->systemd_unit)
		c->systemd_unit = xstrdup(st->systemd_unit);
	if (st->cgroup_path && *st->cgroup_path &&
	    cgroup_open_owned(st->cgroup_path, st->cgroup_owned, &c->cgroup, &e) < 0 &&
	    e.errnum != ENOENT) {
		rt_container_free(c);
		if (err)
			*err = e;
		return -1;
	}
	*out = c;
	return 0;
}

/* Until the init opens the fifo and writes its byte; fails if it dies
 * first. */
static int fifo_wait_start(int fd, int pidfd, md_error *err)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = pidfd, .events = POLLIN } };
		char b;
		ssize_t r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return md_error_set(err, errno, "poll exec fifo");
		}
		if (p[0].revents) {
			r = read(fd, &b, 1);
			if (r == 1)
				return 0;
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			return md_error_set(err, r < 0 ? errno : ESRCH,
					    "container not running: "
					    "its init closed the exec fifo");
		}
		if (p[1].revents)
			return md_error_set(err, ESRCH, "container not running: its init exited");
	}
}

/* After the byte: EOF once the init exec'd (its end is close-on-exec);
 * anything written before is its error, as "STATUS:message". */
static int fifo_wait_exec(int fd, md_error *err)
{
	char text[1400];
	size_t used = 0;
	char *colon;

	if (fcntl(fd, F_SETFL, 0) < 0)
		return md_error_set(err, errno, "exec fifo");
	while (used < sizeof(text) - 1) {
		ssize_t r = read(fd, text + used, sizeof(text) - 1 - used);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		used += (size_t)r;
	}
	text[used] = '\0';
	if (used == 0)
		return 0;
	colon = strchr(text, ':');
	md_error_set(err, 0, "%s", colon ? colon + 1 : text);
	if (colon && err)
		err->status = atoi(text) > 0 ? atoi(text) : MD_EXIT_FAILURE;
	return -1;
}

int container_start_fifo(const char *fifo, const struct rt_state *st, md_error *err)
{
	cleanup_close int pidfd = -1, fd = -1;

	if (container_open_init(st, &pidfd, err) < 0)
		return -1;
	/* Non-blocking: opening for reading must not wait for a writer that
	 * may never come (an init that already died). */
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return md_error_set(err, ENOENT,
				    "cannot start container `%s`: no exec fifo "
				    "(already started?)",
				    st->id);
	if (fd < 0)
		return md_error_set(err, errno, "cannot start container `%s`: open exec fifo",
				    st->id);
	if (fifo_wait_start(fd, pidfd, err) < 0)
		return -1;
	/* The init is past the fifo: it cannot be started twice. */
	unlink(fifo);
	return fifo_wait_exec(fd, err);
}

/* ---- signal, wait, destroy ---- */

int rt_signal(struct rt_container *c, int sig, md_error *err)
{
	if (c->reaped || c->pidfd < 0)
		return md_error_set(err, ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) == 0)
		return 0;
	if (errno == ESRCH)
		return md_error_set(err, ESRCH, "container not running");
	return md_error_set(err, errno, "signal %d to pid %d", sig, (int)c->pid);
}

/* A process that is not our child: its pidfd becomes readable at exit. */
static int wait_pidfd(struct rt_container *c, md_error *err)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return md_error_set(err, errno, "poll pidfd %d", (int)c->pid);
	c->wait_status = 0;
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
		if (r < 0 && errno == ECHILD && c->pidfd >= 0) {
			if (wait_pidfd(c, err) < 0)
				return -1;
			break;
		}
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
	if (c->cgroup && cgroup_destroy(c->cgroup, r < 0 ? NULL : err) < 0)
		r = -1;
	/* After the kill: a stop would have systemd send SIGTERM and wait. */
	if (c->systemd_unit && cgsd_stop(c->systemd_unit, r < 0 ? NULL : err) < 0)
		r = -1;
	return r;
}

int rt_update(const struct rt_state *st, struct cgroup *cg, const struct spec_resources *res,
	      md_error *err)
{
	if (cgroup_update(cg, res, err) < 0)
		return -1;
	/* So that a daemon-reload does not put the unit's old values back. */
	return st->systemd_unit ? cgsd_update(st->systemd_unit, res, err) : 0;
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
	state_free(c->state);
	free(c->systemd_unit);
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
