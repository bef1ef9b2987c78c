/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl and linux.personality. */
#ifndef MD_SYSCTL_H
#define MD_SYSCTL_H

#include "util/error.h"
#include "runtime/spec.h"

/* Check that every sysctl belongs to a namespace the container has of its
 * own (as runc: IPC keys need a new IPC namespace, net.* a network
 * namespace that is not the host's, kernel.hostname/domainname a UTS
 * namespace); anything else would change the host. Pure: unit-tested. */
int sysctl_validate(const struct spec *s, md_error *err);

/* Write them through the container's /proc/sys (checked to be procfs):
 * after pivot_root, before the read-only paths make /proc/sys read-only. */
int sysctl_apply(const struct spec *s, md_error *err);

/* linux.personality: {"domain": "LINUX"|"LINUX32", "flags": []}. */
int personality_apply(const struct spec *s, md_error *err);

#endif
