/* SPDX-License-Identifier: Apache-2.0 */
/* What happens to a container of the store after `run`: `start` (under
 * its monitor, detach.h), `rm`, and the sweep
 * of what killed mydocker processes left. Nothing here prints. */
#ifndef MD_LIFECYCLE_H
#define MD_LIFECYCLE_H

#include <stdbool.h>

#include "engine/containers/run.h"

/* Clean up after every mydocker process that died with a container: its
 * cgroups and live entry, and for a container of a store, its rootfs
 * mount and its record (State exited, 137: its processes were killed;
 * removed with --rm). Failures go to io's log. Every container command
 * calls it first. */
void engine_sweep(const struct engine_io *io);

struct engine_start_request {
	const char *root; /* the store */
	const char *what; /* a container: id, name or id prefix */
	bool attach;      /* -a: its output (and with interactive, our input)
			     until it exits or the detach keys */
	bool interactive; /* -i */
	const char *detach_keys;
	struct engine_io io;
};

/* Start a container under its monitor (detach.h): its stored OCI config
 * (config.json), its upper layer as it was left. One that runs already:
 * nothing to start (attached to with attach). With attach, res's
 * exit_status is its status, *detached whether the keys ended it. */
int engine_start(const struct engine_start_request *r, struct engine_run_result *res,
		 bool *detached, md_error *err);

/* The containers to start when the host boots (contrib/systemd), as
 * dockerd starts them when it starts: restart policy always, and
 * unless-stopped unless a user stopped it; not running. NULL-terminated
 * ids (md_strv_free). */
int engine_boot_starts(const char *root, char ***ids, md_error *err);

/* Remove a container: its record and directories, with volumes its
 * anonymous volumes. A running one is refused (EBUSY, Docker's words)
 * unless force, which kills it (SIGKILL to its cgroup) and waits for its
 * monitor or mydocker process to let go of it. */
int engine_rm(const char *root, const char *what, bool force, bool volumes, md_error *err);

#endif
