/* SPDX-License-Identifier: Apache-2.0 */
/* What run.c shares with create.c (a container from an image) and
 * lifecycle.c (start): the checks, the sweep, and running an OCI config in
 * the foreground. */
#ifndef MD_RUN_INTERNAL_H
#define MD_RUN_INTERNAL_H

#include <json-c/json.h>

#include "engine/containers/lifecycle.h"
#include "engine/containers/run.h"
#include "engine/containers/users.h"
#include "engine/images/store.h"

/* An error that does not stop what goes on: the caller's log sees it. */
void run_log_error(const struct engine_io *io, const md_error *err);

/* The capabilities and the limits, as dockerd checks them. */
int run_check_config(const struct run_request *cfg, md_error *err);
/* The flags of a container's life (run.h: run_lifecycle): restart policy
 * and --rm, in Docker's words (create.c). */
int run_check_life(const struct engine_run_request *r, md_error *err);

/* Whether the container runs under a monitor (detach.h): -d, or a
 * restart policy (the monitor restarts it; run stays attached until its
 * first exit, as Docker's client does). */
bool run_wants_monitor(const struct engine_run_request *r);

/* The user's ids into cfg, looked up in cfg->rootfs (they point into u:
 * users_free). user NULL: nothing to do. */
int run_resolve_user(const char *user, struct run_request *cfg, struct run_user *u, md_error *err);

/* Called once the container's init runs (its host pid). */
struct run_started {
	void (*fn)(void *ctx, pid_t pid);
	void *ctx;
};

/* Create, start and supervise the container of an OCI config (its
 * consoleSize set from io's terminal first); fills res once the init has
 * exited. */
int run_oci_config(const struct engine_io *io, const char *id, json_object *config,
		   const struct run_started *started, struct engine_run_result *res, md_error *err);

/* The image what (a reference or an id) and its layer directories, lowest
 * first; Docker's "Unable to find image 'X' locally" (ENOENT) when the
 * store has no such image. img is freed with image_info_free, *layers
 * with md_strv_free, also on failure. */
int run_image_layers(const char *root, const char *what, struct image_info *img, char ***layers,
		     md_error *err);

/* Makes the OCI config of a container whose rootfs is mounted. */
typedef int (*run_config_fn)(void *ctx, json_object **config, md_error *err);

/* A container of the store, its live entry held by the caller: mount its
 * rootfs, get its config from make, run it to its end with its state
 * recorded (running, then exited; a start that failed: its error), then
 * unmount the rootfs. */
int run_record(const struct engine_io *io, const char *root, const char *id, char *const *layers,
	       run_config_fn make, void *ctx, struct engine_run_result *res, md_error *err);

/* A run_config_fn for a container made before: the OCI config it ran
 * with, ROOT/containers/ID/config.json (ctx: struct run_stored). */
struct run_stored {
	const char *root, *id;
};
int run_stored_config(void *ctx, json_object **out, md_error *err);

/* --rm: the container and its anonymous volumes go; failures to the log. */
void run_remove(const struct engine_io *io, const char *root, const char *id);

/* engine_run for an image (create.c). */
int engine_run_image(const struct engine_run_request *r, struct engine_run_result *res,
		     md_error *err);

#endif
