/* SPDX-License-Identifier: Apache-2.0 */
/* Usage counters for `mydocker stats` (cgroup-usage.h). */
#include "runtime/cgroup-usage.h"
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The per-device byte counts of v1 blkio, best first: the BFQ and CFQ
 * schedulers' files count every I/O when such a scheduler runs (they are
 * then empty of devices otherwise); the throttle file counts what went
 * through the block layer's throttling, always there (runc's order). */
static const char *const blkio_v1_files[] = {
	"blkio.bfq.io_service_bytes_recursive",
	"blkio.io_service_bytes_recursive",
	"blkio.throttle.io_service_bytes_recursive",
};

/* Calls fn for each line of text (without its newline, at most 511 bytes). */
static void each_line(const char *text, void (*fn)(const char *line, void *ctx), void *ctx)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		fn(line, ctx);
		l = nl ? nl + 1 : NULL;
	}
}

struct io_sums {
	unsigned long long rd, wr;
	bool device;
};

static void blkio_line(const char *line, void *ctx)
{
	struct io_sums *s = ctx;
	unsigned int major, minor;
	unsigned long long v;
	char op[16];

	if (sscanf(line, "%u:%u %15s %llu", &major, &minor, op, &v) != 4)
		return;
	s->device = true;
	if (strcasecmp(op, "read") == 0)
		s->rd += v;
	else if (strcasecmp(op, "write") == 0)
		s->wr += v;
}

bool cgroup_blkio_v1_sum(const char *text, unsigned long long *rd, unsigned long long *wr)
{
	struct io_sums s = { 0 };

	each_line(text, blkio_line, &s);
	*rd = s.rd;
	*wr = s.wr;
	return s.device;
}

static void io_stat_line(const char *line, void *ctx)
{
	struct io_sums *s = ctx;
	char copy[512], *tok, *save = NULL;
	unsigned int major, minor;

	if (sscanf(line, "%u:%u", &major, &minor) != 2)
		return;
	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (md_str_has_prefix(tok, "rbytes="))
			s->rd += strtoull(tok + strlen("rbytes="), NULL, 10);
		else if (md_str_has_prefix(tok, "wbytes="))
			s->wr += strtoull(tok + strlen("wbytes="), NULL, 10);
	}
}

void cgroup_io_stat_sum(const char *text, unsigned long long *rd, unsigned long long *wr)
{
	struct io_sums s = { 0 };

	each_line(text, io_stat_line, &s);
	*rd = s.rd;
	*wr = s.wr;
}

static int read_blkio_v1(const char *dir, struct cgroup_usage *u, md_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(blkio_v1_files); i++) {
		cleanup_free char *text = NULL;

		if (!cg_exists(dir, blkio_v1_files[i]))
			continue;
		if (cg_read(dir, blkio_v1_files[i], &text, err) < 0)
			return -1;
		if (cgroup_blkio_v1_sum(text, &u->blk_read, &u->blk_write))
			return 0;
	}
	return 0;
}

static int read_blkio(struct cgroup *cg, struct cgroup_usage *u, md_error *err)
{
	struct cg_hier *h = cg_find_hier(cg, "blkio", "io");
	cleanup_free char *text = NULL;

	if (!h)
		return 0;
	if (!h->unified)
		return read_blkio_v1(h->dir, u, err);
	if (!cg_exists(h->dir, "io.stat"))
		return 0;
	if (cg_read(h->dir, "io.stat", &text, err) < 0)
		return -1;
	cgroup_io_stat_sum(text, &u->blk_read, &u->blk_write);
	return 0;
}

static int read_inactive_file(struct cgroup *cg, struct cgroup_usage *u, md_error *err)
{
	struct cg_hier *h = cg_find_hier(cg, "memory", "memory");
	/* v1 counts the cgroup and its children under "total_" */
	const char *key = h && h->unified ? "inactive_file" : "total_inactive_file";
	int64_t v = 0;

	if (!h || !cg_exists(h->dir, "memory.stat"))
		return 0;
	if (cg_read_keyed(h->dir, "memory.stat", key, &v, err) < 0)
		return -1;
	u->inactive_file = v > 0 ? (unsigned long long)v : 0;
	return 0;
}

int cgroup_usage_read(struct cgroup *cg, struct cgroup_usage *u, md_error *err)
{
	memset(u, 0, sizeof(*u));
	if (cgroup_stats(cg, &u->base, err) < 0 || read_inactive_file(cg, u, err) < 0)
		return -1;
	return read_blkio(cg, u, err);
}
