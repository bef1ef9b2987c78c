/* SPDX-License-Identifier: Apache-2.0 */
/* The progress display of pull and push, as Docker's CLI shows it, from
 * the engine's transfer events (engine/registry/transfer.h).
 *
 * On a terminal: one line per layer, in the order they first appear,
 * redrawn in place (ANSI cursor up/down) at most ~10 times a second each,
 * "HEX12: Downloading [=====>     ]  12.3MB/45.6MB  4.5MB/s". On a pipe:
 * only the final state of each layer, once ("HEX12: Pull complete",
 * "HEX12: Already exists", "HEX12: Pushed", "HEX12: Layer already
 * exists", "HEX12: Mounted from REPO"). Quiet: nothing. Sizes are
 * go-units' HumanSize (decimal: "12.3MB"). */
#ifndef MD_CLI_PROGRESS_H
#define MD_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/registry/transfer.h"

enum cli_progress_mode {
	CLI_PROGRESS_QUIET,
	CLI_PROGRESS_PIPE, /* final states only */
	CLI_PROGRESS_TERM, /* lines redrawn in place */
};

struct cli_progress;

/* For out: a terminal (isatty) redraws, anything else gets final states;
 * quiet prints nothing. Pull's words until cli_progress_set_push. */
struct cli_progress *cli_progress_new(FILE *out, bool quiet);
/* The same with the mode and the terminal's width given (tests). */
struct cli_progress *cli_progress_new_mode(FILE *out, enum cli_progress_mode mode, int width);
/* Push's words: "Preparing", "Layer already exists", "Pushing"... */
void cli_progress_set_push(struct cli_progress *p);
/* An xfer_report: arg is the struct cli_progress. */
void cli_progress_event(void *arg, const struct xfer_event *ev);
void cli_progress_free(struct cli_progress *p);

/* The pure parts, unit-tested. */

/* The words for a state: "Downloading", "Pull complete", "Mounted from
 * me/other" (ev->detail)... */
void cli_progress_status(const struct xfer_event *ev, bool push, char *buf, size_t len);
/* Whether a state is a layer's last (the one a pipe shows). */
bool cli_progress_final(enum xfer_state state);
/* Docker's progress: "[=====>     ]  12.3MB/45.6MB" with a bar of bar_width
 * cells (0: none), then "  4.5MB/s" when rate (bytes/s) is above 0. Only
 * the numbers when total is unknown (0) or exceeded. */
void cli_progress_bar(uint64_t done, uint64_t total, int bar_width, double rate, char *buf,
		      size_t len);
/* A layer's whole line ("HEX12: Downloading [==>  ]  1MB/2MB"), cut to fit
 * a terminal width columns wide (0: no limit), no newline. */
void cli_progress_line(const struct xfer_event *ev, bool push, int width, double rate, char *buf,
		       size_t len);

#endif
