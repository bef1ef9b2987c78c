/* SPDX-License-Identifier: Apache-2.0 */
/* stop, kill, wait, attach (control.h). */
#include "engine/containers/control.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/records.h"
#include "engine/paths.h"
#include "runtime/cgroup.h"
#include "runtime/spec.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_STOP_TIMEOUT 10
/* How long stop and kill wait for the owner to record an exit. */
#define OWNER_WAIT_MS 15000
#define POLL_MS 10

static int set_manual_stop(struct container_record *c, void *ctx, md_error *err)
{
	c->manual_stop = true;
	return 0;
}

/* A pidfd on the container's init, if it is still the process that
 * started as it; -1 when it is gone. */
static int open_init(const struct container_record *c)
{
	unsigned long long start = 0;
	bool zombie = false;
	int fd;

	if (c->state.pid <= 0)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, c->state.pid, 0);
	if (fd < 0)
		return -1;
	if (state_proc_start_time(c->state.pid, &start, &zombie, NULL) < 0 || zombie ||
	    (c->state.pid_start && start != c->state.pid_start)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Every process of the container's cgroup: SIGKILL, thawed if frozen. */
static void kill_cgroup(const char *id, int sig)
{
	cleanup_free char *path = cgroup_path_for(NULL, id);
	struct cgroup *cg = NULL;
	md_error err;

	if (cgroup_open(path, &cg, &err) < 0)
		return;
	cgroup_kill(cg, sig, &err);
	cgroup_freeze(cg, false, &err);
	cgroup_free(cg);
}

static void thaw(const char *id)
{
	cleanup_free char *path = cgroup_path_for(NULL, id);
	struct cgroup *cg = NULL;
	md_error err;

	if (cgroup_open(path, &cg, &err) == 0) {
		cgroup_freeze(cg, false, &err);
		cgroup_free(cg);
	}
}

static bool wait_gone(int pidfd, long ms)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return poll(&p, 1, ms > INT32_MAX / 2 ? INT32_MAX / 2 : (int)ms) > 0;
}

/* Until the live lock is free: the owner has recorded the exit. */
static int wait_owner(const char *id, md_error *err)
{
	for (long waited = 0; records_live(id); waited += POLL_MS) {
		if (waited >= OWNER_WAIT_MS)
			return md_error_set(err, ETIMEDOUT, "container %s did not stop", id);
		md_sleep_ms(POLL_MS);
	}
	engine_sweep(NULL);
	return 0;
}

static int stop_signal(const struct container_record *c, const char *sig, md_error *err)
{
	const char *name = sig ? sig : c->config.stop_signal;
	int n = name ? spec_signal_number(name) : SIGTERM;

	if (n <= 0)
		return md_error_set(err, EINVAL, "Invalid signal: %s", name);
	return n;
}

int engine_stop(const char *root, const char *what, const char *sig, int timeout, md_error *err)
{
	struct container_record c;
	int n, pidfd = -1, ret = -1;

	engine_sweep(NULL);
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	n = stop_signal(&c, sig, err);
	if (n < 0)
		goto out;
	ret = 0;
	if (!records_live(c.id))
		goto out;
	if (records_update(root, c.id, set_manual_stop, NULL, err) < 0) {
		ret = -1;
		goto out;
	}
	if (timeout < 0)
		timeout = c.config.stop_timeout >= 0 ? c.config.stop_timeout : DEFAULT_STOP_TIMEOUT;
	pidfd = open_init(&c);
	if (pidfd >= 0 && send_signal(pidfd, n) == 0) {
		if (c.state.paused)
			thaw(c.id);
		if (wait_gone(pidfd, (long)timeout * 1000)) {
			ret = wait_owner(c.id, err);
			goto out;
		}
	}
	kill_cgroup(c.id, SIGKILL);
	ret = wait_owner(c.id, err);
out:
	if (pidfd >= 0)
		close(pidfd);
	records_free(&c);
	return ret;
}

