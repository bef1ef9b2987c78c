/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/sync.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static const char *const type_names[] = {
	[SYNC_CGROUP_DONE] = "cgroup-done",
	[SYNC_USERNS_READY] = "userns-ready",
	[SYNC_CONSOLE] = "console",
	[SYNC_READY] = "ready",
	[SYNC_EXEC] = "exec",
	[SYNC_ERROR] = "error",
	[SYNC_HOOKS] = "hooks",
	[SYNC_HOOKS_DONE] = "hooks-done",
	[SYNC_PID] = "pid",
	[SYNC_GO] = "go",
};

static const char *sync_type_name(enum sync_type t)
{
	if ((size_t)t < ARRAY_SIZE(type_names) && type_names[t])
		return type_names[t];
	return "unknown";
}

int sync_pair(int fds[2], md_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return md_error_set(err, errno, "socketpair");
	return 0;
}

int sync_send_value(int sock, enum sync_type type, int32_t value, int fd, md_error *err)
{
	struct sync_msg m = { .type = type, .value = value };

	if (md_send_fd(sock, &m, sizeof(m), fd) < 0)
		return md_error_set(err, errno, "sync: send %s", sync_type_name(type));
	return 0;
}

int sync_send(int sock, enum sync_type type, int fd, md_error *err)
{
	return sync_send_value(sock, type, 0, fd, err);
}

void sync_send_error(int sock, const md_error *e)
{
	struct sync_msg m = { .type = SYNC_ERROR, .errnum = e->errnum, .status = e->status };

	snprintf(m.msg, sizeof(m.msg), "%s", e->msg);
	(void)md_send_fd(sock, &m, sizeof(m), -1);
}

static int error_from_frame(struct sync_msg *m, md_error *err)
{
	m->msg[sizeof(m->msg) - 1] = '\0';
	md_error_set(err, m->errnum, "%s", m->msg);
	err->status = m->status ? m->status : MD_EXIT_FAILURE;
	return -1;
}

int sync_expect(int sock, enum sync_type want, int *fd_out, md_error *err)
{
	return sync_expect_value(sock, want, NULL, fd_out, err);
}

int sync_expect_value(int sock, enum sync_type want, int32_t *value, int *fd_out, md_error *err)
{
	struct sync_msg m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	if (fd_out)
		*fd_out = -1;
	r = md_recv_fd(sock, &m, sizeof(m), fd_out);
	if (r < 0)
		return md_error_set(err, errno, "sync: waiting for %s", sync_type_name(want));
	if (r == 0)
		return md_error_set(err, 0, "container process exited before `%s`",
				    sync_type_name(want));
	if (r != (ssize_t)sizeof(m))
		return md_error_set(err, EPROTO, "sync: short frame while waiting for %s",
				    sync_type_name(want));
	if (m.type == SYNC_ERROR) {
		return error_from_frame(&m, err);
	}
	if (m.type != want) {
		if (fd_out && *fd_out >= 0) {
			close(*fd_out);
			*fd_out = -1;
		}
		return md_error_set(err, EPROTO, "sync: got %s while waiting for %s",
				    sync_type_name(m.type), sync_type_name(want));
	}
	if (value)
		*value = m.value;
	return 0;
}

int sync_wait_exec(int sock, md_error *err)
{
	struct sync_msg m;
	ssize_t r;

	memset(&m, 0, sizeof(m));
	r = md_recv_fd(sock, &m, sizeof(m), NULL);
	if (r == 0)
		return 0;
	if (r < 0)
		return md_error_set(err, errno, "sync: waiting for exec");
	if (m.type != SYNC_ERROR)
		return md_error_set(err, EPROTO, "sync: got %s while waiting for exec",
				    sync_type_name(m.type));
	return error_from_frame(&m, err);
}
