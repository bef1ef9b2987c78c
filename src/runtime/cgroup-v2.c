/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v2 writers: one hierarchy, controllers turned on per level through
 * cgroup.subtree_control; file names from the kernel's cgroup-v2 docs. Used
 * for pure v2 hosts and for the unified hierarchy of hybrid hosts. */
#include "runtime/cgroup-devices.h"
#include "runtime/cgroup-internal.h"
#include "runtime/userns.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWAP_HINT " (swap accounting disabled?)"

/* Turned on where available even without limits, so stats have files. */
static const char *const stats_controllers[] = { "cpu", "memory", "pids" };

static int enable_one(const char *dir, const char *avail, const char *on, const char *c,
		      md_error *err)
{
	cleanup_free char *cmd = NULL;

	if (!cg_has_word(avail, c) || cg_has_word(on, c))
		return 0;
	cmd = xasprintf("+%s", c);
	return cg_write(dir, "cgroup.subtree_control", cmd, err);
}

/* A needed controller that dir offers but cannot enable is an error (EBUSY
 * when dir has processes of its own); the stats ones are best effort. One
 * that dir does not offer is left alone: in hybrid mode it lives in v1, and
 * otherwise writing its limit will report it missing. */
static int enable_controllers(const char *dir, char *const *need, md_error *err)
{
	cleanup_free char *avail = NULL, *on = NULL;

	if (cg_read(dir, "cgroup.controllers", &avail, err) < 0 ||
	    cg_read(dir, "cgroup.subtree_control", &on, err) < 0)
		return -1;
	for (size_t i = 0; need && need[i]; i++)
		if (enable_one(dir, avail, on, need[i], err) < 0)
			return md_error_prefix(err, "enable the %s controller", need[i]);
	for (size_t i = 0; i < ARRAY_SIZE(stats_controllers); i++)
		enable_one(dir, avail, on, stats_controllers[i], NULL);
	return 0;
}

/* Every ancestor of the leaf (the root included) must list a controller in
 * its subtree_control for the leaf to get that controller's files. */
static int v2_prepare(const struct cg_hier *h, const char *path, char *const *need, md_error *err)
{
	cleanup_free char *dir = xstrdup(h->mount);

	for (const char *s = path;;) {
		const char *e = strchrnul(s + 1, '/');
		char *next;

		if (enable_controllers(dir, need, err) < 0)
			return -1;
		if (!*e)
			return 0; /* the next component is the leaf */
		next = xasprintf("%s%.*s", dir, (int)(e - s), s);
		free(dir);
		dir = next;
		s = e;
	}
}

static int write_limit(const char *dir, const char *file, int64_t v, const char *what,
		       const char *hint, md_error *err)
{
	char buf[32];

	return cg_write_limit(dir, file, cgroup_v2_limit(v, buf), what, hint, err);
}

int cg_v2_swap_max(int64_t swap, int64_t limit, int64_t *out, md_error *err)
{
	if (swap == -1) {
		*out = -1;
		return 0;
	}
	if (limit <= 0)
		return md_error_set(err, EINVAL, "a memory swap limit needs a memory limit");
	if (swap < limit)
		return md_error_set(err, EINVAL,
				    "memory+swap limit %" PRId64
				    " is below the memory limit %" PRId64,
				    swap, limit);
	*out = swap - limit;
	return 0;
}

static int set_swap(const char *dir, int64_t limit, int64_t swap, md_error *err)
{
	int64_t max = 0;

	/* unlimited memory with no swap value lifts the swap limit too */
	if (limit == -1 && swap == 0 && cg_exists(dir, "memory.swap.max"))
		swap = -1;
	if (swap == 0)
		return 0;
	if (cg_v2_swap_max(swap, limit, &max, err) < 0)
		return -1;
	return write_limit(dir, "memory.swap.max", max, "memory swap limit", SWAP_HINT, err);
}

static int v2_set_memory(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t limit = cg_opt(&res->memory_limit), resv = cg_opt(&res->memory_reservation);

	if (res->memory_swappiness.set && res->memory_swappiness.v >= 0)
		return md_error_set(err, ENOTSUP, "memory swappiness not supported on cgroup v2");
	if (res->disable_oom_killer)
		return md_error_set(err, ENOTSUP,
				    "disabling the OOM killer not supported on cgroup v2");
	if (limit != 0 && write_limit(dir, "memory.max", limit, "memory limit", NULL, err) < 0)
		return -1;
	if (set_swap(dir, limit, cg_opt(&res->memory_swap), err) < 0)
		return -1;
	if (resv != 0 && write_limit(dir, "memory.low", resv, "memory reservation", NULL, err) < 0)
		return -1;
	return 0;
}

/* cpu.max is "QUOTA PERIOD" with "max" for no quota; without a period the
 * kernel keeps the current one. */
