/* SPDX-License-Identifier: Apache-2.0 */
/* User namespaces: the maps the parent writes for a child that made a new
 * user namespace, and what the child does once they are written.
 *
 * The order (runtime-spec, and what runc and crun do): clone makes the
 * user namespace together with the others, so that they are owned by it;
 * the parent writes /proc/PID/{uid,gid}_map while the child waits for
 * SYNC_CGROUP_DONE; then the child becomes root of its namespace before
 * it creates anything in the rootfs (an unmapped fsuid cannot create
 * files: EOVERFLOW). */
#ifndef MD_USERNS_H
#define MD_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"
#include "runtime/spec.h"

/* In the parent: write the config's uidMappings and gidMappings for pid.
 * When we may not map groups freely (an unprivileged caller), setgroups
 * is denied first, as the kernel requires. */
int userns_write_maps(pid_t pid, const struct spec *s, md_error *err);

/* In the child, once the maps are written (or a user namespace joined):
 * uid and gid 0 of the namespace, no supplementary groups. */
int userns_become_root(md_error *err);

/* False when setgroups(2) is denied in our user namespace. */
bool userns_setgroups_allowed(void);

/* Not the host's root: an unprivileged user, or root of a nested user
 * namespace. Cgroups and /run are then not ours to write. */
bool userns_rootless(void);

#endif
