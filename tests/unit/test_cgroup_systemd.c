/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver's pure parts: cgroupsPath "slice:prefix:name"
 * to slice and unit, where systemd puts a unit in the cgroup tree, and the
 * property values (cpuset bitmasks, quota per second, version). The bus
 * calls are tested against a real systemd in tests/integration/test_systemd.sh. */
#include "unit.h"
#include "runtime/cgroup-systemd.h"
#include "util/cleanup.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* "slice|unit" for a good path, "error: MESSAGE" for a bad one. */
static const char *parse(const char *p)
{
	static char buf[1200];
	cleanup_free char *slice = NULL, *unit = NULL;
	md_error err;

	if (cgsd_parse_path(p, &slice, &unit, &err) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	else
		snprintf(buf, sizeof(buf), "%s|%s", slice, unit);
	return buf;
}

static const char *where(const char *slice, const char *unit)
{
	static char buf[600];
	cleanup_free char *p = cgsd_cgroup_path(slice, unit);

	if (!p)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", p);
	return buf;
}

TEST(cgsd_parse_path_good)
{
	CHECK_STR(parse("system.slice:docker:abc"), "system.slice|docker-abc.scope");
	CHECK_STR(parse("machine.slice:libpod:0123abcd"), "machine.slice|libpod-0123abcd.scope");
	CHECK_STR(parse(":cri-containerd:x"), "system.slice|cri-containerd-x.scope");
	CHECK_STR(parse("-:p:x"), "system.slice|p-x.scope");
	CHECK_STR(parse("-.slice:p:x"), "-.slice|p-x.scope");
	CHECK_STR(parse("kubepods-besteffort-pod1.slice:cri-o:c1"),
		  "kubepods-besteffort-pod1.slice|cri-o-c1.scope");
	/* no prefix: the name alone, as the cgroupfs mapping does */
	CHECK_STR(parse("a.slice::x"), "a.slice|x.scope");
	/* a name ending in .slice is a transient slice */
	CHECK_STR(parse("a.slice:p:a-b.slice"), "a.slice|a-b.slice");
}

TEST(cgsd_parse_path_bad)
{
	CHECK_STR(parse("system.slice:abc"),
		  "error: invalid systemd cgroupsPath `system.slice:abc`: want slice:prefix:name");
	CHECK(strstr(parse("a:b:c:d"), "want slice:prefix:name"));
	CHECK(strstr(parse(NULL), "want slice:prefix:name"));
	CHECK(strstr(parse("system:p:x"), "invalid slice `system`"));
	CHECK(strstr(parse("a--b.slice:p:x"), "invalid slice `a--b.slice`"));
	CHECK(strstr(parse("-a.slice:p:x"), "invalid slice `-a.slice`"));
	CHECK(strstr(parse("a-.slice:p:x"), "invalid slice `a-.slice`"));
	CHECK(strstr(parse(".slice:p:x"), "invalid slice `.slice`"));
	CHECK(strstr(parse("a/b.slice:p:x"), "invalid slice `a/b.slice`"));
	CHECK(strstr(parse("a.slice:p/q:x"), "invalid prefix `p/q`"));
	CHECK(strstr(parse("a.slice:p:x/y"), "invalid name `x/y`"));
	CHECK(strstr(parse("a.slice:p:"), "invalid name ``"));
	CHECK(strstr(parse("a.slice:p:x y"), "invalid name `x y`"));
	CHECK(strstr(parse("a.slice:p:-b.slice"), "invalid slice name `-b.slice`"));
}

TEST(cgsd_parse_path_long)
{
	char p[400];

	snprintf(p, sizeof(p), "a.slice:p:%0248d", 0);
	CHECK(strstr(parse(p), "longer than 255"));
	snprintf(p, sizeof(p), "a.slice:p:%0247d", 0); /* p-0...0.scope: 255 */
	CHECK(strstr(parse(p), "a.slice|p-000"));
}

TEST(cgsd_cgroup_path_slices)
{
	CHECK_STR(where("system.slice", "docker-abc.scope"), "/system.slice/docker-abc.scope");
	CHECK_STR(where("a-b-c.slice", "x.scope"), "/a.slice/a-b.slice/a-b-c.slice/x.scope");
	CHECK_STR(where("-.slice", "x.scope"), "/x.scope");
	CHECK_STR(where("", "x.scope"), "/system.slice/x.scope");
	CHECK_STR(where(NULL, "x.scope"), "/system.slice/x.scope");
	CHECK_STR(where("kubepods-besteffort.slice", "cri-o-1.scope"),
		  "/kubepods.slice/kubepods-besteffort.slice/cri-o-1.scope");
	/* a slice unit is placed by its own name, whatever the parent given */
	CHECK_STR(where("system.slice", "a-b.slice"), "/a.slice/a-b.slice");
	CHECK_STR(where("system.slice", "-.slice"), "/");
}

TEST(cgsd_cgroup_path_bad)
{
	CHECK(where("a--b.slice", "x.scope") == NULL);
	CHECK(where("-a.slice", "x.scope") == NULL);
	CHECK(where("a-.slice", "x.scope") == NULL);
	CHECK(where("a/b.slice", "x.scope") == NULL);
	CHECK(where("system", "x.scope") == NULL);
	CHECK(where("system.slice", "x") == NULL);
	CHECK(where("system.slice", "a/b.scope") == NULL);
	CHECK(where("system.slice", ".scope") == NULL);
	CHECK(where("system.slice", NULL) == NULL);
	CHECK(where("system.slice", "a--b.slice") == NULL);
}

/* systemd's cg_escape: names that look like kernel files get a '_'. */
TEST(cgsd_cgroup_path_escape)
{
	CHECK_STR(where("system.slice", "cpu.scope"), "/system.slice/_cpu.scope");
	CHECK_STR(where("system.slice", "cgroup.x.scope"), "/system.slice/_cgroup.x.scope");
	CHECK_STR(where("system.slice", "_x.scope"), "/system.slice/__x.scope");
	CHECK_STR(where("memory.slice", "x.scope"), "/_memory.slice/x.scope");
	CHECK_STR(where("io-x.slice", "x.scope"), "/_io.slice/io-x.slice/x.scope");
	CHECK_STR(where("system.slice", "cpux.scope"), "/system.slice/cpux.scope");
	CHECK_STR(where("system.slice", "cpu.x.scope"), "/system.slice/cpu.x.scope");
}

/* "bits" as hex bytes, lowest CPU first. */
static const char *bits(const char *list)
{
	static char buf[1200];
	cleanup_free uint8_t *b = NULL;
	size_t n = 0, len = 0;
	md_error err;

	if (cgsd_cpuset_bits(list, &b, &n, &err) < 0)
		return "error";
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 3 < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%02x", b[i]);
	return buf;
}

TEST(cgsd_cpuset_bits)
{
	CHECK_STR(bits("0"), "01");
	CHECK_STR(bits("1"), "02");
	CHECK_STR(bits("0-3"), "0f");
	CHECK_STR(bits("0-3,8"), "0f01");
	CHECK_STR(bits("1,3-5"), "3a");
	CHECK_STR(bits("9"), "0002");
	CHECK_STR(bits(" 0 , 2,,"), "05");
	CHECK_STR(bits("0-3\n"), "0f");
	CHECK_STR(bits("7-8"), "8001");
	CHECK_STR(bits(""), "error");
	CHECK_STR(bits(NULL), "error");
	CHECK_STR(bits(","), "error");
	CHECK_STR(bits("3-1"), "error");
	CHECK_STR(bits("a"), "error");
	CHECK_STR(bits("-1"), "error");
	CHECK_STR(bits("1-"), "error");
	CHECK_STR(bits("1x"), "error");
	CHECK_STR(bits("99999999"), "error");
}

TEST(cgsd_quota_per_sec)
{
	CHECK(cgsd_quota_per_sec(0, 0) == UINT64_MAX);
	CHECK(cgsd_quota_per_sec(-1, 100000) == UINT64_MAX);
	CHECK(cgsd_quota_per_sec(0, 50000) == UINT64_MAX);
	CHECK_INT(cgsd_quota_per_sec(50000, 100000), 500000);
	CHECK_INT(cgsd_quota_per_sec(50000, 0), 500000); /* the default period */
	CHECK_INT(cgsd_quota_per_sec(200000, 100000), 2000000);
	/* rounded up to whole percent: 1/3 CPU -> 34% */
	CHECK_INT(cgsd_quota_per_sec(1000, 3000), 340000);
	CHECK_INT(cgsd_quota_per_sec(1, 1000000), 10000);
	CHECK(cgsd_quota_per_sec(INT64_MAX, 1) == UINT64_MAX - 1);
}

TEST(cgsd_version_num)
{
	CHECK_INT(cgsd_version_num("252.39-1~deb12u2"), 252);
	CHECK_INT(cgsd_version_num("v245.4-1.fc32"), 245);
	CHECK_INT(cgsd_version_num("\"v245-1.fc32\""), 245);
	CHECK_INT(cgsd_version_num("255"), 255);
	CHECK_INT(cgsd_version_num(""), -1);
	CHECK_INT(cgsd_version_num("abc"), -1);
	CHECK_INT(cgsd_version_num(NULL), -1);
}

/* Here systemd is not PID 1 (tests/integration/test_systemd.sh covers the
 * real thing): the driver must say so, not hang or crash. */
TEST(cgsd_no_systemd)
{
	md_error err;

	if (access("/run/systemd/system", F_OK) == 0)
		return;
	CHECK(!cgsd_available());
	CHECK(cgsd_start("system.slice", "md-unit-test.scope", 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "the systemd cgroup driver needs systemd"));
	CHECK(cgsd_stop("md-unit-test.scope", &err) < 0);
	CHECK(cgsd_update("md-unit-test.scope", NULL, &err) < 0);
}
