/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> a BPF program (with libseccomp), and loading it. See
 * seccomp.h for when the child loads it. */
#include "runtime/seccomp.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Linux syscalls take at most 6 arguments. */
#define MAX_ARG_INDEX 5
/* errno values the kernel passes through (MAX_ERRNO). */
#define MAX_ERRNO_RET 4095

struct rt_seccomp {
	struct sock_filter *insns;
	unsigned short len;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
};

/* ---- name tables ---- */

static const struct {
	const char *name;
	uint32_t action;
	bool errno_ret; /* takes errnoRet (default EPERM) */
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* goarch: Go's name for it (Docker profiles' includes.arches), if any. */
static const struct {
	const char *name;
	uint32_t token;
	const char *goarch;
} arches[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86, "386" },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, "amd64" },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32, NULL },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM, "arm" },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, "arm64" },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS, "mips" },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64, "mips64" },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32, NULL },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL, "mipsle" },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64, "mips64le" },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, NULL },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC, "ppc" },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64, "ppc64" },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, "ppc64le" },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390, "s390" },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X, "s390x" },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC, NULL },
	{ "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64, NULL },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, "riscv64" },
#ifdef SCMP_ARCH_LOONGARCH64
	{ "SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64, "loong64" },
#endif
#ifdef SCMP_ARCH_M68K
	{ "SCMP_ARCH_M68K", SCMP_ARCH_M68K, NULL },
#endif
};

/* WAIT_KILLABLE_RECV only changes how a notify listener waits; the
 * kernel refuses it without one, and we never make one: accepted, and
 * not passed on (load is 0). */
static const struct {
	const char *name;
	unsigned long flag; /* what to probe the kernel with */
	unsigned long load; /* what seccomp(2) gets */
} flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	  SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER, 0 },
};

/* ---- errors and typed getters ---- */

/* "config: linux.seccomp<path>: <msg>"; returns -1. */
static int bad(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(md_error *err, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return md_error_set(err, 0, "config: linux.seccomp%s", msg);
}

static const char *text(json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A non-negative integer no larger than max. */
static bool get_uint(json_object *v, uint64_t max, uint64_t *out)
{
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return false;
	*out = json_object_get_uint64(v);
	return *out <= max;
}

/* ---- actions, arguments ---- */

/* The action in o's member akey, with the errno in ekey for ERRNO and
 * TRACE (EPERM when absent). at is the path of o for messages: "" for
 * linux.seccomp itself, ".syscalls[2]" for a rule. */
static int parse_action(json_object *o, const char *akey, const char *ekey, const char *at,
			uint32_t *out, md_error *err)
{
	json_object *v = md_json_member(o, akey), *errno_v = md_json_member(o, ekey);
	const char *name =
		json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	uint64_t e = EPERM;

	if (!v)
		return bad(err, "%s.%s: missing", at, akey);
	/* Refused by name: without an agent, a notifying filter would hang
	 * every call it catches. */
	if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		return bad(err,
			   "%s.%s: SCMP_ACT_NOTIFY is not supported (no seccomp agent "
			   "support)",
			   at, akey);
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(name, actions[i].name) != 0)
			continue;
		if (actions[i].errno_ret && errno_v && !get_uint(errno_v, MAX_ERRNO_RET, &e))
			return bad(err, "%s.%s: must be 0..%d, not %s", at, ekey, MAX_ERRNO_RET,
				   text(errno_v));
		*out = actions[i].action | (actions[i].errno_ret ? (uint32_t)e : 0);
		return 0;
	}
	return bad(err, "%s.%s: unknown action %s", at, akey, text(v));
}

