/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/process.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/caps.h"
#include "runtime/userns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *env_get(char *const *env, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
			return env[i] + kl + 1;
	return NULL;
}

static int exec_error(const char *file, int e, md_error *err)
{
	md_error_set(err, e, "exec: \"%s\"", file);
	err->status = (e == ENOENT || e == ENOTDIR) ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_EXEC;
	return -1;
}

static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EACCES;
		return -1;
	}
	return access(path, X_OK);
}

int process_find_executable(const char *file, char *const *env, char **out, md_error *err)
{
	const char *path = env_get(env, "PATH");
	cleanup_free char *dirs = NULL;
	int last_error = ENOENT;
	char *save = NULL;

	if (!file || !*file)
		return exec_error("", ENOENT, err);
	if (strchr(file, '/')) {
		if (check_executable(file) < 0)
			return exec_error(file, errno, err);
		*out = xstrdup(file);
		return 0;
	}
	dirs = xstrdup(path ? path
			    : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		cleanup_free char *cand = xasprintf("%s/%s", *d ? d : ".", file);

		if (check_executable(cand) == 0) {
			*out = TAKE_PTR(cand);
			return 0;
		}
		if (errno == EACCES)
			last_error = EACCES;
	}
	if (last_error == EACCES)
		return exec_error(file, EACCES, err);
	md_error_set(err, 0, "exec: \"%s\": executable file not found in $PATH", file);
	err->status = MD_EXIT_NOT_FOUND;
	return -1;
}

/* /dev/console is an empty file that rootfs setup made for us (see
 * devices.c): bind the pty there, from its fd, never by a path the
 * container could have swapped (CVE-2025-52565). Anything else at that
 * path (a host /dev, a console already bound) is left alone. */
static int bind_console(int peer, md_error *err)
{
	cleanup_close int fd = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char src[64], dst[64];

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 0)
		return 0;
	if (mount(md_fd_path(peer, src, sizeof(src)), md_fd_path(fd, dst, sizeof(dst)), NULL,
		  MS_BIND, NULL) < 0)
		return md_error_set(err, errno, "bind the console on /dev/console");
	return 0;
}

int process_setup_console(const struct spec_process *p, int *master, md_error *err)
{
	cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	cleanup_close int peer = -1;

	if (m < 0)
		return md_error_set(err, errno, "open /dev/ptmx");
	if (unlockpt(m) < 0)
		return md_error_set(err, errno, "unlock pty");
	/* Open the peer through the master, not by a path the container
	 * could have swapped. */
	peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer < 0)
		return md_error_set(err, errno, "open pty peer");
	if (p->console_height || p->console_width) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		if (ioctl(peer, TIOCSWINSZ, &ws) < 0)
			return md_error_set(err, errno, "set console size");
	}
	if (bind_console(peer, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (dup2(peer, i) < 0)
			return md_error_set(err, errno, "dup pty to fd %d", i);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return md_error_set(err, errno, "make pty the controlling terminal");
	*master = TAKE_FD(m);
	return 0;
}

int process_setup_stdio(const int stdio[3], md_error *err)
{
	cleanup_close int null = -1;
	int fds[3];

	for (int i = 0; i < 3; i++) {
		fds[i] = stdio[i];
		if (fds[i] >= 0)
			continue;
		if (null < 0)
			null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0)
			return md_error_set(err, errno, "open /dev/null");
		fds[i] = null;
	}
	for (int i = 0; i < 3; i++) {
		/* dup2 onto itself keeps FD_CLOEXEC: clear it by hand. */
		if (fds[i] == i) {
			if (fcntl(i, F_SETFD, 0) < 0)
				return md_error_set(err, errno, "fcntl fd %d", i);
		} else if (dup2(fds[i], i) < 0) {
			return md_error_set(err, errno, "dup fd %d to %d", fds[i], i);
		}
	}
	return 0;
}

