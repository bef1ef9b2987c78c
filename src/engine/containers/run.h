/* SPDX-License-Identifier: Apache-2.0 */
/* A container in the foreground (`mydocker run`): the engine checks the
 * request as dockerd does, claims an id in the store, builds the OCI
 * config, has the runtime core create, start and supervise the container,
 * and removes it when its init exits. The caller parses flags and prints:
 * nothing here prints; records, and the errors that do not stop the run,
 * go to the caller's log function. */
#ifndef MD_ENGINE_RUN_H
#define MD_ENGINE_RUN_H

#include <stdbool.h>

#include "engine/containers/runconfig.h"
#include "runtime/container.h"
#include "util/error.h"

struct engine_run_request {
	/* What to run; the engine fills in id, the ids of user and the
	 * console size. */
	struct run_request config;
	const char *user; /* USER[:GROUP] as given (-u), or NULL */
	/* The caller's side: the container reads in_fd (-1: /dev/null) and
	 * writes out_fd and err_fd; tty_fd is the caller's terminal (raw
	 * mode, window size), -1 for none. */
	int in_fd, out_fd, err_fd, tty_fd;
	rt_log_fn log; /* may be NULL */
	void *log_ctx;
};

struct engine_run_result {
	char id[65];
	int exit_status; /* the container's: its code, or 128+signal */
	bool oom_killed; /* the OOM killer killed a process of it */
};

/* Docker's checks before anything is made: the user looked up in the
 * container root's /etc/passwd and /etc/group, the --cap-add and
 * --cap-drop names, the limits. engine_run makes them first. */
int engine_run_check(const struct engine_run_request *r, md_error *err);

/* Run the container to its end. 0 when it ran (whatever it exited with,
 * in res->exit_status); -1 when it could not be made or started. */
int engine_run(const struct engine_run_request *r, struct engine_run_result *res, md_error *err);

#endif
