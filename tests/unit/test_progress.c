/* SPDX-License-Identifier: Apache-2.0 */
/* cli/common/progress.c: the lines of pull's and push's progress, as
 * Docker's CLI draws them, and what a pipe and a terminal get. */
#include "unit.h"

#include "cli/common/progress.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const ID = "0123456789ab";

TEST(progress_status_words)
{
	struct xfer_event ev = { .id = ID };
	char buf[128];

	ev.state = XFER_EXISTS;
	cli_progress_status(&ev, false, buf, sizeof(buf));
	CHECK_STR(buf, "Already exists");
	cli_progress_status(&ev, true, buf, sizeof(buf));
	CHECK_STR(buf, "Layer already exists");
	ev.state = XFER_WAITING;
	cli_progress_status(&ev, false, buf, sizeof(buf));
	CHECK_STR(buf, "Pulling fs layer");
	cli_progress_status(&ev, true, buf, sizeof(buf));
	CHECK_STR(buf, "Preparing");
	ev.state = XFER_MOUNTED;
	ev.detail = "me/other";
	cli_progress_status(&ev, true, buf, sizeof(buf));
	CHECK_STR(buf, "Mounted from me/other");
	ev.state = XFER_PULLED;
	cli_progress_status(&ev, false, buf, sizeof(buf));
	CHECK_STR(buf, "Pull complete");
	CHECK(cli_progress_final(XFER_PULLED) && cli_progress_final(XFER_PUSHED));
	CHECK(!cli_progress_final(XFER_DOWNLOADED) && !cli_progress_final(XFER_PUSHING));
}

TEST(progress_bar)
{
	static const struct {
		uint64_t done, total;
		int cells;
		double rate;
		const char *want;
	} cases[] = {
		{ 12345678, 45600000, 10, 0, "[==>        ]   12.3MB/45.6MB" },
		{ 0, 1000, 4, 0, "[>    ]       0B/1kB" },
		{ 2000, 2000, 4, 0, "[====>]      2kB/2kB" },
		/* Unknown or exceeded total: only the bytes so far. */
		{ 4264030, 0, 10, 0, "  4.26MB" },
		{ 3000, 2000, 4, 0, "[====>]      3kB" },
		{ 500, 1000, 0, 1234567, "    500B/1kB  1.23MB/s" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_progress_bar(cases[i].done, cases[i].total, cases[i].cells, cases[i].rate, buf,
				 sizeof(buf));
		CHECK_STR(buf, cases[i].want);
	}
}

TEST(progress_line)
{
	struct xfer_event ev = {
		.id = ID, .state = XFER_DOWNLOADING, .done = 500000, .total = 1000000
	};
	char buf[512];

	cli_progress_line(&ev, false, 200, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0123456789ab: Downloading [=========================>"
		       "                         ]    500kB/1MB");
	/* Narrower: a shorter bar; too narrow: none, and the line cut. */
	cli_progress_line(&ev, false, 80, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0123456789ab: Downloading [=========>         ]    500kB/1MB");
	cli_progress_line(&ev, false, 30, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0123456789ab: Downloading    ");
	ev.state = XFER_PUSHED;
	cli_progress_line(&ev, true, 80, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0123456789ab: Pushed");
	ev.state = XFER_PUSHING;
	ev.done = 0;
	ev.total = 0;
	cli_progress_line(&ev, true, 80, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0123456789ab: Pushing");
}

/* What a renderer wrote into a memory stream. */
static char *render(enum cli_progress_mode mode, const struct xfer_event *evs, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct cli_progress *p = cli_progress_new_mode(f, mode, 80);

	cli_progress_set_push(p);
	for (size_t i = 0; i < n; i++)
		cli_progress_event(p, &evs[i]);
	cli_progress_free(p);
	fclose(f);
	return text;
}

static const struct xfer_event push_events[] = {
	{ .id = "aaaaaaaaaaaa", .state = XFER_WAITING },
	{ .id = "bbbbbbbbbbbb", .state = XFER_WAITING },
	{ .id = "aaaaaaaaaaaa", .state = XFER_PUSHING, .done = 10, .total = 1000 },
	{ .id = "bbbbbbbbbbbb", .state = XFER_EXISTS },
	{ .id = "aaaaaaaaaaaa", .state = XFER_PUSHED },
	{ .id = "aaaaaaaaaaaa", .state = XFER_PUSHED },
};

TEST(progress_pipe)
{
	char *text = render(CLI_PROGRESS_PIPE, push_events, 6);

	CHECK_STR(text, "bbbbbbbbbbbb: Layer already exists\naaaaaaaaaaaa: Pushed\n");
	free(text);
	text = render(CLI_PROGRESS_QUIET, push_events, 6);
	CHECK_STR(text, "");
	free(text);
}

TEST(progress_terminal)
{
	char *text = render(CLI_PROGRESS_TERM, push_events, 5);

	/* Two lines, then each redrawn in place: two lines up for the first,
	 * one for the second, and back down. */
	CHECK_STR(
		text,
		"aaaaaaaaaaaa: Preparing\n"
		"bbbbbbbbbbbb: Preparing\n"
		"\033[2A\r\033[2Kaaaaaaaaaaaa: Pushing [>                  ]      10B/1kB\033[2B\r"
		"\033[1A\r\033[2Kbbbbbbbbbbbb: Layer already exists\033[1B\r"
		"\033[2A\r\033[2Kaaaaaaaaaaaa: Pushed\033[2B\r");
	free(text);
}