static int set_cpu_max(const char *dir, int64_t quota, int64_t period, md_error *err)
{
	char buf[64];
	int len;

	if (quota == 0 && period == 0)
		return 0;
	if (quota > 0)
		len = snprintf(buf, sizeof(buf), "%" PRId64, quota);
	else
		len = snprintf(buf, sizeof(buf), "max");
	if (period != 0)
		snprintf(buf + len, sizeof(buf) - (size_t)len, " %" PRId64, period);
	return cg_write_limit(dir, "cpu.max", buf, "cpu quota", NULL, err);
}

static int v2_set_cpu(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t shares = cg_opt(&res->cpu_shares);
	unsigned long long weight =
		cgroup_shares_to_weight(shares > 0 ? (unsigned long long)shares : 0);

	if (cg_opt(&res->cpu_rt_runtime) != 0 || cg_opt(&res->cpu_rt_period) != 0)
		return md_error_set(err, ENOTSUP, "realtime cpu limits not supported on cgroup v2");
	if (weight && cg_write_i64(dir, "cpu.weight", (int64_t)weight, "cpu shares", err) < 0)
		return -1;
	if (set_cpu_max(dir, cg_opt(&res->cpu_quota), cg_opt(&res->cpu_period), err) < 0)
		return -1;
	/* after the quota: the kernel keeps burst <= quota */
	if (res->cpu_burst.set &&
	    cg_write_i64(dir, "cpu.max.burst", res->cpu_burst.v, "cpu burst", err) < 0)
		return -1;
	if (res->cpu_idle.set &&
	    cg_write_i64(dir, "cpu.idle", res->cpu_idle.v, "cpu idle", err) < 0)
		return -1;
	return 0;
}

uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + (w - 10) * 9999 / 990;
}

/* BFQ takes the blkio range as is (a bare number for the default, as runc
 * writes it); io.weight has its own 1..10000 range. dev is "default" or
 * "MAJOR:MINOR". */
static int write_weight(const char *dir, const char *dev, int64_t w, md_error *err)
{
	char buf[80];

	if (cg_exists(dir, "io.bfq.weight")) {
		if (strcmp(dev, "default") == 0)
			snprintf(buf, sizeof(buf), "%" PRId64, w);
		else
			snprintf(buf, sizeof(buf), "%s %" PRId64, dev, w);
		return cg_write(dir, "io.bfq.weight", buf, err);
	}
	snprintf(buf, sizeof(buf), "%s %" PRIu64, dev, cg_blkio_to_io_weight((uint64_t)w));
	return cg_write_limit(dir, "io.weight", buf, "blkio weight", NULL, err);
}

static int set_weight_device(const char *dir, const struct spec_blkio_weight_device *wd,
			     md_error *err)
{
	char dev[48];

	if (cg_check_blkdev(wd->major, wd->minor, err) < 0)
		return -1;
	if (cg_opt(&wd->leaf_weight) != 0)
		return md_error_set(err, ENOTSUP, "blkio leaf weight not supported on cgroup v2");
	if (cg_opt(&wd->weight) <= 0)
		return 0;
	snprintf(dev, sizeof(dev), "%" PRId64 ":%" PRId64, wd->major, wd->minor);
	return write_weight(dir, dev, wd->weight.v, err);
}

/* io.max takes "MAJOR:MINOR key=value", other keys of the device kept; a
 * rate of 0 means no limit, as in v1. */
