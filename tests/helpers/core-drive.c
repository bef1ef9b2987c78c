/* A small stand-in for the OCI CLI that drives the runtime core directly,
 * for tests/integration/test_core.sh. Errors go to stderr as one line and
 * the exit status is the error's (125, 126, 127) or the container's.
 *
 *   core-drive ROOT create ID BUNDLE    detached create (exec.fifo), state saved
 *   core-drive ROOT start ID            rt_start_fifo, then poststart hooks
 *   core-drive ROOT state ID            the OCI state JSON
 *   core-drive ROOT status ID           just the status word
 *   core-drive ROOT list                the ids, one a line
 *   core-drive ROOT kill ID SIGNUM
 *   core-drive ROOT delete [-f] ID      kill (with -f), remove cgroup and state,
 *                                       then poststop hooks
 *   core-drive ROOT exec [-d] [-t] [-c CWD] ID ARG...
 *                                       the config's process with these args;
 *                                       -d prints the pid and returns at once
 *   core-drive ROOT run ID BUNDLE       foreground: create, start, poststart,
 *                                       wait, destroy, poststop; exit status */
#include "runtime/container.h"
#include "runtime/exec.h"
#include "runtime/hooks.h"
#include "runtime/spec.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static int fail(const md_error *err)
{
	char buf[1400];

	fprintf(stderr, "core-drive: %s\n", md_error_text(err, buf, sizeof(buf)));
	return err->status ? err->status : 125;
}

/* Joining a pid namespace must not change where our own children go. */
static int check_pid_ns_restored(md_error *err)
{
	struct stat a, b;

	if (stat("/proc/self/ns/pid", &a) < 0 || stat("/proc/self/ns/pid_for_children", &b) < 0)
		return md_error_set(err, errno, "stat /proc/self/ns");
	if (a.st_ino != b.st_ino)
		return md_error_set(err, 0, "pid_for_children not restored after create");
	return 0;
}

static int load_config(const char *path, char **text, struct spec **spec, md_error *err)
{
	if (md_read_file(path, text, NULL, err) < 0)
		return -1;
	return spec_from_string(*text, spec, err);
}

static int saved_spec(const char *id, struct spec **spec, md_error *err)
{
	cleanup_free char *path = state_file(root, id, "config.json"), *text = NULL;

	return load_config(path, &text, spec, err);
}

/* Create failed after the id was claimed: leave nothing behind. */
static int undo_create(const char *id, md_error *err)
{
	int status = fail(err);

	state_delete(root, id, NULL);
	return status;
}

static int cmd_create(const char *id, const char *bundle)
{
	cleanup_free char *cfg = xasprintf("%s/config.json", bundle), *text = NULL;
	cleanup_free char *fifo = NULL;
	cleanup_close int lock = -1;
	struct rt_create_opts o = { .id = id, .bundle = bundle, .stdio = { 0, 1, 2 } };
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	md_error err;
	int r;

	if (load_config(cfg, &text, &spec, &err) < 0)
		return fail(&err);
	if (state_create_dir(root, id, &lock, &err) < 0) {
		spec_free(spec);
		return fail(&err);
	}
	if (state_save_config(root, id, text, &err) < 0 ||
	    state_make_fifo(root, id, &fifo, &err) < 0) {
		spec_free(spec);
		return undo_create(id, &err);
	}
	o.exec_fifo = fifo;
	r = rt_create(spec, &o, &c, &err);
	spec_free(spec);
	if (r < 0)
		return undo_create(id, &err);
	if (check_pid_ns_restored(&err) < 0) {
		rt_destroy(c, NULL);
		rt_container_free(c);
		return undo_create(id, &err);
	}
	free(c->state->status);
	c->state->status = xstrdup("created");
	if (state_save(root, c->state, &err) < 0) {
		rt_destroy(c, NULL);
		rt_container_free(c);
		return undo_create(id, &err);
	}
	printf("%d\n", (int)c->pid);
	rt_container_free(c); /* the init lives on, blocked on the fifo */
	return 0;
}

