/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker logs (and container logs): a container's json-file log
 * (engine/containers/logs.h) with Docker's flags, times and words. */
#include "cli/common/timestamp.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/health.h"
#include "engine/containers/logs.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000LL
/* Docker's CLI exits 1 when the daemon refuses (125 is for run). */
#define LOGS_EXIT_FAILURE 1

static const char logs_usage[] =
	"Usage: mydocker logs [OPTIONS] CONTAINER\n"
	"\n"
	"Fetch the logs of a container (its json-file log).\n"
	"\n"
	"Options:\n"
	"      --details         show extra details provided to logs\n"
	"  -f, --follow          follow log output until the container stops\n"
	"      --since T         show logs since a time (2013-01-02T13:23:37Z) or\n"
	"                        a duration before now (42m)\n"
	"  -n, --tail N          number of lines to show from the end of the logs\n"
	"                        (default: all)\n"
	"  -t, --timestamps      show timestamps\n"
	"      --until T         show logs before a time (2013-01-02T13:23:37Z) or\n"
	"                        a duration before now (42m)\n"
	"      --help            print this help\n";

enum { OPT_DETAILS = 256, OPT_SINCE, OPT_UNTIL };

static const struct option logs_opts[] = {
	{ "details", no_argument, NULL, OPT_DETAILS },
	{ "follow", no_argument, NULL, 'f' },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "tail", required_argument, NULL, 'n' },
	{ "timestamps", no_argument, NULL, 't' },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def logs_def = { "logs", logs_usage, "fn:t",           logs_opts,
					 1,      1,          LOGS_EXIT_FAILURE };

/* The nanoseconds of a time's fraction ("...:05.25Z", "1714564800.25"),
 * which cli_parse_timestamp leaves out (dockerd keeps them). */
static int64_t fraction_ns(const char *s)
{
	const char *p = strchr(s, '.');
	int64_t ns = 0, scale = NS_PER_S / 10;

	for (p = p ? p + 1 : ""; isdigit((unsigned char)*p) && scale > 0; p++, scale /= 10)
		ns += (*p - '0') * scale;
	return ns;
}

/* --since or --until as Docker's client reads them (GetTimestamp): a
 * duration is seconds before now, a time keeps its nanoseconds. */
static int parse_time(const char *flag, const char *s, int64_t *out, md_error *err)
{
	int64_t secs, ns;
	bool duration = strcmp(s, "0") != 0 && health_parse_duration(s, &ns, NULL) == 0;

	if (cli_parse_timestamp(s, (int64_t)time(NULL), &secs, err) < 0)
		return md_error_prefix(err, "invalid value for \"%s\"", flag);
	*out = secs * NS_PER_S + (duration ? 0 : fraction_ns(s));
	return 0;
}

/* Docker's --tail: a count, or anything else (all, -1): everything. */
static long long parse_tail(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	return end == s || *end || errno || v < 0 ? -1 : v;
}

static int logs_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct logs_options *o = ctx;

	switch (c) {
	case OPT_DETAILS:
		o->details = true;
		return 0;
	case 'f':
		o->follow = true;
		return 0;
	case 't':
		o->timestamps = true;
		return 0;
	case 'n':
		o->tail = parse_tail(arg);
		return 0;
	case OPT_SINCE:
		return parse_time("since", arg, &o->since_ns, err);
	case OPT_UNTIL:
		return parse_time("until", arg, &o->until_ns, err);
	default:
		return 0;
	}
}

int cmd_logs(struct cli_log *log, int argc, char **argv)
{
	struct logs_options o = { .tail = -1, .out_fd = 1, .err_fd = 2 };
	md_error err;
	int r = cli_parse_flags(&logs_def, argc, argv, logs_flag, &o, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (engine_logs(mydocker_root, argv[optind], &o, &err) == 0)
		return 0;
	/* A reader that went away (logs | head) is no failure of ours. */
	if (err.errnum == EPIPE)
		return 0;
	err.status = LOGS_EXIT_FAILURE;
	return cli_engine_fail(log, &err);
}
