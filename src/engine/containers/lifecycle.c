/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/lifecycle.h"
#include "engine/containers/control.h"
#include "engine/containers/detach.h"
#include "engine/containers/restart.h"
#include "engine/containers/records.h"
#include "engine/containers/rootfs.h"
#include "engine/containers/run-internal.h"
#include "engine/containers/store.h"
#include "engine/volumes/volumes.h"
#include "runtime/cgroup.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

/* How long rm -f waits for a killed container's mydocker to let go. */
#define RM_WAIT_MS 10000
#define RM_POLL_MS 20
/* The exit code of a container whose mydocker was killed: its processes
 * got SIGKILL (PDEATHSIG, then the PID namespace). */
#define KILLED_EXIT_CODE (128 + SIGKILL)

static void log_if(const struct engine_io *io, int r, const md_error *err)
{
	if (r < 0 && io)
		run_log_error(io, err);
}

/* Whether the volume name was made for one container (no name given). */
static bool anonymous_volume(const char *root, const char *name)
{
	cleanup_json json_object *v = NULL;
	json_object *labels;

	if (volume_load(root, name, &v, NULL) < 0)
		return false;
	labels = md_json_member_of(v, "Labels", json_type_object);
	return md_json_member(labels, VOLUME_ANON_LABEL) != NULL;
}

/* Docker's --rm: the container, then the anonymous volumes it named. */
void run_remove(const struct engine_io *io, const char *root, const char *id)
{
	struct container_record c;
	md_error err;
	json_object *mounts;

	if (records_load(root, id, &c, &err) < 0) {
		log_if(io, err.errnum == ENOENT ? 0 : -1, &err);
		return;
	}
	if (records_remove(root, id, &err) < 0) {
		log_if(io, -1, &err);
		records_free(&c);
		return;
	}
	mounts = c.mounts;
	for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
		json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = md_json_string(m, "Type"), *name = md_json_string(m, "Name");

		if (type && strcmp(type, "volume") == 0 && name && anonymous_volume(root, name))
			log_if(io, volume_remove(root, name, &err), &err);
	}
	records_free(&c);
}

static int mark_killed(struct container_record *c, void *ctx, md_error *err)
{
	bool *auto_remove = ctx;
	json_object *ar = md_json_member_of(c->host_config, "AutoRemove", json_type_boolean);

	*auto_remove = ar && json_object_get_boolean(ar);
	if (c->state.status != CONTAINER_RUNNING)
		return -1; /* nothing to change */
	c->state.status = CONTAINER_EXITED;
	c->state.pid = 0;
	c->state.exit_code = KILLED_EXIT_CODE;
	md_rfc3339_now(c->state.finished_at, sizeof(c->state.finished_at));
	return 0;
}

/* The store's side of a container whose mydocker died. */
static void swept(const char *id, const char *root, void *ctx)
{
	const struct engine_io *io = ctx;
	bool auto_remove = false;
	md_error err;

	if (!root)
		return;
	md_error_clear(&err);
	log_if(io, rootfs_overlay_unmount(root, id, &err), &err);
	records_update(root, id, mark_killed, &auto_remove, &err);
	if (auto_remove)
		run_remove(io, root, id);
}

void engine_sweep(const struct engine_io *io)
{
	struct engine_io quiet = { .in_fd = -1 }, *log = io ? &quiet : NULL;
	md_error err;

	if (io)
		quiet = *io;
	md_error_clear(&err);
	log_if(io, store_sweep(swept, log, &err), &err);
}

struct started_ctx {
	const struct engine_io *io;
	const char *root, *id;
	bool started;
};

static void record_started(void *ctx, pid_t pid)
{
	struct started_ctx *s = ctx;
	md_error err;

	s->started = true;
	log_if(s->io, records_set_running(s->root, s->id, pid, &err), &err);
}

