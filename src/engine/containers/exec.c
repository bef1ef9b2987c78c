/* SPDX-License-Identifier: Apache-2.0 */
/* engine_exec: a process in a running container of the store (exec.h). */
#include "engine/containers/exec.h"
#include "engine/containers/control.h"
#include "engine/containers/users.h"
#include "engine/paths.h"
#include "runtime/cgroup.h"
#include "runtime/exec.h"
#include "runtime/supervise.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_DETACH_KEYS "\x10\x11" /* ctrl-p, ctrl-q */

/* Docker's daemon errors end `docker exec` with status 1. */
static int daemon_error(md_error *err)
{
	err->status = 1;
	return -1;
}

static bool runs(const struct container_record *c)
{
	return c->state.status == CONTAINER_RUNNING && c->state.pid > 0 && records_live(c->id);
}

static int load_config(const char *root, struct exec_target *t, md_error *err)
{
	cleanup_free char *path = records_path(root, t->rec.id, "config.json");
	cleanup_free char *text = NULL;
	cleanup_json json_object *config = NULL;

	if (md_read_file(path, &text, NULL, err) < 0)
		return md_error_prefix(err, "the config of container %s", t->rec.id);
	config = json_tokener_parse(text);
	if (!config)
		return md_error_set(err, 0, "%s: not JSON", path);
	t->process = json_object_get(md_json_member_of(config, "process", json_type_object));
	if (!t->process)
		return md_error_set(err, 0, "%s: no process object", path);
	return spec_from_json(config, &t->config, err);
}

int exec_target_open(const char *root, const char *what, struct exec_target *t, md_error *err)
{
	memset(t, 0, sizeof(*t));
	if (engine_container_find(root, what, &t->rec, err) < 0)
		return daemon_error(err);
	if (!runs(&t->rec)) {
		md_error_set(err, 0, "container %s is not running", t->rec.id);
		return daemon_error(err);
	}
	if (t->rec.state.paused) {
		md_error_set(err, 0, "Container %s is paused, unpause the container before exec",
			     t->rec.id);
		return daemon_error(err);
	}
	if (load_config(root, t, err) < 0)
		return -1;
	t->st = state_new(t->rec.id);
	t->st->pid = t->rec.state.pid;
	t->st->start_time = t->rec.state.pid_start;
	t->st->cgroup_path = cgroup_path_for(t->config->linux.cgroups_path, t->rec.id);
	return 0;
}

void exec_target_close(struct exec_target *t)
{
	records_free(&t->rec);
	state_free(t->st);
	spec_free(t->config);
	md_json_putp(&t->process);
	memset(t, 0, sizeof(*t));
}

static json_object *strv_json(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* kv ("K=V") in env, replacing the variable of its name. */
static void env_set(char ***env, const char *kv)
{
	size_t kl = strcspn(kv, "=");

	for (size_t i = 0; *env && (*env)[i]; i++) {
		if (strncmp((*env)[i], kv, kl) == 0 && (*env)[i][kl] == '=') {
			free((*env)[i]);
			(*env)[i] = xstrdup(kv);
			return;
		}
	}
	md_strv_push(env, kv);
}

static bool env_has(char *const *env, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, kl) == 0 && (env[i][kl] == '=' || !env[i][kl]))
			return true;
	return false;
}

/* The container's environment, then HOME for another user (unless the
 * container's Config.Env sets it), TERM with -t, then -e. */
static char **exec_env(const struct exec_target *t, const struct engine_exec_request *r,
		       const struct run_user *u)
{
	char **env = md_json_strv(t->process, "env");

	if (r->user && !env_has(t->rec.config.env, "HOME")) {
		cleanup_free char *home = xasprintf("HOME=%s", u->home && *u->home ? u->home : "/");
		env_set(&env, home);
	}
	if (r->tty && !env_has(env, "TERM"))
		env_set(&env, "TERM=xterm");
	for (size_t i = 0; r->env && r->env[i]; i++)
		env_set(&env, r->env[i]);
	return env;
}

static json_object *user_json(const struct run_user *u)
{
	json_object *o = json_object_new_object(), *gids = json_object_new_array();

	json_object_object_add(o, "uid", json_object_new_int64(u->uid));
	json_object_object_add(o, "gid", json_object_new_int64(u->gid));
	for (size_t i = 0; i < u->n_groups; i++)
		json_object_array_add(gids, json_object_new_int64(u->groups[i]));
	json_object_object_add(o, "additionalGids", gids);
	return o;
}

/* exec's changes to the copy of the container's process in proc. */
static int apply_request(json_object *proc, const struct exec_target *t,
			 const struct engine_exec_request *r, md_error *err)
{
	cleanup_free char *rootfs = records_path(r->root, t->rec.id, "rootfs");
	cleanup_strv char **env = NULL;
	struct run_user u = { 0 };

	/* -u is looked up in the container's own files, never the host's. */
	if (r->user && users_resolve_in(rootfs, r->user, &u, err) < 0)
		return daemon_error(err);
	if (r->workdir && r->workdir[0] != '/') {
		users_free(&u);
		md_error_set(err, 0,
			     "the working directory '%s' is invalid, it needs to be an "
			     "absolute path",
			     r->workdir);
		return daemon_error(err);
	}
	env = exec_env(t, r, &u);
	json_object_object_del(proc, "consoleSize");
	json_object_object_add(proc, "terminal", json_object_new_boolean(r->tty));
	json_object_object_add(proc, "args", strv_json(r->args));
	json_object_object_add(proc, "env", strv_json(env));
	if (r->workdir)
		json_object_object_add(proc, "cwd", json_object_new_string(r->workdir));
	if (r->user)
		json_object_object_add(proc, "user", user_json(&u));
	/* Without a capabilities object the process keeps all of ours. */
	if (r->privileged)
		json_object_object_del(proc, "capabilities");
	users_free(&u);
	return 0;
}

