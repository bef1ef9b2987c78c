/* SPDX-License-Identifier: Apache-2.0 */
/* What the OCI verbs share: the core's context, the console socket, pid
 * files, failure reporting. */
#include "cli/oci/oci-internal.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct rt_oci oci_rt(struct oci_ctx *ctx)
{
	return (struct rt_oci){ .root = ctx->root,
				.systemd_cgroup = ctx->systemd_cgroup,
				.log = cli_log_sink,
				.log_ctx = &ctx->log,
				.seccomp_cache_dir = ctx->seccomp_cache };
}

int oci_fail(struct oci_ctx *ctx, const md_error *err)
{
	cli_fail(&ctx->log, err);
	return 1; /* runc's status for its own failures */
}

int oci_send_console(const char *socket_path, int master, md_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	static const char name[] = "/dev/ptmx";

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return md_error_set(err, ENAMETOOLONG, "console socket `%s`", socket_path);
	strcpy(addr.sun_path, socket_path);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return md_error_set(err, errno, "connect to console socket `%s`", socket_path);
	if (md_send_fd(s, name, sizeof(name), master) < 0)
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
			return md_error_set(err, EBADF, "--preserve-fds=%d: fd %d is not open", n,
					    fd);
	return 0;
}
