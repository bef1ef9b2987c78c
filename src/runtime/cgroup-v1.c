/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1 writers: one hierarchy per controller (or per comounted group
 * such as "cpu,cpuacct"); file names from the kernel's cgroup-v1 docs. */
#include "runtime/cgroup-devices.h"
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_LIMIT "memory.limit_in_bytes"
#define MEMSW_LIMIT "memory.memsw.limit_in_bytes"
#define SWAP_HINT " (swap accounting disabled?)"

static bool is_blank(const char *s)
{
	return s[strspn(s, " \n")] == '\0';
}

static int fill_cpuset(const char *parent, const char *dir, const char *file, md_error *err)
{
	cleanup_free char *cur = NULL, *from = NULL;

	if (cg_read(dir, file, &cur, err) < 0)
		return -1;
	if (!is_blank(cur))
		return 0;
	if (cg_read(parent, file, &from, err) < 0)
		return -1;
	return cg_write(dir, file, from, err);
}

/* A new cpuset cgroup starts with empty cpus and mems, and no task can join
 * it until both are set: copy them from the parent, down the whole chain
 * (so /mydocker gets them too). */
static int v1_prepare(const struct cg_hier *h, const char *path, char *const *need, md_error *err)
{
	cleanup_free char *parent = NULL;

	if (!cg_strv_has(h->controllers, "cpuset"))
		return 0;
	parent = xstrdup(h->mount);
	for (const char *s = path; *s;) {
		const char *e = strchrnul(s + 1, '/');
		char *dir = xasprintf("%s%.*s", parent, (int)(e - s), s);

		if (fill_cpuset(parent, dir, "cpuset.cpus", err) < 0 ||
		    fill_cpuset(parent, dir, "cpuset.mems", err) < 0) {
			free(dir);
			return -1;
		}
		free(parent);
		parent = dir;
		s = e;
	}
	return 0;
}

static int write_swap(const char *dir, int64_t swap, md_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, swap);
	return cg_write_limit(dir, MEMSW_LIMIT, buf, "memory swap limit", SWAP_HINT, err);
}

/* The kernel keeps limit <= memsw limit after every write, so the order
 * depends on the direction of the change (runc's rule): swap first when it
 * is unlimited or above the current memory limit, else memory first. */
static int set_limit_and_swap(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t limit = cg_opt(&res->memory_limit), swap = cg_opt(&res->memory_swap);
	bool swap_first = false;

	/* unlimited memory with no swap value lifts the swap limit too */
	if (limit == -1 && swap == 0 && cg_exists(dir, MEMSW_LIMIT))
		swap = -1;
	if (limit != 0 && swap != 0) {
		uint64_t cur;

		if (cg_read_u64(dir, MEM_LIMIT, &cur, err) < 0)
			return -1;
		swap_first = swap == -1 || cur < (uint64_t)swap;
	}
	if (swap_first && write_swap(dir, swap, err) < 0)
		return -1;
	if (limit != 0 && cg_write_i64(dir, MEM_LIMIT, limit, "memory limit", err) < 0)
		return -1;
	if (!swap_first && swap != 0 && write_swap(dir, swap, err) < 0)
		return -1;
	return 0;
}

static int set_swappiness(const char *dir, const struct opt_i64 *s, md_error *err)
{
	if (!s->set || s->v < 0) /* Docker's -1: keep the kernel default */
		return 0;
	if (s->v > 100)
		return md_error_set(err, EINVAL, "invalid memory swappiness %" PRId64 " (0-100)",
				    s->v);
	return cg_write_i64(dir, "memory.swappiness", s->v, "memory swappiness", err);
}

static int v1_set_memory(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t resv = cg_opt(&res->memory_reservation);

	if (set_limit_and_swap(dir, res, err) < 0)
		return -1;
	if (resv != 0 &&
	    cg_write_i64(dir, "memory.soft_limit_in_bytes", resv, "memory reservation", err) < 0)
		return -1;
	if (set_swappiness(dir, &res->memory_swappiness, err) < 0)
		return -1;
	if (res->disable_oom_killer && cg_write_limit(dir, "memory.oom_control", "1",
						      "disabling the OOM killer", NULL, err) < 0)
		return -1;
	return 0;
}

/* Period/runtime pairs (cfs, rt) are checked against each other: a smaller
 * period can be refused (EINVAL) until the new runtime is in, so retry the
 * period after the runtime in that case (runc does the same). */
static int set_pair(const char *dir, const char *pfile, const char *rfile, int64_t period,
		    int64_t runtime, const char *what, md_error *err)
{
	md_error first;
	bool retry = false;

	if (period != 0 && cg_write_i64(dir, pfile, period, what, &first) < 0) {
		if (first.errnum != EINVAL || runtime == 0) {
			if (err)
				*err = first;
			return -1;
		}
		retry = true;
	}
	if (runtime != 0 && cg_write_i64(dir, rfile, runtime, what, err) < 0)
		return -1;
	if (retry && cg_write_i64(dir, pfile, period, what, err) < 0)
		return -1;
	return 0;
}

