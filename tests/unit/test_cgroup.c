/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup: path mapping, conversions, mountinfo and file parsers, and the
 * per-version writers run against a scratch directory of fake control
 * files (no real cgroup is touched). */
#include "unit.h"
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *path_for(const char *p, const char *id)
{
	static char buf[256];
	char *r = cgroup_path_for(p, id);

	if (!r)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", r);
	free(r);
	return buf;
}

TEST(cgroup_path_for_default)
{
	CHECK_STR(path_for(NULL, "abc"), "/mydocker/abc");
	CHECK_STR(path_for("", "abc"), "/mydocker/abc");
	CHECK(path_for(NULL, "a/b") == NULL);
	CHECK(path_for(NULL, "..") == NULL);
	CHECK(path_for(NULL, "") == NULL);
	CHECK(path_for(NULL, NULL) == NULL);
}

TEST(cgroup_path_for_relative_absolute)
{
	CHECK_STR(path_for("foo/bar", "x"), "/mydocker/foo/bar");
	CHECK_STR(path_for("foo//./bar/", "x"), "/mydocker/foo/bar");
	CHECK_STR(path_for("/a/b", "x"), "/a/b");
	CHECK_STR(path_for("//a//b/", "x"), "/a/b");
	CHECK(path_for("../x", "x") == NULL);
	CHECK(path_for("a/../../x", "x") == NULL);
	CHECK(path_for("/a/..", "x") == NULL);
	CHECK(path_for("/", "x") == NULL);
	CHECK(path_for(".", "x") == NULL);
	CHECK(path_for("/mydocker", "x") == NULL);
}

TEST(cgroup_path_for_systemd_style)
{
	CHECK_STR(path_for("system.slice:docker:abc", "x"), "/mydocker/docker-abc");
	CHECK_STR(path_for("user.slice::abc", "x"), "/mydocker/abc");
	CHECK(path_for("system.slice:docker:", "x") == NULL);
	CHECK(path_for("system.slice:docker:..", "x") == NULL);
	/* a slash or a third colon: not the systemd syntax, a plain path */
	CHECK_STR(path_for("a:b:c:d", "x"), "/mydocker/a:b:c:d");
	CHECK_STR(path_for("/a:b:c", "x"), "/a:b:c");
}

TEST(cgroup_path_ok)
{
	CHECK(cg_path_ok("/mydocker/x"));
	CHECK(cg_path_ok("/a"));
	CHECK(!cg_path_ok("/"));
	CHECK(!cg_path_ok(""));
	CHECK(!cg_path_ok(NULL));
	CHECK(!cg_path_ok("a/b"));
	CHECK(!cg_path_ok("/a//b"));
	CHECK(!cg_path_ok("/a/"));
	CHECK(!cg_path_ok("/a/./b"));
	CHECK(!cg_path_ok("/a/../b"));
	CHECK(cg_path_ok("/a/..b/c.."));
	CHECK(cg_name_ok("memory.high"));
	CHECK(!cg_name_ok("../x"));
	CHECK(!cg_name_ok(".."));
	CHECK(!cg_name_ok("."));
	CHECK(!cg_name_ok(""));
}

TEST(cgroup_shares_to_weight)
{
	CHECK_INT(cgroup_shares_to_weight(0), 0);
	CHECK_INT(cgroup_shares_to_weight(1), 1);
	CHECK_INT(cgroup_shares_to_weight(2), 1);
	CHECK_INT(cgroup_shares_to_weight(1024), 39);
	CHECK_INT(cgroup_shares_to_weight(262144), 10000);
	CHECK_INT(cgroup_shares_to_weight(1000000), 10000);
}

