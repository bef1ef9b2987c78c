/* What the OCI verbs share: the console socket, pid files, the saved
 * config, failure reporting. */
#include "oci-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int oci_fail(struct oci_ctx *ctx, const md_error *err)
{
	cli_fail(&ctx->log, err);
	return 1; /* runc's status for its own failures */
}

int oci_send_console(const char *socket_path, int master, md_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char name[] = "/dev/ptmx";
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return md_error_set(err, ENAMETOOLONG, "console socket `%s`", socket_path);
	strcpy(addr.sun_path, socket_path);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return md_error_set(err, errno, "connect to console socket `%s`", socket_path);
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0)
		return md_error_set(err, errno, "send console to `%s`", socket_path);
	return 0;
}

int oci_write_pid_file(const char *path, pid_t pid, md_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	return md_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

int oci_check_preserve_fds(int n, md_error *err)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return md_error_set(err, EBADF, "--preserve-fds=%d: fd %d is not open", n, fd);
	return 0;
}

int oci_load_saved_config(struct oci_ctx *ctx, const char *id, struct spec **out,
			  md_error *err)
{
	cleanup_free char *path = state_file(ctx->root, id, "config.json");

	return spec_load_file(path, out, err);
}

int oci_load_state(struct oci_ctx *ctx, const char *id, struct rt_state **st, md_error *err)
{
	if (state_check_id(id, err) < 0)
		return -1;
	if (state_load(ctx->root, id, st, err) < 0) {
		if (err->errnum == ENOENT)
			md_error_set(err, ENOENT, "container %s does not exist", id);
		return -1;
	}
	return 0;
}

void oci_run_hooks_warn(struct oci_ctx *ctx, const struct spec *spec, enum rt_hook_kind kind,
			const struct rt_state *st, enum rt_status status)
{
	json_object *js;
	md_error err;

	if (!spec || rt_hook_count(&spec->hooks, kind) == 0)
		return;
	js = state_oci_json(st, status);
	if (rt_run_hooks(&spec->hooks, kind, js, &err) < 0) {
		char buf[1536];
		cli_logf(&ctx->log, RT_LOG_WARN, "%s", md_error_text(&err, buf, sizeof(buf)));
	}
	json_object_put(js);
}

char *oci_abs_bundle(const char *bundle, md_error *err)
{
	char buf[PATH_MAX];

	if (!realpath(bundle ? bundle : ".", buf)) {
		md_error_set(err, errno, "bundle `%s`", bundle ? bundle : ".");
		return NULL;
	}
	return xstrdup(buf);
}

int oci_open_one(struct oci_ctx *ctx, const struct oci_flags *f, int argc, char **argv,
		 int *lock_fd, struct rt_state **st, md_error *err)
{
	const char *id;
	int r = oci_parse_id(f, argc, argv, &id, err);

	if (r)
		return r;
	if (lock_fd && state_lock(ctx->root, id, lock_fd, err) < 0) {
		if (err->errnum == ENOENT)
			md_error_set(err, ENOENT, "container %s does not exist", id);
		return -1;
	}
	return oci_load_state(ctx, id, st, err);
}
