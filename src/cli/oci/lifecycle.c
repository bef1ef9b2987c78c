/* create, start, run, delete: a container's life as runc drives it. */
#include "oci-internal.h"
#include "runtime/supervise.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { O_CONSOLE = 256, O_PIDFILE, O_NOPIVOT, O_NOKEYRING, O_PRESERVE, O_DETACH, O_KEEP };

static const struct option create_options[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "console-socket", required_argument, NULL, O_CONSOLE },
	{ "pid-file", required_argument, NULL, O_PIDFILE },
	{ "no-pivot", no_argument, NULL, O_NOPIVOT },
	{ "no-new-keyring", no_argument, NULL, O_NOKEYRING },
	{ "preserve-fds", required_argument, NULL, O_PRESERVE },
	{ "detach", no_argument, NULL, 'd' },
	{ "keep", no_argument, NULL, O_KEEP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int create_flag(void *self, int c, const char *arg, md_error *err)
{
	struct oci_create_opts *o = self;
	char *end;

	switch (c) {
	case 'b': o->bundle = arg; break;
	case O_CONSOLE: o->console_socket = arg; break;
	case O_PIDFILE: o->pid_file = arg; break;
	case O_NOPIVOT: o->no_pivot = true; break;
	case O_NOKEYRING: break; /* we never make a session keyring */
	case 'd': o->detach = true; break;
	case O_KEEP: o->keep = true; break;
	case O_PRESERVE:
		o->preserve_fds = (int)strtol(arg, &end, 10);
		if (*end || o->preserve_fds < 0)
			return md_error_set(err, EINVAL, "--preserve-fds: invalid number `%s`", arg);
		break;
	}
	return 0;
}

static int load_bundle_config(const char *bundle, char **text, struct spec **spec, md_error *err)
{
	cleanup_free char *path = xasprintf("%s/config.json", bundle);

	if (md_read_file(path, text, NULL, err) < 0)
		return -1;
	if (spec_from_string(*text, spec, err) < 0)
		return md_error_prefix(err, "%s", path);
	return 0;
}

static int check_console(const struct spec *spec, const struct oci_create_opts *o,
			 bool need_socket, md_error *err)
{
	bool tty = spec->process && spec->process->terminal;

	if (tty && need_socket && !o->console_socket)
		return md_error_set(err, EINVAL, "cannot allocate a tty without --console-socket");
	if (!tty && o->console_socket)
		return md_error_set(err, EINVAL, "--console-socket given but process.terminal "
				    "is false");
	return 0;
}

/* After rt_create: record the container and hand out what callers wait for. */
static int publish(struct oci_ctx *ctx, const struct oci_create_opts *o,
		   struct rt_container *c, const char *text, md_error *err)
{
	free(c->state->status);
	c->state->status = xstrdup("created");
	if (state_save_config(ctx->root, c->id, text, err) < 0 ||
	    state_save(ctx->root, c->state, err) < 0)
		return -1;
	if (o->console_socket && c->console_master >= 0 &&
	    oci_send_console(o->console_socket, c->console_master, err) < 0)
		return -1;
	if (o->pid_file && oci_write_pid_file(o->pid_file, c->pid, err) < 0)
		return -1;
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

int oci_do_create(struct oci_ctx *ctx, const struct oci_create_opts *o, const char *id,
		  struct rt_container **out, struct spec **spec_out, md_error *err)
{
	cleanup_free char *bundle = NULL, *text = NULL, *fifo = NULL;
	cleanup_close int lock = -1;
	struct rt_create_opts co = { .id = id, .stdio = { 0, 1, 2 },
				     .preserve_fds = o->preserve_fds, .no_pivot = o->no_pivot,
				     .systemd_cgroup = ctx->systemd_cgroup,
				     .log = cli_log_sink, .log_ctx = &ctx->log,
				     .cgroup_intent = record_intent };
	struct intent intent = { .root = ctx->root, .id = id };
	struct rt_container *c = NULL;
	struct spec *spec = NULL;

	if (state_check_id(id, err) < 0 || oci_check_preserve_fds(o->preserve_fds, err) < 0)
		return -1;
	bundle = oci_abs_bundle(o->bundle, err);
	if (!bundle || load_bundle_config(bundle, &text, &spec, err) < 0)
		goto fail_spec;
	if (check_console(spec, o, o->detach, err) < 0)
		goto fail_spec;
	if (state_create_dir(ctx->root, id, &lock, err) < 0) {
		if (err->errnum == EEXIST)
			md_error_set(err, EEXIST, "container with id exists: %s", id);
		goto fail_spec;
	}
	co.bundle = bundle;
	if (state_make_fifo(ctx->root, id, &fifo, err) < 0)
		goto fail_state;
	co.exec_fifo = fifo;
	co.intent_ctx = &intent;
	if (rt_create(spec, &co, &c, err) < 0)
		goto fail_state;
	if (publish(ctx, o, c, text, err) < 0) {
		rt_destroy(c, NULL);
		rt_container_free(c);
		goto fail_state;
	}
	*out = c;
	*spec_out = spec;
	return 0;
fail_state:
	state_delete(ctx->root, id, NULL);
fail_spec:
	spec_free(spec);
	return -1;
}

int oci_create(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = { .detach = true };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime create [--bundle DIR] [--console-socket PATH] "
			 "[--pid-file PATH] [--no-pivot] [--preserve-fds N] ID\n",
		.options = create_options, .shortopts = "b:h", .on_flag = create_flag, .self = &o,
	};
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = oci_do_create(ctx, &o, id, &c, &spec, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	/* The init stays, blocked on exec.fifo; the caller reaps it. */
	rt_container_free(c);
	spec_free(spec);
	return 0;
}

static int start_created(struct oci_ctx *ctx, struct rt_state *st, md_error *err)
{
	cleanup_free char *fifo = state_file(ctx->root, st->id, "exec.fifo");
	enum rt_status s = state_status(ctx->root, st);
	struct spec *spec = NULL;

	if (s != RT_STATUS_CREATED)
		return md_error_set(err, EINVAL, "cannot start a container that is %s",
				    rt_status_name(s));
	if (rt_start_fifo(fifo, st, err) < 0)
		return -1;
	free(st->status);
	st->status = xstrdup("running");
	if (state_save(ctx->root, st, err) < 0)
		return -1;
	if (oci_load_saved_config(ctx, st->id, &spec, err) == 0)
		oci_run_hooks_warn(ctx, spec, RT_HOOK_POSTSTART, st, RT_STATUS_RUNNING);
	spec_free(spec);
	return 0;
}

int oci_start(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct oci_flags f = { .usage = "Usage: mydocker-runtime start ID\n", .options = opts,
			       .shortopts = "h" };
	struct rt_state *st = NULL;
	cleanup_close int lock = -1;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_open_one(ctx, &f, argc, argv, &lock, &st, &err);
	if (r == 0)
		r = start_created(ctx, st, &err);
	state_free(st);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	return 0;
}

int oci_do_delete(struct oci_ctx *ctx, struct rt_state *st, md_error *err)
{
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	int r = 0;

	if (st->pid > 0 && rt_container_attach(st, &c, err) == 0) {
		r = rt_destroy(c, err);
		rt_container_free(c);
	} else if (st->cgroup_path && *st->cgroup_path) {
		struct cgroup *cg = NULL;

		if (cgroup_open_owned(st->cgroup_path, st->cgroup_owned, &cg, NULL) == 0) {
			r = cgroup_destroy(cg, err);
			cgroup_free(cg);
		}
	}
	if (r < 0)
		return -1;
	if (oci_load_saved_config(ctx, st->id, &spec, NULL) == 0)
		oci_run_hooks_warn(ctx, spec, RT_HOOK_POSTSTOP, st, RT_STATUS_STOPPED);
	spec_free(spec);
	return state_delete(ctx->root, st->id, err);
}

static int delete_flag(void *self, int c, const char *arg, md_error *err)
{
	if (c == 'f')
		*(bool *)self = true;
	return 0;
}

int oci_delete(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	bool force = false;
	struct oci_flags f = { .usage = "Usage: mydocker-runtime delete [--force] ID\n",
			       .options = opts, .shortopts = "fh", .on_flag = delete_flag,
			       .self = &force };
	struct rt_state *st = NULL;
	cleanup_close int lock = -1;
	enum rt_status s;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_open_one(ctx, &f, argc, argv, &lock, &st, &err);
	if (r < 0 && err.errnum == ENOENT && force)
		return 0; /* callers clean up blindly: an unknown id is fine */
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	s = state_status(ctx->root, st);
	if (!force && (s == RT_STATUS_RUNNING || s == RT_STATUS_PAUSED))
		r = md_error_set(&err, EBUSY, "cannot delete container %s that is not stopped: %s",
				 st->id, rt_status_name(s));
	else
		r = oci_do_delete(ctx, st, &err);
	state_free(st);
	return r < 0 ? oci_fail(ctx, &err) : 0;
}

/* run in the foreground: our stdio is the container's, or we proxy its
 * terminal when there is no console socket; the container is deleted
 * when it exits, unless --keep. */
static int run_foreground(struct oci_ctx *ctx, const struct oci_create_opts *o,
			  struct rt_supervisor *sup, struct rt_container *c, md_error *err)
{
	struct rt_supervise_opts so = { .in_fd = 0, .out_fd = 1, .tty_fd = isatty(0) ? 0 : -1 };
	cleanup_free char *fifo = state_file(ctx->root, c->id, "exec.fifo");
	int status = -1;

	if (o->console_socket) {
		close(c->console_master);
		c->console_master = -1;
	}
	if (rt_start_fifo(fifo, c->state, err) == 0) {
		free(c->state->status);
		c->state->status = xstrdup("running");
		state_save(ctx->root, c->state, NULL);
		if (rt_supervise(sup, c, &so, err) == 0)
			status = rt_exit_code(c->wait_status);
	}
	rt_supervisor_fini(sup);
	if (!o->keep && oci_do_delete(ctx, c->state, status < 0 ? NULL : err) < 0 && status >= 0)
		return -1;
	return status;
}

int oci_run(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = { 0 };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime run [--bundle DIR] [--detach] [--console-socket "
			 "PATH] [--pid-file PATH] [--no-pivot] [--preserve-fds N] [--keep] ID\n",
		.options = create_options, .shortopts = "b:dh", .on_flag = create_flag, .self = &o,
	};
	struct rt_container *c = NULL;
	struct rt_supervisor sup = { .sigfd = -1, .raw_fd = -1 };
	struct spec *spec = NULL;
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	/* In the foreground, block the signals we forward before the
	 * container exists, so that none is lost. */
	if (!o.detach && rt_supervisor_init(&sup, &err) < 0)
		return oci_fail(ctx, &err);
	if (oci_do_create(ctx, &o, id, &c, &spec, &err) < 0) {
		rt_supervisor_fini(&sup);
		return oci_fail(ctx, &err);
	}
	if (o.detach) {
		r = start_created(ctx, c->state, &err);
		if (r < 0)
			oci_do_delete(ctx, c->state, NULL);
	} else {
		r = run_foreground(ctx, &o, &sup, c, &err);
		if (r >= 0) {
			rt_container_free(c);
			spec_free(spec);
			return r;
		}
	}
	rt_container_free(c);
	spec_free(spec);
	return r < 0 ? oci_fail(ctx, &err) : 0;
}
