/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker container prune (engine_containers_prune), and what every
 * prune command prints: Docker's question and its report. */
#include "cli/common/timestamp.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/list.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool cli_prune_confirm(const char *warning)
{
	char line[16];

	printf("WARNING! %s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* go-units' HumanSize: decimal units, 4 significant digits. */
static void human_size4(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;

	for (; v >= 1000 && i + 1 < ARRAY_SIZE(units); i++)
		v /= 1000;
	snprintf(buf, len, "%.4g%s", v, units[i]);
}

void cli_prune_report(const char *what, char *const *removed, uint64_t bytes)
{
	char size[32];

	if (removed && removed[0]) {
		printf("Deleted %s:\n", what);
		for (size_t i = 0; removed[i]; i++)
			puts(removed[i]);
		putchar('\n');
	}
	human_size4(bytes, size, sizeof(size));
	printf("Total reclaimed space: %s\n", size);
}

static const char prune_usage[] = "Usage: mydocker container prune [OPTIONS]\n"
				  "\n"
				  "Remove all stopped containers.\n"
				  "\n"
				  "Options:\n"
				  "      --filter K=V   label=KEY[=VALUE], label!=KEY[=VALUE] or\n"
				  "                     until=TIMESTAMP (repeatable)\n"
				  "  -f, --force        do not prompt for confirmation\n"
				  "      --help         print this help\n";

enum { OPT_FILTER = 256 };

static const struct option prune_opts[] = {
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def prune_def = { "container prune", prune_usage, "f", prune_opts, 0, 0,
					  MD_EXIT_FAILURE };

struct prune_flags {
	bool force;
	char **filters;
};

static int prune_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct prune_flags *f = ctx;

	if (c == 'f') {
		f->force = true;
		return 0;
	}
	if (!strchr(arg, '='))
		return md_error_set(err, 0,
				    "invalid argument \"%s\" for \"--filter\" flag: bad format of "
				    "filter (expected name=value)",
				    arg);
	md_strv_push(&f->filters, arg);
	return 0;
}

/* One filter into pf, checked as the daemon does. */
static int add_filter(struct prune_filter *pf, const char *kv, md_error *err)
{
	const char *v = strchr(kv, '=') + 1;
	size_t klen = (size_t)(v - 1 - kv);
	int64_t t;
	time_t tt;
	struct tm tm;

	if (klen == 5 && strncmp(kv, "label", 5) == 0)
		md_strv_push(&pf->label, v);
	else if (klen == 6 && strncmp(kv, "label!", 6) == 0)
		md_strv_push(&pf->label_not, v);
	else if (klen != 5 || strncmp(kv, "until", 5) != 0)
		return md_error_set(err, 0, "invalid filter '%.*s'", (int)klen, kv);
	else if (pf->until[0])
		return md_error_set(err, 0, "more than one until filter specified");
	else if (cli_parse_timestamp(v, (int64_t)time(NULL), &t, err) < 0)
		return -1;
	else {
		tt = (time_t)t;
		strftime(pf->until, sizeof(pf->until), "%Y-%m-%dT%H:%M:%S", gmtime_r(&tt, &tm));
	}
	return 0;
}

static int prune_run(const struct prune_flags *f, md_error *err)
{
	struct prune_filter pf = { 0 };
	cleanup_strv char **removed = NULL;
	uint64_t bytes = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && f->filters && f->filters[i]; i++)
		r = add_filter(&pf, f->filters[i], err);
	if (r == 0 && !f->force && !cli_prune_confirm("This will remove all stopped containers."))
		goto out;
	if (r == 0) {
		engine_sweep(NULL);
		r = engine_containers_prune(mydocker_root, &pf, &removed, &bytes, err);
	}
	if (r == 0)
		cli_prune_report("Containers", removed, bytes);
out:
	md_strv_free(pf.label);
	md_strv_free(pf.label_not);
	return r;
}

int cmd_container_prune(struct cli_log *log, int argc, char **argv)
{
	struct prune_flags f = { 0 };
	md_error err;
	int r;

	r = cli_parse_flags(&prune_def, argc, argv, prune_flag, &f, &err);
	if (r == 0 && prune_run(&f, &err) < 0) {
		err.status = 1;
		r = -1;
	}
	md_strv_free(f.filters);
	return r == 0 ? 0 : cli_flags_failed(log, r, &err);
}
