/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/ops.c: top's cut of ps output, update's checks
 * (Docker's), and what update writes into the OCI config and the
 * record's HostConfig. */
#include "unit.h"

#include "engine/containers/ops.h"
#include "util/json.h"

#define MB (1024 * 1024)

static const char ps_ef[] = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
			    "root           1       0  0 09:00 ?        00:00:01 /sbin/init\n"
			    "root         100       1  0 09:01 ?        00:00:00 sleep 1000\n"
			    "root         101     100  0 09:01 ?        00:00:00 sh -c echo a  b\n"
			    "root         200       1  0 09:02 ?        00:00:00 other\n";

TEST(ops_top_keeps_the_container_rows)
{
	pid_t pids[] = { 100, 101 };
	struct engine_top t;
	md_error err;

	CHECK_INT(top_parse_ps(ps_ef, pids, 2, &t, &err), 0);
	CHECK_INT(t.ncols, 8);
	CHECK_STR(t.titles[1], "PID");
	CHECK_INT(t.nrows, 2);
	CHECK_STR(t.cells[1], "100");
	CHECK_STR(t.cells[7], "sleep 1000");
	/* the last column takes the rest of the line, words joined by one space */
	CHECK_STR(t.cells[8 + 7], "sh -c echo a b");
	engine_top_free(&t);
}

TEST(ops_top_threads_and_errors)
{
	static const char threads[] = "USER PID %CPU COMMAND\n"
				      "root 100 0.0 sleep\n"
				      "root - 0.0 -\n"
				      "root 200 0.0 other\n"
				      "root - 0.0 -\n";
	pid_t pids[] = { 100 };
	struct engine_top t;
	md_error err;

	CHECK_INT(top_parse_ps(threads, pids, 1, &t, &err), 0);
	CHECK_INT(t.nrows, 2); /* 100 and its thread, not 200's */
	CHECK_STR(t.cells[4 + 1], "-");
	engine_top_free(&t);
	CHECK_INT(top_parse_ps("USER COMMAND\nroot x\n", pids, 1, &t, &err), -1);
	CHECK_STR(err.msg, "Couldn't find PID field in ps output");
	CHECK_INT(top_parse_ps("PID CMD\nabc x\n", pids, 1, &t, &err), -1);
	CHECK_STR(err.msg, "Unexpected pid 'abc'");
	CHECK_INT(top_parse_ps("", pids, 1, &t, &err), -1);
}

static json_object *host_config(long long memory, long long swap, int auto_remove)
{
	json_object *hc = json_object_new_object();

	json_object_object_add(hc, "Memory", json_object_new_int64(memory));
	json_object_object_add(hc, "MemorySwap", json_object_new_int64(swap));
	json_object_object_add(hc, "AutoRemove", json_object_new_boolean(auto_remove));
	return hc;
}

#define MEM(x) ((struct opt_i64){ .set = true, .v = (x) })

TEST(ops_update_checks)
{
	cleanup_json json_object *none = host_config(0, 0, 0),
				 *swap = host_config(10 * MB, 20 * MB, 0),
				 *rm = host_config(0, 0, 1);
	struct engine_update u = { 0 };
	md_error err;

	CHECK(engine_update_empty(&u));
	u.memory = MEM(0); /* 0: left alone, as Docker */
	CHECK(engine_update_empty(&u));
	u.memory = MEM(5 * MB);
	CHECK_INT(update_check(&u, none, &err), -1);
	CHECK_STR(err.msg, "Minimum memory limit allowed is 6MB");
	u.memory = MEM(30 * MB);
	CHECK_INT(update_check(&u, none, &err), 0);
	CHECK_INT(update_check(&u, swap, &err), -1);
	CHECK_STR(err.msg, "Memory limit should be smaller than already set memoryswap limit, "
			   "update the memoryswap at the same time");
	u.memory_swap = MEM(20 * MB);
	CHECK_INT(update_check(&u, swap, &err), -1);
	CHECK_STR(err.msg, "Minimum memoryswap limit should be larger than memory limit");
	u.memory_swap = MEM(-1);
	CHECK_INT(update_check(&u, swap, &err), 0);
	u = (struct engine_update){ .memory_swap = MEM(20 * MB) };
	CHECK_INT(update_check(&u, none, &err), -1);
	CHECK_STR(err.msg, "You should always set the Memory limit when using Memoryswap limit");
	CHECK_INT(update_check(&u, swap, &err), 0);
	u = (struct engine_update){ .restart = "always" };
	CHECK(!engine_update_empty(&u));
	CHECK_INT(update_check(&u, none, &err), 0);
	CHECK_INT(update_check(&u, rm, &err), -1);
	CHECK_STR(err.msg, "Restart policy cannot be updated because AutoRemove is enabled for "
			   "the container");
	u.restart = "no";
	CHECK_INT(update_check(&u, rm, &err), 0);
	u.restart = "sometimes";
	CHECK_INT(update_check(&u, none, &err), -1);
}

/* config.linux.resources[group][key] */
static json_object *resource(json_object *config, const char *group, const char *key)
{
	json_object *res = md_json_member(md_json_member(config, "linux"), "resources");

	return md_json_member(md_json_member(res, group), key);
}

TEST(ops_update_writes_config_and_record)
{
	cleanup_json json_object *config = json_tokener_parse(
		"{\"linux\":{\"resources\":{\"memory\":{\"limit\":20971520},\"cpu\":{}}}}");
	cleanup_json json_object *hc = host_config(20 * MB, 0, 0);
	cleanup_json json_object *bare = json_object_new_object();
	struct engine_update u = { .memory = MEM(64 * MB),
				   .cpu_quota = MEM(50000),
				   .cpu_period = MEM(100000),
				   .pids_limit = MEM(0),
				   .cpuset_cpus = "0",
				   .restart = "on-failure:3" };
	json_object *rp;

	update_oci_config(config, &u);
	CHECK_INT(json_object_get_int64(resource(config, "memory", "limit")), 64 * MB);
	CHECK(resource(config, "memory", "swap") == NULL);
	CHECK_INT(json_object_get_int64(resource(config, "cpu", "quota")), 50000);
	CHECK_INT(json_object_get_int64(resource(config, "cpu", "period")), 100000);
	CHECK(resource(config, "cpu", "shares") == NULL);
	CHECK_STR(json_object_get_string(resource(config, "cpu", "cpus")), "0");
	CHECK_INT(json_object_get_int64(resource(config, "pids", "limit")), -1);
	/* a config without linux.resources gets them */
	update_oci_config(bare, &u);
	CHECK_INT(json_object_get_int64(resource(bare, "memory", "limit")), 64 * MB);

	update_host_config(hc, &u);
	CHECK_INT(json_object_get_int64(md_json_member(hc, "Memory")), 64 * MB);
	CHECK_INT(json_object_get_int64(md_json_member(hc, "CpuQuota")), 50000);
	CHECK_STR(md_json_string(hc, "CpusetCpus"), "0");
	CHECK(md_json_member(hc, "PidsLimit") == NULL);
	rp = md_json_member(hc, "RestartPolicy");
	CHECK_STR(md_json_string(rp, "Name"), "on-failure");
	CHECK_INT(json_object_get_int(md_json_member(rp, "MaximumRetryCount")), 3);
}
