/* SPDX-License-Identifier: Apache-2.0 */
/* A small stand-in for the OCI CLI that drives the runtime core directly,
 * through the same calls as mydocker-runtime (runtime/runtime.h), for
 * tests/integration/test_core.sh. Errors go to stderr as one line, warnings
 * as "core-drive: warning: ..."; the exit status is the error's (125, 126,
 * 127) or the container's.
 *
 *   core-drive ROOT create ID BUNDLE    detached create (exec.fifo), state saved;
 *                                       prints the init's pid
 *   core-drive ROOT start ID            rt_oci_start: the fifo, then poststart hooks
 *   core-drive ROOT state ID            the OCI state JSON
 *   core-drive ROOT status ID           just the status word
 *   core-drive ROOT list                the ids, one a line
 *   core-drive ROOT kill ID SIGNUM
 *   core-drive ROOT delete [-f] ID      kill (with -f), remove cgroup, poststop
 *                                       hooks, remove state
 *   core-drive ROOT exec [-d] [-t] [-c CWD] ID ARG...
 *                                       the config's process with these args;
 *                                       -d prints the pid and returns at once
 *   core-drive ROOT run ID BUNDLE       foreground: create, start, poststart,
 *                                       wait, destroy, poststop; exit status */
#include "runtime/exec.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct rt_oci rt;

static int fail(const md_error *err)
{
	char buf[1400];

	fprintf(stderr, "core-drive: %s\n", md_error_text(err, buf, sizeof(buf)));
	return err->status ? err->status : 125;
}

/* The core's warnings (poststart and poststop hooks that fail). */
static void warn(void *ctx, enum rt_log_level level, const char *msg)
{
	if (level == RT_LOG_WARN)
		fprintf(stderr, "core-drive: warning: %s\n", msg);
}

/* Joining a pid namespace must not change where our own children go. */
static int check_pid_ns_restored(void *ctx, struct rt_container *c, md_error *err)
{
	struct stat a, b;

	if (stat("/proc/self/ns/pid", &a) < 0 || stat("/proc/self/ns/pid_for_children", &b) < 0)
		return md_error_set(err, errno, "stat /proc/self/ns");
	if (a.st_ino != b.st_ino)
		return md_error_set(err, 0, "pid_for_children not restored after create");
	return 0;
}

static int cmd_create(const char *id, const char *bundle)
{
	struct rt_oci_create_opts o = { .bundle = bundle, .created = check_pid_ns_restored };
	struct rt_container *c = NULL;
	md_error err;

	if (rt_oci_create(&rt, id, &o, &c, &err) < 0)
		return fail(&err);
	printf("%d\n", (int)c->pid);
	rt_container_free(c); /* the init lives on, blocked on the fifo */
	return 0;
}

static int cmd_start(const char *id)
{
	md_error err;

	return rt_oci_start(&rt, id, &err) < 0 ? fail(&err) : 0;
}

static int cmd_state(const char *id, bool word)
{
	struct rt_state *st = NULL;
	enum rt_status s;
	json_object *o;
	md_error err;

	if (rt_oci_state(&rt, id, &st, &s, &err) < 0)
		return fail(&err);
	o = state_oci_json(st, s);
	if (word)
		puts(rt_status_name(s));
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

	if (state_list(rt.root, &ids, &err) < 0)
		return fail(&err);
	for (size_t i = 0; ids[i]; i++)
		puts(ids[i]);
	md_strv_free(ids);
	return 0;
}

static int cmd_kill(const char *id, int sig)
{
	md_error err;

	return rt_oci_kill(&rt, id, sig, false, &err) < 0 ? fail(&err) : 0;
}

static int cmd_delete(const char *id, bool force)
{
	md_error err;

	return rt_oci_delete(&rt, id, force, &err) < 0 ? fail(&err) : 0;
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
	if (rt_oci_state(&rt, a.id, &st, NULL, &err) < 0 ||
	    rt_oci_config(&rt, a.id, &spec, &err) < 0)
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

/* Foreground without a state root, as `mydocker run` uses the core, with
 * the config's hooks. */
static int cmd_run(const char *id, const char *bundle)
{
	cleanup_free char *cfg = xasprintf("%s/config.json", bundle);
	struct rt_create_opts o = { .id = id, .bundle = bundle, .stdio = { 0, 1, 2 } };
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	md_error err;
	int status = -1;

	if (spec_load_file(cfg, &spec, &err) < 0 || rt_create(spec, &o, &c, &err) < 0 ||
	    check_pid_ns_restored(NULL, c, &err) < 0)
		goto out;
	if (rt_start(c, &err) < 0)
		goto out;
	rt_oci_hooks_warn(&rt, spec, RT_HOOK_POSTSTART, c->state, RT_STATUS_RUNNING);
	if (rt_wait(c, &err) == 0)
		status = rt_exit_code(c->wait_status);
out:
	if (c) {
		rt_destroy(c, NULL);
		if (status >= 0)
			rt_oci_hooks_warn(&rt, spec, RT_HOOK_POSTSTOP, c->state, RT_STATUS_STOPPED);
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
	rt = (struct rt_oci){ .root = argv[1], .log = warn };
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
