/* SPDX-License-Identifier: Apache-2.0 */
/* The parent/child protocol: one framed message format on one
 * SOCK_SEQPACKET socketpair. Each step has a name; an error in the child
 * travels to the parent as a SYNC_ERROR frame carrying errno, the exit status
 * to report and the message. EOF means the peer died (or, after SYNC_EXEC,
 * that execve succeeded: the child's end is close-on-exec). */
#ifndef MD_SYNC_H
#define MD_SYNC_H

#include <stdint.h>

#include "util/error.h"

enum sync_type {
	SYNC_CGROUP_DONE = 1, /* parent -> child: you are in your cgroups, maps written */
	SYNC_USERNS_READY,    /* child -> parent: user namespace made, write my maps */
	SYNC_CONSOLE,         /* child -> parent: pty master attached (SCM_RIGHTS) */
	SYNC_READY,           /* child -> parent: set up, waiting to exec */
	SYNC_EXEC,            /* parent -> child: execve now */
	SYNC_ERROR,           /* either way: a failure, see errnum/status/msg */
	SYNC_HOOKS,           /* child -> parent: namespaces made, not pivoted yet:
				 run the prestart and createRuntime hooks */
	SYNC_HOOKS_DONE,      /* parent -> child: hooks done, go on; carries a memfd
				 with the state JSON when the child runs hooks */
	SYNC_PID,             /* exec's intermediate -> caller: value = pid of the
				 process in the container, with its pidfd */
	SYNC_GO,              /* caller -> exec'd process: the caller has its pid */
};

struct sync_msg {
	uint32_t type;
	int32_t errnum;
	int32_t status;
	int32_t value;              /* a number that goes with the step (SYNC_PID) */
	char msg[MD_ERROR_MSG_MAX]; /* an md_error's message, whole */
};
_Static_assert(sizeof(((struct sync_msg *)0)->msg) == sizeof(((md_error *)0)->msg),
	       "a sync frame carries a whole md_error message");

/* Create the pair, both ends close-on-exec. */
int sync_pair(int fds[2], md_error *err);

/* Send a frame; fd >= 0 is passed along with SCM_RIGHTS. */
int sync_send(int sock, enum sync_type type, int fd, md_error *err);
/* The same with a value (struct sync_msg.value). */
int sync_send_value(int sock, enum sync_type type, int32_t value, int fd, md_error *err);
/* Send err as a SYNC_ERROR frame (best effort, used in the child). */
void sync_send_error(int sock, const md_error *e);

/* Receive the next frame and check it is `want`. A SYNC_ERROR frame is
 * turned into *err; EOF becomes "peer exited during <step>". If fd_out is
 * non-NULL it receives a passed fd (or -1). */
int sync_expect(int sock, enum sync_type want, int *fd_out, md_error *err);

/* The same, also returning the frame's value. */
int sync_expect_value(int sock, enum sync_type want, int32_t *value, int *fd_out, md_error *err);

/* After SYNC_EXEC: 0 when the peer's end closed (execve succeeded), -1 with
 * *err when the child sent SYNC_ERROR instead. */
int sync_wait_exec(int sock, md_error *err);
#endif