/* The state after a run: exited with its status, or the start's error. */
static void record_end(const struct started_ctx *s, int ret, const struct engine_run_result *res,
		       const md_error *run_err)
{
	int code = run_err->status ? run_err->status : MD_EXIT_FAILURE;
	char msg[1536];
	md_error err;
	int r;

	if (ret == 0)
		r = records_set_exited(s->root, s->id, res->exit_status, res->oom_killed, &err);
	else if (s->started)
		r = records_set_exited(s->root, s->id, code, false, &err);
	else
		r = records_set_failed(s->root, s->id, code,
				       md_error_text(run_err, msg, sizeof(msg)), &err);
	log_if(s->io, r, &err);
}

int run_record(const struct engine_io *io, const char *root, const char *id, char *const *layers,
	       run_config_fn make, void *ctx, struct engine_run_result *res, md_error *err)
{
	struct started_ctx s = { io, root, id, false };
	struct run_started started = { record_started, &s };
	json_object *config = NULL;
	md_error e2;
	int ret = -1;

	if (rootfs_overlay_mount(root, id, layers, err) == 0 && make(ctx, &config, err) == 0)
		ret = run_oci_config(io, id, config, &started, res, err);
	json_object_put(config);
	record_end(&s, ret, res, err);
	log_if(io, rootfs_overlay_unmount(root, id, &e2), &e2);
	return ret;
}

int run_stored_config(void *ctx, json_object **out, md_error *err)
{
	const struct run_stored *l = ctx;
	cleanup_free char *path = records_path(l->root, l->id, "config.json"), *text = NULL;

	if (md_read_file(path, &text, NULL, err) < 0)
		return -1;
	*out = json_tokener_parse(text);
	if (!json_object_is_type(*out, json_type_object)) {
		md_json_putp(out);
		return md_error_set(err, 0, "`%s`: not an OCI config", path);
	}
	return 0;
}

static int clear_manual_stop(struct container_record *c, void *ctx, md_error *err)
{
	c->manual_stop = false;
	c->state.restarting = false;
	return 0;
}

/* Attached: the session until the container exits (its status), or the
 * keys detach us. */
static int start_attached(const struct engine_start_request *r, const struct container_record *c,
			  int fd, struct engine_run_result *res, bool *detached, md_error *err)
{
	struct engine_io io = r->io;
	int code = 0;

	if (!r->interactive)
		io.in_fd = -1;
	int recorded;

	if (attach_session(r->root, c->id, fd, &io, c->config.tty, r->detach_keys, &code, detached,
			   err) < 0)
		return -1;
	/* Return once the exit is in the record, as Docker's start -a. */
	if (!*detached && engine_wait(r->root, c->id, &recorded, err) < 0)
		return -1;
	res->exit_status = code < 0 ? recorded : code;
	return 0;
}

static int start_claimed(const struct engine_start_request *r, const struct container_record *c,
			 struct store_entry *entry, struct engine_run_result *res, bool *detached,
			 md_error *err)
{
	struct run_stored l = { r->root, c->id };
	struct detach_request d = { .root = r->root,
				    .id = c->id,
				    .make = run_stored_config,
				    .make_ctx = &l,
				    .attach = r->attach,
				    .interactive = c->config.open_stdin,
				    .tty_fd = r->io.tty_fd };
	struct image_info img;
	cleanup_strv char **layers = NULL;
	int fd = -1, ret = -1;

	if (run_image_layers(r->root, c->image, &img, &layers, err) < 0 ||
	    store_set_root(entry, r->root, err) < 0 ||
	    records_update(r->root, c->id, clear_manual_stop, NULL, err) < 0) {
		store_release(entry);
		goto out;
	}
	d.layers = layers;
	ret = detach_start(&d, entry, &fd, err);
	if (ret == 0 && r->attach)
		ret = start_attached(r, c, fd, res, detached, err);
out:
	if (fd >= 0)
		close(fd);
	image_info_free(&img);
	return ret;
}

static bool running(const struct container_record *c)
{
	return c->state.status == CONTAINER_RUNNING || c->state.restarting;
}

