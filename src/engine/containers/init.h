/* SPDX-License-Identifier: Apache-2.0 */
/* run --init: the container's PID 1 is mydocker-init (src/init), which
 * reaps zombies and forwards signals to the command, as Docker's
 * docker-init. */
#ifndef MD_CONTAINERS_INIT_H
#define MD_CONTAINERS_INIT_H

#include <json-c/json.h>

#include "util/error.h"

/* Where the init is bound in the container, Docker's path. */
#define INIT_CONTAINER_PATH "/sbin/docker-init"

/* Wrap the command: *argv becomes [INIT_CONTAINER_PATH, "--", argv...]
 * and the host's mydocker-init (engine/helpers.h) is appended to mounts
 * (an OCI mounts array) as a read-only bind on INIT_CONTAINER_PATH.
 * ENOENT when mydocker-init is nowhere to be found. */
int init_wrap(char ***argv, json_object *mounts, md_error *err);

#endif
