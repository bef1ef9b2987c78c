/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's json-file log of a container, written by its monitor: one JSON
 * object a line, {"log":"TEXT\n","stream":"stdout","time":"RFC3339Nano"},
 * escaped as dockerd escapes it, lines longer than 16 KiB cut into partial
 * entries (no "\n" at their end), rotation by size as dockerd does
 * (FILE.1 is the newest rotated file). libc only: the static monitor links
 * it, and so do the unit tests. */
#ifndef MD_MONITOR_LOGFILE_H
#define MD_MONITOR_LOGFILE_H

#include <stddef.h>

/* dockerd's copier buffer: the longest entry. */
#define LOGFILE_LINE_MAX 16384

struct logfile;

/* Open (create 0640, append) path. max_size: bytes a file may hold before
 * it is rotated (0: never); max_files: FILE and the rotated ones in all
 * (>= 1; 1 truncates FILE instead). NULL with errno on failure. */
struct logfile *logfile_open(const char *path, long long max_size, int max_files);

/* Output of the container on stream (1 stdout, 2 stderr): complete lines
 * are written, a partial one waits for its end. -1 with errno when a
 * write failed (what could not be written is dropped). */
int logfile_write(struct logfile *lf, int stream, const char *buf, size_t len);

/* Write the partial lines out as they are (the container has exited). */
void logfile_flush(struct logfile *lf);

/* Flush, close, free. NULL is fine. */
void logfile_close(struct logfile *lf);

#endif
