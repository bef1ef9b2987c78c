/* SPDX-License-Identifier: Apache-2.0 */
/* The record of a container between runtime commands (runc's state.json).
 *
 * Layout under a root directory (default RT_STATE_ROOT, made 0700):
 *   ROOT/ID/            0700, one per container; its existence claims the id
 *   ROOT/ID/lock        flock()ed by every command that changes the container
 *   ROOT/ID/state.json  this record, replaced atomically (write + rename)
 *   ROOT/ID/config.json the config as create saw it (later edits of the
 *                       bundle must not affect the container)
 *   ROOT/ID/exec.fifo   exists from create until start
 *
 * Everything else a command needs is derived: the namespaces from
 * /proc/PID/ns, the status from the init's liveness, the fifo and the
 * cgroup freezer (state_status). */
#ifndef MD_STATE_H
#define MD_STATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

#define RT_STATE_ROOT "/run/mydocker-runtime"

enum rt_status {
	RT_STATUS_CREATING, /* dir made, create still at work */
	RT_STATUS_CREATED,  /* init alive and waiting on exec.fifo */
	RT_STATUS_RUNNING,
	RT_STATUS_PAUSED,  /* cgroup frozen */
	RT_STATUS_STOPPED, /* init gone, or its pid now names another process */
};

struct rt_state {
	char *id;
	pid_t pid;                     /* the init, host view; 0 before it exists */
	unsigned long long start_time; /* field 22 of /proc/PID/stat: guards against
					   the pid being reused by another process */
	char *oci_version;
	char *bundle;             /* absolute */
	char *rootfs;             /* absolute */
	char *created;            /* RFC 3339, UTC, nanoseconds */
	char *owner;              /* "" (runc leaves it empty too) */
	json_object *annotations; /* object, owned; NULL = none */
	char *cgroup_path;        /* as cgroup_open() takes it */
	char **cgroup_owned;      /* the cgroup directories create made, so
					   delete removes them and no others
					   (cgroup_owned_dirs); NULL in records
					   older than that: the leaf is ours */
	char *systemd_unit;       /* the transient unit of the systemd cgroup
					   driver, stopped by delete; NULL without */
	char *status;             /* the last status a command recorded
					   ("creating", "created", "running"...): a
					   hint; state_status() tells the truth */
};

const char *rt_status_name(enum rt_status s);

struct rt_state *state_new(const char *id);
void state_free(struct rt_state *st);

/* Letters, digits and "_+-." (runc's rule), not "." or "..", <= 1024. */
int state_check_id(const char *id, md_error *err);

/* ROOT/ID and ROOT/ID/NAME; caller frees. */
char *state_dir(const char *root, const char *id);
char *state_file(const char *root, const char *id, const char *name);

/* Claim the id: make ROOT (0700) and ROOT/ID (0700), and lock it. Fails with
 * EEXIST when the id is taken. *lock_fd is the held lock (close to release). */
int state_create_dir(const char *root, const char *id, int *lock_fd, md_error *err);

/* Lock an existing container for a command that changes it (blocking).
 * ENOENT when there is no such container. */
int state_lock(const char *root, const char *id, int *lock_fd, md_error *err);

/* Make ROOT/ID/exec.fifo (0622, so that a non-root init can reopen it
 * through /proc/self/fd). Caller frees *path. */
int state_make_fifo(const char *root, const char *id, char **path, md_error *err);

/* Write state.json / config.json atomically. */
int state_save(const char *root, const struct rt_state *st, md_error *err);
int state_save_config(const char *root, const char *id, const char *config_json, md_error *err);

/* Read state.json. ENOENT when the container does not exist. When the dir
 * exists without a record yet, returns a record with pid 0 and status
 * "creating" (or "stopped" when nobody holds the lock: the creator died). */
int state_load(const char *root, const char *id, struct rt_state **out, md_error *err);

/* Remove ROOT/ID and what is in it. A missing dir is fine. */
int state_delete(const char *root, const char *id, md_error *err);

/* Ids under root, sorted; a missing root is an empty list. Caller frees
 * with md_strv_free. */
int state_list(const char *root, char ***ids, md_error *err);

/* The status now (see enum rt_status). root locates exec.fifo. */
enum rt_status state_status(const char *root, const struct rt_state *st);

/* True when st->pid is alive (not a zombie) and started at st->start_time. */
bool state_init_alive(const struct rt_state *st);

/* Field 22 (starttime) of /proc/PID/stat; *zombie when state is Z or X. */
int state_proc_start_time(pid_t pid, unsigned long long *start, bool *zombie, md_error *err);

/* The OCI state object (runtime-spec "State"): ociVersion, id, status,
 * pid (0 when stopped), bundle, rootfs, created, owner, annotations. For
 * `state` and for the hooks' stdin. Caller puts the reference. */
json_object *state_oci_json(const struct rt_state *st, enum rt_status status);

/* Now as RFC 3339 with nanoseconds, UTC ("2026-01-02T15:04:05.123456789Z").
 * Caller frees. */
char *state_now_rfc3339(void);

#endif
