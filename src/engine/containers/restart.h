/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's restart policies, applied with no daemon: the monitor of a
 * detached container asks restart_next() when the container exits. */
#ifndef MD_RESTART_H
#define MD_RESTART_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/containers/run.h"
#include "util/error.h"

enum restart_kind { RESTART_NO, RESTART_ALWAYS, RESTART_UNLESS_STOPPED, RESTART_ON_FAILURE };

struct restart_policy {
	enum restart_kind kind;
	int max_retries; /* on-failure:N; 0 = no limit */
};

/* --restart no|always|unless-stopped|on-failure[:N], Docker's errors. */
int restart_parse(const char *s, struct restart_policy *out, md_error *err);

/* HostConfig.RestartPolicy {Name, MaximumRetryCount} for l->restart
 * (already checked). */
json_object *restart_json(const struct run_lifecycle *l);

/* The policy in a record's HostConfig (none: RESTART_NO). */
void restart_from_host_config(json_object *host_config, struct restart_policy *out);

/* Whether a container that exited with exit_code is started again:
 * never after stop, kill or rm (manual_stop); on-failure only for a
 * nonzero code and below its count (restart_count: restarts so far). */
bool restart_wanted(const struct restart_policy *p, int exit_code, bool manual_stop,
		    int restart_count);

/* Docker's delay before a restart: 100 ms, doubled for each restart in a
 * row, at most a minute; back to 100 ms after a run of 10 s or more.
 * prev_ms: the delay before this run (0: none yet). */
long restart_delay_ms(long prev_ms, long ran_ms);

#endif
