/* SPDX-License-Identifier: Apache-2.0 */
/* create, start, state, kill, pause, delete of a container kept under a
 * state root (runtime.h). */
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void warn(const struct rt_oci *rt, const md_error *err)
{
	char buf[1536];

	if (rt->log)
		rt->log(rt->log_ctx, RT_LOG_WARN, md_error_text(err, buf, sizeof(buf)));
}

void rt_oci_hooks_warn(const struct rt_oci *rt, const struct spec *spec, enum rt_hook_kind kind,
		       const struct rt_state *st, enum rt_status status)
{
	json_object *js;
	md_error err;

	if (!spec || hooks_count(&spec->hooks, kind) == 0)
		return;
	js = state_oci_json(st, status);
	if (hooks_run(&spec->hooks, kind, js, &err) < 0)
		warn(rt, &err);
	json_object_put(js);
}

/* Hooks of the config create saved; without one there are none to run. */
static void saved_hooks_warn(const struct rt_oci *rt, enum rt_hook_kind kind,
			     const struct rt_state *st, enum rt_status status)
{
	struct spec *spec = NULL;

	if (rt_oci_config(rt, st->id, &spec, NULL) == 0)
		rt_oci_hooks_warn(rt, spec, kind, st, status);
	spec_free(spec);
}

static int no_such(const char *id, md_error *err)
{
	if (err && err->errnum == ENOENT)
		md_error_set(err, ENOENT, "container %s does not exist", id);
	return -1;
}

int rt_oci_lock(const struct rt_oci *rt, const char *id, int *lock_fd, md_error *err)
{
	if (state_check_id(id, err) < 0)
		return -1;
	if (state_lock(rt->root, id, lock_fd, err) < 0)
		return no_such(id, err);
	return 0;
}

static int load(const struct rt_oci *rt, const char *id, struct rt_state **st, md_error *err)
{
	if (state_check_id(id, err) < 0)
		return -1;
	if (state_load(rt->root, id, st, err) < 0)
		return no_such(id, err);
	return 0;
}

int rt_oci_state(const struct rt_oci *rt, const char *id, struct rt_state **st,
		 enum rt_status *status, md_error *err)
{
	if (load(rt, id, st, err) < 0)
		return -1;
	if (status)
		*status = state_status(rt->root, *st);
	return 0;
}

int rt_oci_list(const struct rt_oci *rt, char ***ids, md_error *err)
{
	return state_list(rt->root, ids, err);
}

int rt_oci_config(const struct rt_oci *rt, const char *id, struct spec **out, md_error *err)
{
	cleanup_free char *path = state_file(rt->root, id, "config.json");

	return spec_load_file(path, out, err);
}

/* The record of a command that changed the container. */
static int record(const struct rt_oci *rt, struct rt_state *st, const char *status, md_error *err)
{
	free(st->status);
	st->status = xstrdup(status);
	return state_save(rt->root, st, err);
}

/* ---- create ---- */

static char *abs_bundle(const char *bundle, md_error *err)
{
	char buf[PATH_MAX];

	if (!realpath(bundle ? bundle : ".", buf)) {
		md_error_set(err, errno, "bundle `%s`", bundle ? bundle : ".");
		return NULL;
	}
	return xstrdup(buf);
}

/* The text too: create saves it as it was (state_save_config). */
static int load_bundle_config(const char *bundle, char **text, struct spec **spec, md_error *err)
{
	cleanup_free char *path = xasprintf("%s/config.json", bundle);

	if (md_read_file(path, text, NULL, err) < 0)
		return -1;
	if (spec_from_string(*text, spec, err) < 0)
		return md_error_prefix(err, "%s", path);
	return 0;
}

struct intent {
	const char *root, *id;
};

/* Before the cgroup is made: a record with its path and the directories
 * that will be ours, so that `delete --force` of a create killed half-way
 * removes them (the full record replaces it at publish). */
