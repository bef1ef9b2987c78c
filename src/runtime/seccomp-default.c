/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's default seccomp profile, and Docker's profile format evaluated
 * for one container (what dockerd's setupSeccomp does). */
#include "runtime/seccomp.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"
#include "runtime/spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* moby's profiles/seccomp/default.json as of Docker 25 (io_uring_* no
 * longer allowed), rule for rule. Written with ' for " so that it reads as
 * JSON; rt_seccomp_default_profile() swaps them back. An allowlist: what is
 * not here fails with EPERM. */
static const char default_profile[] =
	"{ 'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
	"  'archMap': ["
	"    { 'architecture': 'SCMP_ARCH_X86_64',"
	"      'subArchitectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },"
	"    { 'architecture': 'SCMP_ARCH_AARCH64', 'subArchitectures': ['SCMP_ARCH_ARM'] },"
	"    { 'architecture': 'SCMP_ARCH_MIPS64',"
	"      'subArchitectures': ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },"
	"    { 'architecture': 'SCMP_ARCH_MIPS64N32',"
	"      'subArchitectures': ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'] },"
	"    { 'architecture': 'SCMP_ARCH_MIPSEL64',"
	"      'subArchitectures': ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },"
	"    { 'architecture': 'SCMP_ARCH_MIPSEL64N32',"
	"      'subArchitectures': ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'] },"
	"    { 'architecture': 'SCMP_ARCH_S390X', 'subArchitectures': ['SCMP_ARCH_S390'] },"
	"    { 'architecture': 'SCMP_ARCH_RISCV64', 'subArchitectures': null } ],"
	"  'syscalls': ["
	"    { 'names': ["
	"      'accept', 'accept4', 'access', 'adjtimex', 'alarm', 'bind', 'brk', "
	"      'cachestat', 'capget', 'capset', 'chdir', 'chmod', 'chown', 'chown32', "
	"      'clock_adjtime', 'clock_adjtime64', 'clock_getres', "
	"      'clock_getres_time64', 'clock_gettime', 'clock_gettime64', "
	"      'clock_nanosleep', 'clock_nanosleep_time64', 'close', 'close_range', "
	"      'connect', 'copy_file_range', 'creat', 'dup', 'dup2', 'dup3', "
	"      'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', "
	"      'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'epoll_wait_old', "
	"      'eventfd', 'eventfd2', 'execve', 'execveat', 'exit', 'exit_group', "
	"      'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64', 'fallocate', "
	"      'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', "
	"      'fchown32', 'fchownat', 'fcntl', 'fcntl64', 'fdatasync', 'fgetxattr', "
	"      'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsetxattr', 'fstat', "
	"      'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64', 'fsync', 'ftruncate', "
	"      'ftruncate64', 'futex', 'futex_requeue', 'futex_time64', 'futex_wait', "
	"      'futex_waitv', 'futex_wake', 'futimesat', 'getcpu', 'getcwd', "
	"      'getdents', 'getdents64', 'getegid', 'getegid32', 'geteuid', "
	"      'geteuid32', 'getgid', 'getgid32', 'getgroups', 'getgroups32', "
	"      'getitimer', 'getpeername', 'getpgid', 'getpgrp', 'getpid', 'getppid', "
	"      'getpriority', 'getrandom', 'getresgid', 'getresgid32', 'getresuid', "
	"      'getresuid32', 'getrlimit', 'get_robust_list', 'getrusage', 'getsid', "
	"      'getsockname', 'getsockopt', 'get_thread_area', 'gettid', "
	"      'gettimeofday', 'getuid', 'getuid32', 'getxattr', 'inotify_add_watch', "
	"      'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel', "
	"      'ioctl', 'io_destroy', 'io_getevents', 'io_pgetevents', "
	"      'io_pgetevents_time64', 'ioprio_get', 'ioprio_set', 'io_setup', "
	"      'io_submit', 'ipc', 'kill', 'landlock_add_rule', "
	"      'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', "
	"      'lchown32', 'lgetxattr', 'link', 'linkat', 'listen', 'listxattr', "
	"      'llistxattr', '_llseek', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', "
	"      'lstat64', 'madvise', 'map_shadow_stack', 'membarrier', 'memfd_create', "
	"      'memfd_secret', 'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', "
	"      'mlock', 'mlock2', 'mlockall', 'mmap', 'mmap2', 'mprotect', "
	"      'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', "
	"      'mq_timedreceive_time64', 'mq_timedsend', 'mq_timedsend_time64', "
	"      'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', "
	"      'munlock', 'munlockall', 'munmap', 'name_to_handle_at', 'nanosleep', "
	"      'newfstatat', '_newselect', 'open', 'openat', 'openat2', 'pause', "
	"      'pidfd_open', 'pidfd_send_signal', 'pipe', 'pipe2', 'pkey_alloc', "
	"      'pkey_free', 'pkey_mprotect', 'poll', 'ppoll', 'ppoll_time64', 'prctl', "
	"      'pread64', 'preadv', 'preadv2', 'prlimit64', 'process_mrelease', "
	"      'pselect6', 'pselect6_time64', 'pwrite64', 'pwritev', 'pwritev2', "
	"      'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recv', "
	"      'recvfrom', 'recvmmsg', 'recvmmsg_time64', 'recvmsg', "
	"      'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2', "
	"      'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction', 'rt_sigpending', "
	"      'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', "
	"      'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo', "
	"      'sched_getaffinity', 'sched_getattr', 'sched_getparam', "
	"      'sched_get_priority_max', 'sched_get_priority_min', "
	"      'sched_getscheduler', 'sched_rr_get_interval', "
	"      'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr', "
	"      'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', "
	"      'select', 'semctl', 'semget', 'semop', 'semtimedop', "
	"      'semtimedop_time64', 'send', 'sendfile', 'sendfile64', 'sendmmsg', "
	"      'sendmsg', 'sendto', 'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', "
	"      'setgid', 'setgid32', 'setgroups', 'setgroups32', 'setitimer', "
	"      'setpgid', 'setpriority', 'setregid', 'setregid32', 'setresgid', "
	"      'setresgid32', 'setresuid', 'setresuid32', 'setreuid', 'setreuid32', "
	"      'setrlimit', 'set_robust_list', 'setsid', 'setsockopt', "
	"      'set_thread_area', 'set_tid_address', 'setuid', 'setuid32', 'setxattr', "
	"      'shmat', 'shmctl', 'shmdt', 'shmget', 'shutdown', 'sigaltstack', "
	"      'signalfd', 'signalfd4', 'sigprocmask', 'sigreturn', 'socketcall', "
	"      'socketpair', 'splice', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', "
	"      'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', "
	"      'tee', 'tgkill', 'time', 'timer_create', 'timer_delete', "
	"      'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime', "
	"      'timer_settime64', 'timerfd_create', 'timerfd_gettime', "
	"      'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64', 'times', "
	"      'tkill', 'truncate', 'truncate64', 'ugetrlimit', 'umask', 'uname', "
	"      'unlink', 'unlinkat', 'utime', 'utimensat', 'utimensat_time64', "
	"      'utimes', 'vfork', 'vmsplice', 'wait4', 'waitid', 'waitpid', 'write', "
	"      'writev'"
	"      ], 'action': 'SCMP_ACT_ALLOW' },"
	"    { 'names': ['process_vm_readv', 'process_vm_writev', 'ptrace'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'minKernel': '4.8' } },"
	/* AF_VSOCK (40) would reach the host's vsock services. */
	"    { 'names': ['socket'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 40, 'op': 'SCMP_CMP_NE' }] },"
	/* PER_LINUX, UNAME26, PER_LINUX32, PER_LINUX32|UNAME26, and the query. */
	"    { 'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ' }] },"
	"    { 'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ' }] },"
	"    { 'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 131072, 'op': 'SCMP_CMP_EQ' }] },"
	"    { 'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 131080, 'op': 'SCMP_CMP_EQ' }] },"
	"    { 'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 4294967295, 'op': 'SCMP_CMP_EQ' }] },"
	"    { 'names': ['sync_file_range2', 'swapcontext'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'arches': ['ppc64le'] } },"
	"    { 'names': ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2',"
	"                'breakpoint', 'cacheflush', 'set_tls'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'arches': ['arm', 'arm64'] } },"
	"    { 'names': ['arch_prctl'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'arches': ['amd64', 'x32'] } },"
	"    { 'names': ['modify_ldt'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'arches': ['amd64', 'x32', 'x86'] } },"
	"    { 'names': ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'arches': ['s390', 's390x'] } },"
	"    { 'names': ['riscv_flush_icache'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'arches': ['riscv64'] } },"
	"    { 'names': ['open_by_handle_at'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_DAC_READ_SEARCH'] } },"
	/* Namespaces, mounts (old and new API), and the rest of CAP_SYS_ADMIN. */
	"    { 'names': ['bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount',"
	"                'fsopen', 'fspick', 'lookup_dcookie', 'mount', 'mount_setattr',"
	"                'move_mount', 'open_tree', 'perf_event_open', 'quotactl',"
	"                'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog',"
	"                'umount', 'umount2', 'unshare'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'caps': ['CAP_SYS_ADMIN'] } },"
	/* Without it, clone only without CLONE_NEW* flags (0x7E020000): */
	"    { 'names': ['clone'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ' }],"
	"      'excludes': { 'caps': ['CAP_SYS_ADMIN'], 'arches': ['s390', 's390x'] } },"
	"    { 'names': ['clone'], 'action': 'SCMP_ACT_ALLOW',"
	"      'args': [{ 'index': 1, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ' }],"
	"      'comment': 's390 parameter ordering for clone is different',"
	"      'includes': { 'arches': ['s390', 's390x'] },"
	"      'excludes': { 'caps': ['CAP_SYS_ADMIN'] } },"
	/* ... and clone3, whose flags a filter cannot see (they are in memory),
	 * answers ENOSYS, so that glibc falls back to clone. */
	"    { 'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38,"
	"      'excludes': { 'caps': ['CAP_SYS_ADMIN'] } },"
	"    { 'names': ['reboot'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYS_BOOT'] } },"
	"    { 'names': ['chroot'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYS_CHROOT'] } },"
	"    { 'names': ['delete_module', 'init_module', 'finit_module'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'caps': ['CAP_SYS_MODULE'] } },"
	"    { 'names': ['acct'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYS_PACCT'] } },"
	"    { 'names': ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv',"
	"                'process_vm_writev', 'ptrace'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'caps': ['CAP_SYS_PTRACE'] } },"
	"    { 'names': ['iopl', 'ioperm'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYS_RAWIO'] } },"
	"    { 'names': ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'caps': ['CAP_SYS_TIME'] } },"
	"    { 'names': ['vhangup'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYS_TTY_CONFIG'] } },"
	"    { 'names': ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],"
	"      'action': 'SCMP_ACT_ALLOW', 'includes': { 'caps': ['CAP_SYS_NICE'] } },"
	"    { 'names': ['syslog'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_SYSLOG'] } },"
	"    { 'names': ['bpf'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_BPF'] } },"
	"    { 'names': ['perf_event_open'], 'action': 'SCMP_ACT_ALLOW',"
	"      'includes': { 'caps': ['CAP_PERFMON'] } } ] }";

