/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver (runc's --systemd-cgroup): the container's
 * cgroup is a transient scope that systemd makes, over D-Bus (sd-bus), in
 * a slice named by a cgroupsPath "slice:prefix:name". Limits that systemd
 * has a unit property for are set as properties, so that systemd keeps
 * them (it rewrites the cgroup files of its units on daemon-reload); the
 * caller writes the rest as files into cgsd_cgroup_path(), which systemd
 * leaves to us since the scope has Delegate=yes. The cgroup is removed by
 * stopping the unit.
 *
 * The bus: as root, systemd's own socket /run/systemd/private (as
 * systemctl does: no dbus-daemon needed), else the system bus. */
#ifndef MD_CGROUP_SYSTEMD_H
#define MD_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"
#include "runtime/spec.h"

/* The default slice of a cgroupsPath with an empty slice part (runc's). */
#define CGSD_DEFAULT_SLICE "system.slice"
/* How long to wait for systemd to finish a start or stop job. */
#define CGSD_JOB_TIMEOUT_MS 30000

/* runc's "slice:prefix:name" -> *slice ("" or "-" give system.slice; it
 * must be a valid slice name) and *unit: "prefix-name.scope" ("name.scope"
 * without a prefix), or name itself when it ends in ".slice" (a transient
 * slice). Errors name the bad part. Caller frees both. */
int cgsd_parse_path(const char *cgroups_path, char **slice, char **unit, md_error *err);

/* Where systemd puts the unit, relative to a hierarchy's root:
 * "a-b.slice", "x.scope" -> "/a.slice/a-b.slice/x.scope"; a slice unit is
 * placed by its own name ("a-b.slice" -> "/a.slice/a-b.slice"), and
 * "-.slice" is the root. Components escaped as systemd does ("cpu.scope"
 * -> "_cpu.scope"). NULL for an invalid name. Caller frees. */
char *cgsd_cgroup_path(const char *slice, const char *unit);

/* Is systemd PID 1 (/run/systemd/system, as sd_booted(3) and runc check)
 * with a bus socket we may use? Connects to nothing. */
bool cgsd_available(void);

/* Start the transient unit (a scope holding pid; a slice holds no
 * process, so pid must be 0 for one) in slice, with delegation, no default
 * dependencies, accounting on, and res as unit properties (res may be
 * NULL). Waits for the job. A unit of that name that is still active
 * after a reset of a failed one is joined: pid is attached to it and res
 * set on it. */
int cgsd_start(const char *slice, const char *unit, pid_t pid, const struct spec_resources *res,
	       md_error *err);

/* Set res as runtime unit properties (for `update`). */
int cgsd_update(const char *unit, const struct spec_resources *res, md_error *err);

/* Stop the unit and wait for the job, then reset it if it failed, so that
 * systemd forgets it. A unit that does not exist is fine. */
int cgsd_stop(const char *unit, md_error *err);

/* --- pure helpers, unit tested --- */

/* A cpuset list ("0-3,8") -> systemd's AllowedCPUs/AllowedMemoryNodes byte
 * array: bit i of the set is bit i % 8 of byte i / 8. Caller frees. */
int cgsd_cpuset_bits(const char *list, uint8_t **bits, size_t *n, md_error *err);

/* OCI quota/period (microseconds; 0 = unset) -> CPUQuotaPerSecUSec:
 * UINT64_MAX (infinity) without a quota, else rounded up to whole percent
 * of a CPU, since systemd keeps the quota as a percentage. */
uint64_t cgsd_quota_per_sec(int64_t quota, int64_t period);

/* The number at the start of systemd's Version ("252.39-1~deb12u2",
 * "v245.4-1.fc32" -> 252, 245); -1 when there is none. */
int cgsd_version_num(const char *version);

#endif
