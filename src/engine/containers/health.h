/* SPDX-License-Identifier: Apache-2.0 */
/* Health checks as Docker has them, with no daemon:
 *   - Config.Healthcheck ({Test, Interval, Timeout, StartPeriod, Retries},
 *     durations in nanoseconds) from run's --health-* flags over the
 *     image's, with Docker's checks and words (create.c calls it);
 *   - one check (engine_health_check, `mydocker __healthcheck ID`): Test
 *     run in the container as exec runs a command, its exit code and
 *     output put into State.Health ({Status, FailingStreak, Log}) by
 *     Docker's rules. The container's monitor runs it every Interval
 *     (health_interval_ms).
 * Nothing here prints. */
#ifndef MD_HEALTH_H
#define MD_HEALTH_H

#include <json-c/json.h>
#include <stdint.h>

#include "engine/containers/records.h"
#include "engine/containers/run.h"
#include "engine/images/manifest.h"
#include "util/error.h"

#define HEALTH_NS_PER_MS 1000000LL
#define HEALTH_DEFAULT_INTERVAL_NS (30000 * HEALTH_NS_PER_MS)
#define HEALTH_DEFAULT_TIMEOUT_NS (30000 * HEALTH_NS_PER_MS)
#define HEALTH_DEFAULT_RETRIES 3
/* The output a check keeps (Docker's maxOutputLen), and its log. */
#define HEALTH_OUTPUT_MAX 4096
#define HEALTH_LOG_MAX 5

/* Go's time.ParseDuration: "30s", "1m30s", "500ms", "1.5h", "-2s", "0";
 * units ns, us (µs), ms, s, m, h. Errors in Go's words ("time: invalid
 * duration \"x\""), errnum 0. */
int health_parse_duration(const char *s, int64_t *ns, md_error *err);

/* Go's Duration.String(): "30s", "1m30s", "500ms", "1h0m0s", "0s". */
void health_format_duration(int64_t ns, char *buf, size_t len);

/* Config.Healthcheck of a new container, as the Docker CLI builds it from
 * the flags (f) and dockerd merges it with the image's (img, may be
 * NULL): --no-healthcheck gives {"Test":["NONE"]} and conflicts with the
 * other flags; negative values and durations under 1ms are refused; a
 * member the flags leave unset (zero) comes from the image. *out is NULL
 * when there is neither. */
int health_config(const struct image_healthcheck *img, const struct run_health_flags *f,
		  json_object **out, md_error *err);

/* For the monitor: 0 when healthcheck has a check to run (Test CMD or
 * CMD-SHELL), with its interval (default 30 s) and start period in ms;
 * 1 when it has none (NULL, no Test, NONE). */
int health_interval_ms(json_object *healthcheck, long *interval_ms, long *start_period_ms);

/* State.Health as a (re)started container has it: Status "starting",
 * FailingStreak 0, the Log kept; NULL (and no Health) without a check. */
void health_on_start(struct container_state *st, json_object *healthcheck);

/* One check's result (times in ns since the epoch). output is at most
 * HEALTH_OUTPUT_MAX bytes, "..." appended when more came. */
struct health_result {
	int64_t start_ns, end_ns;
	int exit_code; /* -1: it could not run, or exceeded its timeout */
	const char *output;
};

/* Docker's rules: the result goes into the Log (the last 5 kept); exit 0
 * makes it healthy and ends the streak; a failure adds to FailingStreak
 * unless the container never was healthy and is still in its start
 * period (started_ns: State.StartedAt); Retries failures in a row make
 * it unhealthy. *health is made ("starting") when NULL. */
void health_apply(json_object **health, json_object *healthcheck, int64_t started_ns,
		  const struct health_result *r);

/* Run the check of the running container what (id, name or prefix) once
 * and record its result. ENOENT "No such container", errnum 0 when it
 * does not run or has no check. */
int engine_health_check(const char *root, const char *what, md_error *err);

#endif
