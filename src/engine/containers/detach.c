/* SPDX-License-Identifier: Apache-2.0 */
/* run -d and start: a container under its monitor (detach.h). */
#include "engine/containers/detach.h"
#include "engine/containers/health.h"
#include "engine/containers/logs.h"
#include "engine/containers/records.h"
#include "engine/containers/restart.h"
#include "engine/containers/rootfs.h"
#include "engine/helpers.h"
#include "engine/paths.h"
#include "runtime/cgroup.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How often a restart's delay looks whether stop or rm came meanwhile. */
#define DELAY_SLICE_MS 100

/* What M needs to make the container and become its monitor. */
struct launch {
	const char *root, *id;
	struct spec *spec;
	int lock_fd, client_fd;
	bool interactive;
	long long delay_ms; /* the restart delay that came before this run */
};

/* The container's ends and ours of its stdio: pipes, unless a terminal. */
struct stdio_pipes {
	int in[2], out[2], err[2];
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void pipes_close(struct stdio_pipes *p)
{
	for (int i = 0; i < 2; i++) {
		close_fd(&p->in[i]);
		close_fd(&p->out[i]);
		close_fd(&p->err[i]);
	}
}

static int pipes_make(struct stdio_pipes *p, bool terminal, bool interactive, md_error *err)
{
	*p = (struct stdio_pipes){ { -1, -1 }, { -1, -1 }, { -1, -1 } };
	if (terminal)
		return 0;
	if (pipe2(p->out, O_CLOEXEC) < 0 || pipe2(p->err, O_CLOEXEC) < 0 ||
	    (interactive && pipe2(p->in, O_CLOEXEC) < 0)) {
		pipes_close(p);
		return md_error_set(err, errno, "pipe");
	}
	return 0;
}

static void keep_on_exec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
}

static void push_arg(char ***argv, const char *flag, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	md_strv_push(argv, flag);
	md_strv_push(argv, buf);
}

static void push_str(char ***argv, const char *flag, const char *v)
{
	md_strv_push(argv, flag);
	md_strv_push(argv, v);
}

/* The monitor's command line: its fds, the log and the health check from
 * the record. */
static char **monitor_argv(const struct launch *l, const struct container_record *rec,
			   const struct rt_container *c, const struct stdio_pipes *p,
			   const char *self)
{
	cleanup_free char *attach = xasprintf("%s/%s/attach", ENGINE_CONTAINERS_DIR, l->id);
	cleanup_free char *log = logs_path(l->root, l->id);
	long long max_size = 0;
	int max_files = 1;
	bool enabled = false;
	long interval = 0, start_period = 0;
	char **argv = NULL;

	md_strv_push(&argv, "mydocker-monitor");
	push_str(&argv, "--id", l->id);
	push_str(&argv, "--root", l->root);
	push_str(&argv, "--self", self);
	push_arg(&argv, "--pid", c->pid);
	push_arg(&argv, "--lock-fd", l->lock_fd);
	push_str(&argv, "--attach", attach);
	push_arg(&argv, "--delay-ms", l->delay_ms);
	if (c->console_master >= 0)
		push_arg(&argv, "--pty-fd", c->console_master);
	if (p->out[0] >= 0) {
		push_arg(&argv, "--out-fd", p->out[0]);
		push_arg(&argv, "--err-fd", p->err[0]);
	}
	if (p->in[1] >= 0)
		push_arg(&argv, "--in-fd", p->in[1]);
	if (l->client_fd >= 0)
		push_arg(&argv, "--client-fd", l->client_fd);
	if (logs_settings(rec->host_config, &max_size, &max_files, &enabled) == 0 && enabled) {
		push_str(&argv, "--log", log);
		push_arg(&argv, "--log-max-size", max_size);
		push_arg(&argv, "--log-max-files", max_files);
	}
	if (health_interval_ms(rec->config.healthcheck, &interval, &start_period) == 0)
		push_arg(&argv, "--health-ms", interval);
	return argv;
}

struct running {
	pid_t pid;
};

