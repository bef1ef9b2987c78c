/* SPDX-License-Identifier: Apache-2.0 */
/* The starter config.json that `mydocker-runtime spec` writes: the usual
 * OCI default (busybox-friendly `sh`, read-only root at "rootfs", the
 * standard mounts, masked and read-only paths, a deny-all device rule). */
#ifndef MD_SPEC_DEFAULT_H
#define MD_SPEC_DEFAULT_H

#include <json-c/json.h>
#include <stdbool.h>

/* rootless: no network namespace, a user namespace mapping the caller,
 * no cgroup mount, bind /sys, no resources. Caller owns the object. */
json_object *spec_default_json(bool rootless, unsigned uid, unsigned gid);

/* Parts of it that `mydocker run` uses too (Docker has the same): the
 * standard mounts (proc, a /dev tmpfs with devpts, shm and mqueue, sysfs
 * and cgroup read-only; rootless binds /sys instead), and the masked and
 * read-only paths. Caller owns each object. */
json_object *spec_default_mounts(bool rootless);
json_object *spec_default_masked_paths(void);
json_object *spec_default_readonly_paths(void);

#endif
