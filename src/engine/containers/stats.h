/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker stats`: a container's resource usage as `docker stats` shows
 * it. A sample holds the raw counters at one moment (its cgroup's through
 * runtime/cgroup-usage.h, the host's CPU time from /proc/stat, its network
 * namespace's interfaces from /proc/PID/net/dev of its init); the CPU
 * percentage needs two of them. The numbers are computed as Docker's
 * command line does; formatting them is the caller's. Nothing here
 * prints. */
#ifndef MD_STATS_H
#define MD_STATS_H

#include <stdbool.h>

#include "engine/containers/records.h"
#include "util/error.h"

struct stats_sample {
	bool running;               /* false: every counter is 0 */
	unsigned long long cpu_ns;  /* the container's CPU time */
	unsigned long long host_ns; /* the host's CPU time, every CPU, idle too */
	unsigned int online_cpus;
	/* memory.usage_in_bytes / memory.current, the inactive page cache
	 * in it, and the limit (the host's RAM when there is none) */
	unsigned long long mem_usage, mem_cache, mem_limit;
	unsigned long long net_rx, net_tx; /* bytes, every interface but lo */
	unsigned long long blk_read, blk_write, pids;
};

/* c's usage now. A container that does not run gets a zeroed sample, as
 * Docker shows one; a cgroup gone meanwhile (it just stopped) too. */
int stats_sample_container(const struct container_record *c, struct stats_sample *s, md_error *err);

/* Docker's CPU %: the container's share of the host's CPU time between
 * two samples, times the CPUs online (100% = one CPU busy). 0 when either
 * does not run or no time passed. */
double stats_cpu_percent(const struct stats_sample *prev, const struct stats_sample *cur);
/* Docker's memory usage: without the inactive page cache. */
unsigned long long stats_mem_used(const struct stats_sample *s);
/* Used against the limit, in percent (0 without a limit). */
double stats_mem_percent(const struct stats_sample *s);

/* Pure parsers, exposed for unit tests. */

/* /proc/stat: the host's CPU time in ns (user, nice, system, idle,
 * iowait, irq, softirq of the "cpu" line, as Docker adds them; clk_tck:
 * sysconf(_SC_CLK_TCK)) and the count of "cpuN" lines. EINVAL when the
 * "cpu" line is missing or short. */
int stats_parse_proc_stat(const char *text, long clk_tck, unsigned long long *total_ns,
			  unsigned int *cpus, md_error *err);
/* /proc/PID/net/dev: the received and sent bytes of every interface but
 * lo. */
void stats_parse_net_dev(const char *text, unsigned long long *rx, unsigned long long *tx);

#endif
