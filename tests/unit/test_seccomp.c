/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp: linux.seccomp compiled by src/runtime/seccomp.c, Docker's
 * profile format and default profile (src/runtime/seccomp-default.c), and
 * what `mydocker run` puts in its config. Filters are checked by loading
 * them in a forked child (with no_new_privs) and making one real call
 * there. Profiles are written with ' for ". */
#include "unit.h"

#include "engine/containers/runconfig.h"
#include "runtime/seccomp.h"
#include "runtime/spec.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP(c) (UINT64_C(1) << (c))
/* Docker's default capability set (SECURITY.md). */
#define DOCKER_CAPS                                                                                \
	(CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FSETID) | CAP(CAP_FOWNER) |              \
	 CAP(CAP_MKNOD) | CAP(CAP_NET_RAW) | CAP(CAP_SETGID) | CAP(CAP_SETUID) |                   \
	 CAP(CAP_SETFCAP) | CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SYS_CHROOT) |   \
	 CAP(CAP_KILL) | CAP(CAP_AUDIT_WRITE))

/* A fd number that is certainly not open: close() on it fails with EBADF
 * unless a filter answers first. */
#define NOFD 4000

static md_error sc_err;

/* The JSON of text with every ' turned into ". Caller puts. */
static json_object *js(const char *text)
{
	cleanup_free char *s = xstrdup(text);

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return json_tokener_parse(s);
}

static int compile_text(const char *text, struct rt_seccomp **f)
{
	json_object *o = js(text);
	int r;

	md_error_clear(&sc_err);
	r = o ? rt_seccomp_compile(o, f, &sc_err) : -2;
	json_object_put(o);
	return r;
}

/* Load f in a child and make one call: its errno (0 on success), or
 * -SIGNAL when the filter killed the child, or -1000 when loading failed. */
static int call_under(const struct rt_seccomp *f, long nr, long a0, long a1, long a2)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rt_seccomp_apply(f, NULL) < 0)
			_exit(255);
		r = syscall(nr, a0, a1, a2, 0L, 0L, 0L);
		/* Straight out: a libc or sanitizer exit path could make calls
		 * that a strict profile denies. */
		syscall(SYS_exit_group, r < 0 ? (errno & 0xff) : 0);
		_exit(254);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1000;
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status) == 255 ? -1000 : WEXITSTATUS(status);
}

/* The same for a profile given as text. */
static int errno_of(const char *profile, long nr, long a0, long a1, long a2)
{
	struct rt_seccomp *f = NULL;
	int r;

	if (compile_text(profile, &f) < 0)
		return -2000;
	r = call_under(f, nr, a0, a1, a2);
	rt_seccomp_free(f);
	return r;
}

/* ---- the OCI form ---- */

TEST(seccomp_errors_name_the_field)
{
	static const struct {
		const char *profile, *msg;
	} cases[] = {
		{ "[]", "config: linux.seccomp: must be an object" },
		{ "{}", "linux.seccomp.defaultAction: missing" },
		{ "{'defaultAction': 'SCMP_ACT_BOGUS'}",
		  "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\"" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': -1}",
		  "linux.seccomp.defaultErrnoRet: must be 0..4095, not -1" },
		{ "{'defaultAction': 'SCMP_ACT_NOTIFY'}", "SCMP_ACT_NOTIFY is not supported" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/agent.sock'}",
		  "linux.seccomp.listenerPath: seccomp notify is not supported" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86', "
		  "'SCMP_ARCH_Z80']}",
		  "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_BOGUS']}",
		  "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': {}}",
		  "linux.seccomp.syscalls: must be an array" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO'}, {'names': ['write'], 'action': 'SCMP_ACT_NOPE'}]}",
		  "linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_NOPE\"" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read']}]}",
		  "linux.seccomp.syscalls[0].action: missing" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_NOTIFY'}]}",
		  "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5000}]}",
		  "linux.seccomp.syscalls[0].errnoRet: must be 0..4095, not 5000" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': 'read', "
		  "'action': 'SCMP_ACT_ERRNO'}]}",
		  "linux.seccomp.syscalls[0].names: must be an array of names" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read', ''], "
		  "'action': 'SCMP_ACT_ERRNO'}]}",
		  "linux.seccomp.syscalls[0].names[1]: must be a syscall name" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': "
		  "'SCMP_CMP_EQ'}, "
		  "{'index': 1, 'value': 1, 'op': 'SCMP_CMP_ALMOST'}]}]}",
		  "linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_ALMOST\"" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': "
		  "'SCMP_CMP_EQ'}]}]}",
		  "linux.seccomp.syscalls[0].args[0].index: must be 0..5" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': -1, 'op': "
		  "'SCMP_CMP_EQ'}]}]}",
		  "linux.seccomp.syscalls[0].args[0].value: must be an unsigned integer" },
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], "
		  "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1}]}]}",
		  "linux.seccomp.syscalls[0].args[0].op: missing" },
		/* Checked even in a rule that repeats the default (and is dropped). */
		{ "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [7], "
		  "'action': 'SCMP_ACT_ALLOW'}]}",
		  "linux.seccomp.syscalls[0].names[0]: must be a syscall name" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rt_seccomp *f = NULL;

		if (compile_text(cases[i].profile, &f) != -1 || !strstr(sc_err.msg, cases[i].msg)) {
			fprintf(stderr, "  case %zu: got \"%s\"\n", i, sc_err.msg);
			CHECK(0);
		}
		CHECK(f == NULL);
	}
}

