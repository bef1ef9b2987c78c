/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/hooks.h"
#include "util/cleanup.h"
#include "util/util.h"
#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

#define TAIL_MAX 400 /* bytes of the hook's stderr kept for the error */

struct hook_list {
	const struct spec_hook *list;
	size_t n;
};

static const char *const kind_names[] = {
	[RT_HOOK_PRESTART] = "prestart",
	[RT_HOOK_CREATE_RUNTIME] = "createRuntime",
	[RT_HOOK_CREATE_CONTAINER] = "createContainer",
	[RT_HOOK_START_CONTAINER] = "startContainer",
	[RT_HOOK_POSTSTART] = "poststart",
	[RT_HOOK_POSTSTOP] = "poststop",
};

/* "prestart", "createRuntime"... as the config spells them. */
static const char *hooks_kind_name(enum rt_hook_kind kind)
{
	if ((size_t)kind < ARRAY_SIZE(kind_names))
		return kind_names[kind];
	return "unknown";
}

static struct hook_list hooks_of(const struct spec_hooks *h, enum rt_hook_kind kind)
{
	switch (kind) {
	case RT_HOOK_PRESTART:
		return (struct hook_list){ h->prestart, h->n_prestart };
	case RT_HOOK_CREATE_RUNTIME:
		return (struct hook_list){ h->create_runtime, h->n_create_runtime };
	case RT_HOOK_CREATE_CONTAINER:
		return (struct hook_list){ h->create_container, h->n_create_container };
	case RT_HOOK_START_CONTAINER:
		return (struct hook_list){ h->start_container, h->n_start_container };
	case RT_HOOK_POSTSTART:
		return (struct hook_list){ h->poststart, h->n_poststart };
	case RT_HOOK_POSTSTOP:
		return (struct hook_list){ h->poststop, h->n_poststop };
	}
	return (struct hook_list){ NULL, 0 };
}

size_t hooks_count(const struct spec_hooks *hooks, enum rt_hook_kind kind)
{
	return hooks ? hooks_of(hooks, kind).n : 0;
}

/* The state goes in a sealed memfd rather than a pipe: the hook reads it
 * at its own pace, and we never block writing to a hook that does not. */
