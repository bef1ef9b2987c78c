/* Confined path lookup: resolve a path inside a root directory so that no
 * symlink or ".." can lead outside it (crun's safe_openat in spirit). */
#ifndef MD_PATH_H
#define MD_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum md_create { MD_NO_CREATE, MD_CREATE_DIR, MD_CREATE_FILE };

/* Open path (absolute or relative, taken as relative to rootfd) inside
 * rootfd with openat2(RESOLVE_IN_ROOT). With create != MD_NO_CREATE the
 * missing components are made (0755 dirs; the last one a dir or an empty
 * file). flags are open(2) flags (O_PATH is typical); O_CLOEXEC is added. */
int md_open_in_root(int rootfd, const char *path, int flags,
		    enum md_create create, md_error *err);

/* Test hook: when true, md_open_in_root uses the per-component O_NOFOLLOW
 * walk that kernels without openat2 need. */
void md_path_force_fallback(bool on);

/* "/proc/self/fd/N" into buf (>= 32 bytes). */
const char *md_fd_path(int fd, char *buf, size_t len);

#endif
