/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime core's public API: a container's life as the OCI runtime
 * model has it (runc's create, start, state, kill, delete), each step a
 * separate call that may come from a separate process, with the record of
 * the container kept under a state root the caller names (state.h has the
 * layout). mydocker-runtime's verbs and the tests' drivers call these; the
 * pieces they are made of (rt_create, container_start_fifo, hooks_run,
 * state records) are in container.h, hooks.h and state.h.
 *
 * Names: rt_ is this public API, what the engine and the command lines
 * call (here and in container.h, exec.h, supervise.h, hooks.h, seccomp.h,
 * state.h); what only the core itself uses has its module's prefix
 * (container_, hooks_, seccomp_, cg_, spec_, state_, sync_, mnt_ ...).
 *
 * What is policy of a command line stays with the caller: the words of
 * runc-compatible messages, the pid file, the console socket. The core
 * takes them as callbacks (rt_oci_create_opts) and reports through errors
 * and the log callback; it never prints. */
#ifndef MD_RUNTIME_H
#define MD_RUNTIME_H

#include <stdbool.h>

#include "util/error.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/spec.h"
#include "runtime/state.h"

/* What every lifecycle call needs from its caller. */
struct rt_oci {
	const char *root;    /* the state root directory (runc's --root) */
	bool systemd_cgroup; /* the systemd cgroup driver (rt_create_opts) */
	/* rt_create's log, and the warnings of the lifecycle: poststart and
	 * poststop hooks that fail (runtime-spec 1.x: warn and go on).
	 * NULL: dropped. */
	rt_log_fn log;
	void *log_ctx;
	/* Where compiled seccomp filters are kept between runs
	 * (seccomp_compile_cached); NULL: compiled every time. */
	const char *seccomp_cache_dir;
};

struct rt_oci_create_opts {
	const char *bundle; /* holds config.json; NULL = the cwd; made absolute */
	int preserve_fds;   /* fds 3 .. 3+n-1 pass through (the caller checks
				 that they are open) */
	bool no_pivot;
	/* Optional, with ctx. check: the parsed config, before the id is
	 * claimed (a CLI's rules about its own flags). created: the container
	 * is recorded as "created" and its id is still locked; hand out what
	 * the caller's caller waits for (the console, a pid file). A failure
	 * of either fails the create and leaves nothing behind. */
	int (*check)(void *ctx, const struct spec *spec, md_error *err);
	int (*created)(void *ctx, struct rt_container *c, md_error *err);
	void *ctx;
};

/* `create`: claim the id (EEXIST when it is taken), save the config, make
 * the container with its init blocked on exec.fifo, record it. *out is the handle on the init: free it
 * (rt_container_free) to leave the container to a later rt_oci_start, or
 * supervise it. */
int rt_oci_create(const struct rt_oci *rt, const char *id, const struct rt_oci_create_opts *o,
		  struct rt_container **out, md_error *err);

/* `start`: let the init of a created container go, record it as running,
 * run the poststart hooks (failures are warnings). Fails with the init's
 * error (startContainer hooks, exec), ESRCH when the init is gone, ENOENT
 * when it was already started. It does not look at the recorded status
 * first: a caller that wants runc's words for that does (rt_oci_state). */
int rt_oci_start(const struct rt_oci *rt, const char *id, md_error *err);

/* The record and the status now. ENOENT "container ID does not exist". */
int rt_oci_state(const struct rt_oci *rt, const char *id, struct rt_state **st,
		 enum rt_status *status, md_error *err);

/* The ids of the containers under the root, sorted (`list`). */
int rt_oci_list(const struct rt_oci *rt, char ***ids, md_error *err);

/* The config that create saved (later edits of the bundle do not count). */
int rt_oci_config(const struct rt_oci *rt, const char *id, struct spec **out, md_error *err);

/* Lock the container against other commands that change it; ENOENT as
 * rt_oci_state. Close *lock_fd to release. */
int rt_oci_lock(const struct rt_oci *rt, const char *id, int *lock_fd, md_error *err);

/* `kill`: signal the init (by pidfd), or with all every process in the
 * container's cgroup. ESRCH "container not running" when it is stopped. */
int rt_oci_kill(const struct rt_oci *rt, const char *id, int sig, bool all, md_error *err);

/* `pause` / `resume`: freeze or thaw the cgroup and record it. */
int rt_oci_freeze(const struct rt_oci *rt, const char *id, bool frozen, md_error *err);

/* `delete`: kill what is left, remove the cgroups, run the poststop hooks
 * (failures are warnings), remove the record. Without force, a running or
 * paused container is refused (EBUSY); with force, an unknown id is not an
 * error (callers clean up blindly). */
int rt_oci_delete(const struct rt_oci *rt, const char *id, bool force, md_error *err);

/* Run the hooks of one kind with st as their state, a failure reported to
 * log as a warning: poststart and poststop of a container made without a
 * state root (rt_create + rt_start). */
void rt_oci_hooks_warn(const struct rt_oci *rt, const struct spec *spec, enum rt_hook_kind kind,
		       const struct rt_state *st, enum rt_status status);

#endif
