/* SPDX-License-Identifier: Apache-2.0 */
/* A container from an image (`mydocker run IMAGE`): what it runs, as
 * dockerd merges the image's config with the request, then the record,
 * the rootfs, the /etc files and the OCI config (create.c). */
#ifndef MD_CREATE_H
#define MD_CREATE_H

#include "engine/containers/records.h"
#include "engine/containers/run.h"
#include "engine/images/manifest.h"

/* The container's Config from the image's (img may be NULL) and the
 * request's, as dockerd merges them:
 *   - Env: the image's, each -e/--env-file value replacing the one of its
 *     name or appended;
 *   - Entrypoint and Cmd: COMMAND replaces Cmd; --entrypoint replaces the
 *     Entrypoint and drops the image's Cmd ("" clears the Entrypoint);
 *     neither at all: "no command specified";
 *   - WorkingDir, User: the flag's, else the image's; Labels, StopSignal:
 *     the image's; Hostname: the flag's (the caller sets the default);
 *     Tty, OpenStdin: -t, -i. */
int create_config(const struct image_config *img, const struct engine_run_request *r,
		  struct container_config *out, md_error *err);

/* Docker's Path and Args: the Entrypoint's first word, then its other
 * words and Cmd; without an Entrypoint, Cmd's. */
void create_command(const struct container_config *k, char **path, char ***args);

#endif
