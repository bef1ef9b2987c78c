/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces of a container: which ones clone makes, which ones are joined
 * from linux.namespaces[].path, and joining those of a running process
 * (exec).
 *
 * Where each join happens, and why:
 *   pid    by the parent, before clone: setns(CLONE_NEWPID) only changes
 *          pid_for_children, so the parent enters it around the clone and
 *          then goes back (ns_plan_enter_parent / ns_plan_leave_parent).
 *   others by the child (ns_plan_join_child), with fds the parent opened:
 *          the paths are resolved in the runtime's mount namespace, as the
 *          runtime-spec says, whatever the child joins first.
 *   time   a new time namespace is unshared by the child; it only applies
 *          to children and, since Linux 5.19, to the process after execve.
 *
 *   user   a new one is made by clone with the others, so that it owns
 *          them; the parent then writes the maps (userns.h). A joined
 *          one is entered first by the child, which then unshares the
 *          new namespaces so that the joined user namespace owns them; a
 *          new pid namespace made so applies to children only, so the
 *          child forks the container's init into it (second_fork). A new
 *          user namespace cannot join namespaces its parent owns: that
 *          combination is refused with ENOTSUP. */
#ifndef MD_NAMESPACES_H
#define MD_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"
#include "runtime/spec.h"

/* The kinds a config can name, in the order the child joins them (user
 * first: it gives the rights to join the others; mount after the others:
 * joining it resets our root and cwd). pid is joined by the parent. */
enum ns_kind { NS_USER, NS_IPC, NS_UTS, NS_NET, NS_CGROUP, NS_MNT, NS_TIME, NS_PID, NS_KINDS };

struct ns_plan {
	int clone_flags;       /* CLONE_NEW* for clone(2); never NEWTIME */
	int unshare_flags;     /* CLONE_NEW* the child unshares after joining
				       a user namespace (owned by that one) */
	bool new_user;         /* clone makes a user namespace: write maps */
	bool second_fork;      /* a new pid namespace unshared after joining a
				       user namespace: the child forks the init */
	bool new_cgroup;       /* unshare a cgroup namespace in the child */
	bool new_time;         /* unshare a time namespace in the child */
	int join_fd[NS_KINDS]; /* linux.namespaces[].path opened, or -1 */
	int saved_pid_fd;      /* our pid_for_children while entered, or -1 */
};

/* Open and check every namespace path of the config (the fd must be a
 * namespace of the named type). ENOTSUP for the combination above. */
int ns_plan_make(const struct spec *s, struct ns_plan *p, md_error *err);
void ns_plan_close(struct ns_plan *p);

/* True when the config has a namespace of this CLONE_NEW* type, made or
 * joined. */
bool ns_plan_has(const struct spec *s, int type);
/* True when the config joins the namespace of this type from a path. */
bool ns_plan_joins(const struct ns_plan *p, int type);

/* In the parent, just before and just after clone: enter the pid namespace
 * to join (if any) for our children, then restore our own. Leave is safe to
 * call when enter failed or did nothing. */
int ns_plan_enter_parent(struct ns_plan *p, md_error *err);
int ns_plan_leave_parent(struct ns_plan *p, md_error *err);

/* In the child: join every namespace the plan has an fd for (but pid),
 * become root of the user namespace (new or joined), then unshare the
 * namespaces to make. Call once the child sits in its cgroup, so that a
 * new cgroup namespace is rooted there, and its maps are written. */
int ns_plan_join_child(const struct ns_plan *p, const struct spec *s, md_error *err);

/* Join every namespace of the process behind pidfd (pid is the same
 * process, for /proc) that differs from ours, in one setns(pidfd) call.
 * The pid and time namespaces then apply to our children: fork after. */
int ns_join_process(int pidfd, pid_t pid, md_error *err);

#endif