static int poststart(const char *id, struct rt_state *st)
{
	struct spec *spec = NULL;
	json_object *o;
	md_error err;
	int r;

	if (saved_spec(id, &spec, &err) < 0)
		return fail(&err);
	o = state_oci_json(st, state_status(root, st));
	r = rt_run_hooks(&spec->hooks, RT_HOOK_POSTSTART, o, &err);
	json_object_put(o);
	spec_free(spec);
	if (r < 0)
		fprintf(stderr, "core-drive: warning: %s\n", err.msg);
	return 0;
}

static int cmd_start(const char *id)
{
	cleanup_free char *fifo = state_file(root, id, "exec.fifo");
	cleanup_close int lock = -1;
	struct rt_state *st = NULL;
	md_error err;
	int r;

	if (state_lock(root, id, &lock, &err) < 0 || state_load(root, id, &st, &err) < 0)
		return fail(&err);
	r = rt_start_fifo(fifo, st, &err);
	if (r == 0) {
		free(st->status);
		st->status = xstrdup("running");
		r = state_save(root, st, &err);
	}
	if (r == 0)
		r = poststart(id, st);
	else
		r = fail(&err);
	state_free(st);
	return r;
}

static int cmd_state(const char *id, bool word)
{
	struct rt_state *st = NULL;
	json_object *o;
	md_error err;

	if (state_load(root, id, &st, &err) < 0)
		return fail(&err);
	o = state_oci_json(st, state_status(root, st));
	if (word)
		puts(rt_status_name(state_status(root, st)));
	else
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	state_free(st);
	return 0;
}

static int cmd_list(void)
{
	char **ids = NULL;
	md_error err;

	if (state_list(root, &ids, &err) < 0)
		return fail(&err);
	for (size_t i = 0; ids[i]; i++)
		puts(ids[i]);
	md_strv_free(ids);
	return 0;
}

static int cmd_kill(const char *id, int sig)
{
	struct rt_container *c = NULL;
	struct rt_state *st = NULL;
	md_error err;
	int r = -1;

	if (state_load(root, id, &st, &err) == 0 && rt_container_attach(st, &c, &err) == 0)
		r = rt_signal(c, sig, &err);
	rt_container_free(c);
	state_free(st);
	return r < 0 ? fail(&err) : 0;
}

static int poststop(const char *id, struct rt_state *st, const struct spec *spec)
{
	json_object *o = state_oci_json(st, RT_STATUS_STOPPED);
	md_error err;

	if (rt_run_hooks(&spec->hooks, RT_HOOK_POSTSTOP, o, &err) < 0)
		fprintf(stderr, "core-drive: warning: %s\n", err.msg);
	json_object_put(o);
	return 0;
}

static int cmd_delete(const char *id, bool force)
{
	cleanup_close int lock = -1;
	struct rt_container *c = NULL;
	struct rt_state *st = NULL;
	struct spec *spec = NULL;
	md_error err;
	int r = -1;

	if (state_lock(root, id, &lock, &err) < 0 || state_load(root, id, &st, &err) < 0)
		return fail(&err);
	if (!force && state_status(root, st) != RT_STATUS_STOPPED &&
	    state_status(root, st) != RT_STATUS_CREATED) {
		md_error_set(&err, EBUSY, "container `%s` is running", id);
		goto out;
	}
	if (rt_container_attach(st, &c, &err) < 0 || rt_destroy(c, &err) < 0)
		goto out;
	if (saved_spec(id, &spec, &err) < 0)
		goto out;
	if (state_delete(root, id, &err) < 0)
		goto out;
	r = poststop(id, st, spec);
out:
	spec_free(spec);
	rt_container_free(c);
	state_free(st);
	return r < 0 ? fail(&err) : 0;
}

struct exec_args {
	bool detach, tty;
	const char *cwd;
	const char *id;
	char **argv;
};

