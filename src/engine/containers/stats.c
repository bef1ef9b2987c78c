/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/stats.h"
#include "runtime/cgroup-usage.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define NS_PER_SEC 1000000000ULL
/* The fields of /proc/stat's "cpu" line Docker adds: user, nice, system,
 * idle, iowait, irq, softirq. */
#define PROC_STAT_FIELDS 7

static bool cpu_line(const char *line, long clk_tck, unsigned long long *total_ns)
{
	unsigned long long f[PROC_STAT_FIELDS], ticks = 0;

	if (sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3],
		   &f[4], &f[5], &f[6]) != PROC_STAT_FIELDS)
		return false;
	for (size_t i = 0; i < PROC_STAT_FIELDS; i++)
		ticks += f[i];
	*total_ns = ticks * NS_PER_SEC / (unsigned long long)clk_tck;
	return true;
}

int stats_parse_proc_stat(const char *text, long clk_tck, unsigned long long *total_ns,
			  unsigned int *cpus, md_error *err)
{
	cleanup_free char *copy = xstrdup(text);
	char *line, *save = NULL;
	bool found = false;

	*total_ns = 0;
	*cpus = 0;
	if (clk_tck <= 0)
		return md_error_set(err, EINVAL, "invalid clock ticks per second %ld", clk_tck);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (md_str_has_prefix(line, "cpu "))
			found = cpu_line(line, clk_tck, total_ns);
		else if (md_str_has_prefix(line, "cpu") && line[3] >= '0' && line[3] <= '9')
			(*cpus)++;
	}
	if (!found)
		return md_error_set(err, EINVAL, "/proc/stat: no valid cpu line");
	return 0;
}

void stats_parse_net_dev(const char *text, unsigned long long *rx, unsigned long long *tx)
{
	cleanup_free char *copy = xstrdup(text);
	char *line, *save = NULL;

	*rx = *tx = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* "  eth0: RX bytes packets errs drop fifo frame compressed
		 * multicast, then TX bytes ..."; the headers have no ':' */
		char *colon = strchr(line, ':'), *name = line;
		unsigned long long f[9];

		if (!colon)
			continue;
		*colon = '\0';
		name += strspn(name, " \t");
		if (strcmp(name, "lo") == 0)
			continue;
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
			   &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8]) != 9)
			continue;
		*rx += f[0];
		*tx += f[8];
	}
}

static int read_host_cpu(struct stats_sample *s, md_error *err)
{
	cleanup_free char *text = NULL;

	if (md_read_file("/proc/stat", &text, NULL, err) < 0)
		return -1;
	return stats_parse_proc_stat(text, sysconf(_SC_CLK_TCK), &s->host_ns, &s->online_cpus, err);
}

static unsigned long long host_memory(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (unsigned long long)si.totalram * si.mem_unit;
}

/* The init's network namespace, when the pid is still the init's (a pid
 * the kernel gave to another process would show that one's). */
static void read_net(const struct container_record *c, struct stats_sample *s)
{
	cleanup_free char *path = NULL, *text = NULL;
	unsigned long long start = 0;

	if (c->state.pid <= 0 || state_proc_start_time(c->state.pid, &start, NULL, NULL) < 0 ||
	    (c->state.pid_start && start != c->state.pid_start))
		return;
	path = xasprintf("/proc/%d/net/dev", c->state.pid);
	if (md_read_file(path, &text, NULL, NULL) == 0)
		stats_parse_net_dev(text, &s->net_rx, &s->net_tx);
}

static void from_usage(const struct cgroup_usage *u, struct stats_sample *s)
{
	unsigned long long ram = host_memory();

	s->cpu_ns = u->base.cpu_usage_ns;
	s->mem_usage = u->base.memory_usage;
	s->mem_cache = u->inactive_file;
	/* "max", or v1's huge number for none: the host's RAM, as dockerd */
	s->mem_limit = u->base.memory_limit;
	if (ram && (s->mem_limit == 0 || s->mem_limit > ram))
		s->mem_limit = ram;
	s->blk_read = u->blk_read;
	s->blk_write = u->blk_write;
	s->pids = u->base.pids_current;
}

static bool runs(const struct container_record *c)
{
	return c->state.status == CONTAINER_RUNNING && !c->state.restarting && records_live(c->id);
}

int stats_sample_container(const struct container_record *c, struct stats_sample *s, md_error *err)
{
	cleanup_free char *path = cgroup_path_for(NULL, c->id);
	struct cgroup *cg = NULL;
	struct cgroup_usage u;
	int r;

	memset(s, 0, sizeof(*s));
	if (!runs(c))
		return 0;
	if (cgroup_open(path, &cg, err) < 0)
		return err && err->errnum == ENOENT ? 0 : -1;
	r = cgroup_usage_read(cg, &u, err);
	cgroup_free(cg);
	if (r < 0)
		return records_live(c->id) ? -1 : 0; /* it stopped while we read */
	if (read_host_cpu(s, err) < 0)
		return -1;
	from_usage(&u, s);
	read_net(c, s);
	s->running = true;
	return 0;
}

double stats_cpu_percent(const struct stats_sample *prev, const struct stats_sample *cur)
{
	double cpu, host;

	if (!prev->running || !cur->running || cur->cpu_ns <= prev->cpu_ns ||
	    cur->host_ns <= prev->host_ns)
		return 0.0;
	cpu = (double)(cur->cpu_ns - prev->cpu_ns);
	host = (double)(cur->host_ns - prev->host_ns);
	return cpu / host * (double)cur->online_cpus * 100.0;
}

unsigned long long stats_mem_used(const struct stats_sample *s)
{
	return s->mem_cache < s->mem_usage ? s->mem_usage - s->mem_cache : s->mem_usage;
}

double stats_mem_percent(const struct stats_sample *s)
{
	if (!s->mem_limit)
		return 0.0;
	return (double)stats_mem_used(s) / (double)s->mem_limit * 100.0;
}