json_object *rt_seccomp_default_profile(void)
{
	cleanup_free char *json = xstrdup(default_profile);

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	return json_tokener_parse(json);
}

/* ---- Docker's profile format ---- */

/* What a rule's includes and excludes are checked against. */
struct target {
	uint64_t caps;      /* bounding set, as dockerd checks it */
	const char *goarch; /* "amd64" */
	unsigned kmajor, kminor;
};

/* "seccomp profile: <msg>"; returns -1. */
static int bad(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(md_error *err, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return md_error_set(err, 0, "seccomp profile: %s", msg);
}

static bool string_list(json_object *v)
{
	if (!json_object_is_type(v, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			return false;
	return true;
}

static bool listed(json_object *list, const char *s)
{
	for (size_t i = 0; s && i < json_object_array_length(list); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), s) == 0)
			return true;
	return false;
}

/* Every cap of the list held (all) or any of them held (!all). A name we
 * do not know is a cap the container does not hold. */
static bool caps_held(json_object *list, uint64_t caps, bool all)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		int c = spec_cap_number(json_object_get_string(json_object_array_get_idx(list, i)));
		bool held = c >= 0 && c < 64 && ((caps >> c) & 1);

		if (held != all)
			return held;
	}
	return all;
}

static bool kernel_at_least(const struct target *t, unsigned major, unsigned minor)
{
	return t->kmajor > major || (t->kmajor == major && t->kminor >= minor);
}

