/* SPDX-License-Identifier: Apache-2.0 */
/* --cap-add / --cap-drop: names, ALL, the order of adds and drops, errors. */
#include "unit.h"

#include "engine/containers/runconfig.h"

#include <linux/capability.h>
#include <stdint.h>
#include <sys/capability.h>
#include <unistd.h>

#define BIT(c) (UINT64_C(1) << (c))
#define DOCKER_DEFAULT UINT64_C(0xa80425fb)
/* Every capability of kernel 5.9+ but CAP_SYS_RESOURCE, as on a host that
 * runs us without it. */
#define AVAILABLE ((BIT(CAP_CHECKPOINT_RESTORE + 1) - 1) & ~BIT(CAP_SYS_RESOURCE))

#define S(x) ((char *)(uintptr_t)(x))

static md_error caps_err;

/* The set for these flags, or UINT64_MAX on an error (in caps_err). */
static uint64_t caps_for(char **add, char **drop, bool privileged, uint64_t available)
{
	struct run_request r = { .cap_add = add, .cap_drop = drop, .privileged = privileged };
	uint64_t out = 0;

	md_error_clear(&caps_err);
	if (runconfig_caps(&r, available, &out, &caps_err) < 0)
		return UINT64_MAX;
	return out;
}

TEST(caps_default_set_without_flags)
{
	char *none[] = { NULL };

	CHECK_INT(caps_for(NULL, NULL, false, AVAILABLE), DOCKER_DEFAULT);
	CHECK_INT(caps_for(none, none, false, AVAILABLE), DOCKER_DEFAULT);
}

TEST(caps_names_any_case_with_or_without_prefix)
{
	const char *names[] = { "NET_ADMIN", "net_admin", "CAP_NET_ADMIN", "cap_net_admin",
				"Cap_Net_Admin" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *add[] = { S(names[i]), NULL };

		CHECK_INT(caps_for(add, NULL, false, AVAILABLE),
			  DOCKER_DEFAULT | BIT(CAP_NET_ADMIN));
	}
}

TEST(caps_add_and_drop)
{
	char *add[] = { S("sys_ptrace"), S("NET_ADMIN"), S("net_admin"), NULL };
	char *drop[] = { S("chown"), S("CAP_MKNOD"), NULL };

	CHECK_INT(caps_for(NULL, drop, false, AVAILABLE),
		  DOCKER_DEFAULT & ~BIT(CAP_CHOWN) & ~BIT(CAP_MKNOD));
	CHECK_INT(caps_for(add, drop, false, AVAILABLE),
		  (DOCKER_DEFAULT & ~BIT(CAP_CHOWN) & ~BIT(CAP_MKNOD)) | BIT(CAP_SYS_PTRACE) |
			  BIT(CAP_NET_ADMIN));
}

TEST(caps_named_in_both_is_kept_as_dockerd_does)
{
	/* dockerd drops from the default set first, then adds. */
	char *both[] = { S("CHOWN"), S("NET_ADMIN"), NULL };

	CHECK_INT(caps_for(both, both, false, AVAILABLE), DOCKER_DEFAULT | BIT(CAP_NET_ADMIN));
}

TEST(caps_drop_all_keeps_only_the_adds)
{
	char *all[] = { S("ALL"), NULL }, *lower_all[] = { S("all"), NULL };
	char *add[] = { S("chown"), S("CAP_KILL"), NULL };

	CHECK_INT(caps_for(NULL, all, false, AVAILABLE), 0);
	CHECK_INT(caps_for(add, all, false, AVAILABLE), BIT(CAP_CHOWN) | BIT(CAP_KILL));
	CHECK_INT(caps_for(add, lower_all, false, AVAILABLE), BIT(CAP_CHOWN) | BIT(CAP_KILL));
}

TEST(caps_add_all_is_every_available_one)
{
	char *all[] = { S("all"), NULL }, *drop_all[] = { S("ALL"), NULL };
	char *drop[] = { S("sys_admin"), S("ALL"), NULL };

	CHECK_INT(caps_for(all, NULL, false, AVAILABLE), AVAILABLE);
	CHECK_INT(caps_for(all, drop, false, AVAILABLE), AVAILABLE & ~BIT(CAP_SYS_ADMIN));
	/* As in dockerd, an ALL among the drops drops nothing then. */
	CHECK_INT(caps_for(all, drop_all, false, AVAILABLE), AVAILABLE);
	CHECK_INT(caps_for(all, NULL, false, DOCKER_DEFAULT), DOCKER_DEFAULT);
}