static int parse_arg(json_object *a, size_t i, size_t j, struct scmp_arg_cmp *out, md_error *err)
{
	json_object *op = md_json_member(a, "op"), *v;
	uint64_t index;

	if (!json_object_is_type(a, json_type_object))
		return bad(err, ".syscalls[%zu].args[%zu]: must be an object", i, j);
	v = md_json_member(a, "index");
	if (!v || !get_uint(v, MAX_ARG_INDEX, &index))
		return bad(err, ".syscalls[%zu].args[%zu].index: must be 0..%d", i, j,
			   MAX_ARG_INDEX);
	out->arg = (unsigned)index;
	v = md_json_member(a, "value");
	if (!v || !get_uint(v, UINT64_MAX, &out->datum_a))
		return bad(err, ".syscalls[%zu].args[%zu].value: must be an unsigned integer", i,
			   j);
	/* For SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum. */
	v = md_json_member(a, "valueTwo");
	out->datum_b = 0;
	if (v && !get_uint(v, UINT64_MAX, &out->datum_b))
		return bad(err, ".syscalls[%zu].args[%zu].valueTwo: must be an unsigned integer", i,
			   j);
	for (size_t k = 0; op && k < ARRAY_SIZE(operators); k++) {
		if (json_object_is_type(op, json_type_string) &&
		    strcmp(json_object_get_string(op), operators[k].name) == 0) {
			out->op = operators[k].op;
			return 0;
		}
	}
	if (!op)
		return bad(err, ".syscalls[%zu].args[%zu].op: missing", i, j);
	return bad(err, ".syscalls[%zu].args[%zu].op: unknown operator %s", i, j, text(op));
}

/* ---- rules ---- */

struct rule {
	uint32_t action;
	struct scmp_arg_cmp *conds;
	unsigned n;
	/* libseccomp takes one condition per argument in a rule: with two on
	 * one argument, each condition becomes a rule of its own (runc). */
	bool split;
};

static int parse_args(json_object *args, size_t i, struct rule *r, md_error *err)
{
	unsigned per_arg[MAX_ARG_INDEX + 1] = { 0 };
	size_t n;

	if (!args)
		return 0;
	if (!json_object_is_type(args, json_type_array))
		return bad(err, ".syscalls[%zu].args: must be an array", i);
	n = json_object_array_length(args);
	r->conds = xmalloc0((n ? n : 1) * sizeof(*r->conds));
	for (size_t j = 0; j < n; j++) {
		if (parse_arg(json_object_array_get_idx(args, j), i, j, &r->conds[j], err) < 0)
			return -1;
		if (++per_arg[r->conds[j].arg] > 1)
			r->split = true;
	}
	r->n = (unsigned)n;
	return 0;
}

static int add_one(scmp_filter_ctx ctx, const struct rule *r, int nr)
{
	int rc = 0;

	if (!r->split)
		return seccomp_rule_add_array(ctx, r->action, nr, r->n, r->conds);
	for (unsigned k = 0; k < r->n && rc == 0; k++)
		rc = seccomp_rule_add_array(ctx, r->action, nr, 1, &r->conds[k]);
	return rc;
}

/* With r NULL, only check the names. */
static int add_names(scmp_filter_ctx ctx, json_object *names, size_t i, const struct rule *r,
		     md_error *err)
{
	size_t n;

	if (!names || !json_object_is_type(names, json_type_array))
		return bad(err, ".syscalls[%zu].names: must be an array of names", i);
	n = json_object_array_length(names);
	for (size_t k = 0; k < n; k++) {
		json_object *v = json_object_array_get_idx(names, k);
		const char *name = json_object_get_string(v);
		int nr, rc;

		if (!json_object_is_type(v, json_type_string) || !*name)
			return bad(err, ".syscalls[%zu].names[%zu]: must be a syscall name", i, k);
		/* Unknown to this libseccomp: not a syscall this kernel has. */
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR || !r)
			continue;
		rc = add_one(ctx, r, nr);
		if (rc < 0)
			return md_error_set(err, -rc,
					    "config: linux.seccomp.syscalls[%zu]: rule for "
					    "`%s`",
					    i, name);
	}
	return 0;
}

