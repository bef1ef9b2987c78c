/* SPDX-License-Identifier: Apache-2.0 */
/* Operations on a container of the store that are not its life:
 * `pause`/`unpause` (its cgroup frozen or thawed, State.Paused), `update`
 * (its resources: the running cgroup, the stored OCI config for its next
 * start, the record's HostConfig; its restart policy) and `top` (the
 * host's ps, cut to its processes). Docker's checks and errors. Nothing
 * here prints. */
#ifndef MD_OPS_H
#define MD_OPS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/containers/records.h"
#include "runtime/spec.h"
#include "util/error.h"

/* Whether c runs now: its record says so, it is not waiting out a
 * restart delay, and its live entry is held. */
bool ops_running(const struct container_record *c);

/* Freeze (paused true) or thaw the cgroup of what names a container, and
 * record State.Paused. Docker's errors: "Container ID is not running",
 * "Container ID is already paused", "Container ID is not paused". */
int engine_pause(const char *root, const char *what, bool paused, md_error *err);

/* What `update` changes; what is not set stays. */
struct engine_update {
	struct opt_i64 memory, memory_swap; /* bytes; swap -1: unlimited */
	struct opt_i64 cpu_shares, cpu_quota, cpu_period;
	struct opt_i64 pids_limit; /* <= 0: unlimited */
	const char *cpuset_cpus, *cpuset_mems;
	const char *restart; /* a restart policy, as --restart takes it */
};

/* True when u changes nothing (Docker: "You must provide one or more
 * flags when using this command."). */
bool engine_update_empty(const struct engine_update *u);

/* Change what names a container as u says: a running one's cgroup at
 * once; for every one, its stored OCI config (the next start uses it) and
 * its record's HostConfig. Docker's checks first (u against the record's
 * HostConfig): nothing changes when one fails. */
int engine_update(const char *root, const char *what, const struct engine_update *u, md_error *err);

/* Pure parts of update, exposed for unit tests. */
int update_check(const struct engine_update *u, json_object *host_config, md_error *err);
/* u into an OCI config's linux.resources (made when missing). */
void update_oci_config(json_object *config, const struct engine_update *u);
/* u into Docker's HostConfig members (restart: already checked). */
void update_host_config(json_object *host_config, const struct engine_update *u);

/* ps's table cut to a container's processes: titles, and rows of ncols
 * cells (the last one holds the rest of a line: a command and its
 * arguments). */
struct engine_top {
	char **titles; /* NULL-terminated, ncols of them */
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
};
void engine_top_free(struct engine_top *t);

/* Run the host's `ps` with ps_args (NULL or empty: "-ef"; each split at
 * spaces, as Docker does) and keep the rows of the processes in the
 * container's cgroup. Not running: Docker's "Container ID is not
 * running". */
int engine_top(const char *root, const char *what, char *const *ps_args, struct engine_top *out,
	       md_error *err);

/* Pure: ps output -> the header and the rows whose PID is in pids (a
 * thread's row, PID "-", goes with the process above it). Docker's errors
 * for an output without a PID column or with a PID that is no number. */
int top_parse_ps(const char *output, const pid_t *pids, size_t n, struct engine_top *out,
		 md_error *err);

#endif