TEST(cgroup_v2_limit_and_conversions)
{
	char buf[32];
	int64_t out = 0;

	CHECK_STR(cgroup_v2_limit(-1, buf), "max");
	CHECK_STR(cgroup_v2_limit(0, buf), "0");
	CHECK_STR(cgroup_v2_limit(67108864, buf), "67108864");
	CHECK_INT(cg_v2_swap_max(-1, 100, &out, NULL), 0);
	CHECK_INT(out, -1);
	CHECK_INT(cg_v2_swap_max(300, 100, &out, NULL), 0);
	CHECK_INT(out, 200);
	CHECK_INT(cg_v2_swap_max(100, 100, &out, NULL), 0);
	CHECK_INT(out, 0);
	CHECK_INT(cg_v2_swap_max(50, 100, &out, NULL), -1);
	CHECK_INT(cg_v2_swap_max(50, 0, &out, NULL), -1);
	CHECK_INT(cg_blkio_to_io_weight(0), 0);
	CHECK_INT(cg_blkio_to_io_weight(10), 1);
	CHECK_INT(cg_blkio_to_io_weight(500), 4950);
	CHECK_INT(cg_blkio_to_io_weight(1000), 10000);
}

TEST(cgroup_mountinfo_line)
{
	char l1[] =
		"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory";
	char l2[] = "41 31 0:38 / /sys/fs/cgroup/uni\\040fied rw - cgroup2 cgroup2 rw,nsdelegate";
	char l3[] = "41 31 0:38 / /x rw";
	struct md_mountinfo m;

	CHECK_INT(md_mountinfo_parse(l1, &m), 0);
	CHECK_STR(m.point, "/sys/fs/cgroup/memory");
	CHECK_STR(m.fstype, "cgroup");
	CHECK_STR(m.super, "rw,memory");
	CHECK_STR(m.dev, "0:32");
	CHECK_STR(m.root, "/");
	CHECK_INT(md_mountinfo_parse(l2, &m), 0);
	CHECK_STR(m.point, "/sys/fs/cgroup/uni fied");
	CHECK_STR(m.fstype, "cgroup2");
	CHECK_INT(md_mountinfo_parse(l3, &m), -1);
}

TEST(cgroup_v1_controllers)
{
	cleanup_strv char **a = cg_v1_controllers("rw,nosuid,cpu,cpuacct");
	cleanup_strv char **b = cg_v1_controllers("rw,xattr,name=systemd");
	cleanup_strv char **c = cg_v1_controllers("rw,relatime");

	CHECK_INT(md_strv_len(a), 2);
	CHECK_STR(a[0], "cpu");
	CHECK_STR(a[1], "cpuacct");
	CHECK_INT(md_strv_len(b), 1);
	CHECK_STR(b[0], "name=systemd");
	CHECK_INT(md_strv_len(c), 0);
}

static struct cg_mount mnt(const char *point, const char *fstype, const char *opts)
{
	struct cg_mount m = { 0 };

	/* the parser hands out char * into a line; these are never written */
	m.point = (char *)(uintptr_t)point;
	m.fstype = (char *)(uintptr_t)fstype;
	m.opts = (char *)(uintptr_t)opts;
	m.dev = m.point;
	return m;
}

TEST(cgroup_pick_mode)
{
	struct cg_mount hybrid[] = {
		mnt("/sys/fs/cgroup/cpu", "cgroup", "rw,cpu"),
		mnt("/sys/fs/cgroup/systemd", "cgroup", "rw,name=systemd"),
		mnt("/sys/fs/cgroup/unified", "cgroup2", "rw"),
	};
	struct cg_mount v2[] = {
		mnt("/sys/fs/cgroup/systemd", "cgroup", "rw,name=systemd"),
		mnt("/sys/fs/cgroup", "cgroup2", "rw,nsdelegate"),
	};
	struct cg_mount v1[] = {
		mnt("/sys/fs/cgroup/cpu,cpuacct", "cgroup", "rw,cpu,cpuacct"),
		mnt("/sys/fs/cgroup/systemd", "cgroup", "rw,name=systemd"),
	};
	struct cg_mount named[] = {
		mnt("/sys/fs/cgroup/systemd", "cgroup", "rw,name=systemd"),
	};
	enum cgroup_mode mode;
	size_t idx;

	CHECK_INT(cg_pick_mode(hybrid, 3, &mode, &idx), 0);
	CHECK_INT(mode, CGROUP_MODE_HYBRID);
	CHECK_INT(idx, 2);
	CHECK_INT(cg_pick_mode(v2, 2, &mode, &idx), 0);
	CHECK_INT(mode, CGROUP_MODE_V2);
	CHECK_INT(idx, 1);
	CHECK_INT(cg_pick_mode(v1, 2, &mode, &idx), 0);
	CHECK_INT(mode, CGROUP_MODE_V1);
	CHECK(idx == SIZE_MAX);
	CHECK_INT(cg_pick_mode(named, 1, &mode, &idx), -1);
	CHECK_INT(cg_pick_mode(NULL, 0, &mode, &idx), -1);
}

