/* SPDX-License-Identifier: Apache-2.0 */
/* Devices of `mydocker run`, as Docker gives them: linux.resources.devices
 * (Docker's default allow-list, or everything with --privileged), the
 * --device nodes (linux.devices plus an allow rule each) and the
 * --device-cgroup-rule rules, in that order. */
#ifndef MD_RUNDEVICES_H
#define MD_RUNDEVICES_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util/error.h"

/* --device HOST[:CONTAINER][:PERMS] as Docker reads it: one field is the
 * host path (the same in the container), two are HOST:PERMS when the
 * second is a valid mode, else HOST:CONTAINER; PERMS default "rwm". The
 * strings point into buf (a copy of arg the caller frees). */
struct rundev_device {
	char *buf;
	const char *host, *ctr, *perms;
};
int rundev_parse_device(const char *arg, struct rundev_device *d, md_error *err);
void rundev_device_free(struct rundev_device *d);

/* "TYPE MAJOR:MINOR ACCESS" (type a, b or c; * for any number; access a
 * set of r, w, m): a linux.resources.devices entry. */
int rundev_parse_cgroup_rule(const char *arg, json_object **rule, md_error *err);

/* Fill linux.devices (in lnx) and linux.resources.devices (in res) for
 * these flags; the --device host paths are looked at now. */
int rundev_add(bool privileged, char *const *devices, char *const *rules, json_object *lnx,
	       json_object *res, md_error *err);

#endif
