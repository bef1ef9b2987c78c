/* SPDX-License-Identifier: Apache-2.0 */
/* create, start, run, delete: a container's life as runc drives it. */
#include "cli/oci/oci-internal.h"
#include "runtime/supervise.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Options of create and run. */
struct oci_create_opts {
	const char *bundle;
	const char *console_socket;
	const char *pid_file;
	bool no_pivot;
	bool detach;
	bool keep;
	int preserve_fds;
};

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
	case 'b':
		o->bundle = arg;
		break;
	case O_CONSOLE:
		o->console_socket = arg;
		break;
	case O_PIDFILE:
		o->pid_file = arg;
		break;
	case O_NOPIVOT:
		o->no_pivot = true;
		break;
	case O_NOKEYRING:
		break; /* we never make a session keyring */
	case 'd':
		o->detach = true;
		break;
	case O_KEEP:
		o->keep = true;
		break;
	case O_PRESERVE:
		o->preserve_fds = (int)strtol(arg, &end, 10);
		if (*end || o->preserve_fds < 0)
			return md_error_set(err, EINVAL, "--preserve-fds: invalid number `%s`",
					    arg);
		break;
	}
	return 0;
}

/* The console rules of runc's flags, on the parsed config. Detached
 * (create, run --detach), only the console socket can take the pty. */
static int check_console(void *ctx, const struct spec *spec, md_error *err)
{
	const struct oci_create_opts *o = ctx;
	bool tty = spec->process && spec->process->terminal;

	if (tty && o->detach && !o->console_socket)
		return md_error_set(err, EINVAL, "cannot allocate a tty without --console-socket");
	if (!tty && o->console_socket)
		return md_error_set(err, EINVAL,
				    "--console-socket given but process.terminal "
				    "is false");
	return 0;
}

/* Once the container is recorded: hand out what callers wait for. */
static int hand_out(void *ctx, struct rt_container *c, md_error *err)
{
	const struct oci_create_opts *o = ctx;

	if (o->console_socket && c->console_master >= 0 &&
	    oci_send_console(o->console_socket, c->console_master, err) < 0)
		return -1;
	if (o->pid_file && oci_write_pid_file(o->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

static int do_create(struct oci_ctx *ctx, struct oci_create_opts *o, const char *id,
		     struct rt_container **out, md_error *err)
{
	struct rt_oci rt = oci_rt(ctx);
	struct rt_oci_create_opts co = { .bundle = o->bundle,
					 .preserve_fds = o->preserve_fds,
					 .no_pivot = o->no_pivot,
					 .check = check_console,
					 .created = hand_out,
					 .ctx = o };

	if (oci_check_preserve_fds(o->preserve_fds, err) < 0)
		return -1;
	if (rt_oci_create(&rt, id, &co, out, err) == 0)
		return 0;
	if (err->errnum == EEXIST) /* the id is taken: runc's words */
		md_error_set(err, EEXIST, "container with id exists: %s", id);
	return -1;
}

int oci_create(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = { .detach = true };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime create [--bundle DIR] [--console-socket PATH] "
			 "[--pid-file PATH] [--no-pivot] [--preserve-fds N] ID\n",
		.options = create_options,
		.shortopts = "b:h",
		.on_flag = create_flag,
		.self = &o,
	};
	struct rt_container *c = NULL;
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = do_create(ctx, &o, id, &c, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	/* The init stays, blocked on exec.fifo; the caller reaps it. */
	rt_container_free(c);
	return 0;
}

/* runc's start looks at the status first and words the refusal itself;
 * the core's start would say why opening the fifo failed. */
static int start_created(struct oci_ctx *ctx, const char *id, md_error *err)
{
	struct rt_oci rt = oci_rt(ctx);
	struct rt_state *st = NULL;
	enum rt_status s;

	if (rt_oci_state(&rt, id, &st, &s, err) < 0)
		return -1;
	state_free(st);
	if (s != RT_STATUS_CREATED)
		return md_error_set(err, EINVAL, "cannot start a container that is %s",
				    rt_status_name(s));
	return rt_oci_start(&rt, id, err);
}

int oci_start(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct oci_flags f = { .usage = "Usage: mydocker-runtime start ID\n",
			       .options = opts,
			       .shortopts = "h" };
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = start_created(ctx, id, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	return 0;
}

static int delete_flag(void *self, int c, const char *arg, md_error *err)
{
	if (c == 'f')
		*(bool *)self = true;
	return 0;
}

int oci_delete(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	bool force = false;
	struct oci_flags f = { .usage = "Usage: mydocker-runtime delete [--force] ID\n",
			       .options = opts,
			       .shortopts = "fh",
			       .on_flag = delete_flag,
			       .self = &force };
	struct rt_oci rt = oci_rt(ctx);
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = rt_oci_delete(&rt, id, force, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	return 0;
}

/* run in the foreground: our stdio is the container's, or we proxy its
 * terminal when there is no console socket; the container is deleted
 * when it exits, unless --keep. */
static int run_foreground(struct oci_ctx *ctx, const struct oci_create_opts *o,
			  struct rt_supervisor *sup, struct rt_container *c, md_error *err)
{
	struct rt_supervise_opts so = { .in_fd = 0, .out_fd = 1, .tty_fd = isatty(0) ? 0 : -1 };
	struct rt_oci rt = oci_rt(ctx);
	int status = -1;

	if (o->console_socket) {
		close(c->console_master);
		c->console_master = -1;
	}
	if (rt_oci_start(&rt, c->id, err) == 0 && rt_supervise(sup, c, &so, err) == 0)
		status = rt_exit_code(c->wait_status);
	rt_supervisor_fini(sup);
	if (!o->keep && rt_oci_delete(&rt, c->id, true, status < 0 ? NULL : err) < 0 && status >= 0)
		return -1;
	return status;
}

/* run --detach: create + start; a start that fails deletes. */
static int run_detached(struct oci_ctx *ctx, struct rt_container *c, md_error *err)
{
	struct rt_oci rt = oci_rt(ctx);

	if (start_created(ctx, c->id, err) == 0)
		return 0;
	rt_oci_delete(&rt, c->id, true, NULL);
	return -1;
}

int oci_run(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = { 0 };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime run [--bundle DIR] [--detach] [--console-socket "
			 "PATH] [--pid-file PATH] [--no-pivot] [--preserve-fds N] [--keep] ID\n",
		.options = create_options,
		.shortopts = "b:dh",
		.on_flag = create_flag,
		.self = &o,
	};
	struct rt_container *c = NULL;
	struct rt_supervisor sup = { .sigfd = -1, .raw_fd = -1 };
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
	if (do_create(ctx, &o, id, &c, &err) < 0) {
		rt_supervisor_fini(&sup);
		return oci_fail(ctx, &err);
	}
	r = o.detach ? run_detached(ctx, c, &err) : run_foreground(ctx, &o, &sup, c, &err);
	rt_container_free(c);
	if (r < 0)
		return oci_fail(ctx, &err);
	return o.detach ? 0 : r;
}
