/* SPDX-License-Identifier: Apache-2.0 */
/* CLI value parsers and the run -> OCI config conversion. */
#include "unit.h"

#include "cli/common/units.h"
#include "engine/containers/runconfig.h"
#include "runtime/spec.h"
#include "util/util.h"

#include <sched.h>

TEST(parse_bytes_units)
{
	int64_t v;

	CHECK(cli_parse_bytes("64m", &v, NULL) == 0);
	CHECK_INT(v, 64LL << 20);
	CHECK(cli_parse_bytes("1G", &v, NULL) == 0);
	CHECK_INT(v, 1LL << 30);
	CHECK(cli_parse_bytes("512kb", &v, NULL) == 0);
	CHECK_INT(v, 512LL << 10);
	CHECK(cli_parse_bytes("100", &v, NULL) == 0);
	CHECK_INT(v, 100);
	CHECK(cli_parse_bytes("1.5g", &v, NULL) == 0);
	CHECK_INT(v, 3LL << 29);
	CHECK(cli_parse_bytes("7b", &v, NULL) == 0);
	CHECK_INT(v, 7);
}

TEST(parse_bytes_rejects)
{
	const char *bad[] = { "", "m", "12x", "-5m", "1mm", "1bb", "nan", "inf", "99999999999g" };
	int64_t v;
	md_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(cli_parse_bytes(bad[i], &v, &err) < 0);
}

TEST(parse_cpus_quota)
{
	int64_t q;
	md_error err;

	CHECK(cli_parse_cpus("0.5", 100000, 2, &q, &err) == 0);
	CHECK_INT(q, 50000);
	CHECK(cli_parse_cpus("2", 100000, 2, &q, &err) == 0);
	CHECK_INT(q, 200000);
	CHECK(cli_parse_cpus("3", 100000, 2, &q, &err) < 0);
	CHECK(cli_parse_cpus("0.001", 100000, 2, &q, &err) < 0);
	CHECK(cli_parse_cpus("half", 100000, 2, &q, &err) < 0);
}

TEST(parse_int64_whole_string)
{
	int64_t v;

	CHECK(cli_parse_int64("-1", &v, NULL) == 0);
	CHECK_INT(v, -1);
	CHECK(cli_parse_int64("12a", &v, NULL) < 0);
	CHECK(cli_parse_int64("", &v, NULL) < 0);
}

static struct spec *spec_of(const struct run_request *r)
{
	json_object *cfg = NULL;
	struct spec *s = NULL;
	md_error err;

	if (runconfig_build(r, &cfg, &err) < 0)
		return NULL;
	if (spec_from_json(cfg, &s, &err) < 0)
		s = NULL;
	json_object_put(cfg);
	return s;
}

TEST(runconfig_defaults)
{
	char *args[] = { (char *)(uintptr_t) "/bin/sh", NULL };
	struct run_request r = { .id = "0123456789abcdef", .args = args, .rootfs = "/" };
	struct spec *s = spec_of(&r);

	CHECK(s != NULL);
	CHECK_STR(s->hostname, "0123456789ab");
	CHECK_STR(s->root_path, "/");
	CHECK_STR(s->process->args[0], "/bin/sh");
	CHECK(!s->process->terminal);
	CHECK(spec_find_namespace(s, CLONE_NEWPID) != NULL);
	CHECK(spec_find_namespace(s, CLONE_NEWNET) != NULL);
	CHECK(spec_find_namespace(s, CLONE_NEWNS) != NULL);
	CHECK(!s->linux.resources.memory_limit.set);
	CHECK_STR(s->process->env[0],
		  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	CHECK_STR(s->process->env[1], "HOSTNAME=0123456789ab");
	CHECK_STR(s->process->env[2], "HOME=/root");
	CHECK(s->process->env[3] == NULL);
	spec_free(s);
}

TEST(runconfig_limits_env_tty)
{
	char *args[] = { (char *)(uintptr_t) "/bin/true", NULL };
	char *env[] = { (char *)(uintptr_t) "HOME=/x", (char *)(uintptr_t) "A=b c", NULL };
	struct run_request r = {
		.id = "abcdefabcdefabcdef",
		.args = args,
		.env = env,
		.rootfs = "/",
		.tty = true,
		.hostname = "box",
		.memory = { true, 64 << 20 },
		.cpu_quota = { true, 50000 },
		.cpu_period = { true, 100000 },
		.pids = { true, 20 },
		.cpuset_cpus = "0",
	};
	struct spec *s = spec_of(&r);

	CHECK(s != NULL);
	CHECK_STR(s->hostname, "box");
	CHECK(s->process->terminal);
	CHECK_INT(s->linux.resources.memory_limit.v, 64 << 20);
	CHECK_INT(s->linux.resources.cpu_quota.v, 50000);
	CHECK_INT(s->linux.resources.pids_limit.v, 20);
	CHECK_STR(s->linux.resources.cpuset_cpus, "0");
	CHECK_STR(s->process->env[1], "HOSTNAME=box");
	CHECK_STR(s->process->env[2], "TERM=xterm");
	CHECK_STR(s->process->env[3], "HOME=/x");
	CHECK_STR(s->process->env[4], "A=b c");
	spec_free(s);
}

TEST(resources_alone_for_update)
{
	json_object *o =
		json_tokener_parse("{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":9},"
				   "\"cpu\":{\"shares\":\"x\"}}");
	json_object *good =
		json_tokener_parse("{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":9}}");
	struct spec_resources r;
	md_error err;

	CHECK(spec_resources_from_json(o, &r, &err) < 0);
	CHECK(strstr(err.msg, "resources.cpu.shares") != NULL);
	CHECK(spec_resources_from_json(good, &r, &err) == 0);
	CHECK_INT(r.memory_limit.v, 1048576);
	CHECK_INT(r.pids_limit.v, 9);
	spec_resources_free(&r);
	json_object_put(o);
	json_object_put(good);
}
