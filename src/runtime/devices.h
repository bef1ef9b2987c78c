/* SPDX-License-Identifier: Apache-2.0 */
/* The container's /dev, when the config mounts a filesystem there: the
 * default device nodes (null, zero, full, random, urandom, tty), those of
 * linux.devices, the /dev/fd and /dev/std* links, /dev/ptmx and the
 * console's mount point. Runs before pivot_root, with the host's /dev at
 * hand for the bind-mount fallback. */
#ifndef MD_DEVICES_H
#define MD_DEVICES_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

struct mount_ctx;

/* One entry of linux.devices. */
struct dev_node {
	char *path; /* absolute, clean */
	char type;  /* 'c', 'b', 'u' (unbuffered char) or 'p' (fifo) */
	uint32_t major, minor;
	mode_t mode; /* permission bits (fileMode), 0666 by default */
	uid_t uid;
	gid_t gid;
};

/* Parse linux.devices (NULL gives none). Errors name the field, e.g.
 * "linux.devices[2].major: missing". */
int devices_parse(json_object *arr, struct dev_node **out, size_t *n, md_error *err);
void devices_free(struct dev_node *v, size_t n);

int devices_setup(const struct mount_ctx *cx, md_error *err);

#endif