TEST(seccomp_none_is_no_filter)
{
	struct rt_seccomp *f = (struct rt_seccomp *)1;

	CHECK_INT(rt_seccomp_compile(NULL, &f, &sc_err), 0);
	CHECK(f == NULL);
	CHECK_INT(rt_seccomp_apply(NULL, &sc_err), 0);
}

TEST(seccomp_unknown_syscall_is_skipped)
{
	const char *p = "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
			"['no_such_syscall_at_all', 'getcwd'], 'action': 'SCMP_ACT_ERRNO', "
			"'errnoRet': 5}]}";

	CHECK_INT(errno_of(p, SYS_getcwd, 0, 0, 0), EIO);
	/* Arch-specific names of other architectures, too (x86 only). */
	p = "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_AARCH64'], "
	    "'syscalls': [{'names': ['arm_fadvise64_64'], 'action': 'SCMP_ACT_ERRNO'}]}";
	CHECK_INT(errno_of(p, SYS_getpid, 0, 0, 0), 0);
}

TEST(seccomp_actions)
{
	static const struct {
		const char *action;
		int want; /* errno, or -signal */
	} cases[] = {
		{ "'SCMP_ACT_ERRNO', 'errnoRet': 13", EACCES },
		{ "'SCMP_ACT_ERRNO'", EPERM }, /* runtime-spec: EPERM by default */
		{ "'SCMP_ACT_ERRNO', 'errnoRet': 0", 0 },
		{ "'SCMP_ACT_ALLOW'", EBADF },
		{ "'SCMP_ACT_LOG'", EBADF },
		{ "'SCMP_ACT_TRACE'", ENOSYS }, /* no tracer: the kernel says ENOSYS */
		{ "'SCMP_ACT_KILL'", -SIGSYS },
		{ "'SCMP_ACT_KILL_THREAD'", -SIGSYS },
		{ "'SCMP_ACT_KILL_PROCESS'", -SIGSYS },
		{ "'SCMP_ACT_TRAP'", -SIGSYS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *q = xasprintf("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': "
						 "[{'names': ['close'], 'action': %s}]}",
						 cases[i].action);
		int got = errno_of(q, SYS_close, NOFD, 0, 0);

		if (got != cases[i].want) {
			fprintf(stderr, "  %s: got %d, want %d (%s)\n", cases[i].action, got,
				cases[i].want, sc_err.msg);
			CHECK(0);
		}
	}
	/* defaultErrnoRet, and a default that kills. */
	CHECK_INT(errno_of("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
			   "'syscalls': [{'names': ['exit_group'], 'action': 'SCMP_ACT_ALLOW'}]}",
			   SYS_close, NOFD, 0, 0),
		  ENOSYS);
	CHECK_INT(errno_of("{'defaultAction': 'SCMP_ACT_KILL_PROCESS'}", SYS_close, NOFD, 0, 0),
		  -SIGSYS);
}

TEST(seccomp_operators)
{
	static const struct {
		const char *arg;
		long fd;
		int want;
	} cases[] = {
		{ "'op': 'SCMP_CMP_EQ', 'value': 4000", NOFD, E2BIG },
		{ "'op': 'SCMP_CMP_EQ', 'value': 4000", NOFD + 1, EBADF },
		{ "'op': 'SCMP_CMP_NE', 'value': 4000", NOFD, EBADF },
		{ "'op': 'SCMP_CMP_NE', 'value': 4000", NOFD + 1, E2BIG },
		{ "'op': 'SCMP_CMP_LT', 'value': 4000", NOFD - 1, E2BIG },
		{ "'op': 'SCMP_CMP_LT', 'value': 4000", NOFD, EBADF },
		{ "'op': 'SCMP_CMP_LE', 'value': 4000", NOFD, E2BIG },
		{ "'op': 'SCMP_CMP_LE', 'value': 4000", NOFD + 1, EBADF },
		{ "'op': 'SCMP_CMP_GT', 'value': 4000", NOFD + 1, E2BIG },
		{ "'op': 'SCMP_CMP_GT', 'value': 4000", NOFD, EBADF },
		{ "'op': 'SCMP_CMP_GE', 'value': 4000", NOFD, E2BIG },
		{ "'op': 'SCMP_CMP_GE', 'value': 4000", NOFD - 1, EBADF },
		/* value is the mask, valueTwo what the masked argument must be. */
		{ "'op': 'SCMP_CMP_MASKED_EQ', 'value': 255, 'valueTwo': 160", 0x10a0, E2BIG },
		{ "'op': 'SCMP_CMP_MASKED_EQ', 'value': 255, 'valueTwo': 160", 0x10a1, EBADF },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *p =
			xasprintf("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': "
				  "[{'names': ['close'], 'action': 'SCMP_ACT_ERRNO', "
				  "'errnoRet': 7, 'args': [{'index': 0, %s}]}]}",
				  cases[i].arg);
		int got = errno_of(p, SYS_close, cases[i].fd, 0, 0);

		if (got != cases[i].want) {
			fprintf(stderr, "  %s on %ld: got %d, want %d\n", cases[i].arg, cases[i].fd,
				got, cases[i].want);
			CHECK(0);
		}
	}
}

/* Two conditions on one argument: libseccomp takes one per argument, so
 * (like runc) each becomes a rule of its own, and either one matches. */
TEST(seccomp_same_argument_twice)
{
	const char *p = "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['close'], "
			"'action': 'SCMP_ACT_ERRNO', 'errnoRet': 7, 'args': ["
			"{'index': 0, 'value': 4000, 'op': 'SCMP_CMP_EQ'}, "
			"{'index': 0, 'value': 4001, 'op': 'SCMP_CMP_EQ'}]}]}";

	CHECK_INT(errno_of(p, SYS_close, NOFD, 0, 0), E2BIG);
	CHECK_INT(errno_of(p, SYS_close, NOFD + 1, 0, 0), E2BIG);
	CHECK_INT(errno_of(p, SYS_close, NOFD + 2, 0, 0), EBADF);
}

/* A rule with the default action is dropped (libseccomp refuses it). */
TEST(seccomp_rule_like_default_is_dropped)
{
	const char *p = "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
			"{'names': ['getcwd'], 'action': 'SCMP_ACT_ERRNO'}, "
			"{'names': ['close', 'exit_group'], 'action': 'SCMP_ACT_ALLOW'}]}";

	CHECK_INT(errno_of(p, SYS_close, NOFD, 0, 0), EBADF);
	CHECK_INT(errno_of(p, SYS_getcwd, 0, 0, 0), EPERM);
}

TEST(seccomp_flags_and_arches)
{
	const char *p =
		"{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG', "
		"'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC', "
		"'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'], 'architectures': "
		"['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], "
		"'syscalls': [{'names': ['close'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 7}]}";

	CHECK_INT(errno_of(p, SYS_close, NOFD, 0, 0), E2BIG);
}

TEST(seccomp_features)
{
	json_object *f = rt_seccomp_features();
	const char *text = json_object_to_json_string(f);

	CHECK(strstr(text, "\"enabled\": true"));
	CHECK(strstr(text, "\"SCMP_ACT_KILL_PROCESS\""));
	CHECK(!strstr(text, "SCMP_ACT_NOTIFY"));
	CHECK(strstr(text, "\"SCMP_CMP_MASKED_EQ\""));
	CHECK(strstr(text, "\"SCMP_ARCH_X86_64\""));
	CHECK(strstr(text, "\"knownFlags\""));
	CHECK(strstr(text, "\"supportedFlags\": [ \"SECCOMP_FILTER_FLAG_TSYNC\""));
	json_object_put(f);
}

/* ---- Docker's format and default profile ---- */

static json_object *docker(const char *text, uint64_t caps)
{
	json_object *in = js(text), *out = NULL;

	md_error_clear(&sc_err);
	if (!in || rt_seccomp_from_docker(in, caps, &out, &sc_err) < 0)
		out = NULL;
	json_object_put(in);
	return out;
}

/* The names of every rule of an OCI profile, in order, space-separated. */
static char *rule_names(json_object *oci)
{
	json_object *rules = json_object_object_get(oci, "syscalls");
	char *s = xstrdup("");

	for (size_t i = 0; i < json_object_array_length(rules); i++) {
		json_object *names =
			json_object_object_get(json_object_array_get_idx(rules, i), "names");

		for (size_t k = 0; k < json_object_array_length(names); k++) {
			char *t = xasprintf(
				"%s%s%s", s, *s ? " " : "",
				json_object_get_string(json_object_array_get_idx(names, k)));
			free(s);
			s = t;
		}
	}
	return s;
}

TEST(docker_includes_and_excludes)
{
	cleanup_free char *text = xasprintf(
		"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
		"{'names': ['admin'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'caps': "
		"['CAP_SYS_ADMIN']}},"
		"{'names': ['admin_and_boot'], 'action': 'SCMP_ACT_ALLOW', "
		" 'includes': {'caps': ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT']}},"
		"{'names': ['not_admin'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'caps': "
		"['CAP_SYS_ADMIN']}},"
		"{'names': ['native'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'arches': ['%s']}},"
		"{'names': ['foreign'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'arches': "
		"['z80']}},"
		"{'names': ['not_native'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'arches': "
		"['%s']}},"
		"{'names': ['old_kernel'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
		"'2.6'}},"
		"{'names': ['future_kernel'], 'action': 'SCMP_ACT_ALLOW', 'includes': "
		"{'minKernel': '999.0'}},"
		"{'names': ['before_2_6'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'minKernel': "
		"'2.6'}},"
		"{'name': 'legacy', 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38, "
		" 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
		seccomp_native_goarch(), seccomp_native_goarch());
	json_object *admin = docker(text, CAP(CAP_SYS_ADMIN)), *none = docker(text, 0);
	cleanup_free char *a = NULL, *n = NULL;
	json_object *legacy;

	CHECK(seccomp_native_goarch() != NULL);
	CHECK(admin && none);
	a = rule_names(admin);
	n = rule_names(none);
	CHECK_STR(a, "admin native old_kernel legacy");
	CHECK_STR(n, "not_admin native old_kernel legacy");
	legacy = json_object_array_get_idx(json_object_object_get(none, "syscalls"), 3);
	CHECK_INT(json_object_get_int(json_object_object_get(legacy, "errnoRet")), 38);
	CHECK(json_object_object_get(legacy, "args") != NULL);
	CHECK(json_object_object_get(legacy, "includes") == NULL);
	json_object_put(admin);
	json_object_put(none);
}

TEST(docker_format_errors)
{
	static const struct {
		const char *profile, *msg;
	} cases[] = {
		{ "[]", "seccomp profile: must be a JSON object" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'name': 'a', 'names': ['b'], "
		  "'action': 'SCMP_ACT_ALLOW'}]}",
		  "seccomp profile: syscalls[0]: use either 'name' or 'names'" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['SCMP_ARCH_X86'], "
		  "'archMap': [{'architecture': 'SCMP_ARCH_X86_64'}]}",
		  "both 'architectures' and 'archMap' are specified" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], "
		  "'action': 'SCMP_ACT_ALLOW', 'includes': {'caps': 'CAP_SYS_ADMIN'}}]}",
		  "seccomp profile: syscalls[0].includes.caps: must be an array of strings" },
		{ "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], "
		  "'action': 'SCMP_ACT_ALLOW', 'excludes': {'minKernel': 'new'}}]}",
		  "seccomp profile: syscalls[0].excludes.minKernel: must be a version" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_object *o = docker(cases[i].profile, 0);

		if (o || !strstr(sc_err.msg, cases[i].msg)) {
			fprintf(stderr, "  case %zu: got \"%s\"\n", i, sc_err.msg);
			CHECK(0);
		}
	}
}

/* dockerd runs a profile with neither defaultAction nor rules unconfined. */
TEST(docker_empty_profile_is_unconfined)
{
	json_object *in = js("{'syscalls': []}"), *out = (json_object *)1;

	CHECK_INT(rt_seccomp_from_docker(in, 0, &out, &sc_err), 0);
	CHECK(out == NULL);
	json_object_put(in);
}

TEST(docker_default_profile_shape)
{
	json_object *p = rt_seccomp_default_profile(), *oci;
	cleanup_free char *names = NULL;
	const char *arches;

	CHECK(p != NULL);
	oci = NULL;
	CHECK_INT(rt_seccomp_from_docker(p, DOCKER_CAPS, &oci, &sc_err), 0);
	json_object_put(p);
	CHECK(oci != NULL);
	CHECK_STR(json_object_get_string(json_object_object_get(oci, "defaultAction")),
		  "SCMP_ACT_ERRNO");
	CHECK_INT(json_object_get_int(json_object_object_get(oci, "defaultErrnoRet")), EPERM);
	arches = json_object_to_json_string_ext(json_object_object_get(oci, "architectures"),
						JSON_C_TO_STRING_PLAIN);
	if (strcmp(seccomp_native_arch(), "SCMP_ARCH_X86_64") == 0)
		CHECK_STR(arches, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
	names = rule_names(oci);
	CHECK(strstr(names, " execve "));
	CHECK(strstr(names, " chroot"));   /* CAP_SYS_CHROOT is a default */
	CHECK(!strstr(names, "io_uring")); /* Docker 25 */
	CHECK(!strstr(names, "mount "));
	CHECK(!strstr(names, "unshare"));
	CHECK(!strstr(names, "kexec"));
	CHECK(!strstr(names, "userfaultfd"));
	CHECK(!strstr(names, "reboot"));
	json_object_put(oci);
}

static struct rt_seccomp *default_filter(uint64_t caps)
{
	json_object *p = rt_seccomp_default_profile(), *oci = NULL;
	struct rt_seccomp *f = NULL;

	if (rt_seccomp_from_docker(p, caps, &oci, &sc_err) == 0)
		rt_seccomp_compile(oci, &f, &sc_err);
	json_object_put(p);
	json_object_put(oci);
	return f;
}

TEST(docker_default_profile_without_sys_admin)
{
	struct rt_seccomp *f = default_filter(DOCKER_CAPS);

	CHECK(f != NULL);
	CHECK(rt_seccomp_length(f) > 100);
	CHECK_INT(call_under(f, SYS_close, NOFD, 0, 0), EBADF);
	CHECK_INT(call_under(f, SYS_getpid, 0, 0, 0), 0);
	CHECK_INT(call_under(f, SYS_mount, (long)"none", (long)"/no/such/dir", (long)"tmpfs"),
		  EPERM);
	CHECK_INT(call_under(f, SYS_unshare, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_setns, -1, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_clone3, 0, 0, 0), ENOSYS);
	CHECK_INT(call_under(f, SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0), EPERM);
	CHECK_INT(call_under(f, SYS_socket, AF_UNIX, SOCK_STREAM, 0), 0);
	CHECK_INT(call_under(f, SYS_personality, 0xffffffffL, 0, 0), 0);
	CHECK_INT(call_under(f, SYS_personality, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_io_uring_setup, 1, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_userfaultfd, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_kexec_file_load, -1, -1, 0), EPERM);
	CHECK_INT(call_under(f, SYS_fsopen, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_open_tree, -1, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_bpf, -1, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_perf_event_open, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_init_module, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_settimeofday, 0, 0, 0), EPERM);
	rt_seccomp_free(f);
}

TEST(docker_default_profile_with_sys_admin)
{
	struct rt_seccomp *f = default_filter(DOCKER_CAPS | CAP(CAP_SYS_ADMIN));

	CHECK(f != NULL);
	/* Each answers the kernel's own error: the filter let it through. */
	CHECK_INT(call_under(f, SYS_mount, (long)"none", (long)"/no/such/dir", (long)"tmpfs"),
		  ENOENT);
	CHECK_INT(call_under(f, SYS_unshare, 0, 0, 0), 0);
	CHECK_INT(call_under(f, SYS_setns, -1, 0, 0), EBADF);
	CHECK_INT(call_under(f, SYS_clone3, 0, 0, 0), EINVAL);
	CHECK_INT(call_under(f, SYS_fsopen, 0, 0, 0), EFAULT);
	/* Still not: they need capabilities of their own. */
	CHECK_INT(call_under(f, SYS_init_module, 0, 0, 0), EPERM);
	CHECK_INT(call_under(f, SYS_io_uring_setup, 1, 0, 0), EPERM);
	rt_seccomp_free(f);
}

/* ---- what `mydocker run` asks for ---- */

static json_object *run_config(struct run_request *r)
{
	static char *args[] = { (char *)(uintptr_t) "/bin/true", NULL };
	json_object *cfg = NULL;

	r->id = "0123456789abcdef";
	r->args = args;
	r->rootfs = "/";
	md_error_clear(&sc_err);
	if (runconfig_build(r, &cfg, &sc_err) < 0)
		return NULL;
	return cfg;
}

static json_object *seccomp_of(json_object *cfg)
{
	return json_object_object_get(json_object_object_get(cfg, "linux"), "seccomp");
}

TEST(run_default_profile_and_caps)
{
	struct run_request r = { 0 };
	json_object *cfg = run_config(&r), *proc;
	cleanup_free char *names = NULL;
	struct spec *s = NULL;

	CHECK(cfg != NULL);
	CHECK(seccomp_of(cfg) != NULL);
	names = rule_names(seccomp_of(cfg));
	CHECK(strstr(names, "clone3")); /* the ENOSYS rule: no CAP_SYS_ADMIN */
	CHECK(!strstr(names, "unshare"));
	proc = json_object_object_get(cfg, "process");
	CHECK(json_object_object_get(proc, "capabilities") != NULL);
	CHECK_INT(spec_from_json(cfg, &s, &sc_err), 0);
	CHECK(s->linux.seccomp != NULL);
	CHECK(s->process->caps.set);
	CHECK(!(s->process->caps.bounding & CAP(CAP_SYS_ADMIN)));
	spec_free(s);
	json_object_put(cfg);
}

TEST(run_unconfined_privileged_and_file)
{
	struct run_request r = { .seccomp_unconfined = true };
	json_object *cfg = run_config(&r);

	CHECK(cfg && !seccomp_of(cfg));
	json_object_put(cfg);
	r = (struct run_request){ .privileged = true };
	cfg = run_config(&r);
	CHECK(cfg && !seccomp_of(cfg));
	CHECK(!json_object_object_get(json_object_object_get(cfg, "process"), "capabilities"));
	json_object_put(cfg);
	r = (struct run_request){ .seccomp_profile = "{\"defaultAction\": \"SCMP_ACT_LOG\"}" };
	cfg = run_config(&r);
	CHECK(cfg && seccomp_of(cfg));
	CHECK_STR(json_object_get_string(json_object_object_get(seccomp_of(cfg), "defaultAction")),
		  "SCMP_ACT_LOG");
	json_object_put(cfg);
	r = (struct run_request){ .seccomp_profile = "{\"defaultAction\": " };
	CHECK(run_config(&r) == NULL);
	CHECK(strstr(sc_err.msg, "seccomp profile: invalid JSON"));
}
