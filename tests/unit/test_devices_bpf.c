/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-devices.c: the v1 rule bookkeeping, the eBPF program built from
 * it (run here by a small interpreter of the instructions it uses, against
 * the bookkeeping, for every device class and access), and the program in
 * the kernel: through the verifier, attached to a test cgroup, replaced. */
#include "unit.h"
#include "runtime/cgroup-devices.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define R(allow, type, maj, min, acc)                                                              \
	{                                                                                          \
		allow, type, maj, min, acc                                                         \
	}

static bool allows(const struct cg_dev_policy *p, char t, int maj, int min, const char *acc)
{
	unsigned a = 0;

	a |= strchr(acc, 'm') ? CG_DEV_MKNOD : 0;
	a |= strchr(acc, 'r') ? CG_DEV_READ : 0;
	a |= strchr(acc, 'w') ? CG_DEV_WRITE : 0;
	return cg_dev_policy_allows(p, t, maj, min, a);
}

TEST(devbpf_policy_deny_all_then_exceptions)
{
	const struct spec_device_rule rules[] = {
		R(false, 'a', -1, -1, "rwm"), R(true, 'c', 1, 3, "rw"), R(true, 'c', 1, 3, "m"),
		R(true, 'b', 8, -1, "r"),     R(false, 'c', 1, 3, "w"),
	};
	struct cg_dev_policy p = { .allow_all = true };

	cg_dev_policy_apply(&p, rules, ARRAY_SIZE(rules));
	CHECK(!p.allow_all);
	CHECK_INT(p.n_ex, 2);
	CHECK(allows(&p, 'c', 1, 3, "rm")); /* merged rw + m, then w taken */
	CHECK(!allows(&p, 'c', 1, 3, "w"));
	CHECK(!allows(&p, 'c', 1, 3, "rw")); /* all of it must be allowed */
	CHECK(allows(&p, 'b', 8, 17, "r"));
	CHECK(!allows(&p, 'b', 8, 17, "rw"));
	CHECK(!allows(&p, 'c', 8, 17, "r")); /* the type matters */
	CHECK(!allows(&p, 'c', 1, 5, "r"));
	cg_dev_policy_free(&p);
}

TEST(devbpf_policy_allow_all_and_resets)
{
	const struct spec_device_rule rules[] = {
		R(false, 'a', -1, -1, ""),   R(true, 'c', 1, 3, "rwm"),  R(true, 'a', -1, -1, ""),
		R(false, 'c', 10, 229, "w"), R(false, 'b', -1, -1, "m"),
	};
	struct cg_dev_policy p = { .allow_all = true };

	cg_dev_policy_apply(&p, rules, ARRAY_SIZE(rules));
	CHECK(p.allow_all);
	CHECK_INT(p.n_ex, 2);
	CHECK(allows(&p, 'c', 10, 229, "r"));
	CHECK(!allows(&p, 'c', 10, 229, "rw")); /* any refused bit refuses */
	CHECK(!allows(&p, 'b', 7, 0, "m"));
	CHECK(allows(&p, 'b', 7, 0, "rw"));
	CHECK(allows(&p, 'c', 4, 1, "rwm"));
	cg_dev_policy_free(&p);
}

/* As in the kernel, a deny of one device does not punch a hole in an
 * allowed wildcard: only an exception of exactly that device loses access. */
TEST(devbpf_policy_no_holes_in_wildcards)
{
	const struct spec_device_rule rules[] = {
		R(false, 'a', -1, -1, ""),
		R(true, 'c', -1, -1, "rwm"),
		R(false, 'c', 1, 3, "rwm"),
	};
	struct cg_dev_policy p = { .allow_all = true };

	cg_dev_policy_apply(&p, rules, ARRAY_SIZE(rules));
	CHECK(allows(&p, 'c', 1, 3, "rw"));
	CHECK_INT(p.n_ex, 1);
	cg_dev_policy_free(&p);
}