int process_apply_rlimits(const struct spec_process *p, md_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];
		struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

		if (setrlimit(r->resource, &rl) < 0)
			return md_error_set(err, errno,
					    "setrlimit %d to %llu:%llu (the host "
					    "may not allow raising it this high)",
					    r->resource, (unsigned long long)r->soft,
					    (unsigned long long)r->hard);
	}
	return 0;
}

int process_apply_oom_score(const struct spec_process *p, md_error *err)
{
	char buf[32];
	cleanup_close int fd = -1;

	if (!p->oom_score_adj.set)
		return 0;
	snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.v);
	fd = md_open_procfs("/proc/self/oom_score_adj", O_WRONLY, err);
	if (fd < 0)
		return -1;
	if (md_write_all(fd, buf, strlen(buf)) < 0)
		return md_error_set(err, errno, "write /proc/self/oom_score_adj");
	return 0;
}

/* ---- LSM labels ---- */

/* Our own attr file in procfs, checked to be procfs: a container's /proc
 * could be something else that fakes it (CVE-2019-16884). */
static int open_attr(const char *file, int flags, md_error *err)
{
	cleanup_free char *path = xasprintf("/proc/thread-self/attr/%s", file);

	return md_open_procfs(path, flags, err);
}

static bool read_attr(const char *file, char *buf, size_t len)
{
	cleanup_close int fd = open_attr(file, O_RDONLY, NULL);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	return n >= 0;
}

/* AppArmor is active when it answers for its own attr directory (5.8+);
 * older kernels tell through the module parameter, as runc reads it. */
static bool apparmor_enabled(void)
{
	char buf[256];
	cleanup_close int fd = -1;

	if (read_attr("apparmor/current", buf, sizeof(buf)))
		return true;
	if (errno != ENOENT)
		return false;
	fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'Y';
}

/* SELinux gives every task a context "user:role:type[:level]". */
static bool selinux_enabled(void)
{
	cleanup_free char *fs = NULL;
	char buf[256];

	if (md_read_file("/proc/filesystems", &fs, NULL, NULL) < 0 || !strstr(fs, "selinuxfs"))
		return false;
	return read_attr("current", buf, sizeof(buf)) && strchr(buf, ':');
}

static int write_attr(const char *file, const char *value, md_error *err)
{
	cleanup_close int fd = open_attr(file, O_WRONLY, err);

	if (fd < 0)
		return -1;
	if (md_write_all(fd, value, strlen(value)) < 0)
		return md_error_set(err, errno, "write \"%s\" to attr/%s", value, file);
	return 0;
}

/* The label the program gets at execve. A label the host cannot apply
 * is an error: running unconfined instead would be a silent downgrade. */
static int apply_lsm(const struct spec_process *p, md_error *err)
{
	if (p->apparmor_profile && *p->apparmor_profile) {
		cleanup_free char *v = xasprintf("exec %s", p->apparmor_profile);

		if (!apparmor_enabled())
			return md_error_set(err, EOPNOTSUPP,
					    "apparmorProfile \"%s\" is set, but "
					    "AppArmor is not enabled on this host",
					    p->apparmor_profile);
		if (write_attr("apparmor/exec", v, err) < 0 &&
		    (err->errnum != ENOENT || write_attr("exec", v, err) < 0))
			return md_error_prefix(err, "apparmor profile");
	}
	if (p->selinux_label && *p->selinux_label) {
		if (!selinux_enabled())
			return md_error_set(err, EOPNOTSUPP,
					    "selinuxLabel \"%s\" is set, but "
					    "SELinux is not enabled on this host",
					    p->selinux_label);
		if (write_attr("exec", p->selinux_label, err) < 0)
			return md_error_prefix(err, "selinux label");
	}
	return 0;
}

/* ---- user and privileges ---- */

