/* SPDX-License-Identifier: Apache-2.0 */
/* Run a new process in an existing container (runc exec).
 *
 * How: a child of the caller (the intermediate) is moved into the
 * container's cgroup, joins every namespace of the init that differs from
 * ours in one setns(pidfd) call, and forks the process with CLONE_PARENT,
 * so that it is the caller's child, inside the container's pid namespace.
 * The intermediate sends its pid and pidfd and exits. The process applies
 * the process spec (console or stdio, rlimits, oom score, LSM label,
 * capabilities, user, no_new_privs, cwd: process.c, as for the init), finds
 * the program and execs; any failure up to the
 * execve (127 "executable file not found", 126 "permission denied"...)
 * comes back as rt_exec()'s error, before the program runs.
 *
 * Foreground: rt_exec returns once the program runs; wait with rt_wait()
 * or rt_supervise() (the process is our child), then rt_container_free().
 * Detached (runc exec --detach): free the handle and exit; the process is
 * then reparented to our nearest subreaper (containerd's shim, conmon). */
#ifndef MD_EXEC_H
#define MD_EXEC_H

#include <stdbool.h>

#include "util/error.h"
#include "runtime/container.h"
#include "runtime/spec.h"
#include "runtime/state.h"

struct rt_exec_opts {
	int stdio[3];     /* the process's 0,1,2 without a terminal; -1 = /dev/null */
	int preserve_fds; /* pass fds 3 .. 3+n-1 through */
	/* The container's config (its saved config.json), or NULL: its
	 * seccomp filter applies to the process too, as in runc. */
	const struct spec *config;
	const char *seccomp_cache_dir; /* see seccomp_compile_cached */
	rt_log_fn log;
	void *log_ctx;
};

/* Start p in the container recorded in st (which must be created or
 * running: ESRCH "container not running" otherwise). On success *out is a
 * handle with pid, pidfd, and console_master when p->terminal; its cgroup
 * is NULL (rt_destroy() kills the process only). */
int rt_exec(const struct rt_state *st, const struct spec_process *p, const struct rt_exec_opts *o,
	    struct rt_container **out, md_error *err);

#endif