static int add_syscall(scmp_filter_ctx ctx, json_object *s, size_t i, uint32_t default_action,
		       md_error *err)
{
	struct rule r = { 0 };
	char at[64];
	int ret;

	if (!json_object_is_type(s, json_type_object))
		return bad(err, ".syscalls[%zu]: must be an object", i);
	snprintf(at, sizeof(at), ".syscalls[%zu]", i);
	if (parse_action(s, "action", "errnoRet", at, &r.action, err) < 0)
		return -1;
	ret = parse_args(md_json_member(s, "args"), i, &r, err);
	/* libseccomp refuses a rule that only repeats the default: check it,
	 * add nothing. */
	if (ret == 0)
		ret = add_names(ctx, md_json_member(s, "names"), i,
				r.action != default_action ? &r : NULL, err);
	free(r.conds);
	return ret;
}

static int add_syscalls(scmp_filter_ctx ctx, json_object *list, uint32_t default_action,
			md_error *err)
{
	size_t n;

	if (!list)
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return bad(err, ".syscalls: must be an array");
	n = json_object_array_length(list);
	/* No binary tree (SCMP_FLTATR_CTL_OPTIMIZE 2): it makes the compile
	 * half as slow again, for little at run time: since Linux 5.11 the
	 * kernel skips the filter for the calls it always allows. */
	for (size_t i = 0; i < n; i++)
		if (add_syscall(ctx, json_object_array_get_idx(list, i), i, default_action, err) <
		    0)
			return -1;
	return 0;
}

/* ---- architectures and flags ---- */

static int add_arches(scmp_filter_ctx ctx, json_object *list, md_error *err)
{
	size_t n;

	if (!list)
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return bad(err, ".architectures: must be an array");
	n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(list, i);
		size_t k = 0;
		int rc;

		while (k < ARRAY_SIZE(arches) &&
		       !(json_object_is_type(v, json_type_string) &&
			 strcmp(json_object_get_string(v), arches[k].name) == 0))
			k++;
		if (k == ARRAY_SIZE(arches))
			return bad(err, ".architectures[%zu]: unknown architecture %s", i, text(v));
		rc = seccomp_arch_add(ctx, arches[k].token);
		if (rc < 0 && rc != -EEXIST)
			return md_error_set(err, -rc,
					    "config: linux.seccomp.architectures[%zu]: "
					    "cannot add %s to a filter for this host",
					    i, arches[k].name);
	}
	return 0;
}

/* A flag the kernel knows makes seccomp(2) fail on the NULL program
 * (EFAULT) rather than on the flags (EINVAL). */
static bool kernel_has_flag(unsigned long flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static int parse_flags(json_object *list, unsigned *out, md_error *err)
{
	size_t n;

	*out = 0;
	if (!list)
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return bad(err, ".flags: must be an array");
	n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(list, i);
		size_t k = 0;

		while (k < ARRAY_SIZE(flags) &&
		       !(json_object_is_type(v, json_type_string) &&
			 strcmp(json_object_get_string(v), flags[k].name) == 0))
			k++;
		if (k == ARRAY_SIZE(flags))
			return bad(err, ".flags[%zu]: unknown flag %s", i, text(v));
		if (!kernel_has_flag(flags[k].flag))
			return md_error_set(err, EINVAL,
					    "config: linux.seccomp.flags[%zu]: this "
					    "kernel does not support %s",
					    i, flags[k].name);
		*out |= (unsigned)flags[k].load;
	}
	return 0;
}

/* ---- compile ---- */

