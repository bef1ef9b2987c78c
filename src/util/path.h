/* SPDX-License-Identifier: Apache-2.0 */
/* Confined path lookup: resolve a path inside a root directory so that no
 * symlink or ".." can lead outside it (crun's safe_openat in spirit). */
#ifndef MD_PATH_H
#define MD_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

enum md_create { MD_NO_CREATE, MD_CREATE_DIR, MD_CREATE_FILE };

/* Open path (absolute or relative, taken as relative to rootfd) inside
 * rootfd with openat2(RESOLVE_IN_ROOT): symlinks and ".." resolve as if
 * rootfd were "/", so nothing leads outside it; magic links (/proc/N/fd/M)
 * are refused. With O_NOFOLLOW a final symlink is opened itself (check it
 * with fstat). With create != MD_NO_CREATE the missing components are made
 * (0755 dirs; the last one a dir or an empty file); a dangling symlink on
 * the way is an error, not a reason to create its target. flags are
 * open(2) flags (O_PATH is typical); O_CLOEXEC is added. */
/* Open a file of procfs (O_CLOEXEC|O_NOFOLLOW added) and check that it
 * is on procfs: after pivot_root, /proc is the container's, and an image
 * may bring a fake one that would take our writes (CVE-2019-16884,
 * CVE-2023-28642). EPERM when it is not procfs. */
int md_open_procfs(const char *path, int flags, md_error *err);

int md_open_in_root(int rootfd, const char *path, int flags, enum md_create create, md_error *err);

/* Test hook: when true, md_open_in_root uses the fallback that kernels
 * without openat2 need: a walk one component at a time with O_NOFOLLOW,
 * resolving each symlink by hand inside the root. */
void md_path_force_fallback(bool on);

/* "/proc/self/fd/N" into buf (>= 32 bytes). */
const char *md_fd_path(int fd, char *buf, size_t len);

#endif