/* The caps, arches and minKernel of an includes or excludes object, each
 * as whether it holds for the target. */
struct cond {
	int caps, arches, kernel; /* 1 holds, 0 does not, -1 absent */
};

static int eval_cond(json_object *c, const char *what, size_t i, const struct target *t,
		     bool all_caps, struct cond *out, md_error *err)
{
	json_object *caps = md_json_member(c, "caps"), *arches = md_json_member(c, "arches"),
		    *kernel = md_json_member(c, "minKernel");
	unsigned major, minor;

	*out = (struct cond){ -1, -1, -1 };
	if (!json_object_is_type(c, json_type_object))
		return bad(err, "syscalls[%zu].%s: must be an object", i, what);
	if (caps && !string_list(caps))
		return bad(err, "syscalls[%zu].%s.caps: must be an array of strings", i, what);
	if (arches && !string_list(arches))
		return bad(err, "syscalls[%zu].%s.arches: must be an array of strings", i, what);
	if (kernel && (!json_object_is_type(kernel, json_type_string) ||
		       sscanf(json_object_get_string(kernel), "%u.%u", &major, &minor) != 2))
		return bad(err, "syscalls[%zu].%s.minKernel: must be a version like \"4.8\"", i,
			   what);
	if (caps && json_object_array_length(caps))
		out->caps = caps_held(caps, t->caps, all_caps);
	if (arches && json_object_array_length(arches))
		out->arches = listed(arches, t->goarch);
	if (kernel)
		out->kernel = kernel_at_least(t, major, minor);
	return 0;
}

