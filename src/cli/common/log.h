/* SPDX-License-Identifier: Apache-2.0 */
/* The CLIs' logger: text or JSON records ({"level","msg","time"} one per
 * line), to stderr or --log FILE. Errors always reach stderr too, unless
 * the log already goes there. Only the CLI layer prints. */
#ifndef MD_LOG_H
#define MD_LOG_H

#include <stdbool.h>

#include "runtime/container.h"
#include "util/error.h"

struct cli_log {
	int fd; /* -1 = stderr */
	bool json;
	bool debug;
	const char *prog; /* "mydocker" or "mydocker-runtime" */
};

/* Parse "text" or "json". */
int cli_log_set_format(struct cli_log *l, const char *fmt, md_error *err);
/* Open --log FILE for appending (close-on-exec). */
int cli_log_open(struct cli_log *l, const char *path, md_error *err);

/* Report an md_error as one line and return the exit status it asks for. */
int cli_fail(const struct cli_log *l, const md_error *err);

/* rt_log_fn adapter for the runtime core. */
void cli_log_sink(void *ctx, enum rt_log_level lvl, const char *msg);

#endif
