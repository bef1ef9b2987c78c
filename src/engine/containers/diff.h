/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker diff`: what a container changed in its filesystem, read from
 * its writable layer (ROOT/containers/ID/upper) against its image's
 * layers, as Docker prints it: "A /path" added, "C /path" changed, "D
 * /path" deleted. */
#ifndef MD_CONTAINERS_DIFF_H
#define MD_CONTAINERS_DIFF_H

#include <stddef.h>

#include "util/error.h"

struct diff_change {
	char kind; /* 'A', 'C' or 'D' */
	char *path;
};

/* The changes of the container named what (id, name or id prefix),
 * sorted by path: a whiteout (0/0 character device) is D; a file the
 * image has is C, else A; a directory the image lacks is A, one it has
 * is C when made opaque (removed and made again), when its owner or mode
 * changed, or when anything below it is listed. The files the engine
 * puts in every container (/etc/hostname, /etc/hosts, /etc/resolv.conf,
 * and /sbin/docker-init with --init) are not the container's changes and
 * are left out, as Docker does. Works on a running container too. */
int engine_diff(const char *root, const char *what, struct diff_change **out, size_t *n,
		md_error *err);

void diff_changes_free(struct diff_change *c, size_t n);

#endif