/* dockerd's rule: skip when an exclude holds (any excluded arch, any
 * excluded cap held, kernel at least minKernel), or when an include does
 * not (arch listed, every cap held, kernel at least minKernel). */
static int rule_applies(json_object *rule, size_t i, const struct target *t, bool *yes,
			md_error *err)
{
	json_object *ex = md_json_member(rule, "excludes"), *in = md_json_member(rule, "includes");
	struct cond c;

	*yes = false;
	if (ex) {
		if (eval_cond(ex, "excludes", i, t, false, &c, err) < 0)
			return -1;
		if (c.arches == 1 || c.caps == 1 || c.kernel == 1)
			return 0;
	}
	if (in) {
		if (eval_cond(in, "includes", i, t, true, &c, err) < 0)
			return -1;
		if (c.arches == 0 || c.caps == 0 || c.kernel == 0)
			return 0;
	}
	*yes = true;
	return 0;
}

static void copy_member(json_object *to, json_object *from, const char *key)
{
	json_object *v = md_json_member(from, key);

	if (v)
		json_object_object_add(to, key, json_object_get(v));
}

/* The OCI form of one rule: names (or the legacy name), action, errnoRet,
 * args. */
static int oci_rule(json_object *rule, size_t i, json_object **out, md_error *err)
{
	json_object *name = md_json_member(rule, "name"), *names = md_json_member(rule, "names");
	json_object *o;

	if (names && !json_object_is_type(names, json_type_array))
		return bad(err, "syscalls[%zu].names: must be an array of names", i);
	if (name && names && json_object_array_length(names) > 0)
		return bad(err, "syscalls[%zu]: use either 'name' or 'names'", i);
	if (name && !json_object_is_type(name, json_type_string))
		return bad(err, "syscalls[%zu].name: must be a string", i);
	o = json_object_new_object();
	if (name) {
		names = json_object_new_array();
		json_object_array_add(names, json_object_get(name));
		json_object_object_add(o, "names", names);
	} else {
		copy_member(o, rule, "names");
	}
	copy_member(o, rule, "action");
	copy_member(o, rule, "errnoRet");
	copy_member(o, rule, "args");
	*out = o;
	return 0;
}

