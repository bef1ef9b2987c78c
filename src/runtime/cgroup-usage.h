/* SPDX-License-Identifier: Apache-2.0 */
/* What `mydocker stats` reads from a container's cgroup beyond
 * cgroup_stats (cgroup.h): the inactive page cache that Docker takes off
 * the memory usage, and the bytes its processes read from and wrote to
 * block devices. v1 (memory.stat total_inactive_file,
 * blkio.*io_service_bytes_recursive) and v2 (memory.stat inactive_file,
 * io.stat) behind one call, each from the hierarchy that holds its
 * controller (hybrid hosts mix them). */
#ifndef MD_CGROUP_USAGE_H
#define MD_CGROUP_USAGE_H

#include <stdbool.h>

#include "runtime/cgroup.h"
#include "util/error.h"

struct cgroup_usage {
	struct cgroup_stats base;               /* memory usage and limit, cpu time, pids */
	unsigned long long inactive_file;       /* bytes of cache Docker leaves out */
	unsigned long long blk_read, blk_write; /* bytes */
};

/* A file a hierarchy lacks (no blkio controller, an old kernel) reads as
 * zero: stats show what the host has. */
int cgroup_usage_read(struct cgroup *cg, struct cgroup_usage *u, md_error *err);

/* Pure parsers, exposed for unit tests. */

/* v1 blkio "MAJ:MIN Read|Write|... N" lines (a "Total N" line has no
 * device): the sums of Read and of Write. False when there is no device
 * line at all (an I/O scheduler's file that counts nothing). */
bool cgroup_blkio_v1_sum(const char *text, unsigned long long *rd, unsigned long long *wr);
/* v2 io.stat "MAJ:MIN rbytes=N wbytes=N rios=N ...": the sums of rbytes
 * and wbytes. */
void cgroup_io_stat_sum(const char *text, unsigned long long *rd, unsigned long long *wr);

#endif
