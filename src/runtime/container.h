/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime core's entry points. rt_create() makes the container from a
 * parsed spec: cgroups, a cloned child in new (or joined) namespaces,
 * rootfs and mounts, console; the child then waits. Two ways to let it go:
 *
 *   foreground (mydocker run): rt_start() tells the child over the sync
 *       socket; the caller supervises and rt_destroy()s it at the end.
 *   detached (the OCI CLI, runc's model): rt_create() with opts.exec_fifo;
 *       the `create` process saves c->state, frees the container (nothing
 *       is killed, the cgroup stays) and exits; the child, no longer tied to
 *       its parent's life, blocks opening the fifo for writing. A later
 *       `start` calls container_start_fifo().
 *
 * Processes in an existing container: rt_exec(). Commands on a container
 * made by another process: container_attach() gives the same handle
 * (rt_signal, rt_wait, rt_destroy work on it).
 *
 * Nothing here prints or exits; everything returns md_error. */
#ifndef MD_CONTAINER_H
#define MD_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"
#include "runtime/cgroup.h"
#include "runtime/spec.h"
#include "runtime/state.h"

enum rt_log_level { RT_LOG_ERROR, RT_LOG_WARN, RT_LOG_INFO, RT_LOG_DEBUG };
typedef void (*rt_log_fn)(void *ctx, enum rt_log_level level, const char *msg);

struct rt_create_opts {
	const char *id;
	const char *bundle; /* base for a relative root.path; NULL = cwd */
	int stdio[3];       /* given to the container as 0,1,2 without a
				 terminal; -1 means /dev/null */
	int preserve_fds;   /* pass fds 3 .. 3+n-1 through */
	bool no_pivot;      /* MS_MOVE + chroot instead of pivot_root */
	/* The systemd cgroup driver: the cgroup is a transient scope that
	 * systemd makes (cgroup-systemd.h), cgroupsPath "slice:prefix:name"
	 * (default "system.slice:mydocker:ID"). cgroup v2 hosts only. */
	bool systemd_cgroup;
	/* When set (detached mode), the child blocks opening this FIFO for
	 * writing after setup (runc's exec.fifo, see state_make_fifo);
	 * container_start_fifo() opens it for reading. Otherwise the child waits for
	 * rt_start() on the sync socket. */
	const char *exec_fifo;
	/* Where compiled seccomp filters are kept between starts
	 * (seccomp_compile_cached); NULL = compile every time. */
	const char *seccomp_cache_dir;
	rt_log_fn log;
	void *log_ctx;
	/* Called with the cgroup path and the directories creating it will
	 * make (cgroup_owned_dirs), before any is made: a caller that records
	 * them lets delete clean up after a create killed half-way. */
	int (*cgroup_intent)(void *ctx, const char *path, char *const *owned, md_error *err);
	void *intent_ctx;
};

struct rt_container {
	char *id;
	pid_t pid;             /* the container's init (or exec'd process), host view */
	int pidfd;             /* for race-free signalling and waiting */
	int sync_fd;           /* to the child until it execs */
	int console_master;    /* pty master when process.terminal, else -1 */
	struct cgroup *cgroup; /* NULL for a process made by rt_exec */
	char *systemd_unit;    /* the scope of the systemd driver, or NULL */
	bool reaped;
	int wait_status; /* waitpid status once reaped (0 when the process
				was not our child: its status is unknown) */
	/* The record for state.json, filled by rt_create (status "creating"):
	 * the caller sets status and saves it (state_save). NULL otherwise. */
	struct rt_state *state;
};

int rt_create(const struct spec *spec, const struct rt_create_opts *o, struct rt_container **out,
	      md_error *err);

/* Tell a child made by rt_create (without exec_fifo) to execve; returns
 * once the execve has happened, or the child's error (a failing
 * startContainer hook included). */
int rt_start(struct rt_container *c, md_error *err);

/* `start` of a container made with exec_fifo: open the fifo for reading,
 * which lets the init go on, wait until it has run its startContainer hooks
 * and exec'd (or reported why not), then remove the fifo. Never blocks on
 * an init that is gone: fails with ESRCH ("container not running") when it
 * exited or st->pid names another process, ENOENT when the fifo is gone
 * (already started). */
int container_start_fifo(const char *fifo, const struct rt_state *st, md_error *err);

/* A handle on the init of a container recorded in st, made by another
 * process: pidfd opened and checked against st->start_time, cgroup opened.
 * When the init is gone, c->reaped is true and c->pidfd is -1. */
int container_attach(const struct rt_state *st, struct rt_container **out, md_error *err);

/* Open a pidfd for st->pid and check that it is still the same process
 * (start time); ESRCH "container not running" when not. */
int container_open_init(const struct rt_state *st, int *pidfd, md_error *err);

/* Signal the init (by pidfd). */
int rt_signal(struct rt_container *c, int sig, md_error *err);

/* Wait for the process to exit (blocking); fills c->wait_status. Works on
 * a process that is not our child too (by pidfd; status then unknown). */
int rt_wait(struct rt_container *c, md_error *err);

/* Apply resources to a running container (`update`): its cgroup files,
 * and the unit's properties with the systemd driver. */
int rt_update(const struct rt_state *st, struct cgroup *cg, const struct spec_resources *res,
	      md_error *err);

/* Kill and reap the init if still there, remove the cgroups (and stop the
 * systemd unit). */
int rt_destroy(struct rt_container *c, md_error *err);

/* Frees; never kills anything nor removes the cgroup. */
void rt_container_free(struct rt_container *c);

/* Exit status in the shell's convention: code, or 128+signal. */
int rt_exit_code(int wait_status);

#endif