static int v1_set_cpu(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t shares = cg_opt(&res->cpu_shares);

	if (shares != 0 && cg_write_i64(dir, "cpu.shares", shares, "cpu shares", err) < 0)
		return -1;
	if (set_pair(dir, "cpu.cfs_period_us", "cpu.cfs_quota_us", cg_opt(&res->cpu_period),
		     cg_opt(&res->cpu_quota), "cpu quota", err) < 0)
		return -1;
	if (set_pair(dir, "cpu.rt_period_us", "cpu.rt_runtime_us", cg_opt(&res->cpu_rt_period),
		     cg_opt(&res->cpu_rt_runtime), "realtime cpu limits", err) < 0)
		return -1;
	/* after the quota: the kernel keeps burst <= quota */
	if (res->cpu_burst.set &&
	    cg_write_i64(dir, "cpu.cfs_burst_us", res->cpu_burst.v, "cpu burst", err) < 0)
		return -1;
	if (res->cpu_idle.set &&
	    cg_write_i64(dir, "cpu.idle", res->cpu_idle.v, "cpu idle", err) < 0)
		return -1;
	return 0;
}

#define BLKIO_HINT " (no CFQ or BFQ I/O scheduler?)"

/* CFQ gave blkio.weight[_device]; with BFQ they are blkio.bfq.weight[_device]. */
static const char *weight_file(const char *dir, bool device)
{
	if (cg_exists(dir, device ? "blkio.weight_device" : "blkio.weight"))
		return device ? "blkio.weight_device" : "blkio.weight";
	return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
}

static int set_weight_device(const char *dir, const struct spec_blkio_weight_device *wd,
			     md_error *err)
{
	char line[80];

	if (cg_check_blkdev(wd->major, wd->minor, err) < 0)
		return -1;
	if (cg_opt(&wd->weight) != 0) {
		snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRId64, wd->major,
			 wd->minor, wd->weight.v);
		if (cg_write_limit(dir, weight_file(dir, true), line, "blkio device weight",
				   BLKIO_HINT, err) < 0)
			return -1;
	}
	if (cg_opt(&wd->leaf_weight) == 0)
		return 0;
	snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRId64, wd->major, wd->minor,
		 wd->leaf_weight.v);
	return cg_write_limit(dir, "blkio.leaf_weight_device", line, "blkio device leaf weight",
			      " (CFQ only)", err);
}

