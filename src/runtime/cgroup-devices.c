/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/cgroup-devices.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef BPF_F_REPLACE
#define BPF_F_REPLACE (1U << 2)
#endif

const struct spec_device_rule cg_dev_default_allows[] = {
	/* mknod of any node (the rules still guard its use), null, zero,
	 * full, random, urandom, tty, ptmx and the pty peers. */
	{ true, 'c', -1, -1, "m" },    { true, 'b', -1, -1, "m" }, { true, 'c', 1, 3, "rwm" },
	{ true, 'c', 1, 5, "rwm" },    { true, 'c', 1, 7, "rwm" }, { true, 'c', 1, 8, "rwm" },
	{ true, 'c', 1, 9, "rwm" },    { true, 'c', 5, 0, "rwm" }, { true, 'c', 5, 2, "rwm" },
	{ true, 'c', 136, -1, "rwm" },
};
const size_t cg_dev_n_default_allows = ARRAY_SIZE(cg_dev_default_allows);

/* ---- the policy: the v1 device cgroup's bookkeeping ---- */

static unsigned access_bits(const char *a)
{
	unsigned bits = 0;

	if (!a || !*a)
		return CG_DEV_MKNOD | CG_DEV_READ | CG_DEV_WRITE;
	bits |= strchr(a, 'm') ? CG_DEV_MKNOD : 0;
	bits |= strchr(a, 'r') ? CG_DEV_READ : 0;
	bits |= strchr(a, 'w') ? CG_DEV_WRITE : 0;
	return bits;
}

static struct cg_dev_exception *find_exact(struct cg_dev_policy *p,
					   const struct cg_dev_exception *e)
{
	for (size_t i = 0; i < p->n_ex; i++)
		if (p->ex[i].type == e->type && p->ex[i].major == e->major &&
		    p->ex[i].minor == e->minor)
			return &p->ex[i];
	return NULL;
}

static void add_exception(struct cg_dev_policy *p, const struct cg_dev_exception *e)
{
	struct cg_dev_exception *same = find_exact(p, e);

	if (same) {
		same->access |= e->access;
		return;
	}
	p->ex = xrealloc(p->ex, (p->n_ex + 1) * sizeof(*p->ex));
	p->ex[p->n_ex++] = *e;
}

/* Only an exception of exactly this device loses access, as in the kernel:
 * a deny of "c 1:3" does not punch a hole in an allowed "c *:*". */
static void remove_access(struct cg_dev_policy *p, const struct cg_dev_exception *e)
{
	struct cg_dev_exception *same = find_exact(p, e);

	if (!same)
		return;
	same->access &= ~e->access;
	if (same->access == 0)
		*same = p->ex[--p->n_ex];
}

void cg_dev_policy_apply(struct cg_dev_policy *p, const struct spec_device_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct spec_device_rule *r = &rules[i];
		struct cg_dev_exception e = { r->type, r->major < 0 ? -1 : r->major,
					      r->minor < 0 ? -1 : r->minor,
					      access_bits(r->access) };

		if (r->type == 'a' || r->type == '\0') {
			p->allow_all = r->allow;
			p->n_ex = 0;
		} else if (r->allow != p->allow_all) {
			add_exception(p, &e);
		} else {
			remove_access(p, &e);
		}
	}
}

void cg_dev_policy_of(const struct spec_device_rule *rules, size_t n, struct cg_dev_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->allow_all = true;
	cg_dev_policy_apply(p, rules, n);
	if (n)
		cg_dev_policy_apply(p, cg_dev_default_allows, cg_dev_n_default_allows);
}

void cg_dev_policy_free(struct cg_dev_policy *p)
{
	free(p->ex);
	p->ex = NULL;
	p->n_ex = 0;
}

static bool matches(const struct cg_dev_exception *e, char type, int64_t major, int64_t minor)
{
	return e->type == type && (e->major < 0 || e->major == major) &&
	       (e->minor < 0 || e->minor == minor);
}

bool cg_dev_policy_allows(const struct cg_dev_policy *p, char type, int64_t major, int64_t minor,
			  unsigned access)
{
	for (size_t i = 0; i < p->n_ex; i++) {
		const struct cg_dev_exception *e = &p->ex[i];

		if (!matches(e, type, major, minor))
			continue;
		if (p->allow_all && (access & e->access))
			return false;
		if (!p->allow_all && (access & ~e->access) == 0)
			return true;
	}
	return p->allow_all;
}

/* ---- the program ---- */

/* The instructions we use, in the kernel's encoding. */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
	return i;
}

#define LDX_W(dst, src, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src) insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: the context's fields, loaded once. */
enum { R_CTX = 1, R_TYPE = 2, R_ACCESS = 3, R_MAJOR = 4, R_MINOR = 5, R_TMP = 6 };

struct prog {
	struct bpf_insn *i;
	size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	if (p->n == p->cap)
		p->i = xrealloc(p->i, (p->cap = p->cap ? p->cap * 2 : 64) * sizeof(*p->i));
	p->i[p->n++] = i;
}

/* The offset of a jump, emitted next, to the end of a block of len
 * instructions that started at start (offsets count from the next one). */
static int16_t to_end(const struct prog *p, size_t start, size_t len)
{
	return (int16_t)(start + len - p->n - 1);
}

/* One exception: every test jumps past the block when the device does not
 * match; the block ends in "return verdict". */
