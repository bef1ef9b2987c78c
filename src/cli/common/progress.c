/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/common/progress.h"
#include "cli/common/human.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Docker's bar: 50 cells, shown when the terminal is wider than 110. */
#define BAR_CELLS 50
#define BAR_MIN 10
/* What a line holds besides the bar, at most: id, status, numbers, rate. */
#define LINE_REST 62
#define REDRAW_MS 100
/* A rate is shown once a transfer has run this long. */
#define RATE_AFTER_MS 500

struct layer {
	char id[16];
	enum xfer_state state;
	long last_draw, start;
	uint64_t start_done;
	bool shown; /* pipe: its final line printed */
};

struct cli_progress {
	FILE *out;
	enum cli_progress_mode mode;
	int width;
	bool push;
	struct layer *layers;
	size_t n;
};

void cli_progress_status(const struct xfer_event *ev, bool push, char *buf, size_t len)
{
	const char *s = "";

	switch (ev->state) {
	case XFER_WAITING:
		s = push ? "Preparing" : "Pulling fs layer";
		break;
	case XFER_EXISTS:
		s = push ? "Layer already exists" : "Already exists";
		break;
	case XFER_DOWNLOADING:
		s = "Downloading";
		break;
	case XFER_VERIFYING:
		s = "Verifying Checksum";
		break;
	case XFER_DOWNLOADED:
		s = "Download complete";
		break;
	case XFER_EXTRACTING:
		s = "Extracting";
		break;
	case XFER_PULLED:
		s = "Pull complete";
		break;
	case XFER_PUSHING:
		s = "Pushing";
		break;
	case XFER_PUSHED:
		s = "Pushed";
		break;
	case XFER_MOUNTED:
		snprintf(buf, len, "Mounted from %s", ev->detail ? ev->detail : "");
		return;
	case XFER_FAILED:
		snprintf(buf, len, "Error: %s", ev->detail ? ev->detail : "failed");
		return;
	}
	snprintf(buf, len, "%s", s);
}

bool cli_progress_final(enum xfer_state state)
{
	return state == XFER_EXISTS || state == XFER_PULLED || state == XFER_PUSHED ||
	       state == XFER_MOUNTED;
}

/* States whose line carries the bytes so far. */
static bool has_bytes(enum xfer_state state)
{
	return state == XFER_DOWNLOADING || state == XFER_PUSHING || state == XFER_EXTRACTING;
}

void cli_progress_bar(uint64_t done, uint64_t total, int bar_width, double rate, char *buf,
		      size_t len)
{
	char cur[32], all[32], speed[32];
	size_t used = 0;

	buf[0] = '\0';
	if (total > 0 && bar_width > 0) {
		uint64_t filled = done >= total ? (uint64_t)bar_width : done * bar_width / total;

		used = (size_t)snprintf(buf, len, "[%.*s>%*s] ", (int)filled,
					"=================================================="
					"==================================================",
					bar_width - (int)filled, "");
		if (used >= len)
			return;
	}
	cli_human_size((int64_t)done, cur, sizeof(cur));
	cli_human_size((int64_t)total, all, sizeof(all));
	if (total > 0 && done <= total)
		used += (size_t)snprintf(buf + used, len - used, "%8s/%s", cur, all);
	else
		used += (size_t)snprintf(buf + used, len - used, "%8s", cur);
	if (used >= len || rate <= 0)
		return;
	cli_human_size((int64_t)rate, speed, sizeof(speed));
	snprintf(buf + used, len - used, "  %s/s", speed);
}

/* Cells for the bar in a terminal width columns wide (0: unknown). */
static int bar_cells(int width)
{
	if (width <= 0 || width > 110)
		return BAR_CELLS;
	if (width - LINE_REST < BAR_MIN)
		return 0;
	return width - LINE_REST;
}