TEST(devbpf_policy_of_adds_the_defaults_only_with_rules)
{
	const struct spec_device_rule deny = R(false, 'a', -1, -1, "rwm");
	struct cg_dev_policy p;

	cg_dev_policy_of(&deny, 1, &p);
	CHECK(!p.allow_all);
	CHECK(allows(&p, 'c', 1, 3, "rwm"));  /* null */
	CHECK(allows(&p, 'c', 136, 4, "rw")); /* a pty */
	CHECK(allows(&p, 'b', 8, 0, "m"));    /* mknod, not open */
	CHECK(!allows(&p, 'b', 8, 0, "r"));
	CHECK(!allows(&p, 'c', 1, 1, "r")); /* mem */
	cg_dev_policy_free(&p);
	cg_dev_policy_of(&deny, 0, &p);
	CHECK(p.allow_all);
	CHECK_INT(p.n_ex, 0);
	cg_dev_policy_free(&p);
}

/* ---- the program, run by an interpreter of what it uses ---- */

static int run_prog(const struct bpf_insn *in, size_t n, uint32_t access_type, uint32_t major,
		    uint32_t minor)
{
	struct bpf_cgroup_dev_ctx ctx = { access_type, major, minor };
	uint64_t r[11] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &in[pc];
		uint64_t imm = (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			r[i->dst_reg] = *(const uint32_t *)((const char *)&ctx + i->off);
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = imm;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			r[i->dst_reg] &= imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			r[i->dst_reg] >>= imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (r[i->dst_reg] == imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -2; /* fell off the end */
}

/* Every type, access set and a spread of numbers: program == bookkeeping. */
static bool prog_matches_policy(const struct cg_dev_policy *p, const struct bpf_insn *in, size_t n)
{
	static const int nums[] = { 0, 1, 3, 5, 8, 136, 229, 4095 };

	for (int t = 0; t < 2; t++)
		for (unsigned acc = 1; acc < 8; acc++)
			for (size_t a = 0; a < ARRAY_SIZE(nums); a++)
				for (size_t b = 0; b < ARRAY_SIZE(nums); b++) {
					char type = t ? 'b' : 'c';
					uint32_t at = (acc << 16) | (t ? BPF_DEVCG_DEV_BLOCK
								       : BPF_DEVCG_DEV_CHAR);
					int want = cg_dev_policy_allows(p, type, nums[a], nums[b],
									acc);

					if (run_prog(in, n, at, (uint32_t)nums[a],
						     (uint32_t)nums[b]) != want) {
						fprintf(stderr, "  %c %d:%d access %u: want %d\n",
							type, nums[a], nums[b], acc, want);
						return false;
					}
				}
	return true;
}

static bool check_rules(const struct spec_device_rule *rules, size_t n_rules)
{
	struct cg_dev_policy p;
	struct bpf_insn *in = NULL;
	size_t n = 0;
	bool ok;

	cg_dev_policy_of(rules, n_rules, &p);
	ok = cg_dev_bpf_build(&p, &in, &n, NULL) == 0 && prog_matches_policy(&p, in, n);
	free(in);
	cg_dev_policy_free(&p);
	return ok;
}

TEST(devbpf_program_matches_the_policy)
{
	const struct spec_device_rule docker[] = {
		R(false, 'a', -1, -1, "rwm"), R(true, 'c', 10, 200, "rwm"),
		R(true, 'c', 5, 1, "rwm"),    R(true, 'c', 4, 0, "rwm"),
		R(true, 'c', 4, 1, "rwm"),    R(true, 'c', 10, 229, "rw"),
	};
	const struct spec_device_rule blacklist[] = {
		R(true, 'a', -1, -1, "rwm"),
		R(false, 'c', 1, 3, "w"),
		R(false, 'b', -1, 8, "rm"),
		R(false, 'c', 136, -1, "r"),
	};
	const struct spec_device_rule mixed[] = {
		R(false, 'a', -1, -1, "rwm"), R(true, 'b', 8, -1, "r"),   R(true, 'c', -1, 5, "w"),
		R(false, 'c', 1, 3, "m"),     R(true, 'c', 229, 229, ""),
	};

	CHECK(check_rules(docker, ARRAY_SIZE(docker)));
	CHECK(check_rules(blacklist, ARRAY_SIZE(blacklist)));
	CHECK(check_rules(mixed, ARRAY_SIZE(mixed)));
}

TEST(devbpf_program_refuses_numbers_out_of_range)
{
	const struct spec_device_rule big[] = { R(false, 'a', -1, -1, ""),
						R(true, 'c', 1, 4294967296LL, "r") };
	struct cg_dev_policy p;
	struct bpf_insn *in = NULL;
	size_t n = 0;
	md_error err;
	int r;

	cg_dev_policy_of(big, ARRAY_SIZE(big), &p);
	r = cg_dev_bpf_build(&p, &in, &n, &err);
	cg_dev_policy_free(&p);
	free(in);
	CHECK_INT(r, -1);
	CHECK(strstr(err.msg, "out of range") != NULL);
}

/* ---- in the kernel ---- */

/* Our test cgroup in the cgroup2 hierarchy (v2 or hybrid), or NULL. */
static char *test_cgroup(void)
{
	static const char *mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		char *dir;

		if (statfs(mounts[i], &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		dir = xasprintf("%s/mydocker", mounts[i]);
		mkdir(dir, 0755);
		free(dir);
		dir = xasprintf("%s/mydocker/unit-devbpf-%d", mounts[i], (int)getpid());
		if (mkdir(dir, 0755) == 0)
			return dir;
		free(dir);
	}
	return NULL;
}

static int attach_rules(int dirfd, const struct spec_device_rule *rules, size_t n_rules)
{
	struct cg_dev_policy p;
	struct bpf_insn *in = NULL;
	size_t n = 0;
	int prog, r = -1;

	cg_dev_policy_of(rules, n_rules, &p);
	if (cg_dev_bpf_build(&p, &in, &n, NULL) == 0) {
		prog = cg_dev_bpf_load(in, n, NULL);
		if (prog >= 0) {
			r = cg_dev_bpf_attach(dirfd, prog, NULL);
			close(prog);
		}
	}
	free(in);
	cg_dev_policy_free(&p);
	return r;
}

/* The errno of open(path) (0: it opened) in a child inside dir. */
static int open_in(const char *dir, const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *procs = xasprintf("%s/cgroup.procs", dir);
		int fd = open(procs, O_WRONLY);

		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(200);
		close(fd);
		fd = open(path, O_RDONLY);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(devbpf_kernel_verifies_attaches_and_replaces)
{
	const struct spec_device_rule deny_all[] = { R(false, 'a', -1, -1, "rwm") };
	const struct spec_device_rule deny_loop[] = { R(true, 'a', -1, -1, ""),
						      R(false, 'b', 7, 0, "r") };
	cleanup_free char *dir = NULL, *tmp = xstrdup("/tmp/md-devbpf.XXXXXX");
	cleanup_free char *kmsg = NULL, *loop = NULL;
	cleanup_close int dirfd = -1;
	int null1 = -1, kmsg1 = -1, kmsg2 = -1, loop2 = -1, count = -1;

	dir = test_cgroup();
	if (!dir || !mkdtemp(tmp)) {
		fprintf(stderr, "  (no cgroup2 hierarchy to test in: skipped)\n");
		return;
	}
	kmsg = xasprintf("%s/kmsg", tmp);
	loop = xasprintf("%s/loop", tmp);
	mknod(kmsg, S_IFCHR | 0600, makedev(1, 11));
	mknod(loop, S_IFBLK | 0600, makedev(7, 0));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (attach_rules(dirfd, deny_all, ARRAY_SIZE(deny_all)) == 0) {
		null1 = open_in(dir, "/dev/null");
		kmsg1 = open_in(dir, kmsg);
	}
	/* Replaced: one program attached, the new rules in force. */
	if (attach_rules(dirfd, deny_loop, ARRAY_SIZE(deny_loop)) == 0) {
		count = cg_dev_bpf_count(dirfd, NULL);
		kmsg2 = open_in(dir, kmsg);
		loop2 = open_in(dir, loop);
	}
	unlink(kmsg);
	unlink(loop);
	rmdir(tmp);
	rmdir(dir);
	CHECK_INT(null1, 0); /* a default device */
	CHECK_INT(kmsg1, EPERM);
	CHECK_INT(count, 1);
	CHECK_INT(kmsg2, 0);
	CHECK_INT(loop2, EPERM);
}
