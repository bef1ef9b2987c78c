/* SPDX-License-Identifier: Apache-2.0 */
/* Limits: each resource group goes to the hierarchy that holds its
 * controller, through the v1 or v2 table of writers. In hybrid mode that
 * means limits land in the v1 controllers, while a controller that only the
 * unified hierarchy has (hugetlb on many hybrid hosts) is written there.
 * Also the writers whose files are the same in v1 and v2. */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cg_set_cpuset(const char *dir, const struct spec_resources *res, md_error *err)
{
	if (res->cpuset_cpus && *res->cpuset_cpus &&
	    cg_write_limit(dir, "cpuset.cpus", res->cpuset_cpus, "cpuset cpus", NULL, err) < 0)
		return -1;
	if (res->cpuset_mems && *res->cpuset_mems &&
	    cg_write_limit(dir, "cpuset.mems", res->cpuset_mems, "cpuset mems", NULL, err) < 0)
		return -1;
	return 0;
}

int cg_set_pids(const char *dir, const struct spec_resources *res, md_error *err)
{
	char buf[32];
	int64_t v = res->pids_limit.v;

	if (!res->pids_limit.set)
		return 0;
	cgroup_v2_limit(v <= 0 ? -1 : v, buf); /* 0 or negative: no limit */
	return cg_write_limit(dir, "pids.max", buf, "pids limit", NULL, err);
}

int cg_set_hugetlb(const char *dir, const struct spec_resources *res, const char *suffix,
		   md_error *err)
{
	for (size_t i = 0; i < res->n_hugepages; i++) {
		const struct spec_hugepage *hp = &res->hugepages[i];
		cleanup_free char *file = NULL, *what = NULL;
		char buf[32];

		if (!cg_name_ok(hp->page_size))
			return md_error_set(err, EINVAL, "invalid hugepage size `%s`",
					    hp->page_size ? hp->page_size : "");
		file = xasprintf("hugetlb.%s.%s", hp->page_size, suffix);
		what = xasprintf("hugepage limit for %s", hp->page_size);
		snprintf(buf, sizeof(buf), "%" PRIu64, hp->limit);
		if (cg_write_limit(dir, file, buf, what, NULL, err) < 0)
			return -1;
	}
	return 0;
}

int cg_check_blkdev(int64_t major, int64_t minor, md_error *err)
{
	if (major < 0 || minor < 0)
		return md_error_set(err, EINVAL, "invalid block device %" PRId64 ":%" PRId64, major,
				    minor);
	return 0;
}

static bool want_cpuset(const struct spec_resources *r)
{
	return (r->cpuset_cpus && *r->cpuset_cpus) || (r->cpuset_mems && *r->cpuset_mems);
}

static bool want_memory(const struct spec_resources *r)
{
	return r->memory_limit.set || r->memory_reservation.set || r->memory_swap.set ||
	       r->memory_swappiness.set || r->disable_oom_killer;
}

static bool want_cpu(const struct spec_resources *r)
{
	return r->cpu_shares.set || r->cpu_quota.set || r->cpu_period.set ||
	       r->cpu_rt_runtime.set || r->cpu_rt_period.set || r->cpu_idle.set || r->cpu_burst.set;
}

static bool want_pids(const struct spec_resources *r)
{
	return r->pids_limit.set;
}

static bool want_blkio(const struct spec_resources *r)
{
	return r->blkio_weight.set || r->blkio_leaf_weight.set || r->n_blkio_weight_devices ||
	       r->n_blkio_read_bps || r->n_blkio_write_bps || r->n_blkio_read_iops ||
	       r->n_blkio_write_iops;
}

static bool want_hugetlb(const struct spec_resources *r)
{
	return r->n_hugepages > 0;
}

static bool want_devices(const struct spec_resources *r)
{
	return r->n_devices > 0;
}

static bool want_unified(const struct spec_resources *r)
{
	return r->n_unified > 0;
}

