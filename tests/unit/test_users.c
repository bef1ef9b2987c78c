/* SPDX-License-Identifier: Apache-2.0 */
/* -u USER[:GROUP] from passwd/group text, without NSS. */
#include "unit.h"

#include "engine/containers/users.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment\n"
			     "broken line\n"
			     "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
			     "bob:x:1001:100::/home/bob:/bin/sh\n";
static const char group[] = "root:x:0:\n"
			    "users:x:100:alice\n"
			    "alice:x:1000:\n"
			    "wheel:x:10:bob,alice\n"
			    "audio:x:29:alicex\n";

TEST(users_by_name_with_supplementary_groups)
{
	struct run_user u;
	md_error err;

	CHECK(users_resolve("alice", passwd, group, &u, &err) == 0);
	CHECK_INT(u.uid, 1000);
	CHECK_INT(u.gid, 1000);
	CHECK_STR(u.home, "/home/alice");
	CHECK_INT(u.n_groups, 2);
	CHECK_INT(u.groups[0], 100);
	CHECK_INT(u.groups[1], 10);
	users_free(&u);
}

TEST(users_numeric_and_groups)
{
	struct run_user u;
	md_error err;

	CHECK(users_resolve("4242", passwd, group, &u, &err) == 0);
	CHECK_INT(u.uid, 4242);
	CHECK_INT(u.gid, 0);
	CHECK_INT(u.n_groups, 0);
	users_free(&u);
	CHECK(users_resolve("1001:wheel", passwd, group, &u, &err) == 0);
	CHECK_INT(u.uid, 1001);
	CHECK_INT(u.gid, 10);
	CHECK_INT(u.n_groups, 1); /* bob is listed in wheel */
	users_free(&u);
	CHECK(users_resolve("bob:7", passwd, group, &u, &err) == 0);
	CHECK_INT(u.gid, 7);
	users_free(&u);
}

TEST(users_errors)
{
	struct run_user u;
	md_error err;

	CHECK(users_resolve("carol", passwd, group, &u, &err) < 0);
	CHECK(strstr(err.msg, "unable to find user carol") != NULL);
	CHECK(users_resolve("alice:nogroup", passwd, group, &u, &err) < 0);
	CHECK(users_resolve("", passwd, group, &u, &err) < 0);
	CHECK(users_resolve("alice:", passwd, group, &u, &err) < 0);
	CHECK(users_resolve("-1", passwd, group, &u, &err) < 0);
	CHECK(users_resolve("0", NULL, NULL, &u, &err) == 0);
	users_free(&u);
}