int engine_kill(const char *root, const char *what, const char *sig, md_error *err)
{
	struct container_record c;
	int n = sig ? spec_signal_number(sig) : SIGKILL, pidfd = -1, ret = -1;

	if (n <= 0)
		return md_error_set(err, EINVAL, "Invalid signal: %s", sig);
	engine_sweep(NULL);
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	if (!records_live(c.id) || (pidfd = open_init(&c)) < 0) {
		md_error_set(err, EINVAL, "Cannot kill container: %s: Container %s is not running",
			     what, c.id);
		goto out;
	}
	if (n == SIGKILL || n == SIGTERM || n == SIGINT || n == SIGQUIT)
		records_update(root, c.id, set_manual_stop, NULL, err);
	if (send_signal(pidfd, n) < 0) {
		md_error_set(err, errno, "Cannot kill container: %s", what);
		goto out;
	}
	if (c.state.paused && n == SIGKILL)
		thaw(c.id);
	ret = 0;
out:
	if (pidfd >= 0)
		close(pidfd);
	records_free(&c);
	return ret;
}

/* One look at the record: 1 with *code once it has stopped after since
 * (its FinishedAt then differs), 0 while it runs. */
static int stopped_since(const char *root, const char *id, const char *since, int *code,
			 md_error *err)
{
	struct container_record c;
	int r = 0;

	if (records_load(root, id, &c, err) < 0)
		return -1;
	if (c.state.status != CONTAINER_RUNNING && strcmp(c.state.finished_at, since) != 0) {
		*code = c.state.exit_code;
		r = 1;
	} else if (c.state.status != CONTAINER_RUNNING && !records_live(id)) {
		*code = c.state.exit_code;
		r = 1;
	}
	records_free(&c);
	return r;
}

int engine_wait(const char *root, const char *what, int *code, md_error *err)
{
	struct container_record c;
	cleanup_close int in = inotify_init1(IN_CLOEXEC);
	cleanup_free char *dir = NULL;
	char since[40];
	int r;

	engine_sweep(NULL);
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	snprintf(since, sizeof(since), "%s",
		 c.state.status == CONTAINER_RUNNING || c.state.restarting ? c.state.finished_at
									   : "");
	dir = records_dir(root, c.id);
	if (in >= 0)
		inotify_add_watch(in, dir, IN_MOVED_TO | IN_DELETE_SELF);
	while ((r = stopped_since(root, c.id, since, code, err)) == 0) {
		struct pollfd p = { in, POLLIN, 0 };
		char buf[4096];

		if (poll(&p, 1, 200) > 0)
			(void)!read(in, buf, sizeof(buf));
		else if (!records_live(c.id))
			engine_sweep(NULL);
	}
	records_free(&c);
	return r < 0 ? -1 : 0;
}

static int connect_monitor(const char *id, md_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s/attach", ENGINE_CONTAINERS_DIR, id);
	if (fd < 0)
		return md_error_set(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return md_error_set(err, e == ENOENT || e == ECONNREFUSED ? EINVAL : e,
				    "You cannot attach to a stopped container, start it first");
	}
	return fd;
}

int engine_attach(const struct engine_attach_request *r, int *code, bool *detached, md_error *err)
{
	struct container_record c;
	struct engine_io io = r->io;
	int fd, ret;

	engine_sweep(NULL);
	if (engine_container_find(r->root, r->what, &c, err) < 0)
		return -1;
	if (!records_live(c.id) || c.state.status != CONTAINER_RUNNING) {
		records_free(&c);
		return md_error_set(err, EINVAL,
				    "You cannot attach to a stopped container, start it first");
	}
	if (c.state.paused) {
		records_free(&c);
		return md_error_set(err, EINVAL,
				    "You cannot attach to a paused container, unpause it first");
	}
	fd = connect_monitor(c.id, err);
	if (fd < 0) {
		records_free(&c);
		return -1;
	}
	if (r->no_stdin || !c.config.open_stdin)
		io.in_fd = -1;
	ret = attach_session(r->root, c.id, fd, &io, c.config.tty, r->detach_keys, code, detached,
			     err);
	close(fd);
	records_free(&c);
	return ret;
}