static int record_intent(void *ctx, const char *path, char *const *owned, md_error *err)
{
	const struct intent *in = ctx;
	struct rt_state *st = state_new(in->id);
	int r;

	st->cgroup_path = xstrdup(path);
	st->cgroup_owned = md_strv_dup(owned);
	st->status = xstrdup("creating");
	r = state_save(in->root, st, err);
	state_free(st);
	return r;
}

/* After rt_create: record the container and let the caller hand out what
 * its callers wait for. */
static int publish(const struct rt_oci *rt, const struct rt_oci_create_opts *o,
		   struct rt_container *c, const char *text, md_error *err)
{
	if (state_save_config(rt->root, c->id, text, err) < 0 ||
	    record(rt, c->state, "created", err) < 0)
		return -1;
	return o->created ? o->created(o->ctx, c, err) : 0;
}

/* With the id claimed (and locked): the fifo, the container, its record. */
static int create_claimed(const struct rt_oci *rt, const char *id, const char *bundle,
			  const struct spec *spec, const char *text,
			  const struct rt_oci_create_opts *o, struct rt_container **out,
			  md_error *err)
{
	struct intent intent = { .root = rt->root, .id = id };
	struct rt_create_opts co = { .id = id,
				     .bundle = bundle,
				     .stdio = { 0, 1, 2 },
				     .preserve_fds = o->preserve_fds,
				     .no_pivot = o->no_pivot,
				     .systemd_cgroup = rt->systemd_cgroup,
				     .log = rt->log,
				     .log_ctx = rt->log_ctx,
				     .seccomp_cache_dir = rt->seccomp_cache_dir,
				     .cgroup_intent = record_intent,
				     .intent_ctx = &intent };
	cleanup_free char *fifo = NULL;
	struct rt_container *c = NULL;

	if (state_make_fifo(rt->root, id, &fifo, err) < 0)
		return -1;
	co.exec_fifo = fifo;
	if (rt_create(spec, &co, &c, err) < 0)
		return -1;
	if (publish(rt, o, c, text, err) < 0) {
		rt_destroy(c, NULL);
		rt_container_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int rt_oci_create(const struct rt_oci *rt, const char *id, const struct rt_oci_create_opts *o,
		  struct rt_container **out, md_error *err)
{
	cleanup_free char *bundle = NULL, *text = NULL;
	cleanup_close int lock = -1;
	struct spec *spec = NULL;
	int r = -1;

	if (state_check_id(id, err) < 0)
		return -1;
	bundle = abs_bundle(o->bundle, err);
	if (!bundle || load_bundle_config(bundle, &text, &spec, err) < 0)
		goto out;
	if (o->check && o->check(o->ctx, spec, err) < 0)
		goto out;
	if (state_create_dir(rt->root, id, &lock, err) < 0)
		goto out;
	r = create_claimed(rt, id, bundle, spec, text, o, out, err);
	if (r < 0)
		state_delete(rt->root, id, NULL);
out:
	spec_free(spec);
	return r;
}

/* ---- start, kill, pause ---- */

int rt_oci_start(const struct rt_oci *rt, const char *id, md_error *err)
{
	cleanup_close int lock = -1;
	cleanup_free char *fifo = NULL;
	struct rt_state *st = NULL;
	int r = -1;

	if (rt_oci_lock(rt, id, &lock, err) < 0 || load(rt, id, &st, err) < 0)
		return -1;
	fifo = state_file(rt->root, id, "exec.fifo");
	if (container_start_fifo(fifo, st, err) == 0 && record(rt, st, "running", err) == 0) {
		saved_hooks_warn(rt, RT_HOOK_POSTSTART, st, RT_STATUS_RUNNING);
		r = 0;
	}
	state_free(st);
	return r;
}

static int signal_init(const struct rt_state *st, int sig, md_error *err)
{
	cleanup_close int pidfd = -1;

	if (container_open_init(st, &pidfd, err) < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return md_error_set(err, errno, "send signal %d to the container's init", sig);
	return 0;
}

static int signal_cgroup(const struct rt_state *st, int sig, md_error *err)
{
	struct cgroup *cg = NULL;
	int r;

	if (cgroup_open(st->cgroup_path, &cg, err) < 0)
		return -1;
	r = cgroup_kill(cg, sig, err);
	cgroup_free(cg);
	return r;
}

int rt_oci_kill(const struct rt_oci *rt, const char *id, int sig, bool all, md_error *err)
{
	struct rt_state *st = NULL;
	enum rt_status s;
	int r;

	if (rt_oci_state(rt, id, &st, &s, err) < 0)
		return -1;
	if (s == RT_STATUS_STOPPED)
		r = md_error_set(err, ESRCH, "container not running");
	else
		r = all ? signal_cgroup(st, sig, err) : signal_init(st, sig, err);
	state_free(st);
	return r;
}

static int freeze(const struct rt_oci *rt, struct rt_state *st, bool frozen, md_error *err)
{
	struct cgroup *cg = NULL;
	int r;

	if (state_status(rt->root, st) == RT_STATUS_STOPPED)
		return md_error_set(err, ESRCH, "container not running");
	if (cgroup_open(st->cgroup_path, &cg, err) < 0)
		return -1;
	r = cgroup_freeze(cg, frozen, err);
	cgroup_free(cg);
	if (r < 0)
		return -1;
	return record(rt, st, frozen ? "paused" : "running", err);
}

int rt_oci_freeze(const struct rt_oci *rt, const char *id, bool frozen, md_error *err)
{
	cleanup_close int lock = -1;
	struct rt_state *st = NULL;
	int r;

	if (rt_oci_lock(rt, id, &lock, err) < 0 || load(rt, id, &st, err) < 0)
		return -1;
	r = freeze(rt, st, frozen, err);
	state_free(st);
	return r;
}

/* ---- delete ---- */

/* The init if it is still there, and the cgroup: from the record alone
 * when the init is gone (or never was: a create killed half-way). */
static int destroy_recorded(const struct rt_state *st, md_error *err)
{
	struct rt_container *c = NULL;
	struct cgroup *cg = NULL;
	int r = 0;

	if (st->pid > 0 && container_attach(st, &c, err) == 0) {
		r = rt_destroy(c, err);
		rt_container_free(c);
	} else if (st->cgroup_path && *st->cgroup_path &&
		   cgroup_open_owned(st->cgroup_path, st->cgroup_owned, &cg, NULL) == 0) {
		r = cgroup_destroy(cg, err);
		cgroup_free(cg);
	}
	return r;
}

static int delete_loaded(const struct rt_oci *rt, const struct rt_state *st, bool force,
			 md_error *err)
{
	enum rt_status s = state_status(rt->root, st);

	if (!force && (s == RT_STATUS_RUNNING || s == RT_STATUS_PAUSED))
		return md_error_set(err, EBUSY,
				    "cannot delete container %s that is not stopped: %s", st->id,
				    rt_status_name(s));
	if (destroy_recorded(st, err) < 0)
		return -1;
	saved_hooks_warn(rt, RT_HOOK_POSTSTOP, st, RT_STATUS_STOPPED);
	return state_delete(rt->root, st->id, err);
}

int rt_oci_delete(const struct rt_oci *rt, const char *id, bool force, md_error *err)
{
	cleanup_close int lock = -1;
	struct rt_state *st = NULL;
	md_error e;
	int r;

	md_error_clear(&e);
	if (rt_oci_lock(rt, id, &lock, &e) < 0 || load(rt, id, &st, &e) < 0) {
		if (e.errnum == ENOENT && force)
			return 0;
		if (err)
			*err = e;
		return -1;
	}
	r = delete_loaded(rt, st, force, err);
	state_free(st);
	return r;
}
