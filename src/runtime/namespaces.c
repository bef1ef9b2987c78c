/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/namespaces.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"
#include "runtime/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	int type;
	const char *proc;   /* name under /proc/PID/ns/ */
	const char *config; /* name in linux.namespaces[].type */
} kinds[NS_KINDS] = {
	[NS_USER] = { CLONE_NEWUSER, "user", "user" },
	[NS_IPC] = { CLONE_NEWIPC, "ipc", "ipc" },
	[NS_UTS] = { CLONE_NEWUTS, "uts", "uts" },
	[NS_NET] = { CLONE_NEWNET, "net", "network" },
	[NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup", "cgroup" },
	[NS_MNT] = { CLONE_NEWNS, "mnt", "mount" },
	[NS_TIME] = { CLONE_NEWTIME, "time", "time" },
	[NS_PID] = { CLONE_NEWPID, "pid", "pid" },
};

static int kind_of(int type)
{
	for (int k = 0; k < NS_KINDS; k++)
		if (kinds[k].type == type)
			return k;
	return -1;
}

/* CLONE_NEW* type -> /proc/PID/ns/ name ("net", "mnt"...), NULL if none. */
static const char *ns_proc_name(int type)
{
	int k = kind_of(type);

	return k >= 0 ? kinds[k].proc : NULL;
}

bool ns_plan_has(const struct spec *s, int type)
{
	return spec_find_namespace(s, type) != NULL;
}

bool ns_plan_joins(const struct ns_plan *p, int type)
{
	int k = kind_of(type);

	return k >= 0 && p->join_fd[k] >= 0;
}

/* Open a namespace path and make sure it is a namespace of that type: a
 * regular file or another namespace must not be joined by mistake. */
static int open_ns(const char *path, int kind, md_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return md_error_set(err, errno, "open %s namespace `%s`", kinds[kind].config, path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return md_error_set(err, errno == ENOTTY ? EINVAL : errno,
				    "`%s` is not a namespace", path);
	if (type != kinds[kind].type)
		return md_error_set(err, EINVAL, "`%s` is a %s namespace, not %s", path,
				    ns_proc_name(type) ? ns_proc_name(type) : "different",
				    kinds[kind].config);
	return TAKE_FD(fd);
}

static void plan_init(struct ns_plan *p)
{
	memset(p, 0, sizeof(*p));
	for (int k = 0; k < NS_KINDS; k++)
		p->join_fd[k] = -1;
	p->saved_pid_fd = -1;
}

/* One linux.namespaces[] entry into the plan. */
static int plan_add(struct ns_plan *p, const struct spec_namespace *ns, md_error *err)
{
	int k = kind_of(ns->type);

	if (k < 0)
		return md_error_set(err, ENOTSUP, "namespace type %#x is not supported", ns->type);
	if (ns->path && *ns->path) {
		p->join_fd[k] = open_ns(ns->path, k, err);
		return p->join_fd[k] < 0 ? -1 : 0;
	}
	/* Made by clone, except the two that clone cannot make right: the
	 * cgroup one must wait until the child is in its cgroup, and
	 * CLONE_NEWTIME collides with clone(2)'s exit signal bits. */
	if (ns->type == CLONE_NEWCGROUP)
		p->new_cgroup = true;
	else if (ns->type == CLONE_NEWTIME)
		p->new_time = true;
	else
		p->clone_flags |= ns->type;
	if (ns->type == CLONE_NEWUSER)
		p->new_user = true;
	return 0;
}

static bool joins_any_but_pid(const struct ns_plan *p)
{
	for (int k = 0; k < NS_KINDS; k++)
		if (k != NS_PID && p->join_fd[k] >= 0)
			return true;
	return false;
}

/* Who owns what: see the header. */
static int plan_user(struct ns_plan *p, md_error *err)
{
	if (p->new_user && joins_any_but_pid(p))
		return md_error_set(err, ENOTSUP,
				    "a new user namespace cannot join the other "
				    "namespaces of the config by path (they belong to our own "
				    "user namespace)");
	if (p->join_fd[NS_USER] < 0)
		return 0;
	p->second_fork = p->clone_flags & CLONE_NEWPID;
	p->unshare_flags = p->clone_flags;
	p->clone_flags = 0;
	return 0;
}

int ns_plan_make(const struct spec *s, struct ns_plan *p, md_error *err)
{
	plan_init(p);
	for (size_t i = 0; i < s->linux.n_namespaces; i++) {
		if (plan_add(p, &s->linux.namespaces[i], err) < 0) {
			ns_plan_close(p);
			return -1;
		}
	}
	if (s->linux.time_offsets && !p->new_time) {
		ns_plan_close(p);
		return md_error_set(err, EINVAL, "linux.timeOffsets needs a new time namespace");
	}
	if (plan_user(p, err) < 0) {
		ns_plan_close(p);
		return -1;
	}
	return 0;
}

void ns_plan_close(struct ns_plan *p)
{
	for (int k = 0; k < NS_KINDS; k++) {
		if (p->join_fd[k] >= 0)
			close(p->join_fd[k]);
		p->join_fd[k] = -1;
	}
	if (p->saved_pid_fd >= 0)
		close(p->saved_pid_fd);
	p->saved_pid_fd = -1;
}

int ns_plan_enter_parent(struct ns_plan *p, md_error *err)
{
	int fd = p->join_fd[NS_PID];

	if (fd < 0)
		return 0;
	p->saved_pid_fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	if (p->saved_pid_fd < 0)
		return md_error_set(err, errno, "open /proc/self/ns/pid_for_children");
	if (setns(fd, CLONE_NEWPID) < 0)
		return md_error_set(err, errno, "join pid namespace");
	return 0;
}

int ns_plan_leave_parent(struct ns_plan *p, md_error *err)
{
	int r = 0;

	if (p->saved_pid_fd < 0)
		return 0;
	/* Going back is allowed: it is our own (active) pid namespace. */
	if (setns(p->saved_pid_fd, CLONE_NEWPID) < 0)
		r = md_error_set(err, errno, "restore our pid namespace for children");
	close(p->saved_pid_fd);
	p->saved_pid_fd = -1;
	return r;
}

/* "monotonic S N\nboottime S N\n" from linux.timeOffsets. */
static int write_time_offsets(json_object *offsets, md_error *err)
{
	static const char *const clocks[] = { "monotonic", "boottime" };
	char buf[256];
	size_t used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++) {
		json_object *o, *secs, *nsecs;

		if (!json_object_object_get_ex(offsets, clocks[i], &o))
			continue;
		secs = md_json_member(o, "secs");
		nsecs = md_json_member(o, "nanosecs");
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s %lld %lld\n",
					 clocks[i], (long long)json_object_get_int64(secs),
					 (long long)json_object_get_int64(nsecs));
	}
	if (used == 0)
		return 0;
	return md_write_file("/proc/self/timens_offsets", buf, err) < 0
		       ? md_error_prefix(err, "linux.timeOffsets")
		       : 0;
}

