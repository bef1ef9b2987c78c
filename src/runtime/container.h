/* The runtime core's entry points. rt_create() makes the container from a
 * parsed spec: cgroups, a cloned child in new namespaces, rootfs and mounts,
 * console; the child then waits. rt_start() lets it execve the user's
 * program, which becomes the container's PID 1. Nothing here prints or
 * exits; everything returns md_error. */
#ifndef MD_CONTAINER_H
#define MD_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "../util/error.h"
#include "cgroup.h"
#include "spec.h"

enum rt_log_level { RT_LOG_ERROR, RT_LOG_WARN, RT_LOG_INFO, RT_LOG_DEBUG };
typedef void (*rt_log_fn)(void *ctx, enum rt_log_level level, const char *msg);

struct rt_create_opts {
	const char *id;
	const char *bundle;   /* base for a relative root.path; NULL = cwd */
	int stdio[3];         /* given to the container as 0,1,2 without a
				 terminal; -1 means /dev/null */
	int preserve_fds;     /* pass fds 3 .. 3+n-1 through */
	bool no_pivot;        /* MS_MOVE + chroot instead of pivot_root */
	/* When set, the child blocks opening this FIFO for writing after
	 * setup (runc's exec.fifo); `start` opens it for reading. Otherwise
	 * the child waits for rt_start() on the sync socket. */
	const char *exec_fifo;
	rt_log_fn log;
	void *log_ctx;
};

struct rt_container {
	char *id;
	pid_t pid;           /* the container's init, host view */
	int pidfd;           /* for race-free signalling and waiting */
	int sync_fd;         /* to the child until it execs */
	int console_master;  /* pty master when process.terminal, else -1 */
	struct cgroup *cgroup;
	bool reaped;
	int wait_status;     /* waitpid status once reaped */
};

int rt_create(const struct spec *spec, const struct rt_create_opts *o,
	      struct rt_container **out, md_error *err);

/* Tell a child made by rt_create (without exec_fifo) to execve; returns
 * once the execve has happened, or the child's error. */
int rt_start(struct rt_container *c, md_error *err);

/* Signal the init (by pidfd). */
int rt_signal(struct rt_container *c, int sig, md_error *err);

/* Wait for the init to exit (blocking); fills c->wait_status. */
int rt_wait(struct rt_container *c, md_error *err);

/* Kill and reap the init if still there, remove the cgroups. */
int rt_destroy(struct rt_container *c, md_error *err);

void rt_container_free(struct rt_container *c);

/* Exit status in the shell's convention: code, or 128+signal. */
int rt_exit_code(int wait_status);

#endif