TEST(cgroup_keyed_pids_words)
{
	int64_t v = -5;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;

	CHECK_INT(cg_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill", &v), 0);
	CHECK_INT(v, 3);
	CHECK_INT(cg_keyed("populated 1\nfrozen 1\n", "frozen", &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(cg_keyed("oom_kill_disable 0\n", "oom_kill", &v), -1);
	CHECK_INT(cg_parse_pids("12\n345\n", &pids, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(pids[1], 345);
	CHECK_INT(cg_parse_pids("", &pids, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(cg_parse_pids("7x\n", &pids, &n), -1);
	CHECK(cg_has_word("cpu memory pids\n", "pids"));
	CHECK(cg_has_word("cpuset cpu", "cpu"));
	CHECK(!cg_has_word("cpuset memory", "cpu"));
	CHECK(!cg_has_word("", "cpu"));
}

TEST(cgroup_device_rules)
{
	struct spec_device_rule deny_all = { false, 'a', -1, -1, "rwm" };
	struct spec_device_rule null = { true, 'c', 1, 3, "rwm" };
	struct spec_device_rule any_minor = { true, 'b', 8, -1, "r" };
	char buf[64];

	cg_v1_device_line(&deny_all, buf, sizeof(buf));
	CHECK_STR(buf, "a");
	cg_v1_device_line(&null, buf, sizeof(buf));
	CHECK_STR(buf, "c 1:3 rwm");
	cg_v1_device_line(&any_minor, buf, sizeof(buf));
	CHECK_STR(buf, "b 8:* r");
}

/* --- writers against a scratch directory of fake control files --- */

static char *scratch(const char *const *files)
{
	char tmpl[] = "/tmp/md-cgtest-XXXXXX";
	char *dir = mkdtemp(tmpl);

	if (!dir)
		return NULL;
	for (size_t i = 0; files[i]; i += 2) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);
		int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || write(fd, files[i + 1], strlen(files[i + 1])) < 0)
			return NULL;
		close(fd);
	}
	return xstrdup(dir);
}

static void scratch_rm(char *dir)
{
	cleanup_free char *cmd = NULL;

	if (!dir)
		return;
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
	free(dir);
}

static const char *file_in(const char *dir, const char *file)
{
	static char buf[256];
	cleanup_free char *text = NULL;

	if (cg_read(dir, file, &text, NULL) < 0)
		return "(unreadable)";
	snprintf(buf, sizeof(buf), "%s", text);
	return buf;
}

TEST(cgroup_v1_memory_writer)
{
	static const char *const files[] = {
		"memory.limit_in_bytes",
		"9223372036854771712\n",
		"memory.soft_limit_in_bytes",
		"",
		NULL,
	};
	struct spec_resources res = { 0 };
	char *dir = scratch(files);
	md_error err = { 0 };
	int r;

	CHECK(dir);
	res.memory_limit = (struct opt_i64){ true, 64 << 20 };
	res.memory_reservation = (struct opt_i64){ true, 32 << 20 };
	r = cg_v1_ops.set[CG_MEMORY](dir, &res, &err);
	if (r == 0) {
		r = strcmp(file_in(dir, "memory.limit_in_bytes"), "67108864") ||
		    strcmp(file_in(dir, "memory.soft_limit_in_bytes"), "33554432");
	}
	/* swap asked for, but the host has no memsw files: an error, not a no-op */
	res.memory_swap = (struct opt_i64){ true, 128 << 20 };
	if (r == 0)
		r = cg_v1_ops.set[CG_MEMORY](dir, &res, &err) == -1 ? 0 : -3;
	scratch_rm(dir);
	CHECK_INT(r, 0);
	CHECK_STR(err.msg, "memory swap limit not supported by the host: "
			   "memory.memsw.limit_in_bytes missing (swap accounting disabled?)");
	CHECK_INT(err.errnum, ENOTSUP);
}

TEST(cgroup_v2_writers)
{
	static const char *const files[] = {
		"memory.max",
		"",
		"memory.swap.max",
		"",
		"memory.low",
		"",
		"cpu.weight",
		"",
		"cpu.max",
		"",
		"io.weight",
		"",
		"hugetlb.2MB.max",
		"",
		"pids.max",
		"",
		"memory.high",
		"",
		NULL,
	};
	struct spec_hugepage hp = { (char *)(uintptr_t) "2MB", 4 << 20 };
	struct spec_unified u = { (char *)(uintptr_t) "memory.high", (char *)(uintptr_t) "1000" };
	struct spec_resources res = { 0 };
	char *dir = scratch(files);
	md_error err = { 0 };
	int r = 0;

	CHECK(dir);
	res.memory_limit = (struct opt_i64){ true, 100 };
	res.memory_swap = (struct opt_i64){ true, 300 };
	res.memory_reservation = (struct opt_i64){ true, -1 };
	res.cpu_shares = (struct opt_i64){ true, 1024 };
	res.cpu_quota = (struct opt_i64){ true, 50000 };
	res.cpu_period = (struct opt_i64){ true, 100000 };
	res.blkio_weight = (struct opt_i64){ true, 500 };
	res.pids_limit = (struct opt_i64){ true, 0 };
	res.hugepages = &hp;
	res.n_hugepages = 1;
	res.unified = &u;
	res.n_unified = 1;
	for (int i = CG_CPUSET; i <= CG_UNIFIED && r == 0; i++) /* the rest is v1 only */
		r = cg_v2_ops.set[i](dir, &res, &err);
	if (r == 0) {
		r = strcmp(file_in(dir, "memory.max"), "100") ||
		    strcmp(file_in(dir, "memory.swap.max"), "200") ||
		    strcmp(file_in(dir, "memory.low"), "max") ||
		    strcmp(file_in(dir, "cpu.weight"), "39") ||
		    strcmp(file_in(dir, "cpu.max"), "50000 100000") ||
		    strcmp(file_in(dir, "io.weight"), "default 4950") ||
		    strcmp(file_in(dir, "hugetlb.2MB.max"), "4194304") ||
		    strcmp(file_in(dir, "pids.max"), "max") ||
		    strcmp(file_in(dir, "memory.high"), "1000");
	}
	scratch_rm(dir);
	CHECK_STR(r ? err.msg : "", "");
	CHECK_INT(r, 0);
}

TEST(cgroup_v2_refusals)
{
	static const char *const files[] = { "memory.max", "", NULL };
	struct spec_unified bad = { (char *)(uintptr_t) "../memory.max", (char *)(uintptr_t) "1" };
	struct spec_resources res = { 0 };
	char *dir = scratch(files);
	md_error e2 = { 0 }, e3 = { 0 }, e4 = { 0 };
	int r2, r3, r4;

	CHECK(dir);
	res.unified = &bad;
	res.n_unified = 1;
	r2 = cg_v2_ops.set[CG_UNIFIED](dir, &res, &e2);
	res.memory_swappiness = (struct opt_i64){ true, 10 };
	r3 = cg_v2_ops.set[CG_MEMORY](dir, &res, &e3);
	res.memory_swappiness.set = false;
	res.cpu_rt_runtime = (struct opt_i64){ true, 1000 };
	r4 = cg_v2_ops.set[CG_CPU](dir, &res, &e4);
	scratch_rm(dir);
	CHECK_INT(r2, -1);
	CHECK_INT(e2.errnum, EINVAL);
	CHECK_INT(r3, -1);
	CHECK_INT(r4, -1);
}

/* v1 only: cgroup v2 has no net_cls or net_prio (cgroup.c skips them there). */
TEST(cgroup_v1_network_writers)
{
	static const char *const files[] = { "net_cls.classid", "0\n", "net_prio.ifpriomap", "",
					     NULL };
	char lo[] = "lo", eth0[] = "eth0";
	struct spec_net_priority prio[] = { { lo, 5 }, { eth0, 7 } };
	struct spec_resources res = { 0 };
	char *dir = scratch(files);
	md_error err = { 0 };
	int r;

	CHECK(dir);
	res.net_class_id = (struct opt_i64){ true, 0x100001 };
	res.net_priorities = prio;
	res.n_net_priorities = 2;
	r = cg_v1_ops.set[CG_NET_CLS](dir, &res, &err) ||
	    cg_v1_ops.set[CG_NET_PRIO](dir, &res, &err) ||
	    strcmp(file_in(dir, "net_cls.classid"), "1048577") ||
	    strcmp(file_in(dir, "net_prio.ifpriomap"), "eth0 7"); /* one line per write */
	CHECK(cg_v2_ops.set[CG_NET_CLS] == NULL && cg_v2_ops.set[CG_NET_PRIO] == NULL);
	CHECK_STR(r ? err.msg : "", "");
	scratch_rm(dir);
	dir = scratch((const char *const[]){ NULL });
	CHECK(dir);
	CHECK_INT(cg_v1_ops.set[CG_NET_CLS](dir, &res, &err), -1);
	CHECK_STR(err.msg, "network class id not supported by the host: net_cls.classid missing");
	scratch_rm(dir);
}

TEST(cgroup_blkio_writers)
{
	static const char *const v2files[] = { "io.max",  "", "io.bfq.weight", "",
					       "cpu.max", "", "cpu.max.burst", "",
					       NULL };
	static const char *const v1files[] = { "blkio.bfq.weight", "", NULL };
	struct spec_blkio_throttle wbps = { 8, 0, 1048576 };
	struct spec_blkio_weight_device wd = { 8, 16, { true, 300 }, { false, 0 } };
	struct spec_resources res = { 0 };
	char *v2 = scratch(v2files), *v1 = scratch(v1files);
	md_error e = { 0 }, e1 = { 0 };
	int r, r1;

	CHECK(v2 && v1);
	res.blkio_write_bps = &wbps;
	res.n_blkio_write_bps = 1;
	res.blkio_weight_devices = &wd;
	res.n_blkio_weight_devices = 1;
	res.cpu_quota = (struct opt_i64){ true, 20000 };
	res.cpu_burst = (struct opt_i64){ true, 10000 };
	r = cg_v2_ops.set[CG_BLKIO](v2, &res, &e) || cg_v2_ops.set[CG_CPU](v2, &res, &e) ||
	    strcmp(file_in(v2, "io.max"), "8:0 wbps=1048576") ||
	    strcmp(file_in(v2, "io.bfq.weight"), "8:16 300") ||
	    strcmp(file_in(v2, "cpu.max"), "20000") ||
	    strcmp(file_in(v2, "cpu.max.burst"), "10000");
	/* v1 with BFQ: weight goes to blkio.bfq.weight, throttling is missing */
	res.blkio_weight = (struct opt_i64){ true, 500 };
	res.n_blkio_weight_devices = 0;
	r1 = cg_v1_ops.set[CG_BLKIO](v1, &res, &e1);
	if (r1 == -1 && strcmp(file_in(v1, "blkio.bfq.weight"), "500") != 0)
		r1 = -2;
	scratch_rm(v2);
	scratch_rm(v1);
	CHECK_STR(r ? e.msg : "", "");
	CHECK_INT(r, 0);
	CHECK_INT(r1, -1);
	CHECK_STR(e1.msg, "blkio write_bps limit not supported by the host: "
			  "blkio.throttle.write_bps_device missing");
}