void cli_progress_line(const struct xfer_event *ev, bool push, int width, double rate, char *buf,
		       size_t len)
{
	char status[256], bar[256] = "";

	cli_progress_status(ev, push, status, sizeof(status));
	if (has_bytes(ev->state) && (ev->done > 0 || ev->total > 0))
		cli_progress_bar(ev->done, ev->total, bar_cells(width), rate, bar, sizeof(bar));
	snprintf(buf, len, "%s: %s%s%s", ev->id, status, bar[0] ? " " : "", bar);
	/* A line that wrapped would throw the cursor movements off. */
	if (width > 1 && strlen(buf) >= (size_t)width)
		buf[width - 1] = '\0';
}

static int terminal_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

struct cli_progress *cli_progress_new_mode(FILE *out, enum cli_progress_mode mode, int width)
{
	struct cli_progress *p = xmalloc0(sizeof(*p));

	p->out = out;
	p->mode = mode;
	p->width = width;
	return p;
}

struct cli_progress *cli_progress_new(FILE *out, bool quiet)
{
	if (quiet)
		return cli_progress_new_mode(out, CLI_PROGRESS_QUIET, 0);
	if (isatty(fileno(out)))
		return cli_progress_new_mode(out, CLI_PROGRESS_TERM, terminal_width(out));
	return cli_progress_new_mode(out, CLI_PROGRESS_PIPE, 0);
}

void cli_progress_set_push(struct cli_progress *p)
{
	p->push = true;
}

void cli_progress_free(struct cli_progress *p)
{
	if (!p)
		return;
	fflush(p->out);
	free(p->layers);
	free(p);
}

/* The layer of id, added (with a line of its own) when new. */
static struct layer *layer_of(struct cli_progress *p, const char *id, bool *added)
{
	struct layer *l;

	*added = false;
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->layers[i].id, id) == 0)
			return &p->layers[i];
	}
	p->layers = xrealloc(p->layers, (p->n + 1) * sizeof(*p->layers));
	l = &p->layers[p->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->id, sizeof(l->id), "%s", id);
	l->state = (enum xfer_state) - 1;
	*added = true;
	return l;
}

/* Bytes per second since the layer's transfer began, 0 too early. */
static double layer_rate(const struct layer *l, const struct xfer_event *ev, long now)
{
	if (!has_bytes(ev->state) || now - l->start < RATE_AFTER_MS || ev->done < l->start_done)
		return 0;
	return (double)(ev->done - l->start_done) * 1000.0 / (double)(now - l->start);
}

static void pipe_event(struct cli_progress *p, const struct xfer_event *ev)
{
	char status[256];
	struct layer *l;
	bool added;

	if (!cli_progress_final(ev->state))
		return;
	l = layer_of(p, ev->id, &added);
	if (l->shown)
		return;
	l->shown = true;
	cli_progress_status(ev, p->push, status, sizeof(status));
	fprintf(p->out, "%s: %s\n", ev->id, status);
	fflush(p->out);
}

/* A new layer's line goes below the others; a known one is redrawn where
 * it is, the cursor then back on the line below the last layer. */
static void term_event(struct cli_progress *p, const struct xfer_event *ev)
{
	long now = md_now_ms();
	char line[512];
	struct layer *l;
	size_t up;
	bool added;

	l = layer_of(p, ev->id, &added);
	if (l->state == ev->state && has_bytes(ev->state) && now - l->last_draw < REDRAW_MS &&
	    ev->done != ev->total)
		return;
	if (l->state != ev->state && has_bytes(ev->state)) {
		l->start = now;
		l->start_done = ev->done;
	}
	cli_progress_line(ev, p->push, p->width, layer_rate(l, ev, now), line, sizeof(line));
	l->state = ev->state;
	l->last_draw = now;
	if (added) {
		fprintf(p->out, "%s\n", line);
	} else {
		up = p->n - (size_t)(l - p->layers);
		fprintf(p->out, "\033[%zuA\r\033[2K%s\033[%zuB\r", up, line, up);
	}
	fflush(p->out);
}

void cli_progress_event(void *arg, const struct xfer_event *ev)
{
	struct cli_progress *p = arg;

	if (!p || !ev || !ev->id)
		return;
	if (p->mode == CLI_PROGRESS_PIPE)
		pipe_event(p, ev);
	else if (p->mode == CLI_PROGRESS_TERM)
		term_event(p, ev);
}