static int set_running(struct container_record *c, void *ctx, md_error *err)
{
	const struct running *r = ctx;
	struct container_state *st = &c->state;

	st->status = CONTAINER_RUNNING;
	st->pid = r->pid;
	st->monitor_pid = getpid();
	st->paused = st->restarting = false;
	st->oom_killed = false;
	st->exit_code = 0;
	st->finished_at[0] = '\0';
	free(st->error);
	st->error = NULL;
	health_on_start(st, c->config.healthcheck);
	st->pid_start = 0;
	state_proc_start_time(r->pid, &st->pid_start, NULL, NULL);
	md_rfc3339_now(st->started_at, sizeof(st->started_at));
	return 0;
}

/* In M: create and start the container, record it running, tell the
 * caller (report_fd, may be -1), become the monitor. Returns only on
 * failure. */
static int launch(const struct launch *l, int report_fd, md_error *err)
{
	struct container_record rec = { 0 };
	struct stdio_pipes p;
	struct rt_container *c = NULL;
	cleanup_free char *self = NULL, *monitor = NULL;
	cleanup_strv char **argv = NULL;
	struct rt_create_opts co = { .id = l->id, .seccomp_cache_dir = ENGINE_SECCOMP_CACHE_DIR };

	if (!(self = engine_self_path(err)) ||
	    !(monitor = engine_helper_path("mydocker-monitor", err)))
		return -1;
	if (records_load(l->root, l->id, &rec, err) < 0)
		return -1;
	if (pipes_make(&p, l->spec->process && l->spec->process->terminal, l->interactive, err) < 0)
		goto fail;
	co.stdio[0] = p.in[0];
	co.stdio[1] = p.out[1];
	co.stdio[2] = p.err[1];
	if (rt_create(l->spec, &co, &c, err) < 0 || rt_start(c, err) < 0)
		goto fail;
	close_fd(&p.in[0]);
	close_fd(&p.out[1]);
	close_fd(&p.err[1]);
	{
		struct running r = { c->pid };
		if (records_update(l->root, l->id, set_running, &r, err) < 0)
			goto fail;
	}
	argv = monitor_argv(l, &rec, c, &p, self);
	int fds[] = { l->lock_fd, c->console_master, p.out[0], p.err[0], p.in[1], l->client_fd };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		keep_on_exec(fds[i]);
	if (report_fd >= 0) {
		(void)!write(report_fd, "", 1);
		close(report_fd);
	}
	execv(monitor, argv);
	md_error_set(err, errno, "exec %s", monitor);
	/* Too late to tell the caller: the container runs with no monitor;
	 * killing it leaves the usual exit path to the sweep. */
	if (c->cgroup)
		cgroup_kill(c->cgroup, SIGKILL, NULL);
	_exit(MD_EXIT_FAILURE);
fail:
	if (c) {
		md_error e2;
		rt_destroy(c, &e2);
		rt_container_free(c);
	}
	pipes_close(&p);
	records_free(&rec);
	return -1;
}

/* A start that failed in M: the record tells why, nothing stays. */
static void launch_failed(const struct launch *l, const md_error *why)
{
	char msg[1536];
	md_error err;

	records_set_failed(l->root, l->id, why->status ? why->status : MD_EXIT_FAILURE,
			   md_error_text(why, msg, sizeof(msg)), &err);
	rootfs_overlay_unmount(l->root, l->id, &err);
}

static void to_dev_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	if (!getenv("MYDOCKER_MONITOR_DEBUG"))
		dup2(fd, 2);
	close(fd);
}

/* M: a session of its own, subreaper, SIGCHLD blocked (the monitor reads
 * it from a signalfd: one that comes before is kept pending). */
static void become_monitor(void)
{
	sigset_t set;

	setsid();
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	to_dev_null();
}

/* M's side of detach_start. */
static void monitor_child(struct launch *l, struct store_entry *entry, int report_fd)
{
	char msg[1536];
	md_error err;

	become_monitor();
	md_error_clear(&err);
	if (launch(l, report_fd, &err) == 0)
		_exit(0);
	launch_failed(l, &err);
	md_error_text(&err, msg, sizeof(msg));
	(void)!write(report_fd, msg, strlen(msg));
	store_release(entry);
	_exit(MD_EXIT_FAILURE);
}

