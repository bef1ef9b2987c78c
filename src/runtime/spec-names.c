/* SPDX-License-Identifier: Apache-2.0 */
/* Name -> number tables for the OCI config and the CLIs: namespaces,
 * rlimits, capabilities and signals. Lookups other than namespaces are
 * case-insensitive and take the name with or without its prefix ("CAP_",
 * "RLIMIT_", "SIG"), because docker-style flags (--cap-add chown,
 * --ulimit nofile=..., kill -s term) spell them that way. */
#include "runtime/spec.h"
#include "util/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

struct name_num {
	const char *name;
	int num;
};

static const struct name_num namespaces[] = {
	{ "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

#define RL(n)                                                                                      \
	{                                                                                          \
#n, RLIMIT_##n                                                                     \
	}
static const struct name_num rlimits[] = {
	RL(AS),      RL(CORE),     RL(CPU),        RL(DATA),   RL(FSIZE), RL(LOCKS),
	RL(MEMLOCK), RL(MSGQUEUE), RL(NICE),       RL(NOFILE), RL(NPROC), RL(RSS),
	RL(RTPRIO),  RL(RTTIME),   RL(SIGPENDING), RL(STACK),
};
#undef RL

#define CAP(n)                                                                                     \
	{                                                                                          \
#n, CAP_##n                                                                        \
	}
static const struct name_num caps[] = {
	CAP(CHOWN),
	CAP(DAC_OVERRIDE),
	CAP(DAC_READ_SEARCH),
	CAP(FOWNER),
	CAP(FSETID),
	CAP(KILL),
	CAP(SETGID),
	CAP(SETUID),
	CAP(SETPCAP),
	CAP(LINUX_IMMUTABLE),
	CAP(NET_BIND_SERVICE),
	CAP(NET_BROADCAST),
	CAP(NET_ADMIN),
	CAP(NET_RAW),
	CAP(IPC_LOCK),
	CAP(IPC_OWNER),
	CAP(SYS_MODULE),
	CAP(SYS_RAWIO),
	CAP(SYS_CHROOT),
	CAP(SYS_PTRACE),
	CAP(SYS_PACCT),
	CAP(SYS_ADMIN),
	CAP(SYS_BOOT),
	CAP(SYS_NICE),
	CAP(SYS_RESOURCE),
	CAP(SYS_TIME),
	CAP(SYS_TTY_CONFIG),
	CAP(MKNOD),
	CAP(LEASE),
	CAP(AUDIT_WRITE),
	CAP(AUDIT_CONTROL),
	CAP(SETFCAP),
	CAP(MAC_OVERRIDE),
	CAP(MAC_ADMIN),
	CAP(SYSLOG),
	CAP(WAKE_ALARM),
	CAP(BLOCK_SUSPEND),
	CAP(AUDIT_READ),
	CAP(PERFMON),
	CAP(BPF),
	CAP(CHECKPOINT_RESTORE),
};
#undef CAP

#define SIG(n)                                                                                     \
	{                                                                                          \
#n, SIG##n                                                                         \
	}
static const struct name_num signals[] = {
	SIG(ABRT), SIG(ALRM), SIG(BUS),    SIG(CHLD),  SIG(CLD),  SIG(CONT),   SIG(FPE),
	SIG(HUP),  SIG(ILL),  SIG(INT),    SIG(IO),    SIG(IOT),  SIG(KILL),   SIG(PIPE),
	SIG(POLL), SIG(PROF), SIG(PWR),    SIG(QUIT),  SIG(SEGV), SIG(STKFLT), SIG(STOP),
	SIG(SYS),  SIG(TERM), SIG(TRAP),   SIG(TSTP),  SIG(TTIN), SIG(TTOU),   SIG(URG),
	SIG(USR1), SIG(USR2), SIG(VTALRM), SIG(WINCH), SIG(XCPU), SIG(XFSZ),
};
#undef SIG

_Static_assert(ARRAY_SIZE(caps) == CAP_CHECKPOINT_RESTORE + 1, "capability table has a gap");

/* name without prefix, matched case-insensitively ("cap_chown" -> "chown") */
static const char *skip_prefix(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(name, prefix, n) == 0 ? name + n : name;
}

static int lookup(const struct name_num *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].num;
	return -1;
}

int spec_namespace_type(const char *name)
{
	/* Exact, as the runtime-spec spells them. */
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (strcmp(namespaces[i].name, name) == 0)
			return namespaces[i].num;
	return -1;
}

int spec_rlimit_resource(const char *name)
{
	return lookup(rlimits, ARRAY_SIZE(rlimits), skip_prefix(name, "RLIMIT_"));
}

int spec_cap_number(const char *name)
{
	return lookup(caps, ARRAY_SIZE(caps), skip_prefix(name, "CAP_"));
}

/* A plain decimal number without sign or spaces, or -1. */
static long parse_decimal(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	return v;
}

/* "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-2"; -1 if name is none of these. */
static int realtime_signal(const char *name)
{
	bool min = strncasecmp(name, "RTMIN", 5) == 0;
	bool max = strncasecmp(name, "RTMAX", 5) == 0;
	const char *rest = name + 5;
	long off;

	if (!min && !max)
		return -1;
	if (*rest == '\0')
		return min ? SIGRTMIN : SIGRTMAX;
	if (*rest != (min ? '+' : '-'))
		return -1;
	off = parse_decimal(rest + 1);
	if (off < 0 || off > SIGRTMAX - SIGRTMIN)
		return -1;
	return min ? SIGRTMIN + (int)off : SIGRTMAX - (int)off;
}

int spec_signal_number(const char *name)
{
	const char *bare = skip_prefix(name, "SIG");
	long num = parse_decimal(name);
	int sig;

	if (num >= 0)
		return num >= 1 && num <= SIGRTMAX ? (int)num : -1;
	sig = realtime_signal(bare);
	if (sig > 0)
		return sig;
	return lookup(signals, ARRAY_SIZE(signals), bare);
}

void spec_each_namespace(spec_name_fn fn, void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
		fn(namespaces[i].name, ctx);
}

void spec_each_cap(spec_name_fn fn, void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		char name[64];

		snprintf(name, sizeof(name), "CAP_%s", caps[i].name);
		fn(name, ctx);
	}
}
