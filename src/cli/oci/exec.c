/* SPDX-License-Identifier: Apache-2.0 */
/* exec: a new process in a running container. Without --process, the
 * process starts as a copy of the container's own (env, cwd, user,
 * capabilities) with the command line's args and changes, as runc does. */
#include "cli/oci/oci-internal.h"
#include "runtime/exec.h"
#include "runtime/supervise.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	E_CONSOLE = 256,
	E_CWD,
	E_PIDFILE,
	E_LABEL,
	E_APPARMOR,
	E_NNP,
	E_PRESERVE,
	E_IGNORE_PAUSED,
	E_CGROUP
};

struct exec_opts {
	const char *process_file, *console_socket, *pid_file, *cwd, *user;
	const char *apparmor, *label;
	char **env, **caps, **gids;
	bool tty, detach, nnp;
	int preserve_fds;
};

static int exec_flag(void *self, int c, const char *arg, md_error *err)
{
	struct exec_opts *o = self;
	char *end;

	switch (c) {
	case 'p':
		o->process_file = arg;
		break;
	case E_CONSOLE:
		o->console_socket = arg;
		break;
	case E_PIDFILE:
		o->pid_file = arg;
		break;
	case E_CWD:
		o->cwd = arg;
		break;
	case 'u':
		o->user = arg;
		break;
	case 'e':
		md_strv_push(&o->env, arg);
		break;
	case 'c':
		md_strv_push(&o->caps, arg);
		break;
	case 'g':
		md_strv_push(&o->gids, arg);
		break;
	case 't':
		o->tty = true;
		break;
	case 'd':
		o->detach = true;
		break;
	case E_NNP:
		o->nnp = true;
		break;
	case E_APPARMOR:
		o->apparmor = arg;
		break;
	case E_LABEL:
		o->label = arg;
		break;
	case E_PRESERVE:
		o->preserve_fds = (int)strtol(arg, &end, 10);
		if (*end || o->preserve_fds < 0)
			return md_error_set(err, EINVAL, "--preserve-fds: invalid number `%s`",
					    arg);
		break;
	default:
		break; /* --ignore-paused, --cgroup: accepted */
	}
	return 0;
}

static json_object *strv_json(char **v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int parse_user(const char *s, json_object *proc, md_error *err)
{
	json_object *u = json_object_new_object();
	unsigned long uid, gid = 0;
	char *end;

	uid = strtoul(s, &end, 10);
	if (end != s && *end == ':')
		gid = strtoul(end + 1, &end, 10);
	if (end == s || *end) {
		json_object_put(u);
		return md_error_set(err, EINVAL, "exec: --user wants UID[:GID], got `%s`", s);
	}
	json_object_object_add(u, "uid", json_object_new_int64((int64_t)uid));
	json_object_object_add(u, "gid", json_object_new_int64((int64_t)gid));
	json_object_object_add(proc, "user", u);
	return 0;
}

static int add_gids(json_object *proc, char **gids, md_error *err)
{
	json_object *u = md_json_member_of(proc, "user", json_type_object);
	json_object *a = json_object_new_array();

	if (!u) {
		u = md_json_child(proc, "user", json_type_object);
		json_object_object_add(u, "uid", json_object_new_int(0));
		json_object_object_add(u, "gid", json_object_new_int(0));
	}
	json_object_object_add(u, "additionalGids", a);
	for (size_t i = 0; gids[i]; i++) {
		char *end;
		unsigned long g = strtoul(gids[i], &end, 10);

		if (end == gids[i] || *end)
			return md_error_set(err, EINVAL, "exec: invalid additional gid `%s`",
					    gids[i]);
		json_object_array_add(a, json_object_new_int64((int64_t)g));
	}
	return 0;
}

static void add_caps(json_object *proc, char **caps)
{
	static const char *const sets[] = { "bounding", "effective", "permitted", NULL };
	json_object *c;

	if (!caps)
		return;
	c = md_json_child(proc, "capabilities", json_type_object);
	for (size_t i = 0; sets[i]; i++) {
		json_object *a = md_json_child(c, sets[i], json_type_array);

		for (size_t j = 0; caps[j]; j++)
			json_object_array_add(a, json_object_new_string(caps[j]));
	}
}

/* Apply the command line's changes to the base process object. */
static int apply_flags(json_object *proc, const struct exec_opts *o, char **args, md_error *err)
{
	json_object *env;

	if (args && args[0])
		json_object_object_add(proc, "args", strv_json(args));
	if (o->tty)
		json_object_object_add(proc, "terminal", json_object_new_boolean(1));
	if (o->cwd)
		json_object_object_add(proc, "cwd", json_object_new_string(o->cwd));
	if (o->env) {
		env = md_json_child(proc, "env", json_type_array);
		for (size_t i = 0; o->env[i]; i++)
			json_object_array_add(env, json_object_new_string(o->env[i]));
	}
	if (o->user && parse_user(o->user, proc, err) < 0)
		return -1;
	if (o->gids && add_gids(proc, o->gids, err) < 0)
		return -1;
	if (o->nnp)
		json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(1));
	if (o->apparmor)
		json_object_object_add(proc, "apparmorProfile",
				       json_object_new_string(o->apparmor));
	if (o->label)
		json_object_object_add(proc, "selinuxLabel", json_object_new_string(o->label));
	add_caps(proc, o->caps);
	return 0;
}

