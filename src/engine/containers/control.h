/* SPDX-License-Identifier: Apache-2.0 */
/* Commands on a container that runs, detached or in the foreground:
 * stop, kill, wait, attach. The init is signalled through a pidfd opened
 * on State.Pid and checked against State's start time, so a pid that the
 * kernel gave to another process is never signalled. Nothing prints. */
#ifndef MD_CONTROL_H
#define MD_CONTROL_H

#include <stdbool.h>

#include "engine/containers/run.h"
#include "util/error.h"

/* Docker's stop: mark it stopped by hand (the restart policy leaves it),
 * send sig (NULL: --stop-signal / the image's StopSignal, else SIGTERM),
 * wait timeout seconds (-1: Config.StopTimeout, else 10) for the init to
 * end, then SIGKILL every process of it; return once its owner (monitor
 * or foreground mydocker) has recorded the exit. A container that does
 * not run: nothing to do, 0. */
int engine_stop(const char *root, const char *what, const char *sig, int timeout, md_error *err);

/* Docker's kill: sig to the init, marked stopped by hand. Not running:
 * "Container ID is not running" (errnum EINVAL). */
int engine_kill(const char *root, const char *what, const char *sig, md_error *err);

/* Block until the container is not running (its next exit when it runs,
 * at once when it does not); its exit code in *code. */
int engine_wait(const char *root, const char *what, int *code, md_error *err);

/* Attach the caller's io to the running container what, through its
 * monitor's socket, until it exits (*code: its status as run gives it)
 * or the detach keys (*detached). */
struct engine_attach_request {
	const char *root, *what;
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q */
	bool no_stdin;
	bool sig_proxy; /* forward SIGINT, SIGTERM... to the container */
	struct engine_io io;
};
int engine_attach(const struct engine_attach_request *r, int *code, bool *detached, md_error *err);

/* The client side of a monitor connection fd (attach.c) to the container
 * id of the store root: copy io.in_fd to the container, its output to
 * io.out_fd/err_fd, the terminal in raw mode and its size (tty), signals
 * on to it without a tty, until the exit frame (*code: its status as run
 * gives it; -1 when the monitor went away without one) or the detach keys
 * (*detached). */
int attach_session(const char *root, const char *id, int fd, const struct engine_io *io, bool tty,
		   const char *detach_keys, int *code, bool *detached, md_error *err);

/* "ctrl-p,ctrl-q" and Docker's other forms into bytes (at most 16). */
int attach_parse_keys(const char *keys, unsigned char *out, size_t *n, md_error *err);

#endif