static void emit_exception(struct prog *p, const struct cg_dev_exception *e, bool allow_all)
{
	int type = e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
	size_t start = p->n, len = 6 + (e->major >= 0) + (e->minor >= 0);

	emit(p, JNE_IMM(R_TYPE, type, to_end(p, start, len)));
	emit(p, MOV_REG(R_TMP, R_ACCESS));
	if (allow_all) {
		/* Refused when it asks for any access the exception holds. */
		emit(p, AND_IMM(R_TMP, (int32_t)e->access));
		emit(p, JEQ_IMM(R_TMP, 0, to_end(p, start, len)));
	} else {
		/* Allowed when it asks for nothing the exception lacks. */
		emit(p, AND_IMM(R_TMP, (int32_t)(~e->access & 7u)));
		emit(p, JNE_IMM(R_TMP, 0, to_end(p, start, len)));
	}
	if (e->major >= 0)
		emit(p, JNE_IMM(R_MAJOR, (int32_t)e->major, to_end(p, start, len)));
	if (e->minor >= 0)
		emit(p, JNE_IMM(R_MINOR, (int32_t)e->minor, to_end(p, start, len)));
	emit(p, MOV_IMM(0, allow_all ? 0 : 1));
	emit(p, EXIT());
}

static int check_numbers(const struct cg_dev_policy *p, md_error *err)
{
	for (size_t i = 0; i < p->n_ex; i++)
		if (p->ex[i].major > INT32_MAX || p->ex[i].minor > INT32_MAX)
			return md_error_set(err, ERANGE,
					    "device %c %" PRId64 ":%" PRId64
					    ": number out of range",
					    p->ex[i].type, p->ex[i].major, p->ex[i].minor);
	return 0;
}

int cg_dev_bpf_build(const struct cg_dev_policy *p, struct bpf_insn **insns, size_t *n,
		     md_error *err)
{
	struct prog prog = { 0 };

	if (check_numbers(p, err) < 0)
		return -1;
	/* struct bpf_cgroup_dev_ctx: access_type (type in the low 16 bits,
	 * access in the high 16), major, minor; all u32. */
	emit(&prog, LDX_W(R_TYPE, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
	emit(&prog, MOV_REG(R_ACCESS, R_TYPE));
	emit(&prog, AND_IMM(R_TYPE, 0xffff));
	emit(&prog, RSH_IMM(R_ACCESS, 16));
	emit(&prog, LDX_W(R_MAJOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, major)));
	emit(&prog, LDX_W(R_MINOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, minor)));
	for (size_t i = 0; i < p->n_ex; i++)
		emit_exception(&prog, &p->ex[i], p->allow_all);
	emit(&prog, MOV_IMM(0, p->allow_all ? 1 : 0));
	emit(&prog, EXIT());
	*insns = prog.i;
	*n = prog.n;
	return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cg_dev_bpf_load(const struct bpf_insn *insns, size_t n, md_error *err)
{
	char log[4096] = "";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && errno == ENOSPC) { /* the log did not fit; load without */
		attr.log_buf = 0;
		attr.log_size = 0;
		attr.log_level = 0;
		fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	}
	if (fd < 0)
		return md_error_set(err, errno, "load the device filter (eBPF)%s%.200s",
				    log[0] ? ": " : "", log);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* The ids of the device programs attached to dirfd (at most cap). */
static int query(int dirfd, uint32_t *ids, uint32_t cap, uint32_t *n, md_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)dirfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = cap;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return md_error_set(err, errno, "query the device filters");
	*n = attr.query.prog_cnt < cap ? attr.query.prog_cnt : cap;
	return 0;
}

int cg_dev_bpf_count(int dirfd, md_error *err)
{
	uint32_t ids[64], n;

	if (query(dirfd, ids, ARRAY_SIZE(ids), &n, err) < 0)
		return -1;
	return (int)n;
}

static int prog_by_id(uint32_t id, md_error *err)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return md_error_set(err, errno, "device filter %u", id);
	return fd;
}

static int attach(int dirfd, int prog, int replace, md_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI | (replace >= 0 ? BPF_F_REPLACE : 0);
	attr.replace_bpf_fd = replace >= 0 ? (uint32_t)replace : 0;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return md_error_set(err, errno, "attach the device filter");
	return 0;
}

static int detach(int dirfd, int prog, md_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "detach the old device filter");
	return 0;
}

int cg_dev_bpf_attach(int dirfd, int prog, md_error *err)
{
	uint32_t ids[64], n;
	int old[64];
	int r = 0;

	if (query(dirfd, ids, ARRAY_SIZE(ids), &n, err) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		old[i] = prog_by_id(ids[i], NULL);
	/* One to replace: in one step (Linux 5.6). */
	if (n == 1 && old[0] >= 0 && attach(dirfd, prog, old[0], NULL) == 0) {
		close(old[0]);
		return 0;
	}
	if (attach(dirfd, prog, -1, err) < 0)
		r = -1;
	for (uint32_t i = 0; i < n; i++) {
		if (r == 0 && old[i] >= 0 && detach(dirfd, old[i], err) < 0)
			r = -1;
		if (old[i] >= 0)
			close(old[i]);
	}
	return r;
}

int cg_dev_bpf_apply(const char *dir, const struct spec_resources *res, md_error *err)
{
	struct cg_dev_policy p;
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_close int dirfd = -1, prog = -1;
	size_t n;
	int r;

	if (res->n_devices == 0)
		return 0;
	cg_dev_policy_of(res->devices, res->n_devices, &p);
	r = cg_dev_bpf_build(&p, &insns, &n, err);
	cg_dev_policy_free(&p);
	if (r < 0)
		return -1;
	prog = cg_dev_bpf_load(insns, n, err);
	if (prog < 0)
		return -1;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return md_error_set(err, errno, "open %s", dir);
	return cg_dev_bpf_attach(dirfd, prog, err);
}
