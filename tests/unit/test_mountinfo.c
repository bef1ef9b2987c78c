/* SPDX-License-Identifier: Apache-2.0 */
/* util/mountinfo.c: the one /proc/self/mountinfo parser and its unescape. */
#include "unit.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"

#include <stdbool.h>
#include <string.h>

TEST(mountinfo_unescape)
{
	char a[] = "/a\\040b\\011c\\012d\\134e";
	char b[] = "/no\\escape\\04\\";
	char c[] = "\\400\\777";

	md_unescape_octal(a);
	CHECK_STR(a, "/a b\tc\nd\\e");
	md_unescape_octal(b);
	CHECK_STR(b, "/no\\escape\\04\\");
	md_unescape_octal(c); /* above \377: not a byte, kept as text */
	CHECK_STR(c, "\\400\\777");
}

TEST(mountinfo_line)
{
	char l[] = "36 35 98:0 /mnt\\0401 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/r\\040t "
		   "rw,errors=continue";
	struct md_mountinfo m;

	CHECK_INT(md_mountinfo_parse(l, &m), 0);
	CHECK_STR(m.dev, "98:0");
	CHECK_STR(m.root, "/mnt 1");
	CHECK_STR(m.point, "/mnt2");
	CHECK_STR(m.options, "rw,noatime");
	CHECK_STR(m.optional, "master:1 shared:7");
	CHECK_STR(m.fstype, "ext3");
	CHECK_STR(m.source, "/dev/r t");
	CHECK_STR(m.super, "rw,errors=continue");
}

TEST(mountinfo_line_no_optional)
{
	char l[] = "41 31 0:38 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate";
	char nosuper[] = "41 31 0:38 / /x rw - tmpfs tmpfs";
	struct md_mountinfo m;

	CHECK_INT(md_mountinfo_parse(l, &m), 0);
	CHECK_STR(m.optional, "");
	CHECK_STR(m.fstype, "cgroup2");
	CHECK_STR(m.source, "cgroup2");
	CHECK_STR(m.super, "rw,nsdelegate");
	CHECK_INT(md_mountinfo_parse(nosuper, &m), 0);
	CHECK_STR(m.super, "");
}

TEST(mountinfo_line_malformed)
{
	char nosep[] = "41 31 0:38 / /x rw";
	char short_[] = "41 31 0:38 /";
	char nosource[] = "41 31 0:38 / /x rw shared:1 - tmpfs";
	char dashlike[] = "41 31 0:38 / /x rw -shared:1 - tmpfs src rw";
	struct md_mountinfo m;

	CHECK_INT(md_mountinfo_parse(nosep, &m), -1);
	CHECK_INT(md_mountinfo_parse(short_, &m), -1);
	CHECK_INT(md_mountinfo_parse(nosource, &m), -1);
	CHECK_INT(md_mountinfo_parse(dashlike, &m), 0);
	CHECK_STR(m.optional, "-shared:1");
	CHECK_STR(m.source, "src");
}

TEST(mountinfo_read_self)
{
	cleanup_free char *buf = NULL;
	cleanup_free struct md_mountinfo *mi = NULL;
	size_t n = 0;
	bool root = false;

	CHECK_INT(md_mountinfo_read(&mi, &n, &buf, NULL), 0);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++)
		root = root || strcmp(mi[i].point, "/") == 0;
	CHECK(root);
}
