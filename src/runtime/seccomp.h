/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp (runtime-spec config-linux.md "Seccomp"), with libseccomp.
 *
 * The filter is compiled once, in the parent, before the clone:
 * rt_seccomp_compile() turns linux.seccomp into a classic BPF program (a
 * plain buffer, which the child gets with its copy of our memory). The
 * child only loads it, with one seccomp(2) call: no libseccomp, no
 * allocation, no parsing in the container.
 *
 * When the child loads it (child.c, and exec.c for exec'd processes): last,
 * after the user switch, the fifo or sync wait and the startContainer
 * hooks, just before execve, so that nothing of ours runs under it and a
 * profile need only allow what the program needs (execve first). Fds are
 * closed before (and close_range falls back to a /proc/self/fd walk where
 * it is missing or refused, see process.h).
 *   noNewPrivileges true: no_new_privs makes the load legal without
 *     privileges.
 *   noNewPrivileges false: the load needs CAP_SYS_ADMIN, which the user
 *     switch would drop; the switch keeps it in the effective and
 *     permitted sets only (caps.h, keep_admin), and execve takes it away.
 *     runc loads such a filter before the switch instead, and then needs a
 *     profile that allows its own calls after it.
 *
 * Names the kernel or libseccomp does not know are skipped (runc does
 * the same); an unknown action, operator, architecture or flag is an error
 * naming the field. SCMP_ACT_NOTIFY and listenerPath are refused: there is
 * no seccomp agent support. */
#ifndef MD_SECCOMP_H
#define MD_SECCOMP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct rt_seccomp;

/* Compile a linux.seccomp object. NULL config: *out is NULL, no filter.
 * Errors read "config: linux.seccomp.syscalls[2].action: ...". */
int rt_seccomp_compile(json_object *config, struct rt_seccomp **out, md_error *err);

/* The same, keeping compiled programs in cache_dir (made 0700 if missing;
 * used only while it is the caller's own and private) and reusing them for
 * the same profile, libseccomp and kernel. NULL cache_dir: no cache. */
int seccomp_compile_cached(json_object *config, const char *cache_dir, struct rt_seccomp **out,
			   md_error *err);

/* Load the filter into the calling process (nothing for NULL). Needs
 * no_new_privs or CAP_SYS_ADMIN. */
int rt_seccomp_apply(const struct rt_seccomp *f, md_error *err);

/* Number of BPF instructions (tests, benchmarks). */
unsigned rt_seccomp_length(const struct rt_seccomp *f);

void rt_seccomp_free(struct rt_seccomp *f);
static inline void rt_seccomp_freep(struct rt_seccomp **f)
{
	rt_seccomp_free(*f);
}
#define cleanup_seccomp __attribute__((cleanup(rt_seccomp_freep)))

/* The "seccomp" member of `features` (runtime-spec features-linux.md):
 * enabled, actions, operators, archs, knownFlags, supportedFlags. */
json_object *rt_seccomp_features(void);

/* The native architecture as runtime-spec ("SCMP_ARCH_X86_64") and Go
 * ("amd64") name it; Docker profiles use both. NULL if unknown. */
const char *seccomp_native_arch(void);
const char *seccomp_native_goarch(void);

/* ---- Docker's profile format (seccomp-default.c) ----
 *
 * Docker's profiles add to the OCI form: "archMap" (architectures by
 * native architecture), a legacy "name", and per rule "includes" and
 * "excludes" conditions on capabilities, architectures and kernel version.
 * The engine evaluates those for one container, as dockerd does, and puts
 * the OCI form into the config. */

/* Docker's default profile (moby profiles/seccomp/default.json, with
 * io_uring_* removed as in Docker 25). Caller frees (json_object_put). */
json_object *rt_seccomp_default_profile(void);

/* Evaluate a Docker-format profile for a container whose bounding set is
 * caps (bit mask over CAP_*): *out is the linux.seccomp object, or NULL
 * when the profile has neither defaultAction nor syscalls (Docker then
 * runs the container unconfined). Errors read "seccomp profile: ...". */
int rt_seccomp_from_docker(json_object *profile, uint64_t caps, json_object **out, md_error *err);

#endif
