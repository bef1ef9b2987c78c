/* SPDX-License-Identifier: Apache-2.0 */
/* A container in the foreground (`mydocker run`): the engine checks the
 * request as dockerd does, claims an id, builds the OCI config, has the
 * runtime core create, start and supervise the container, and cleans up
 * when its init exits. Two kinds:
 *   - a host command (the first argument starts with '/'): the host's root
 *     filesystem, nothing kept once it ends;
 *   - an image (image set; create.c): a container of the store (records.h)
 *     on an overlay of the image's layers (rootfs.h), kept after it ends
 *     (status exited) unless auto_remove.
 * The caller parses flags and prints: nothing here prints; records, and
 * the errors that do not stop the run, go to the caller's log function. */
#ifndef MD_ENGINE_RUN_H
#define MD_ENGINE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/containers/runconfig.h"
#include "runtime/container.h"
#include "util/error.h"

/* The caller's side: the container reads in_fd (-1: /dev/null) and writes
 * out_fd and err_fd; tty_fd is the caller's terminal (raw mode, window
 * size), -1 for none. */
struct engine_io {
	int in_fd, out_fd, err_fd, tty_fd;
	rt_log_fn log; /* may be NULL */
	void *log_ctx;
};

struct run_mount; /* engine/containers/mounts.h */

/* --health-* as given (NULL: not given), for health.c. */
struct run_health_flags {
	const char *cmd, *interval, *timeout, *start_period, *retries;
	bool none; /* --no-healthcheck */
};

/* What happens around a container of the store: detached mode, the
 * monitor's restart policy and log, stop, --init, labels, health. */
struct run_lifecycle {
	bool detach;             /* -d */
	const char *detach_keys; /* --detach-keys, NULL: ctrl-p,ctrl-q */
	const char *restart;     /* --restart as given, NULL: "no" */
	const char *stop_signal; /* --stop-signal, NULL: the image's */
	bool stop_timeout_set;   /* --stop-timeout */
	int stop_timeout;        /* seconds */
	bool init;               /* --init */
	char **labels;           /* --label and --label-file: "K=V" */
	const char *log_driver;  /* --log-driver, NULL: json-file */
	char **log_opts;         /* --log-opt "K=V" */
	struct run_health_flags health;
};

struct engine_run_request {
	/* What to run; the engine fills in id, the ids of user and the
	 * console size. From an image, args are COMMAND [ARG...] (NULL: the
	 * image's), env the -e and --env-file values (over the image's). */
	struct run_request config;
	const char *user; /* USER[:GROUP] as given (-u), or NULL */
	/* -v, --mount and --tmpfs, parsed (mounts.h), in order. */
	struct run_mount *mounts;
	size_t n_mounts;
	/* From an image. */
	const char *root;  /* the store (mydocker --root) */
	const char *image; /* as the user named it; NULL: a host command */
	const char *name;  /* --name, or NULL for a random one */
	bool auto_remove;  /* --rm */
	bool entrypoint_set;
	const char *entrypoint; /* --entrypoint ("" clears the image's) */
	char **binds, **tmpfs;  /* -v and --tmpfs as given, for HostConfig */
	struct run_lifecycle life;
	struct engine_io io;
};

struct engine_run_result {
	char id[65];
	int exit_status; /* the container's: its code, or 128+signal */
	bool oom_killed; /* the OOM killer killed a process of it */
	bool detached;   /* attached, then the detach keys ended the session */
};

/* Docker's checks before anything is made: the --cap-add and --cap-drop
 * names, the limits; for a host command, the user too (looked up in the
 * container root's /etc/passwd and /etc/group). engine_run makes them
 * first. */
int engine_run_check(const struct engine_run_request *r, md_error *err);

/* Run the container to its end. 0 when it ran (whatever it exited with,
 * in res->exit_status); -1 when it could not be made or started. */
int engine_run(const struct engine_run_request *r, struct engine_run_result *res, md_error *err);

#endif