/* The caller waits for M's word: "" (one zero byte) when the init runs,
 * else the error's text. */
static int read_report(int fd, pid_t m, md_error *err)
{
	char buf[1600];
	ssize_t n, len = 0;

	while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0 ||
	       (n < 0 && errno == EINTR))
		len += n > 0 ? n : 0;
	buf[len] = '\0';
	if (len == 1 && buf[0] == '\0')
		return 0;
	/* M failed (and exits) or died: reap it, it is our child. */
	waitpid(m, NULL, 0);
	if (len == 0)
		return md_error_set(err, 0, "the container's monitor died before it started");
	return md_error_set(err, 0, "%s", buf);
}

static void set_console_size(struct spec *spec, int tty_fd)
{
	struct winsize ws;

	if (!spec->process || !spec->process->terminal || tty_fd < 0 ||
	    ioctl(tty_fd, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col)
		return;
	spec->process->console_height = ws.ws_row;
	spec->process->console_width = ws.ws_col;
}

static int load_spec(const struct detach_request *r, struct spec **spec, md_error *err)
{
	json_object *config = NULL;
	int ret;

	if (rootfs_overlay_mount(r->root, r->id, r->layers, err) < 0)
		return -1;
	ret = r->make(r->make_ctx, &config, err);
	if (ret == 0)
		ret = spec_from_json(config, spec, err);
	json_object_put(config);
	if (ret < 0) {
		md_error e2;
		rootfs_overlay_unmount(r->root, r->id, &e2);
	}
	return ret;
}

int detach_start(const struct detach_request *r, struct store_entry *entry, int *client_fd,
		 md_error *err)
{
	struct launch l = { .root = r->root,
			    .id = r->id,
			    .lock_fd = entry->lock_fd,
			    .client_fd = -1,
			    .interactive = r->interactive };
	int report[2] = { -1, -1 }, sv[2] = { -1, -1 }, ret = -1;
	pid_t m;

	*client_fd = -1;
	if (load_spec(r, &l.spec, err) < 0) {
		launch_failed(&l, err);
		store_release(entry);
		goto out;
	}
	set_console_size(l.spec, r->tty_fd);
	if (pipe2(report, O_CLOEXEC) < 0 ||
	    (r->attach && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)) {
		md_error_set(err, errno, "pipe");
		goto unmount;
	}
	l.client_fd = sv[1];
	m = fork();
	if (m < 0) {
		md_error_set(err, errno, "fork");
		goto unmount;
	}
	if (m == 0) {
		close(report[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		monitor_child(&l, entry, report[1]);
	}
	close_fd(&report[1]);
	close_fd(&sv[1]);
	ret = read_report(report[0], m, err);
	if (ret == 0)
		*client_fd = sv[0], sv[0] = -1;
	goto out;
unmount:
	launch_failed(&l, err);
	store_release(entry);
out:
	close_fd(&report[0]);
	close_fd(&report[1]);
	close_fd(&sv[0]);
	close_fd(&sv[1]);
	spec_free(l.spec);
	close_fd(&entry->lock_fd);
	return ret;
}

/* ---- after the init: __monitor-exit ---- */

/* Kill what is left of the container, note whether the OOM killer came,
 * remove its cgroups. */
static bool cgroup_end(const char *id)
{
	cleanup_free char *path = cgroup_path_for(NULL, id);
	struct cgroup *cg = NULL;
	long kills = 0;
	md_error err;

	if (cgroup_open(path, &cg, &err) < 0)
		return false;
	if (cgroup_oom_kills(cg, &kills, NULL) < 0)
		kills = 0;
	/* Killed processes may take a moment to leave the cgroup (many
	 * containers ending at once, a slow machine): try again before
	 * giving up, or the cgroup would outlive the container. */
	for (int i = 0; cgroup_destroy(cg, &err) < 0 && i < 100; i++)
		md_sleep_ms(20);
	cgroup_free(cg);
	return kills > 0;
}

struct exit_info {
	int code;
	bool oom;
	struct restart_policy policy;
	bool restart, auto_remove;
	char image[80];
};

static int set_exited(struct container_record *c, void *ctx, md_error *err)
{
	struct exit_info *x = ctx;
	json_object *ar = md_json_member_of(c->host_config, "AutoRemove", json_type_boolean);
	struct container_state *st = &c->state;

	st->status = CONTAINER_EXITED;
	st->pid = 0;
	st->pid_start = 0;
	st->monitor_pid = 0;
	st->paused = false;
	st->exit_code = x->code;
	st->oom_killed = x->oom;
	md_rfc3339_now(st->finished_at, sizeof(st->finished_at));
	x->auto_remove = ar && json_object_get_boolean(ar);
	restart_from_host_config(c->host_config, &x->policy);
	x->restart = restart_wanted(&x->policy, x->code, c->manual_stop, c->restart_count);
	st->restarting = x->restart;
	snprintf(x->image, sizeof(x->image), "%s", c->image ? c->image : "");
	return 0;
}

static int count_restart(struct container_record *c, void *ctx, md_error *err)
{
	bool *go = ctx;

	*go = !c->manual_stop && c->state.restarting;
	if (!*go) {
		c->state.restarting = false;
		return 0;
	}
	c->restart_count++;
	return 0;
}

static int stop_restarting(struct container_record *c, void *ctx, md_error *err)
{
	c->state.restarting = false;
	return 0;
}

/* Sleep the delay, a slice at a time: a stop or rm meanwhile (manual_stop)
 * ends the wait and the restart. */
static bool restart_after(const char *root, const char *id, long delay_ms)
{
	bool go = false;
	md_error err;

	for (long slept = 0; slept < delay_ms; slept += DELAY_SLICE_MS) {
		struct container_record c;

		md_sleep_ms(delay_ms - slept < DELAY_SLICE_MS ? delay_ms - slept : DELAY_SLICE_MS);
		if (records_load(root, id, &c, &err) < 0)
			return false;
		go = !c.manual_stop;
		records_free(&c);
		if (!go)
			break;
	}
	return records_update(root, id, count_restart, &go, &err) == 0 && go;
}

/* The restart itself, in this process (the init's parent again). */
static int restart(const char *root, const char *id, const char *image, int lock_fd,
		   long long delay_ms, md_error *err)
{
	struct run_stored lc = { root, id };
	struct detach_request r = {
		.root = root, .id = id, .make = run_stored_config, .make_ctx = &lc
	};
	struct launch l = {
		.root = root, .id = id, .lock_fd = lock_fd, .client_fd = -1, .delay_ms = delay_ms
	};
	struct image_info img;
	cleanup_strv char **layers = NULL;
	int ret = -1;

	if (run_image_layers(root, image, &img, &layers, err) == 0) {
		r.layers = layers;
		if (load_spec(&r, &l.spec, err) == 0) {
			become_monitor();
			ret = launch(&l, -1, err);
			launch_failed(&l, err);
		}
	}
	spec_free(l.spec);
	image_info_free(&img);
	return ret;
}

int engine_monitor_exited(const char *root, const char *id, int wait_status, int lock_fd,
			  long long ran_ms, long long prev_delay_ms, md_error *err)
{
	struct store_entry entry = { .lock_fd = lock_fd };
	struct exit_info x = { .code = rt_exit_code(wait_status) };
	md_error e2;
	int ret;

	if (strlen(id) != RECORD_ID_LEN || fcntl(lock_fd, F_GETFD) < 0)
		return md_error_set(err, EINVAL, "__monitor-exit: not a monitor's hand-over");
	fcntl(lock_fd, F_SETFD, FD_CLOEXEC);
	memcpy(entry.id, id, sizeof(entry.id));
	x.oom = cgroup_end(id);
	rootfs_overlay_unmount(root, id, &e2);
	ret = records_update(root, id, set_exited, &x, err);
	if (ret == 0 && x.restart) {
		long delay = restart_delay_ms((long)prev_delay_ms, (long)ran_ms);

		if (restart_after(root, id, delay))
			ret = restart(root, id, x.image, lock_fd, delay, err);
		records_update(root, id, stop_restarting, NULL, &e2);
	}
	if (x.auto_remove)
		run_remove(NULL, root, id);
	store_release(&entry);
	return ret;
}
