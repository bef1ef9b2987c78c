/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/stats.c and runtime/cgroup-usage.c: the parsers of
 * /proc/stat, /proc/PID/net/dev, v1 blkio and v2 io.stat, and Docker's
 * CPU and memory numbers. */
#include "unit.h"

#include "engine/containers/stats.h"
#include "runtime/cgroup-usage.h"

#include <math.h>

static const char proc_stat[] = "cpu  100 2 50 800 10 3 5 7 0 0\n"
				"cpu0 50 1 25 400 5 1 2 3 0 0\n"
				"cpu1 50 1 25 400 5 2 3 4 0 0\n"
				"intr 12345 0 0\n"
				"ctxt 99\n"
				"cpufreq 1\n";

TEST(stats_proc_stat)
{
	unsigned long long ns;
	unsigned int cpus;
	md_error err;

	CHECK_INT(stats_parse_proc_stat(proc_stat, 100, &ns, &cpus, &err), 0);
	/* user..softirq, steal left out: 970 ticks of 10 ms */
	CHECK(ns == 9700000000ULL);
	CHECK_INT(cpus, 2);
	CHECK_INT(stats_parse_proc_stat("cpu  1 2 3\n", 100, &ns, &cpus, &err), -1);
	CHECK_INT(stats_parse_proc_stat("intr 1\n", 100, &ns, &cpus, &err), -1);
	CHECK_INT(stats_parse_proc_stat(proc_stat, 0, &ns, &cpus, &err), -1);
}

TEST(stats_net_dev)
{
	static const char text[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
		"packets errs drop fifo colls carrier compressed\n"
		"    lo:   1000      10    0    0    0     0          0         0     1000      "
		"10    0    0    0     0       0          0\n"
		"  eth0:   2048      20    0    0    0     0          0         0      512       "
		"5    0    0    0     0       0          0\n"
		"veth1:100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n"
		"  bad: 1 2 3\n";
	unsigned long long rx, tx;

	stats_parse_net_dev(text, &rx, &tx);
	CHECK(rx == 2148);
	CHECK(tx == 712);
	stats_parse_net_dev("", &rx, &tx);
	CHECK(rx == 0 && tx == 0);
}

TEST(stats_blkio_v1)
{
	static const char text[] = "8:0 Read 4096\n"
				   "8:0 Write 1024\n"
				   "8:0 Sync 5120\n"
				   "8:0 Async 0\n"
				   "8:0 Discard 0\n"
				   "8:0 Total 5120\n"
				   "8:16 Read 100\n"
				   "8:16 Write 200\n"
				   "Total 5420\n";
	unsigned long long rd, wr;

	CHECK(cgroup_blkio_v1_sum(text, &rd, &wr));
	CHECK(rd == 4196);
	CHECK(wr == 1224);
	/* a scheduler's file that counts nothing: try the next one */
	CHECK(!cgroup_blkio_v1_sum("Total 0\n", &rd, &wr));
	CHECK(rd == 0 && wr == 0);
}

TEST(stats_io_stat_v2)
{
	static const char text[] = "8:0 rbytes=4096 wbytes=1024 rios=2 wios=1 dbytes=0 dios=0\n"
				   "253:1 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n";
	unsigned long long rd, wr;

	cgroup_io_stat_sum(text, &rd, &wr);
	CHECK(rd == 4106);
	CHECK(wr == 1044);
	cgroup_io_stat_sum("", &rd, &wr);
	CHECK(rd == 0 && wr == 0);
}

TEST(stats_cpu_percent)
{
	struct stats_sample a = {
		.running = true, .cpu_ns = 1000, .host_ns = 10000, .online_cpus = 2
	};
	struct stats_sample b = a;

	/* half a CPU's worth of the host's time (two CPUs): 50% */
	b.cpu_ns = 1000 + 2500;
	b.host_ns = 10000 + 10000;
	CHECK(fabs(stats_cpu_percent(&a, &b) - 50.0) < 1e-9);
	/* no time passed, or a sample of a stopped container */
	CHECK(stats_cpu_percent(&a, &a) == 0.0);
	a.running = false;
	CHECK(stats_cpu_percent(&a, &b) == 0.0);
}

TEST(stats_memory)
{
	struct stats_sample s = {
		.running = true, .mem_usage = 1000, .mem_cache = 200, .mem_limit = 4000
	};

	CHECK(stats_mem_used(&s) == 800);
	CHECK(fabs(stats_mem_percent(&s) - 20.0) < 1e-9);
	/* a cache count above the usage is not taken off */
	s.mem_cache = 5000;
	CHECK(stats_mem_used(&s) == 1000);
	s.mem_limit = 0;
	CHECK(stats_mem_percent(&s) == 0.0);
}
