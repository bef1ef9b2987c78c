/* SPDX-License-Identifier: Apache-2.0 */
/* One error type for the whole code base (crun's libcrun_error_t in spirit).
 * Library functions return a negative value on failure and fill *err; callers
 * may prepend context on the way up. Only the CLI prints an error. */
#ifndef MD_ERROR_H
#define MD_ERROR_H

#include <stddef.h>

/* Exit statuses that Docker uses for its own failures. */
enum {
	MD_EXIT_FAILURE = 125, /* mydocker itself failed */
	MD_EXIT_CANNOT_EXEC = 126,
	MD_EXIT_NOT_FOUND = 127,
};

/* The size of md_error.msg, and of every buffer that carries one (the
 * runtime's sync frames). */
#define MD_ERROR_MSG_MAX 1024

/* errnum follows one rule:
 *   - a system call (or a library call that reports an errno) failed: its
 *     errno, which md_error_text appends as ": no such file or directory";
 *   - a validation error, a bad value given by the user or the config
 *     where no call failed: 0, the message says it all.
 * An errno on a validation error stays only where a caller tests it to
 * pick its words or its exit code (ENOENT "does not exist", EEXIST "id
 * taken", ESRCH "not running", EBUSY, ENOTSUP "not supported by the
 * host"...): such a value is part of the function's contract and is
 * documented with it. */
typedef struct md_error {
	int errnum; /* errno value, 0 when the failure has none (above) */
	int status; /* exit status the CLI should use (MD_EXIT_*) */
	char msg[MD_ERROR_MSG_MAX];
} md_error;

/* Fill err with errnum and a formatted message; returns -1. err may be NULL. */
int md_error_set(md_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "context: " to the message already in err; returns -1. */
int md_error_prefix(md_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "msg: strerror(errnum)" (or just msg) into buf; returns buf. */
const char *md_error_text(const md_error *err, char *buf, size_t len);

void md_error_clear(md_error *err);

#endif
