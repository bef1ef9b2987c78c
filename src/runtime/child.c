#include "child.h"
#include "../util/cleanup.h"
#include "../util/util.h"
#include "mounts.h"
#include "process.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bring up "lo" in a new network namespace, as runc and crun do. */
static int loopback_up(md_error *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	if (s < 0)
		return md_error_set(err, errno, "socket for lo");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return md_error_set(err, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return md_error_set(err, errno, "bring up lo");
	return 0;
}

static int step_early(const struct child_ctx *cx, md_error *err)
{
	/* Die with the parent; and stay non-dumpable until execve so that no
	 * process in the container can open our /proc/PID/exe or ptrace us
	 * while we hold host resources (CVE-2019-5736, CVE-2016-9962). A
	 * parent that died before the prctl shows as EOF on the sync socket
	 * (getppid() is 0 in a new PID namespace, so it cannot tell). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		return md_error_set(err, errno, "prctl");
	process_reset_signals();
	return 0;
}

static int step_namespaces(const struct child_ctx *cx, md_error *err)
{
	const struct spec *s = cx->spec;

	/* Only now, inside our cgroup, so that it becomes the namespace root. */
	if (spec_find_namespace(s, CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return md_error_set(err, errno, "unshare cgroup namespace");
	if (spec_find_namespace(s, CLONE_NEWNET) && loopback_up(err) < 0)
		return -1;
	if (setsid() < 0)
		return md_error_set(err, errno, "setsid");
	return 0;
}

static int step_names(const struct spec *s, md_error *err)
{
	bool uts = spec_find_namespace(s, CLONE_NEWUTS) != NULL;

	if ((s->hostname || s->domainname) && !uts)
		return md_error_set(err, EINVAL, "hostname or domainname set without a "
				    "new UTS namespace");
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return md_error_set(err, errno, "sethostname `%s`", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return md_error_set(err, errno, "setdomainname `%s`", s->domainname);
	return 0;
}

static int step_stdio(const struct child_ctx *cx, md_error *err)
{
	const struct spec_process *p = cx->spec->process;
	cleanup_close int master = -1;

	if (!p->terminal)
		return process_setup_stdio(cx->opts->stdio, err);
	if (process_setup_console(p, &master, err) < 0)
		return -1;
	return sync_send(cx->sock, SYNC_CONSOLE, master, err);
}

static int step_process(const struct child_ctx *cx, char **exe, md_error *err)
{
	const struct spec_process *p = cx->spec->process;

	if (process_apply_rlimits(p, err) < 0 || process_apply_oom_score(p, err) < 0)
		return -1;
	if (process_set_user(p, err) < 0 || process_chdir(p, err) < 0)
		return -1;
	/* Look the program up before reporting ready, so that "not found"
	 * fails `create` as callers expect. */
	return process_find_executable(p->args[0], p->env, exe, err);
}

static int wait_for_start(const struct child_ctx *cx, md_error *err)
{
	const char *fifo = cx->opts->exec_fifo;
	cleanup_close int fd = -1;

	if (!fifo)
		return sync_expect(cx->sock, SYNC_EXEC, NULL, err);
	/* Blocks until `start` opens the other end for reading. */
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open exec fifo");
	if (write(fd, "0", 1) != 1)
		return md_error_set(err, errno, "write exec fifo");
	return 0;
}

static int child_setup(const struct child_ctx *cx, char **exe, md_error *err)
{
	const struct spec *s = cx->spec;

	if (step_early(cx, err) < 0)
		return -1;
	if (sync_expect(cx->sock, SYNC_CGROUP_DONE, NULL, err) < 0)
		return -1;
	if (step_namespaces(cx, err) < 0)
		return -1;
	if (rootfs_setup(s, cx->opts->bundle, cx->opts->no_pivot, err) < 0)
		return md_error_prefix(err, "rootfs");
	if (step_names(s, err) < 0 || step_stdio(cx, err) < 0)
		return -1;
	if (step_process(cx, exe, err) < 0)
		return -1;
	if (process_prepare_fds(cx->opts->preserve_fds, err) < 0)
		return -1;
	if (sync_send(cx->sock, SYNC_READY, -1, err) < 0)
		return -1;
	return wait_for_start(cx, err);
}

void child_main(const struct child_ctx *cx)
{
	char *exe = NULL;
	md_error err;

	md_error_clear(&err);
	if (child_setup(cx, &exe, &err) == 0) {
		execve(exe, cx->spec->process->args, cx->spec->process->env);
		md_error_set(&err, errno, "exec: \"%s\"", exe);
		err.status = errno == ENOENT ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_EXEC;
	}
	sync_send_error(cx->sock, &err);
	_exit(err.status ? err.status : MD_EXIT_FAILURE);
}
