/* SPDX-License-Identifier: Apache-2.0 */
/* The container store: one directory a container, under ROOT (mydocker's
 * --root, default /var/lib/mydocker):
 *
 *   ROOT/containers.lock        flock: held while a container is added (its
 *                               name checked unique) or removed
 *   ROOT/containers/ID/         ID: 64 hex, the same as its live entry's
 *     lock                      flock: held while container.json changes
 *     container.json            the engine's record (struct container_record,
 *                               with Docker's names for its members)
 *     config.json               the OCI config it runs with (start reuses it)
 *     upper/ work/              its overlayfs layer over the image's layers
 *     rootfs/                   the overlay's mount point (rootfs.h), mounted
 *                               only while it runs
 *     hostname hosts resolv.conf   bind-mounted on its /etc/...
 *
 * A container that runs also has a live entry /run/mydocker/containers/ID
 * (store.h) whose lock its mydocker process holds: "running" in a record is
 * true only while that lock is held (records_live). The next issue's
 * detached containers keep the same two: a monitor process holds the live
 * lock, writes ROOT/containers/ID/json.log and records state changes
 * through records_update.
 *
 * Every write of container.json is atomic (temporary name, rename) and
 * happens under the record's lock, so readers (ps, inspect) never take a
 * lock and never see half a record. Nothing here prints. */
#ifndef MD_RECORDS_H
#define MD_RECORDS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define RECORD_ID_LEN 64

enum container_status { CONTAINER_CREATED, CONTAINER_RUNNING, CONTAINER_EXITED };

struct container_state {
	enum container_status status;
	int pid; /* the init's, host view, while running; else 0 */
	int exit_code;
	bool oom_killed;
	char *error;                          /* why it could not start, or NULL */
	char started_at[40], finished_at[40]; /* RFC 3339; "" = never */
	/* Docker's Status "paused" (cgroup frozen) and "restarting" (the
	 * monitor waits out a restart policy's delay). */
	bool paused, restarting;
	/* pid's start time (/proc/PID/stat, field 22): a pid that the kernel
	 * gave again to another process is never taken for the init. */
	unsigned long long pid_start;
	int monitor_pid;     /* the monitor of a detached container, else 0 */
	json_object *health; /* Docker's State.Health (owned), NULL: none */
};

/* What the container runs, after the image's config and the flags met. */
struct container_config {
	char *hostname, *user, *working_dir, *stop_signal; /* NULL = none */
	char **env, **cmd, **entrypoint, **labels;         /* labels "K=V" */
	bool tty, open_stdin;
	json_object *healthcheck; /* Docker's Config.Healthcheck (owned), or NULL */
	int stop_timeout;         /* Config.StopTimeout, seconds; -1: none given */
};

struct container_record {
	char id[RECORD_ID_LEN + 1];
	char *name;      /* without Docker's leading '/' */
	char *created;   /* RFC 3339 */
	char *image;     /* the image's id, "sha256:HEX" */
	char *image_ref; /* the image as the user named it (ps) */
	char *path;      /* what runs: Path and Args, as Docker splits them */
	char **args;
	struct container_config config;
	json_object *host_config; /* Docker's HostConfig members we have (owned) */
	json_object *mounts;      /* Docker's Mounts array (owned) */
	struct container_state state;
	int restart_count; /* restarts by the restart policy */
	/* stop, kill or a user's rm -f ended it: the restart policy leaves it
	 * (Docker's HasBeenManuallyStopped); start clears it. */
	bool manual_stop;
};

/* Docker's State.Status: created, running, paused, restarting, exited. */
const char *records_status_name(const struct container_state *s);

void records_free(struct container_record *c);
void records_config_free(struct container_config *k);
void records_list_free(struct container_record *list, size_t n);

/* ROOT/containers/ID and ROOT/containers/ID/NAME. Caller frees. */
char *records_dir(const char *root, const char *id);
char *records_path(const char *root, const char *id, const char *name);

/* Docker's rule for a name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading '/' is
 * taken off first, as Docker does). */
bool records_name_valid(const char *name);

/* Add c (c->id set by the caller, who holds its live entry) to the store,
 * under ROOT/containers.lock: a name given must follow the rule and be
 * free (errnum EEXIST, Docker's "Conflict" message); without one, a random
 * "adjective_noun" (as Docker) that no container has. Makes the directory
 * with upper/, work/, rootfs/, then writes container.json. */
int records_create(const char *root, struct container_record *c, md_error *err);

/* Read ROOT/containers/ID/container.json; ENOENT when there is none. */
int records_load(const char *root, const char *id, struct container_record *out, md_error *err);

/* The one way a record changes: under its lock, load it, let fn change it
 * (fn returns < 0 to change nothing), write it back atomically. */
typedef int (*records_update_fn)(struct container_record *c, void *ctx, md_error *err);
int records_update(const char *root, const char *id, records_update_fn fn, void *ctx,
		   md_error *err);

/* State changes (through records_update; times are now). */
int records_set_running(const char *root, const char *id, int pid, md_error *err);
int records_set_exited(const char *root, const char *id, int exit_code, bool oom_killed,
		       md_error *err);
/* A start that failed: the status stays as it was, ExitCode and Error tell. */
int records_set_failed(const char *root, const char *id, int exit_code, const char *error,
		       md_error *err);

/* Whether the live entry of id is held by a process (the container runs). */
bool records_live(const char *id);

/* A container by what a user typed, as Docker looks it up: its full id,
 * then a name (with or without the leading '/'), then a unique prefix of
 * an id. errnum ENOENT "No such container: X"; a prefix of more than one
 * id: "Multiple IDs found with provided prefix: X" (errnum 0). */
int engine_container_find(const char *root, const char *what, struct container_record *out,
			  md_error *err);

/* Once per boot (ROOT/boot-id): the records that say running or
 * restarting, from before a reboot, become exited 137. records_list and
 * engine_container_find call it. */
void records_boot_check(const char *root);

/* Every record, newest first (unreadable ones skipped). */
int records_list(const char *root, struct container_record **out, size_t *n, md_error *err);

/* The ids of the containers made from image_id ("sha256:HEX"),
 * NULL-terminated (an empty list when none), for rmi. Caller frees with
 * md_strv_free. */
int engine_containers_using_image(const char *root, const char *image_id, char ***ids,
				  md_error *err);

/* Remove a container's directory and everything in it, after unmounting
 * its rootfs if it is still mounted. The caller has made sure it does not
 * run. A missing directory is fine. */
int records_remove(const char *root, const char *id, md_error *err);

/* `docker container inspect`'s object for c, with the members we have.
 * Caller owns it. */
json_object *container_inspect_json(const char *root, const struct container_record *c);

#endif