static int switch_ids(const struct spec_user *u, md_error *err)
{
	/* A user namespace of an unprivileged caller has setgroups denied:
	 * then there are no groups to drop, but none can be added either. */
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
	    (errno != EPERM || u->n_additional_gids > 0 || userns_setgroups_allowed()))
		return md_error_set(err, errno, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return md_error_set(err, errno, "setgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return md_error_set(err, errno, "setuid %u", (unsigned)u->uid);
	return 0;
}

int process_set_user(const struct spec_process *p, bool keep_admin, md_error *err)
{
	if (apply_lsm(p, err) < 0)
		return -1;
	if (caps_before_user(&p->caps, keep_admin, err) < 0 || switch_ids(&p->user, err) < 0 ||
	    caps_after_user(&p->caps, keep_admin, err) < 0)
		return -1;
	if (p->user.umask.set)
		umask((mode_t)p->user.umask.v);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return md_error_set(err, errno, "set no_new_privs");
	return 0;
}

int process_chdir(const struct spec_process *p, md_error *err)
{
	const char *cwd = p->cwd ? p->cwd : "/";
	char now[PATH_MAX];

	if (chdir(cwd) < 0)
		return md_error_set(err, errno, "chdir to cwd `%s`", cwd);
	/* A cwd reached through a leaked fd would be outside our root
	 * (CVE-2024-21626): getcwd then reports "(unreachable)". */
	if (!getcwd(now, sizeof(now)) || now[0] != '/')
		return md_error_set(err, EPERM, "cwd `%s` is outside the container root", cwd);
	return 0;
}

/* Apply one fd's share of process_close_range. */
static int close_one(int fd, bool cloexec)
{
	if (!cloexec)
		return close(fd) < 0 && errno != EBADF && errno != EINTR ? -1 : 0;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
		return -1;
	return 0;
}

/* Without a procfs to list them: try every number up to our fd limit. */
static int close_range_count(unsigned first, unsigned last, bool cloexec, md_error *err)
{
	struct rlimit rl;
	unsigned end = last;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur - 1 < end)
		end = (unsigned)rl.rlim_cur - 1;
	for (unsigned fd = first; fd <= end && fd <= INT_MAX; fd++)
		if (close_one((int)fd, cloexec) < 0)
			return md_error_set(err, errno, "close fd %u", fd);
	return 0;
}

static int close_range_walk(unsigned first, unsigned last, bool cloexec, md_error *err)
{
	int dfd = md_open_procfs("/proc/self/fd", O_RDONLY | O_DIRECTORY, NULL);
	struct dirent *e;
	DIR *d;
	int r = 0;

	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return close_range_count(first, last, cloexec, err);
	}
	while (r == 0 && (e = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);

		if (*end || e->d_name[0] == '.' || (int)fd == dfd || fd < first || fd > last)
			continue;
		if (close_one((int)fd, cloexec) < 0)
			r = md_error_set(err, errno, "close fd %lu", fd);
	}
	closedir(d);
	return r;
}

/* close_range(2) needs Linux 5.9 (CLOSE_RANGE_CLOEXEC 5.11), and a
 * config's seccomp profile may refuse it: then walk /proc/self/fd. */
int process_close_range(unsigned first, unsigned last, bool cloexec, md_error *err)
{
	if (first > last)
		return 0;
	if (syscall(SYS_close_range, first, last, cloexec ? CLOSE_RANGE_CLOEXEC : 0U) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
		return md_error_set(err, errno, "close_range");
	return close_range_walk(first, last, cloexec, err);
}

int process_prepare_fds(int preserve, md_error *err)
{
	unsigned first = 3 + (unsigned)(preserve > 0 ? preserve : 0);

	for (unsigned fd = 3; fd < first; fd++)
		if (fcntl((int)fd, F_SETFD, 0) < 0)
			return md_error_set(err, errno, "preserved fd %u", fd);
	return process_close_range(first, ~0U, true, err);
}

void process_reset_signals(void)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