int hooks_state_memfd(const char *state, md_error *err)
{
	cleanup_close int fd = memfd_create("oci-state", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return md_error_set(err, errno, "memfd_create");
	if (md_write_all(fd, state, strlen(state)) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return md_error_set(err, errno, "write state for hook");
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return TAKE_FD(fd);
}

/* In the forked hook process: never returns. */
__attribute__((noreturn)) static void hook_exec(const struct spec_hook *h, int in, int errw)
{
	char *const default_argv[] = { h->path, NULL };
	char *const no_env[] = { NULL };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* Its own group, so that a timeout kills what it started too. */
	setpgid(0, 0);
	process_reset_signals();
	if (dup2(in, 0) < 0 || dup2(null >= 0 ? null : errw, 1) < 0 || dup2(errw, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execve(h->path, h->args && h->args[0] ? h->args : default_argv, h->env ? h->env : no_env);
	dprintf(2, "exec %s: %s", h->path, strerror(errno));
	_exit(127);
}

/* Keep the last TAIL_MAX bytes read from fd; 0 at EOF. */
static int read_tail(int fd, char *tail, size_t *len)
{
	char buf[4096];
	ssize_t r;

	do
		r = read(fd, buf, sizeof(buf));
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return 1;
	if (r <= 0)
		return 0;
	if ((size_t)r >= TAIL_MAX) {
		memcpy(tail, buf + r - TAIL_MAX, TAIL_MAX);
		*len = TAIL_MAX;
	} else {
		size_t keep = *len + (size_t)r > TAIL_MAX ? TAIL_MAX - (size_t)r : *len;

		memmove(tail, tail + *len - keep, keep);
		memcpy(tail + keep, buf, (size_t)r);
		*len = keep + (size_t)r;
	}
	return 1;
}

struct hook_run {
	pid_t pid;
	int pidfd;
	int errfd; /* read end of the hook's stderr, -1 at EOF */
	char tail[TAIL_MAX + 1];
	size_t tail_len;
	bool timed_out;
};

/* Wait for the hook to exit (or the deadline), reading its stderr. */
static int hook_wait(struct hook_run *r, int timeout_s, md_error *err)
{
	long deadline = timeout_s > 0 ? md_now_ms() + timeout_s * 1000L : -1;

	for (;;) {
		struct pollfd p[2] = { { .fd = r->pidfd, .events = POLLIN },
				       { .fd = r->errfd, .events = POLLIN } };
		long left = deadline < 0 ? -1 : deadline - md_now_ms();
		int n;

		if (deadline >= 0 && left <= 0) {
			r->timed_out = true;
			kill(-r->pid, SIGKILL);
			syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
			break;
		}
		n = poll(p, 2, (int)(left > 1000000 ? 1000000 : left));
		if (n < 0 && errno != EINTR)
			return md_error_set(err, errno, "poll on hook");
		if (n > 0 && p[1].revents && read_tail(r->errfd, r->tail, &r->tail_len) == 0)
			r->errfd = -1; /* closed by the hook; still wait for its exit */
		if (n > 0 && p[0].revents)
			break;
	}
	/* Whatever it wrote before exiting; do not wait for its children. */
	if (r->errfd >= 0) {
		fcntl(r->errfd, F_SETFL, O_NONBLOCK);
		while (read_tail(r->errfd, r->tail, &r->tail_len) == 1) {
			struct pollfd p = { .fd = r->errfd, .events = POLLIN };
			if (poll(&p, 1, 0) <= 0)
				break;
		}
	}
	return 0;
}

static int reap(pid_t pid, int *status, md_error *err)
{
	while (waitpid(pid, status, __WALL) < 0)
		if (errno != EINTR)
			return md_error_set(err, errno, "waitpid hook %d", (int)pid);
	return 0;
}

/* The error for a hook that did not succeed, with its stderr tail. */
static int hook_failed(enum rt_hook_kind kind, const struct spec_hook *h, struct hook_run *r,
		       int status, md_error *err)
{
	char why[64];

	while (r->tail_len > 0 &&
	       (r->tail[r->tail_len - 1] == '\n' || r->tail[r->tail_len - 1] == ' '))
		r->tail_len--;
	r->tail[r->tail_len] = '\0';
	if (r->timed_out)
		snprintf(why, sizeof(why), "timed out after %d s", h->timeout);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
	return md_error_set(err, 0, "%s hook `%s` failed: %s%s%s", hooks_kind_name(kind), h->path,
			    why, r->tail_len ? ": " : "", r->tail);
}

static int hook_run(enum rt_hook_kind kind, const struct spec_hook *h, const char *state,
		    md_error *err)
{
	cleanup_close int in = hooks_state_memfd(state, err);
	cleanup_close int errr = -1, pidfd = -1;
	struct hook_run r = { .pid = -1 };
	int pipefd[2], status = 0, ret;

	if (in < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return md_error_set(err, errno, "pipe");
	errr = pipefd[0];
	r.pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PIDFD | SIGCHLD), NULL, &pidfd,
			       NULL, 0);
	if (r.pid < 0) {
		close(pipefd[1]);
		return md_error_set(err, errno, "fork %s hook", hooks_kind_name(kind));
	}
	if (r.pid == 0)
		hook_exec(h, in, pipefd[1]);
	close(pipefd[1]);
	r.pidfd = pidfd;
	r.errfd = errr;
	ret = hook_wait(&r, h->timeout, err);
	if (reap(r.pid, &status, ret < 0 ? NULL : err) < 0 || ret < 0)
		return -1;
	if (!r.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return hook_failed(kind, h, &r, status, err);
}

int hooks_run_text(const struct spec_hooks *hooks, enum rt_hook_kind kind, const char *state_json,
		   md_error *err)
{
	struct hook_list l = hooks ? hooks_of(hooks, kind) : (struct hook_list){ NULL, 0 };

	for (size_t i = 0; i < l.n; i++)
		if (hook_run(kind, &l.list[i], state_json, err) < 0)
			return -1;
	return 0;
}

int hooks_run(const struct spec_hooks *hooks, enum rt_hook_kind kind, json_object *state,
	      md_error *err)
{
	if (hooks_count(hooks, kind) == 0)
		return 0;
	return hooks_run_text(hooks, kind,
			      json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN), err);
}
