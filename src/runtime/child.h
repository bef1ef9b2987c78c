/* SPDX-License-Identifier: Apache-2.0 */
/* The child half of rt_create: everything that runs between clone and the
 * user's execve, as a list of named steps. */
#ifndef MD_CHILD_H
#define MD_CHILD_H

#include <sys/types.h>

#include "runtime/container.h"
#include "runtime/namespaces.h"
#include "runtime/seccomp.h"
#include "runtime/cgroup.h"
#include "runtime/spec.h"

struct child_ctx {
	const struct spec *spec;
	const struct rt_create_opts *opts;
	const struct ns_plan *ns;         /* namespace fds to join, what to unshare */
	int sock;                         /* child end of the sync socketpair */
	int fifo_path_fd;                 /* O_PATH fd of opts->exec_fifo (detached mode), or -1 */
	const struct rt_seccomp *seccomp; /* compiled by the parent, or NULL */
	const struct cgroup_join *cgjoin; /* v1 tasks fds to move into, or NULL */
};

/* True when rt_create has a hooks step (SYNC_HOOKS): the config has
 * prestart, createRuntime, createContainer or startContainer hooks. */
bool child_has_hooks_step(const struct spec *s);

/* Never returns: execs the user's program or _exits after reporting. */
__attribute__((noreturn)) void child_main(const struct child_ctx *cx);

#endif