static bool want_net_cls(const struct spec_resources *r)
{
	return r->net_class_id.set;
}

static bool want_net_prio(const struct spec_resources *r)
{
	return r->n_net_priorities > 0;
}

/* Per resource group: a name for errors, the controller on v1 and on v2
 * (v1 NULL: never on v1; v2 NULL: core v2 files, no controller needed;
 * v1_only: v2 has no counterpart, and the group is ignored there). */
static const struct cg_resource {
	const char *what, *v1, *v2;
	bool (*wanted)(const struct spec_resources *r);
	bool v1_only;
} resources[CG_NRES] = {
	[CG_CPUSET] = { "cpuset limits", "cpuset", "cpuset", want_cpuset },
	[CG_MEMORY] = { "memory limits", "memory", "memory", want_memory },
	[CG_CPU] = { "cpu limits", "cpu", "cpu", want_cpu },
	[CG_PIDS] = { "pids limit", "pids", "pids", want_pids },
	[CG_BLKIO] = { "blkio limits", "blkio", "io", want_blkio },
	[CG_HUGETLB] = { "hugepage limits", "hugetlb", "hugetlb", want_hugetlb },
	[CG_DEVICES] = { "device rules", "devices", NULL, want_devices },
	[CG_UNIFIED] = { "unified resources", NULL, NULL, want_unified },
	/* Network classes and priorities are for tc and the qdiscs, which cgroup
	 * v2 leaves to eBPF: runc ignores them on a v2 host, and so do we. */
	[CG_NET_CLS] = { "network class id", "net_cls", NULL, want_net_cls, true },
	[CG_NET_PRIO] = { "network priorities", "net_prio", NULL, want_net_prio, true },
};

bool cgroup_wants_limits(const struct spec_resources *res)
{
	for (size_t r = 0; res && r < CG_NRES; r++)
		if (r != CG_DEVICES && resources[r].wanted(res))
			return true;
	return false;
}

/* v2 controllers the resources use, unified keys included ("io.max" -> io). */
static char **needed_controllers(const struct spec_resources *res)
{
	char **need = xmalloc0(sizeof(char *));

	for (size_t r = 0; res && r < CG_NRES; r++)
		if (resources[r].v2 && resources[r].wanted(res))
			md_strv_push(&need, resources[r].v2);
	for (size_t i = 0; res && i < res->n_unified; i++) {
		const char *key = res->unified[i].key ? res->unified[i].key : "";
		cleanup_free char *c = strndup(key, strcspn(key, "."));

		if (c && *c && !cg_strv_has(need, c))
			md_strv_push(&need, c);
	}
	return need;
}

static int no_controller(const struct cgroup *cg, const struct cg_resource *d, md_error *err)
{
	const char *name = cg->mode == CGROUP_MODE_V2 ? d->v2 : d->v1;

	if (!name)
		return md_error_set(err, ENOTSUP,
				    "%s need cgroup v2: no cgroup2 hierarchy is mounted", d->what);
	return md_error_set(err, ENOTSUP, "%s not supported by the host: no %s cgroup controller",
			    d->what, name);
}

static int apply(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	for (size_t r = 0; r < CG_NRES; r++) {
		const struct cg_resource *d = &resources[r];
		struct cg_hier *h;

		if (!d->wanted(res) || (d->v1_only && cg->mode == CGROUP_MODE_V2))
			continue;
		h = d->v1_only ? cg_find_v1(cg, d->v1) : cg_find_hier(cg, d->v1, d->v2);
		if (!h)
			return no_controller(cg, d, err);
		if (cg_hier_ops(h)->set[r](h->dir, res, err) < 0)
			return -1;
	}
	return 0;
}

int cg_setup(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	cleanup_strv char **need = needed_controllers(res);

	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg_hier_ops(&cg->hiers[i])->prepare(&cg->hiers[i], cg->path, need, err) < 0)
			return -1;
	return res ? apply(cg, res, err) : 0;
}
