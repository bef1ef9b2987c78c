/* SPDX-License-Identifier: Apache-2.0 */
/* A container's log: Docker's json-file driver. The monitor writes
 * ROOT/containers/ID/ID-json.log (monitor/logfile.h) with the settings of
 * the record's HostConfig.LogConfig; `mydocker logs` reads it here, the
 * rotated files first (FILE.N ... FILE.1, then FILE), and with follow
 * keeps reading as it grows and rotates until the container stops.
 * Nothing here prints. */
#ifndef MD_ENGINE_LOGS_H
#define MD_ENGINE_LOGS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct run_lifecycle; /* engine/containers/run.h */

/* --log-driver and --log-opt as dockerd checks them: json-file (the
 * default) or none, else "logger: no log driver named 'X' is registered";
 * for json-file max-size (> 0, Docker's sizes: 10k, 10m, 1g, decimal) and
 * max-file (>= 1), mode=blocking; other options, and any with none,
 * "unknown log opt 'X' for ... log driver". */
int logs_config_check(const struct run_lifecycle *l, md_error *err);

/* ROOT/containers/ID/ID-json.log (Docker's name). Caller frees. */
char *logs_path(const char *root, const char *id);

/* The monitor's parameters from a record's HostConfig: *enabled false for
 * the none driver; max_size 0 (no rotation) and max_files 1 unless the
 * options say. -1 when LogConfig holds what logs_config_check refuses. */
int logs_settings(json_object *host_config, long long *max_size, int *max_files, bool *enabled);

/* An RFC 3339 time with its fraction, as an entry's "time" is
 * ("2026-12-05T09:50:50.123456789Z", "...+01:00"), in nanoseconds since
 * the epoch. -1 when it is not one. */
int logs_parse_time(const char *s, int64_t *ns);

struct logs_options {
	long long tail;             /* the last N entries (all files); -1: all */
	int64_t since_ns, until_ns; /* unix nanoseconds; 0: no bound */
	bool timestamps;            /* each line after its time (9 digits) and a space */
	bool details;               /* Docker's attributes first: we keep none, a space */
	bool follow;
	int out_fd, err_fd; /* stdout's entries, stderr's */
};

/* `mydocker logs` of what (a name, an id or a prefix): Docker's "No such
 * container"; "configured logging driver does not support reading" with
 * the none driver. A write error to out_fd or err_fd ends it (-1). */
int engine_logs(const char *root, const char *what, const struct logs_options *o, md_error *err);

/* The same for the log at path; id (or NULL) the container followed:
 * follow ends when it no longer runs (records_live). */
int logs_read(const char *path, const char *id, const struct logs_options *o, md_error *err);

#endif