static int set_io_max(const char *dir, const char *key, const struct spec_blkio_throttle *t,
		      size_t n, md_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char line[96];

		if (cg_check_blkdev(t[i].major, t[i].minor, err) < 0)
			return -1;
		if (t[i].rate)
			snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
				 t[i].major, t[i].minor, key, t[i].rate);
		else
			snprintf(line, sizeof(line), "%" PRId64 ":%" PRId64 " %s=max", t[i].major,
				 t[i].minor, key);
		if (cg_write_limit(dir, "io.max", line, "blkio throttle limits", NULL, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_set_io(const char *dir, const struct spec_resources *res, md_error *err)
{
	int64_t w = cg_opt(&res->blkio_weight);

	if (cg_opt(&res->blkio_leaf_weight) != 0)
		return md_error_set(err, ENOTSUP, "blkio leaf weight not supported on cgroup v2");
	if (w > 0 && write_weight(dir, "default", w, err) < 0)
		return -1;
	for (size_t i = 0; i < res->n_blkio_weight_devices; i++)
		if (set_weight_device(dir, &res->blkio_weight_devices[i], err) < 0)
			return -1;
	if (set_io_max(dir, "rbps", res->blkio_read_bps, res->n_blkio_read_bps, err) < 0 ||
	    set_io_max(dir, "wbps", res->blkio_write_bps, res->n_blkio_write_bps, err) < 0 ||
	    set_io_max(dir, "riops", res->blkio_read_iops, res->n_blkio_read_iops, err) < 0 ||
	    set_io_max(dir, "wiops", res->blkio_write_iops, res->n_blkio_write_iops, err) < 0)
		return -1;
	return 0;
}

static int v2_set_hugetlb(const char *dir, const struct spec_resources *res, md_error *err)
{
	return cg_set_hugetlb(dir, res, "max", err);
}

/* The v2 device controller is an eBPF program attached to the cgroup
 * (cgroup-devices.h). In a user namespace bpf(2) is refused, and so is
 * mknod: there, as runc does, go on without the program. */
static int v2_set_devices(const char *dir, const struct spec_resources *res, md_error *err)
{
	md_error e;

	if (cg_dev_bpf_apply(dir, res, &e) == 0)
		return 0;
	if (e.errnum == EPERM && userns_rootless())
		return 0;
	if (err)
		*err = e;
	return -1;
}

/* linux.resources.unified: raw "file": "value" pairs for the leaf. */
static int v2_set_unified(const char *dir, const struct spec_resources *res, md_error *err)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const struct spec_unified *u = &res->unified[i];

		if (!cg_name_ok(u->key))
			return md_error_set(err, EINVAL,
					    "invalid unified key `%s`: not a plain file name",
					    u->key ? u->key : "");
		if (!cg_exists(dir, u->key))
			return md_error_set(err, ENOTSUP,
					    "unified resource %s not supported by the host: "
					    "no such file in %s (controller not enabled?)",
					    u->key, dir);
		if (cg_write(dir, u->key, u->value ? u->value : "", err) < 0)
			return -1;
	}
	return 0;
}

static int v2_is_frozen(const char *dir, md_error *err)
{
	int64_t v = 0;

	if (cg_read_keyed(dir, "cgroup.events", "frozen", &v, err) < 0)
		return -1;
	return v == 1;
}

/* cgroup.freeze asks; cgroup.events "frozen" says when it is done. */
static int v2_freeze(const char *dir, bool frozen, md_error *err)
{
	long deadline = md_now_ms() + CG_FREEZE_TIMEOUT_MS;

	if (cg_write_limit(dir, "cgroup.freeze", frozen ? "1" : "0", "freezing",
			   " (kernel older than 5.2?)", err) < 0)
		return -1;
	for (;;) {
		int r = v2_is_frozen(dir, err);

		if (r < 0)
			return -1;
		if (r == (int)frozen)
			return 0;
		if (md_now_ms() >= deadline)
			break;
		md_sleep_ms(1);
	}
	if (frozen)
		cg_write(dir, "cgroup.freeze", "0", NULL);
	return md_error_set(err, ETIMEDOUT, "%s %s: not done after %d ms",
			    frozen ? "freeze" : "thaw", dir, CG_FREEZE_TIMEOUT_MS);
}

static int v2_oom_kills(const char *dir, long *count, md_error *err)
{
	int64_t v = 0;

	if (cg_exists(dir, "memory.events") &&
	    cg_read_keyed(dir, "memory.events", "oom_kill", &v, err) < 0)
		return -1;
	*count = (long)v;
	return 0;
}

static int v2_memory_stats(const char *dir, struct cgroup_stats *st, md_error *err)
{
	uint64_t usage = 0, limit = 0;

	if (cg_read_u64_opt(dir, "memory.current", &usage, err) < 0 ||
	    cg_read_u64_opt(dir, "memory.max", &limit, err) < 0)
		return -1;
	st->memory_usage = usage;
	st->memory_limit = limit;
	return 0;
}

static int v2_cpu_stats(const char *dir, struct cgroup_stats *st, md_error *err)
{
	int64_t usec = 0;

	if (cg_exists(dir, "cpu.stat") &&
	    cg_read_keyed(dir, "cpu.stat", "usage_usec", &usec, err) < 0)
		return -1;
	st->cpu_usage_ns = (unsigned long long)usec * 1000ULL;
	return 0;
}

const struct cg_ops cg_v2_ops = {
	.prepare = v2_prepare,
	.set = {
		[CG_CPUSET] = cg_set_cpuset,
		[CG_MEMORY] = v2_set_memory,
		[CG_CPU] = v2_set_cpu,
		[CG_PIDS] = cg_set_pids,
		[CG_BLKIO] = v2_set_io,
		[CG_HUGETLB] = v2_set_hugetlb,
		[CG_DEVICES] = v2_set_devices,
		[CG_UNIFIED] = v2_set_unified,
	},
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.oom_kills = v2_oom_kills,
	.memory_stats = v2_memory_stats,
	.cpu_stats = v2_cpu_stats,
};
