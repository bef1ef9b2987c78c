/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker exec`: a new process in a running container of the store. It
 * starts as a copy of the container's own process (its saved config.json:
 * capabilities, rlimits, no_new_privs, user, environment, working
 * directory) with exec's changes, joins every namespace and the cgroup of
 * the init (State.Pid, checked against State's start time), and gets the
 * container's seccomp filter (runtime/exec.h: rt_exec). Docker's errors:
 * "container ID is not running", "Container ID is paused, unpause the
 * container before exec", and a program that cannot start: "OCI runtime
 * exec failed: ...", status 126. Nothing here prints. */
#ifndef MD_ENGINE_EXEC_H
#define MD_ENGINE_EXEC_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/containers/records.h"
#include "engine/containers/run.h"
#include "runtime/container.h"
#include "runtime/spec.h"
#include "util/error.h"

struct engine_exec_request {
	const char *root; /* the store */
	const char *what; /* the container: id, name or id prefix */
	char *const *args;
	char *const *env;        /* -e and --env-file "K=V", over the container's */
	const char *user;        /* -u USER[:GROUP], NULL: the container's */
	const char *workdir;     /* -w, NULL: the container's */
	bool tty;                /* -t: a pty, TERM=xterm */
	bool interactive;        /* -i: io.in_fd goes to the process */
	bool detach;             /* -d: started, not waited for */
	bool privileged;         /* every capability */
	const char *detach_keys; /* -ti: the keys that leave it running; NULL:
				    ctrl-p,ctrl-q */
	struct engine_io io;
};

/* Run r->args in the container. 0 with *status the program's exit status
 * (code, or 128+signal; 0 after -d); 1 after the detach keys (it goes on,
 * *status 0); -1 with err (its status the exit code: 126 when the program
 * could not start, 1 for Docker's daemon errors). */
int engine_exec(const struct engine_exec_request *r, int *status, md_error *err);

/* ---- for the health checks (health-check.c) ---- */

/* A running container, opened to exec in. */
struct exec_target {
	struct container_record rec;
	struct rt_state *st;  /* its init: pid, start time, cgroup */
	struct spec *config;  /* config.json: its seccomp filter */
	json_object *process; /* config.json's process: the base of a new one */
};

/* Find what, check that it runs and is not paused (Docker's errors),
 * and load its config. t is freed by exec_target_close, also on error. */
int exec_target_open(const char *root, const char *what, struct exec_target *t, md_error *err);
void exec_target_close(struct exec_target *t);

/* The process of r (args, env, user, workdir, tty, privileged) from t's. */
int exec_target_process(const struct exec_target *t, const struct engine_exec_request *r,
			struct spec_process **p, md_error *err);

/* Start p in t, with stdio (-1: /dev/null) when it has no terminal: our
 * child (rt_wait, rt_container_free). */
int exec_target_start(const struct exec_target *t, const struct spec_process *p, const int stdio[3],
		      struct rt_container **out, md_error *err);

#endif