static int oci_syscalls(json_object *list, const struct target *t, json_object *to, md_error *err)
{
	json_object *rules = json_object_new_array();

	json_object_object_add(to, "syscalls", rules);
	if (!json_object_is_type(list, json_type_array))
		return bad(err, "syscalls: must be an array");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *rule = json_object_array_get_idx(list, i), *o = NULL;
		bool yes;

		if (!json_object_is_type(rule, json_type_object))
			return bad(err, "syscalls[%zu]: must be an object", i);
		if (rule_applies(rule, i, t, &yes, err) < 0)
			return -1;
		if (!yes)
			continue;
		if (oci_rule(rule, i, &o, err) < 0)
			return -1;
		json_object_array_add(rules, o);
	}
	return 0;
}

/* "architectures" as written, or from the archMap entry of the native
 * architecture: it and its subArchitectures. */
static int oci_arches(json_object *profile, json_object *to, md_error *err)
{
	json_object *list = md_json_member(profile, "architectures"),
		    *map = md_json_member(profile, "archMap");
	const char *native = seccomp_native_arch();
	json_object *out;

	if (list && !json_object_is_type(list, json_type_array))
		return bad(err, "architectures: must be an array");
	if (map && !json_object_is_type(map, json_type_array))
		return bad(err, "archMap: must be an array");
	if (list && map && json_object_array_length(list) && json_object_array_length(map))
		return bad(err, "both 'architectures' and 'archMap' are specified, use either one");
	if (list) {
		json_object_object_add(to, "architectures", json_object_get(list));
		return 0;
	}
	if (!map)
		return 0;
	out = json_object_new_array();
	json_object_object_add(to, "architectures", out);
	for (size_t i = 0; i < json_object_array_length(map); i++) {
		json_object *e = json_object_array_get_idx(map, i);
		json_object *arch = md_json_member(e, "architecture"),
			    *subs = md_json_member(e, "subArchitectures");

		if (!json_object_is_type(arch, json_type_string) || (subs && !string_list(subs)))
			return bad(err,
				   "archMap[%zu]: needs an architecture and a list of "
				   "subArchitectures",
				   i);
		if (!native || strcmp(json_object_get_string(arch), native) != 0)
			continue;
		json_object_array_add(out, json_object_get(arch));
		for (size_t k = 0; subs && k < json_object_array_length(subs); k++)
			json_object_array_add(out,
					      json_object_get(json_object_array_get_idx(subs, k)));
	}
	return 0;
}

static void running_kernel(struct target *t)
{
	struct utsname u;

	t->kmajor = t->kminor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &t->kmajor, &t->kminor) != 2)
		t->kmajor = t->kminor = 0;
}

int rt_seccomp_from_docker(json_object *profile, uint64_t caps, json_object **out, md_error *err)
{
	json_object *syscalls, *o;
	struct target t = { .caps = caps, .goarch = seccomp_native_goarch() };

	*out = NULL;
	if (!json_object_is_type(profile, json_type_object))
		return bad(err, "must be a JSON object");
	syscalls = md_json_member(profile, "syscalls");
	/* dockerd: no default action and no rules means no seccomp at all. */
	if (!md_json_member(profile, "defaultAction") &&
	    (!syscalls || (json_object_is_type(syscalls, json_type_array) &&
			   json_object_array_length(syscalls) == 0)))
		return 0;
	running_kernel(&t);
	o = json_object_new_object();
	copy_member(o, profile, "defaultAction");
	copy_member(o, profile, "defaultErrnoRet");
	copy_member(o, profile, "flags");
	copy_member(o, profile, "listenerPath");
	copy_member(o, profile, "listenerMetadata");
	if (oci_arches(profile, o, err) < 0 ||
	    (syscalls && oci_syscalls(syscalls, &t, o, err) < 0)) {
		json_object_put(o);
		return -1;
	}
	*out = o;
	return 0;
}