/* Claim the entry of a container whose owner is about to let go. */
static void store_claim_wait(struct store_entry *e, const char *id, md_error *err)
{
	for (int waited = 0; waited < RM_WAIT_MS; waited += RM_POLL_MS) {
		md_sleep_ms(RM_POLL_MS);
		if (store_claim_id(e, id, err) == 0 || err->errnum != EBUSY)
			return;
	}
}

int engine_start(const struct engine_start_request *r, struct engine_run_result *res,
		 bool *detached, md_error *err)
{
	struct store_entry entry = { .lock_fd = -1 };
	struct container_record c;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	*detached = false;
	engine_sweep(&r->io);
	if (engine_container_find(r->root, r->what, &c, err) < 0)
		return -1;
	memcpy(res->id, c.id, sizeof(res->id));
	if (store_claim_id(&entry, c.id, err) < 0 && err->errnum == EBUSY && !running(&c))
		/* It has just ended: its owner is letting go. */
		store_claim_wait(&entry, c.id, err);
	if (entry.lock_fd >= 0) {
		ret = start_claimed(r, &c, &entry, res, detached, err);
	} else if (err->errnum == EBUSY) {
		/* It runs: Docker's start has nothing to do, or attaches. */
		struct engine_attach_request a = { .root = r->root,
						   .what = c.id,
						   .detach_keys = r->detach_keys,
						   .no_stdin = !r->interactive,
						   .io = r->io };

		ret = r->attach ? engine_attach(&a, &res->exit_status, detached, err) : 0;
	}
	records_free(&c);
	return ret;
}

int engine_boot_starts(const char *root, char ***ids, md_error *err)
{
	struct container_record *list = NULL;
	size_t n = 0;

	*ids = xmalloc0(sizeof(**ids));
	engine_sweep(NULL);
	if (records_list(root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct restart_policy p;

		restart_from_host_config(list[i].host_config, &p);
		if (records_live(list[i].id) || list[i].state.status == CONTAINER_RUNNING)
			continue;
		if (p.kind == RESTART_ALWAYS ||
		    (p.kind == RESTART_UNLESS_STOPPED && !list[i].manual_stop))
			md_strv_push(ids, list[i].id);
	}
	records_list_free(list, n);
	return 0;
}

/* SIGKILL to every process of the container (its cgroup: no pid to
 * trust), until its mydocker has seen it die and let go. */
static int kill_and_wait(const char *id, md_error *err)
{
	cleanup_free char *path = cgroup_path_for(NULL, id);

	for (long waited = 0; records_live(id); waited += RM_POLL_MS) {
		struct cgroup *cg = NULL;
		md_error ignored;

		if (waited >= RM_WAIT_MS)
			return md_error_set(err, ETIMEDOUT, "container %s did not stop", id);
		if (cgroup_open(path, &cg, &ignored) == 0) {
			cgroup_kill(cg, SIGKILL, &ignored);
			/* A frozen process cannot die (a paused container). */
			cgroup_freeze(cg, false, &ignored);
			cgroup_free(cg);
		}
		md_sleep_ms(RM_POLL_MS);
	}
	return 0;
}

static int set_manual_stop(struct container_record *c, void *ctx, md_error *err)
{
	c->manual_stop = true;
	return 0;
}

int engine_rm(const char *root, const char *what, bool force, bool volumes, md_error *err)
{
	struct container_record c;
	int ret = -1;

	engine_sweep(NULL);
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	if (records_live(c.id)) {
		if (!force) {
			md_error_set(err, EBUSY,
				     "cannot remove container \"/%s\": container is running: stop "
				     "the container before removing or force remove",
				     c.name ? c.name : c.id);
			goto out;
		}
		/* No restart after this, whatever the policy. */
		if (records_update(root, c.id, set_manual_stop, NULL, err) < 0 ||
		    kill_and_wait(c.id, err) < 0)
			goto out;
	}
	if (volumes) {
		run_remove(NULL, root, c.id);
		ret = 0;
		goto out;
	}
	ret = records_remove(root, c.id, err);
out:
	records_free(&c);
	return ret;
}