static int base_process(struct oci_ctx *ctx, const char *id, const struct exec_opts *o,
			json_object **out, md_error *err)
{
	cleanup_free char *path = o->process_file ? xstrdup(o->process_file)
						  : state_file(ctx->root, id, "config.json");
	cleanup_free char *text = NULL;
	json_object *root, *proc;

	if (md_read_file(path, &text, NULL, err) < 0)
		return -1;
	root = json_tokener_parse(text);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return md_error_set(err, EINVAL, "exec: `%s` is not a JSON object", path);
	}
	if (o->process_file) {
		*out = root;
		return 0;
	}
	proc = md_json_member(root, "process");
	if (!proc) {
		json_object_put(root);
		return md_error_set(err, EINVAL, "exec: the container's config has no process");
	}
	*out = json_object_get(proc);
	json_object_put(root);
	/* The container's own terminal setting is not the exec's. */
	json_object_object_del(*out, "terminal");
	json_object_object_del(*out, "consoleSize");
	return 0;
}

static int build_process(struct oci_ctx *ctx, const char *id, const struct exec_opts *o,
			 char **args, struct spec_process **p, md_error *err)
{
	json_object *proc = NULL;
	int r;

	if (!o->process_file && (!args || !args[0]))
		return md_error_set(err, EINVAL, "exec: a command is required (or --process FILE)");
	if (base_process(ctx, id, o, &proc, err) < 0)
		return -1;
	r = apply_flags(proc, o, o->process_file ? NULL : args, err);
	if (r == 0)
		r = spec_process_from_json(proc, p, err);
	json_object_put(proc);
	return r;
}

static int hand_out(const struct exec_opts *o, struct rt_container *c, md_error *err)
{
	if (o->console_socket && c->console_master >= 0) {
		if (oci_send_console(o->console_socket, c->console_master, err) < 0)
			return -1;
		close(c->console_master);
		c->console_master = -1;
	}
	if (o->pid_file && oci_write_pid_file(o->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

static int run_exec(struct oci_ctx *ctx, const char *id, const struct exec_opts *o, char **args,
		    md_error *err)
{
	struct rt_exec_opts eo = { .stdio = { 0, 1, 2 },
				   .preserve_fds = o->preserve_fds,
				   .seccomp_cache_dir = ctx->seccomp_cache,
				   .log = cli_log_sink,
				   .log_ctx = &ctx->log };
	struct rt_supervise_opts so = { .in_fd = 0, .out_fd = 1, .tty_fd = isatty(0) ? 0 : -1 };
	struct rt_supervisor sup = { .sigfd = -1, .raw_fd = -1 };
	struct spec_process *p = NULL;
	struct rt_container *c = NULL;
	struct rt_state *st = NULL;
	struct spec *config = NULL;
	struct rt_oci rt = oci_rt(ctx);
	int status = -1;

	/* The config create saved: its seccomp filter applies to the process. */
	if (oci_check_preserve_fds(o->preserve_fds, err) < 0 ||
	    rt_oci_state(&rt, id, &st, NULL, err) < 0 ||
	    build_process(ctx, id, o, args, &p, err) < 0 ||
	    rt_oci_config(&rt, id, &config, err) < 0)
		goto out;
	eo.config = config;
	if (p->terminal && o->detach && !o->console_socket) {
		md_error_set(err, EINVAL, "cannot allocate a tty without --console-socket");
		goto out;
	}
	if (!o->detach && rt_supervisor_init(&sup, err) < 0)
		goto out;
	if (rt_exec(st, p, &eo, &c, err) < 0 || hand_out(o, c, err) < 0)
		goto out;
	if (o->detach)
		status = 0;
	else if (rt_supervise(&sup, c, &so, err) == 0)
		status = rt_exit_code(c->wait_status);
out:
	rt_supervisor_fini(&sup);
	rt_container_free(c);
	spec_process_free(p);
	spec_free(config);
	state_free(st);
	return status;
}

int oci_exec(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, E_CONSOLE },
		{ "pid-file", required_argument, NULL, E_PIDFILE },
		{ "cwd", required_argument, NULL, E_CWD },
		{ "user", required_argument, NULL, 'u' },
		{ "env", required_argument, NULL, 'e' },
		{ "cap", required_argument, NULL, 'c' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "no-new-privs", no_argument, NULL, E_NNP },
		{ "apparmor", required_argument, NULL, E_APPARMOR },
		{ "process-label", required_argument, NULL, E_LABEL },
		{ "preserve-fds", required_argument, NULL, E_PRESERVE },
		{ "ignore-paused", no_argument, NULL, E_IGNORE_PAUSED },
		{ "cgroup", required_argument, NULL, E_CGROUP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct exec_opts o = { 0 };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime exec [--process FILE] [--detach] [--tty] "
			 "[--console-socket PATH] [--pid-file PATH] [--cwd DIR] [--env K=V] "
			 "[--user UID[:GID]] [--cap CAP] ID [COMMAND [ARG...]]\n",
		.options = opts,
		.shortopts = "p:u:e:c:g:tdh",
		.on_flag = exec_flag,
		.self = &o,
		.stop_at_arg = true,
	};
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r > 0)
		return 0;
	if (r == 0 && optind >= argc)
		r = md_error_set(&err, EINVAL, "exec: a container id is required");
	if (r == 0)
		r = run_exec(ctx, argv[optind], &o, argv + optind + 1, &err);
	md_strv_free(o.env);
	md_strv_free(o.caps);
	md_strv_free(o.gids);
	if (r < 0)
		return oci_fail(ctx, &err);
	return r;
}