/* One "MAJOR:MINOR RATE" line per device; a rate of 0 removes the limit. */
static int set_throttle(const char *dir, const char *kind, const struct spec_blkio_throttle *t,
			size_t n, md_error *err)
{
	cleanup_free char *file = xasprintf("blkio.throttle.%s_device", kind);
	cleanup_free char *what = xasprintf("blkio %s limit", kind);

	for (size_t i = 0; i < n; i++) {
		char line[80];

		if (cg_check_blkdev(t[i].major, t[i].minor, err) < 0)
			return -1;
		snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major,
			 t[i].minor, t[i].rate);
		if (cg_write_limit(dir, file, line, what, NULL, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_set_blkio(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t w = cg_opt(&res->blkio_weight), leaf = cg_opt(&res->blkio_leaf_weight);
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, w);
	if (w != 0 &&
	    cg_write_limit(dir, weight_file(dir, false), buf, "blkio weight", BLKIO_HINT, err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%" PRId64, leaf);
	if (leaf != 0 && cg_write_limit(dir, "blkio.leaf_weight", buf, "blkio leaf weight",
					" (CFQ only)", err) < 0)
		return -1;
	for (size_t i = 0; i < res->n_blkio_weight_devices; i++)
		if (set_weight_device(dir, &res->blkio_weight_devices[i], err) < 0)
			return -1;
	if (set_throttle(dir, "read_bps", res->blkio_read_bps, res->n_blkio_read_bps, err) < 0 ||
	    set_throttle(dir, "write_bps", res->blkio_write_bps, res->n_blkio_write_bps, err) < 0 ||
	    set_throttle(dir, "read_iops", res->blkio_read_iops, res->n_blkio_read_iops, err) < 0 ||
	    set_throttle(dir, "write_iops", res->blkio_write_iops, res->n_blkio_write_iops, err) <
		    0)
		return -1;
	return 0;
}

static int v1_set_hugetlb(const char *dir, const struct spec_resources *res, md_error *err)
{
	return cg_set_hugetlb(dir, res, "limit_in_bytes", err);
}

void cg_v1_device_line(const struct spec_device_rule *r, char *buf, size_t len)
{
	char major[24] = "*", minor[24] = "*";

	/* "a" alone means every device: deny resets to deny-all, allow to allow-all */
	if (r->type == 'a' || r->type == '\0') {
		snprintf(buf, len, "a");
		return;
	}
	if (r->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, r->minor);
	snprintf(buf, len, "%c %s:%s %s", r->type, major, minor, r->access[0] ? r->access : "rwm");
}

static int write_device_rule(const char *dir, const struct spec_device_rule *r, md_error *err)
{
	char line[80];

	cg_v1_device_line(r, line, sizeof(line));
	return cg_write_limit(dir, r->allow ? "devices.allow" : "devices.deny", line,
			      "device rules", NULL, err);
}

/* Rules go in order, as OCI lists them: a leading deny-all resets the
 * cgroup to "deny everything", and the allow rules after it add exceptions. */
static int v1_set_devices(const char *dir, const struct spec_resources *res, md_error *err)
{
	for (size_t i = 0; i < res->n_devices; i++)
		if (write_device_rule(dir, &res->devices[i], err) < 0)
			return -1;
	/* The default devices stay usable whatever the rules say, as with
	 * runc (cgroup-devices.h). */
	for (size_t i = 0; res->n_devices && i < cg_dev_n_default_allows; i++)
		if (write_device_rule(dir, &cg_dev_default_allows[i], err) < 0)
			return -1;
	return 0;
}

static int v1_set_net_cls(const char *dir, const struct spec_resources *res, md_error *err)
{
	return cg_write_i64(dir, "net_cls.classid", res->net_class_id.v, "network class id", err);
}

/* One "IFNAME PRIO" line per write: the kernel reads only the first, and
 * looks the interface up then (ENODEV when there is none). */
static int v1_set_net_prio(const char *dir, const struct spec_resources *res, md_error *err)
{
	for (size_t i = 0; i < res->n_net_priorities; i++) {
		const struct spec_net_priority *p = &res->net_priorities[i];
		cleanup_free char *line = xasprintf("%s %" PRIu32, p->name, p->priority);

		if (cg_write_limit(dir, "net_prio.ifpriomap", line, "network priorities", NULL,
				   err) < 0)
			return -1;
	}
	return 0;
}

static int v1_is_frozen(const char *dir, md_error *err)
{
	cleanup_free char *state = NULL;

	if (cg_read(dir, "freezer.state", &state, err) < 0)
		return -1;
	return md_str_has_prefix(state, "FROZEN");
}

/* The v1 freezer can stay in FREEZING while tasks keep forking or joining;
 * like runc, write FROZEN again until it sticks, thawing for a moment now and
 * then, and give up (thawed) after a bounded time. */
static int v1_freeze(const char *dir, bool frozen, md_error *err)
{
	long deadline = md_now_ms() + CG_FREEZE_TIMEOUT_MS;

	if (!frozen)
		return cg_write_limit(dir, "freezer.state", "THAWED", "freezing", NULL, err);
	for (unsigned i = 0; md_now_ms() < deadline; i++) {
		int r;

		if (i % 50 == 49) {
			cg_write(dir, "freezer.state", "THAWED", NULL);
			md_sleep_ms(10);
		}
		if (cg_write_limit(dir, "freezer.state", "FROZEN", "freezing", NULL, err) < 0)
			return -1;
		r = v1_is_frozen(dir, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
		md_sleep_ms(1);
	}
	cg_write(dir, "freezer.state", "THAWED", NULL);
	return md_error_set(err, ETIMEDOUT, "freeze %s: still FREEZING after %d ms", dir,
			    CG_FREEZE_TIMEOUT_MS);
}

/* memory.oom_control has "oom_kill N" since Linux 4.13. */
static int v1_oom_kills(const char *dir, long *count, md_error *err)
{
	int64_t v = 0;

	if (cg_read_keyed(dir, "memory.oom_control", "oom_kill", &v, err) < 0)
		return -1;
	*count = (long)v;
	return 0;
}

static int v1_memory_stats(const char *dir, struct cgroup_stats *st, md_error *err)
{
	uint64_t usage = 0, limit = 0;

	if (cg_read_u64_opt(dir, "memory.usage_in_bytes", &usage, err) < 0 ||
	    cg_read_u64_opt(dir, MEM_LIMIT, &limit, err) < 0)
		return -1;
	st->memory_usage = usage;
	st->memory_limit = limit;
	return 0;
}

static int v1_cpu_stats(const char *dir, struct cgroup_stats *st, md_error *err)
{
	uint64_t ns = 0;

	if (cg_read_u64_opt(dir, "cpuacct.usage", &ns, err) < 0)
		return -1;
	st->cpu_usage_ns = ns;
	return 0;
}

const struct cg_ops cg_v1_ops = {
	.prepare = v1_prepare,
	.set = {
		[CG_CPUSET] = cg_set_cpuset,
		[CG_MEMORY] = v1_set_memory,
		[CG_CPU] = v1_set_cpu,
		[CG_PIDS] = cg_set_pids,
		[CG_BLKIO] = v1_set_blkio,
		[CG_HUGETLB] = v1_set_hugetlb,
		[CG_DEVICES] = v1_set_devices,
		[CG_UNIFIED] = NULL, /* never on v1: cgroup.c looks for a cgroup2 hierarchy */
		[CG_NET_CLS] = v1_set_net_cls,
		[CG_NET_PRIO] = v1_set_net_prio,
	},
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.oom_kills = v1_oom_kills,
	.memory_stats = v1_memory_stats,
	.cpu_stats = v1_cpu_stats,
};