/* libseccomp writes the program to an fd (2.5 has no in-memory export). */
static int export_bpf(scmp_filter_ctx ctx, struct rt_seccomp *f, md_error *err)
{
	cleanup_close int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	size_t size, used = 0;
	off_t end;
	int rc;

	if (fd < 0)
		return md_error_set(err, errno, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return md_error_set(err, -rc, "seccomp: export the filter");
	end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return md_error_set(err, errno, "seccomp: size of the filter");
	size = (size_t)end;
	if (size == 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return md_error_set(err, E2BIG,
				    "seccomp: the filter has %zu instructions, the "
				    "kernel takes at most %d",
				    size / sizeof(struct sock_filter), BPF_MAXINSNS);
	f->insns = xmalloc0(size);
	while (used < size) {
		ssize_t r = pread(fd, (char *)f->insns + used, size - used, (off_t)used);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return md_error_set(err, r < 0 ? errno : EIO, "seccomp: read the filter");
		used += (size_t)r;
	}
	f->len = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

static int check_listener(json_object *config, md_error *err)
{
	json_object *v = md_json_member(config, "listenerPath");

	if (v && (!json_object_is_type(v, json_type_string) || *json_object_get_string(v)))
		return bad(err, ".listenerPath: seccomp notify is not supported");
	return 0;
}

static int build(json_object *config, scmp_filter_ctx *ctx, struct rt_seccomp *f, md_error *err)
{
	uint32_t def;
	int rc;

	if (!json_object_is_type(config, json_type_object))
		return bad(err, ": must be an object");
	if (parse_action(config, "defaultAction", "defaultErrnoRet", "", &def, err) < 0 ||
	    check_listener(config, err) < 0 ||
	    parse_flags(md_json_member(config, "flags"), &f->flags, err) < 0)
		return -1;
	*ctx = seccomp_init(def);
	if (!*ctx)
		return md_error_set(err, ENOMEM, "seccomp: seccomp_init");
	/* A binary tree of syscall numbers, not a linear list: the kernel
	 * checks every syscall against the whole program when it loads it
	 * (its action cache), which for Docker's ~350 rules in a list cost
	 * ~1.5 ms per container; each syscall is also checked faster. */
	rc = seccomp_attr_set(*ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) /* libseccomp returns -errno */
		return md_error_set(err, -rc, "seccomp: binary tree optimization");
	if (add_arches(*ctx, md_json_member(config, "architectures"), err) < 0 ||
	    add_syscalls(*ctx, md_json_member(config, "syscalls"), def, err) < 0)
		return -1;
	return export_bpf(*ctx, f, err);
}

/* ---- cache ----
 * libseccomp takes ~10 ms to compile Docker's profile for three
 * architectures, more than the rest of a container start. Compiled
 * programs are kept in a root-only directory that the caller names (where
 * is its policy, not ours), one file per profile: the file name is a hash,
 * and the file holds the whole key (libseccomp's version and the profile's
 * canonical JSON), compared byte for byte before its program is used. Any
 * problem with the cache means a fresh compile. */

#define CACHE_MAGIC "mydocker-seccomp-2\n"

struct cache_head {
	char magic[sizeof(CACHE_MAGIC) - 1];
	uint32_t key_len, flags, len;
};

/* The kernel is part of the key: which flags it takes was checked. */
static char *cache_key(json_object *config)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;

	if (uname(&u) < 0)
		u.release[0] = '\0';
	return xasprintf("libseccomp %u.%u.%u tree kernel %s\n%s", v->major, v->minor, v->micro,
			 u.release, json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN));
}

static char *cache_path(const char *dir, const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: names files, proves nothing */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return xasprintf("%s/%016llx", dir, (unsigned long long)h);
}

/* The directory (made 0700 with its parents if missing) is trusted only if
 * it is ours and nobody else's. */
static bool cache_dir_ok(const char *dir)
{
	struct stat st;

	if (md_mkdir_p(dir, 0700, NULL) < 0)
		return false;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & 077) == 0;
}

static bool cache_load(const char *dir, const char *key, struct rt_seccomp *f)
{
	cleanup_free char *path = cache_path(dir, key), *data = NULL;
	size_t len = 0, klen = strlen(key);
	struct cache_head h;

	if (!cache_dir_ok(dir) || md_read_file(path, &data, &len, NULL) < 0 || len < sizeof(h))
		return false;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) || h.key_len != klen || h.len == 0 ||
	    h.len > BPF_MAXINSNS || len != sizeof(h) + klen + h.len * sizeof(struct sock_filter) ||
	    memcmp(data + sizeof(h), key, klen))
		return false;
	f->insns = xmalloc0(h.len * sizeof(struct sock_filter));
	memcpy(f->insns, data + sizeof(h) + klen, h.len * sizeof(struct sock_filter));
	f->len = (unsigned short)h.len;
	f->flags = h.flags;
	return true;
}

