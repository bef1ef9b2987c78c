/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers: memory (abort on OOM, as crun's xmalloc), strings, files. */
#ifndef MD_UTIL_H
#define MD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

void *xmalloc0(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL-terminated string vectors. */
size_t md_strv_len(char *const *v);
char **md_strv_dup(char *const *v);
/* Append a copy of s to *v (which may be NULL). */
void md_strv_push(char ***v, const char *s);

bool md_str_has_prefix(const char *s, const char *prefix);

/* write(2) until done, retrying on EINTR; -1 with errno on failure. */
int md_write_all(int fd, const char *data, size_t len);

/* Write data to an existing file (no O_CREAT), as cgroup and proc files need. */
int md_write_file(const char *path, const char *data, md_error *err);
int md_write_file_at(int dirfd, const char *path, const char *data, md_error *err);
/* Create or replace path atomically: write a temporary name, rename. No
 * fsync: our state describes processes, which do not outlive a reboot;
 * what matters is that a reader never sees half a file. */
int md_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
			 md_error *err);
/* Everything read from fd until its end, at most max bytes (more is an
 * error with errnum EFBIG), NUL-terminated in *out; the buffer grows with
 * what comes, so a small document costs a small allocation. */
int md_read_fd_max(int fd, size_t max, char **out, size_t *len, md_error *err);

/* Read a whole file into a NUL-terminated buffer. */
int md_read_file(const char *path, char **out, size_t *len, md_error *err);
/* mkdir -p; existing directories are fine. */
int md_mkdir_p(const char *path, mode_t mode, md_error *err);
/* Remove the files directly in dir, then dir itself (a subdirectory is an
 * error: not ours to remove). A missing dir or file is fine. */
int md_remove_dir_files(const char *dir, md_error *err);

/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
long md_now_ms(void);
/* Sleep ms milliseconds, resuming after signals. */
void md_sleep_ms(long ms);
/* The time now as RFC 3339 in UTC with nanoseconds
 * ("2024-05-01T12:00:00.123456789Z"), as runc and Docker write it. */
void md_rfc3339_now(char *buf, size_t len);

/* Random lowercase hex string of 2*nbytes chars into buf (size >= 2n+1). */
int md_random_hex(char *buf, size_t nbytes, md_error *err);

#endif