TEST(caps_privileged_gives_all_but_checks_names)
{
	char *drop_all[] = { S("ALL"), NULL }, *bad[] = { S("nope"), NULL };

	CHECK_INT(caps_for(NULL, drop_all, true, AVAILABLE), AVAILABLE);
	CHECK_INT(caps_for(bad, NULL, true, AVAILABLE), UINT64_MAX);
	CHECK(strstr(caps_err.msg, "CAP_NOPE") != NULL);
}

TEST(caps_unknown_names_are_errors)
{
	const char *bad[] = { "FOO",           "cap_foo", "CAP_ALL",   "",  "CAP_",
			      "CAP_CAP_CHOWN", " CHOWN",  "ALL,CHOWN", "40" };
	char *good[] = { S("CHOWN"), NULL };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *list[] = { S(bad[i]), NULL };

		CHECK_INT(caps_for(list, NULL, false, AVAILABLE), UINT64_MAX);
		CHECK(strstr(caps_err.msg, "invalid --cap-add: unknown capability: \"CAP_") !=
		      NULL);
		CHECK_INT(caps_for(good, list, false, AVAILABLE), UINT64_MAX);
		CHECK(strstr(caps_err.msg, "invalid --cap-drop: unknown capability") != NULL);
	}
	{
		char *list[] = { S("cap_foo"), NULL };

		caps_for(list, NULL, false, AVAILABLE);
		CHECK_STR(caps_err.msg, "invalid --cap-add: unknown capability: \"CAP_FOO\"");
		CHECK_INT(caps_err.errnum, 0);
	}
}

TEST(caps_known_but_not_available_is_an_error)
{
	char *list[] = { S("sys_resource"), NULL };

	CHECK_INT(caps_for(list, NULL, false, AVAILABLE), UINT64_MAX);
	CHECK_STR(caps_err.msg, "invalid --cap-add: capability not supported by the kernel or "
				"not available here: \"CAP_SYS_RESOURCE\"");
	CHECK_INT(caps_for(NULL, list, false, AVAILABLE), UINT64_MAX);
	CHECK(strstr(caps_err.msg, "invalid --cap-drop:") != NULL);
}

TEST(caps_available_is_within_the_kernel_and_ours)
{
	uint64_t avail = runconfig_caps_available();
	cap_value_t max = cap_max_bits();

	CHECK(max > 0);
	if (max < 64)
		CHECK_INT(avail >> max, 0);
	CHECK_INT(avail >> (CAP_CHECKPOINT_RESTORE + 1), 0);
	if (geteuid() == 0)
		CHECK(avail & BIT(CAP_CHOWN));
}

TEST(caps_into_the_config)
{
	char *args[] = { S("/bin/true"), NULL };
	char *add[] = { S("chown"), S("Net_Admin"), NULL }, *drop[] = { S("ALL"), NULL };
	struct run_request r = { .id = "0123456789abcdef",
				 .args = args,
				 .rootfs = "/",
				 .cap_add = add,
				 .cap_drop = drop };
	json_object *cfg = NULL;
	struct spec *s = NULL;
	md_error err;

	if (!(runconfig_caps_available() & BIT(CAP_NET_ADMIN)))
		return; /* not root here */
	CHECK_INT(runconfig_build(&r, &cfg, &err), 0);
	CHECK_INT(spec_from_json(cfg, &s, &err), 0);
	CHECK(s->process->caps.set);
	CHECK_INT(s->process->caps.bounding, BIT(CAP_CHOWN) | BIT(CAP_NET_ADMIN));
	CHECK_INT(s->process->caps.effective, BIT(CAP_CHOWN) | BIT(CAP_NET_ADMIN));
	CHECK_INT(s->process->caps.permitted, BIT(CAP_CHOWN) | BIT(CAP_NET_ADMIN));
	CHECK_INT(s->process->caps.inheritable, 0);
	CHECK_INT(s->process->caps.ambient, 0);
	spec_free(s);
	json_object_put(cfg);
	add[0] = S("bogus");
	CHECK(runconfig_build(&r, &cfg, &err) < 0);
	CHECK(strstr(err.msg, "CAP_BOGUS") != NULL);
}