int exec_target_process(const struct exec_target *t, const struct engine_exec_request *r,
			struct spec_process **p, md_error *err)
{
	cleanup_json json_object *proc = NULL;

	if (!r->args || !r->args[0])
		return md_error_set(err, 0, "no command specified");
	if (json_object_deep_copy(t->process, &proc, NULL) < 0)
		return md_error_set(err, ENOMEM, "copy the container's process");
	if (apply_request(proc, t, r, err) < 0)
		return -1;
	return spec_process_from_json(proc, p, err);
}

/* The runtime's errors in Docker's words. */
static int start_error(const struct exec_target *t, md_error *err)
{
	char text[MD_ERROR_MSG_MAX];

	if (err->errnum == ESRCH) {
		md_error_set(err, 0, "container %s is not running", t->rec.id);
		return daemon_error(err);
	}
	if (err->errnum == EBUSY) {
		md_error_set(err, 0, "Container %s is paused, unpause the container before exec",
			     t->rec.id);
		return daemon_error(err);
	}
	md_error_text(err, text, sizeof(text));
	md_error_set(err, 0,
		     "OCI runtime exec failed: exec failed: unable to start container process: "
		     "%s: unknown",
		     text);
	err->status = MD_EXIT_CANNOT_EXEC;
	return -1;
}

int exec_target_start(const struct exec_target *t, const struct spec_process *p, const int stdio[3],
		      struct rt_container **out, md_error *err)
{
	struct rt_exec_opts o = {
		.stdio = { stdio[0], stdio[1], stdio[2] },
		.config = t->config,
		.seccomp_cache_dir = ENGINE_SECCOMP_CACHE_DIR,
	};

	if (rt_exec(t->st, p, &o, out, err) < 0)
		return start_error(t, err);
	return 0;
}

/* In a process of its own, with nothing else of ours: read and drop
 * what comes until no process has the terminal open (EIO). */
__attribute__((noreturn)) static void drain_console(int master)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	if (dup2(master, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
	fcntl(3, F_SETFL, fcntl(3, F_GETFL) & ~O_NONBLOCK);
	do
		n = read(3, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
	_exit(0);
}

/* After the detach keys, or with -dt: the process keeps its terminal,
 * whose master must stay open (closing it hangs the terminal up: SIGHUP).
 * A grandchild of ours in a session of its own holds it. */
static int hold_console(int master, md_error *err)
{
	pid_t pid;

	if (master < 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return md_error_set(err, errno, "fork");
	if (pid == 0) {
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		drain_console(master);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* -ti's detach keys as bytes. */
static int detach_keys(const struct engine_exec_request *r, unsigned char *keys, size_t *n,
		       md_error *err)
{
	*n = 0;
	if (!r->tty || !r->interactive)
		return 0;
	if (!r->detach_keys) {
		memcpy(keys, DEFAULT_DETACH_KEYS, 2);
		*n = 2;
		return 0;
	}
	return attach_parse_keys(r->detach_keys, keys, n, err);
}

/* In the foreground: our io is its io until it exits or we detach. */
static int supervise(const struct exec_target *t, const struct spec_process *p,
		     const struct engine_exec_request *r, int *status, md_error *err)
{
	const struct engine_io *io = &r->io;
	int in = r->interactive ? io->in_fd : -1;
	const int stdio[3] = { in, io->out_fd, io->err_fd };
	unsigned char keys[16];
	struct rt_supervise_opts so = { .in_fd = in, .out_fd = io->out_fd, .tty_fd = io->tty_fd };
	struct rt_supervisor sup;
	struct rt_container *c = NULL;
	int ret = -1;

	if (detach_keys(r, keys, &so.n_detach_keys, err) < 0)
		return daemon_error(err);
	so.detach_keys = keys;
	/* Signals blocked first, so that none is lost before the loop. */
	if (rt_supervisor_init(&sup, err) < 0)
		goto out;
	if (exec_target_start(t, p, stdio, &c, err) < 0)
		goto out;
	ret = rt_supervise(&sup, c, &so, err);
	if (ret == 0)
		*status = rt_exit_code(c->wait_status);
	/* Detached: it goes on without us, its terminal held open. */
	else if (ret == 1 && hold_console(c->console_master, err) < 0)
		ret = -1;
out:
	rt_supervisor_fini(&sup);
	rt_container_free(c);
	return ret;
}

int engine_exec(const struct engine_exec_request *r, int *status, md_error *err)
{
	static const int no_stdio[3] = { -1, -1, -1 };
	struct exec_target t;
	struct spec_process *p = NULL;
	struct rt_container *c = NULL;
	int ret = -1;

	*status = 0;
	if (exec_target_open(r->root, r->what, &t, err) < 0 ||
	    exec_target_process(&t, r, &p, err) < 0)
		goto out;
	if (!r->detach) {
		ret = supervise(&t, p, r, status, err);
		goto out;
	}
	/* -d: once it runs it is on its own; after we exit, an orphan that
	 * the host's init (or our subreaper) reaps. */
	ret = exec_target_start(&t, p, no_stdio, &c, err);
	if (ret == 0)
		ret = hold_console(c->console_master, err);
	rt_container_free(c);
out:
	spec_process_free(p);
	exec_target_close(&t);
	return ret;
}