static void cache_store(const char *dir, const char *key, const struct rt_seccomp *f)
{
	cleanup_free char *path = cache_path(dir, key), *data = NULL;
	size_t klen = strlen(key), plen = f->len * sizeof(struct sock_filter);
	struct cache_head h = { .key_len = (uint32_t)klen, .flags = f->flags, .len = f->len };

	if (!cache_dir_ok(dir))
		return;
	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	data = xmalloc0(sizeof(h) + klen + plen);
	memcpy(data, &h, sizeof(h));
	memcpy(data + sizeof(h), key, klen);
	memcpy(data + sizeof(h) + klen, f->insns, plen);
	(void)md_write_file_atomic(path, data, sizeof(h) + klen + plen, 0600, NULL);
}

int seccomp_compile_cached(json_object *config, const char *cache_dir, struct rt_seccomp **out,
			   md_error *err)
{
	cleanup_free char *key = NULL;
	struct rt_seccomp *f;
	scmp_filter_ctx ctx = NULL;
	int r;

	*out = NULL;
	if (!config)
		return 0;
	f = xmalloc0(sizeof(*f));
	if (cache_dir)
		key = cache_key(config);
	if (key && cache_load(cache_dir, key, f)) {
		*out = f;
		return 0;
	}
	r = build(config, &ctx, f, err);
	seccomp_release(ctx);
	if (r < 0) {
		rt_seccomp_free(f);
		return -1;
	}
	if (key)
		cache_store(cache_dir, key, f);
	*out = f;
	return 0;
}

int rt_seccomp_compile(json_object *config, struct rt_seccomp **out, md_error *err)
{
	return seccomp_compile_cached(config, NULL, out, err);
}

/* ---- load ---- */

int rt_seccomp_apply(const struct rt_seccomp *f, md_error *err)
{
	struct sock_fprog prog;
	long r;

	if (!f)
		return 0;
	prog.len = f->len;
	prog.filter = f->insns;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
	if (r < 0 && errno == ENOSYS && f->flags == 0)
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	if (r > 0) /* TSYNC: the id of a thread that could not take it */
		return md_error_set(err, 0, "load seccomp filter: thread %ld has another filter",
				    r);
	if (r < 0 && errno == EACCES)
		return md_error_set(err, errno,
				    "load seccomp filter (it needs noNewPrivileges "
				    "or CAP_SYS_ADMIN)");
	if (r < 0)
		return md_error_set(err, errno, "load seccomp filter");
	return 0;
}

unsigned rt_seccomp_length(const struct rt_seccomp *f)
{
	return f ? f->len : 0;
}

void rt_seccomp_free(struct rt_seccomp *f)
{
	if (!f)
		return;
	free(f->insns);
	free(f);
}

/* ---- what we support ---- */

/* The names of a table above, as a JSON array. */
#define NAMES(table)                                                                               \
	({                                                                                         \
		json_object *a_ = json_object_new_array();                                         \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(table); i_++)                                  \
			json_object_array_add(a_, json_object_new_string((table)[i_].name));       \
		a_;                                                                                \
	})

json_object *rt_seccomp_features(void)
{
	json_object *o = json_object_new_object(), *supported = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (kernel_has_flag(flags[i].flag))
			json_object_array_add(supported, json_object_new_string(flags[i].name));
	json_object_object_add(o, "enabled", json_object_new_boolean(1));
	json_object_object_add(o, "actions", NAMES(actions));
	json_object_object_add(o, "operators", NAMES(operators));
	json_object_object_add(o, "archs", NAMES(arches));
	json_object_object_add(o, "knownFlags", NAMES(flags));
	json_object_object_add(o, "supportedFlags", supported);
	return o;
}

static size_t native_index(void)
{
	uint32_t token = seccomp_arch_native();
	size_t i = 0;

	while (i < ARRAY_SIZE(arches) && arches[i].token != token)
		i++;
	return i;
}

const char *seccomp_native_arch(void)
{
	size_t i = native_index();

	return i < ARRAY_SIZE(arches) ? arches[i].name : NULL;
}

const char *seccomp_native_goarch(void)
{
	size_t i = native_index();

	return i < ARRAY_SIZE(arches) ? arches[i].goarch : NULL;
}