static int exec_parse(int argc, char **argv, struct exec_args *a)
{
	int i = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-d") == 0)
			a->detach = true;
		else if (strcmp(argv[i], "-t") == 0)
			a->tty = true;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			a->cwd = argv[++i];
		else
			return -1;
	}
	if (i + 1 >= argc)
		return -1;
	a->id = argv[i];
	a->argv = argv + i + 1;
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	struct rt_exec_opts o = { .stdio = { 0, 1, 2 } };
	struct exec_args a = { 0 };
	struct rt_container *c = NULL;
	struct rt_state *st = NULL;
	struct spec *spec = NULL;
	md_error err;
	int r = -1;

	if (exec_parse(argc, argv, &a) < 0)
		return fprintf(stderr, "core-drive: exec: bad arguments\n"), 2;
	if (state_load(root, a.id, &st, &err) < 0 || saved_spec(a.id, &spec, &err) < 0)
		goto out;
	md_strv_free(spec->process->args);
	spec->process->args = md_strv_dup(a.argv);
	spec->process->terminal = a.tty;
	if (a.cwd) {
		free(spec->process->cwd);
		spec->process->cwd = xstrdup(a.cwd);
	}
	if (rt_exec(st, spec->process, &o, &c, &err) < 0)
		goto out;
	if (a.detach) {
		printf("%d\n", (int)c->pid);
		r = 0;
	} else if (rt_wait(c, &err) == 0) {
		r = rt_exit_code(c->wait_status);
	}
out:
	rt_container_free(c);
	spec_free(spec);
	state_free(st);
	return r < 0 ? fail(&err) : r;
}

/* Foreground, as `mydocker run` uses the core, with the config's hooks. */
static int cmd_run(const char *id, const char *bundle)
{
	cleanup_free char *cfg = xasprintf("%s/config.json", bundle), *text = NULL;
	struct rt_create_opts o = { .id = id, .bundle = bundle, .stdio = { 0, 1, 2 } };
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	json_object *js;
	md_error err;
	int status = -1;

	if (load_config(cfg, &text, &spec, &err) < 0 || rt_create(spec, &o, &c, &err) < 0 ||
	    check_pid_ns_restored(&err) < 0)
		goto out;
	if (rt_start(c, &err) < 0)
		goto out;
	js = state_oci_json(c->state, RT_STATUS_RUNNING);
	if (rt_run_hooks(&spec->hooks, RT_HOOK_POSTSTART, js, &err) < 0)
		fprintf(stderr, "core-drive: warning: %s\n", err.msg);
	json_object_put(js);
	if (rt_wait(c, &err) == 0)
		status = rt_exit_code(c->wait_status);
out:
	if (c) {
		rt_destroy(c, NULL);
		if (status >= 0)
			poststop(id, c->state, spec);
	}
	rt_container_free(c);
	spec_free(spec);
	return status >= 0 ? status : fail(&err);
}

static int usage(void)
{
	fputs("usage: core-drive ROOT create|start|state|status|list|kill|delete|exec|run ...\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 3)
		return usage();
	root = argv[1];
	cmd = argv[2];
	argc -= 3;
	argv += 3;
	if (strcmp(cmd, "create") == 0 && argc == 2)
		return cmd_create(argv[0], argv[1]);
	if (strcmp(cmd, "start") == 0 && argc == 1)
		return cmd_start(argv[0]);
	if ((strcmp(cmd, "state") == 0 || strcmp(cmd, "status") == 0) && argc == 1)
		return cmd_state(argv[0], strcmp(cmd, "status") == 0);
	if (strcmp(cmd, "list") == 0)
		return cmd_list();
	if (strcmp(cmd, "kill") == 0 && argc == 2)
		return cmd_kill(argv[0], atoi(argv[1]));
	if (strcmp(cmd, "delete") == 0 && argc >= 1)
		return cmd_delete(argv[argc - 1], argc == 2 && strcmp(argv[0], "-f") == 0);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(argc, argv);
	if (strcmp(cmd, "run") == 0 && argc == 2)
		return cmd_run(argv[0], argv[1]);
	return usage();
}