/* unshare(CLONE_NEWTIME) moves only our children into the new namespace;
 * kernels before 6.3 or so do not move us at execve either: the init
 * would run with the host's clocks. Enter it ourselves, once the offsets
 * are written (they freeze when the first process enters). */
static int enter_time_for_children(md_error *err)
{
	cleanup_close int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return md_error_set(err, errno, "open /proc/self/ns/time_for_children");
	if (setns(fd, CLONE_NEWTIME) < 0)
		return md_error_set(err, errno, "enter the new time namespace");
	return 0;
}

static int unshare_new(const struct ns_plan *p, const struct spec *s, md_error *err)
{
	if (p->unshare_flags && unshare(p->unshare_flags) < 0)
		return md_error_set(err, errno, "unshare namespaces in the joined user namespace");
	if (p->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
		return md_error_set(err, errno, "unshare cgroup namespace");
	if (!p->new_time)
		return 0;
	if (unshare(CLONE_NEWTIME) < 0)
		return md_error_set(err, errno, "unshare time namespace");
	if (s->linux.time_offsets && write_time_offsets(s->linux.time_offsets, err) < 0)
		return -1;
	return enter_time_for_children(err);
}

int ns_plan_join_child(const struct ns_plan *p, const struct spec *s, md_error *err)
{
	for (int k = 0; k < NS_KINDS; k++) {
		if (k == NS_PID || p->join_fd[k] < 0)
			continue;
		if (setns(p->join_fd[k], kinds[k].type) < 0)
			return md_error_set(err, errno, "join %s namespace", kinds[k].config);
		if (k == NS_USER && userns_become_root(err) < 0)
			return -1;
	}
	if (p->new_user && userns_become_root(err) < 0)
		return -1;
	return unshare_new(p, s, err);
}

/* Same namespace when the nsfs inodes match. */
static int ns_differs(pid_t pid, const char *name, md_error *err)
{
	char theirs[64], ours[64];
	struct stat a, b;

	snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(ours, sizeof(ours), "/proc/self/ns/%s", name);
	if (stat(theirs, &a) < 0) {
		if (errno == ENOENT && access("/proc/self/ns", F_OK) == 0 && access(ours, F_OK) < 0)
			return 0; /* the kernel has no such namespace */
		return md_error_set(err, errno, "stat %s", theirs);
	}
	if (stat(ours, &b) < 0)
		return md_error_set(err, errno, "stat %s", ours);
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

int ns_join_process(int pidfd, pid_t pid, md_error *err)
{
	static const int types[] = { CLONE_NEWUSER,   CLONE_NEWIPC, CLONE_NEWUTS,  CLONE_NEWNET,
				     CLONE_NEWCGROUP, CLONE_NEWNS,  CLONE_NEWTIME, CLONE_NEWPID };
	int flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		int d = ns_differs(pid, ns_proc_name(types[i]), err);

		if (d < 0)
			return -1;
		if (d)
			flags |= types[i];
	}
	/* One call joins them all, in the kernel's order (user first), and
	 * either all or none (Linux >= 5.8). */
	if (flags && setns(pidfd, flags) < 0)
		return md_error_set(err, errno, "join the namespaces of pid %d", (int)pid);
	return 0;
}
