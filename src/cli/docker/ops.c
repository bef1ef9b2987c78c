/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker pause, unpause, update, top, stats: a container's cgroup
 * (engine/containers/ops.h, stats.h), printed as Docker prints them. */
#include "cli/common/human.h"
#include "cli/common/units.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/ops.h"
#include "engine/containers/stats.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHORT_ID 12
#define CPU_PERIOD_US 100000
/* docker top's table: columns at least 20 wide, 3 spaces apart */
#define TOP_MIN_WIDTH 20
#define TOP_PADDING 3
/* stats: the wait between the two samples of a single one (--no-stream),
 * and between the redraws of a stream */
#define STATS_FIRST_MS 500
#define STATS_EVERY_MS 1000

static const char pause_usage[] = "Usage: mydocker pause CONTAINER [CONTAINER...]\n"
				  "\n"
				  "Pause all processes within one or more containers.\n"
				  "\n"
				  "Options:\n"
				  "      --help            print this help\n";

static const char unpause_usage[] = "Usage: mydocker unpause CONTAINER [CONTAINER...]\n"
				    "\n"
				    "Unpause all processes within one or more containers.\n"
				    "\n"
				    "Options:\n"
				    "      --help            print this help\n";

static const char update_usage[] =
	"Usage: mydocker update [OPTIONS] CONTAINER [CONTAINER...]\n"
	"\n"
	"Update the resources of one or more containers: a running one's at\n"
	"once, and those its next start uses.\n"
	"\n"
	"Options:\n"
	"      --cpus N              CPU quota in CPUs (e.g. 0.5)\n"
	"  -c, --cpu-shares N        CPU shares (relative weight)\n"
	"      --cpuset-cpus LIST    CPUs allowed (e.g. 0-1)\n"
	"      --cpuset-mems LIST    memory nodes allowed\n"
	"  -m, --memory SIZE         memory limit (e.g. 64m)\n"
	"      --memory-swap SIZE    memory plus swap limit; -1 for no swap limit\n"
	"      --pids-limit N        process limit; -1 for none\n"
	"      --restart POLICY      restart policy: no, always, unless-stopped,\n"
	"                            on-failure[:N]\n"
	"      --help                print this help\n";

static const char top_usage[] = "Usage: mydocker top CONTAINER [ps OPTIONS]\n"
				"\n"
				"Display the running processes of a container (the host's ps,\n"
				"with its options: ef when none are given).\n"
				"\n"
				"Options:\n"
				"      --help            print this help\n";

static const char stats_usage[] =
	"Usage: mydocker stats [OPTIONS] [CONTAINER...]\n"
	"\n"
	"Display a live stream of container(s) resource usage statistics\n"
	"(the running ones when none are named).\n"
	"\n"
	"Options:\n"
	"  -a, --all             show all containers (default shows just running)\n"
	"      --format FORMAT   table (default) or json (one object a line)\n"
	"      --no-stream       print the first result only\n"
	"      --no-trunc        do not truncate the ids\n"
	"      --help            print this help\n";

int cli_each_container(struct cli_log *log, int first, int argc, char **argv,
		       int (*fn)(const char *what, const void *ctx, md_error *err), const void *ctx)
{
	int status = 0;
	md_error err;

	for (int i = first; i < argc; i++) {
		md_error_clear(&err);
		if (fn(argv[i], ctx, &err) < 0) {
			cli_engine_fail(log, &err);
			status = 1;
			continue;
		}
		puts(argv[i]);
		fflush(stdout);
	}
	return status;
}

/* ---- pause, unpause ---- */

static int do_pause(const char *what, const void *ctx, md_error *err)
{
	return engine_pause(mydocker_root, what, *(const bool *)ctx, err);
}

static int pause_cmd(struct cli_log *log, int argc, char **argv, const struct cmd_def *d,
		     bool paused)
{
	md_error err;
	int r = cli_parse_flags(d, argc, argv, NULL, NULL, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	return cli_each_container(log, optind, argc, argv, do_pause, &paused);
}

int cmd_pause(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = {
		"pause", pause_usage, "", cli_help_only_opts, 1, -1, 125
	};

	return pause_cmd(log, argc, argv, &d, true);
}

int cmd_unpause(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "unpause", unpause_usage, "", cli_help_only_opts, 1, -1,
					  125 };

	return pause_cmd(log, argc, argv, &d, false);
}

/* ---- update ---- */

enum { OPT_CPUS = 300, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS, OPT_MEMORY_SWAP, OPT_PIDS, OPT_RESTART };

static int set_value(struct opt_i64 *o, const char *arg, bool bytes, md_error *err)
{
	if (strcmp(arg, "-1") == 0 && bytes)
		o->v = -1;
	else if ((bytes ? cli_parse_bytes(arg, &o->v, err) : cli_parse_int64(arg, &o->v, err)) < 0)
		return -1;
	o->set = true;
	return 0;
}

static int set_cpus(struct engine_update *u, const char *arg, md_error *err)
{
	if (cli_parse_cpus(arg, CPU_PERIOD_US, sysconf(_SC_NPROCESSORS_ONLN), &u->cpu_quota.v,
			   err) < 0)
		return -1;
	u->cpu_quota.set = u->cpu_period.set = true;
	u->cpu_period.v = CPU_PERIOD_US;
	return 0;
}

static int update_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct engine_update *u = ctx;

	switch (c) {
	case 'm':
		return set_value(&u->memory, arg, true, err);
	case OPT_MEMORY_SWAP:
		return set_value(&u->memory_swap, arg, true, err);
	case 'c':
		return set_value(&u->cpu_shares, arg, false, err);
	case OPT_PIDS:
		return set_value(&u->pids_limit, arg, false, err);
	case OPT_CPUS:
		return set_cpus(u, arg, err);
	case OPT_CPUSET_CPUS:
		u->cpuset_cpus = arg;
		return 0;
	case OPT_CPUSET_MEMS:
		u->cpuset_mems = arg;
		return 0;
	case OPT_RESTART:
		u->restart = arg;
		return 0;
	}
	return md_error_set(err, 0, "unknown flag");
}

static int do_update(const char *what, const void *ctx, md_error *err)
{
	return engine_update(mydocker_root, what, ctx, err);
}

int cmd_update(struct cli_log *log, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-shares", required_argument, NULL, 'c' },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "restart", required_argument, NULL, OPT_RESTART },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cmd_def d = { "update", update_usage, "c:m:", opts, 1, -1, 125 };
	struct engine_update u = { 0 };
	md_error err;
	int r = cli_parse_flags(&d, argc, argv, update_flag, &u, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (engine_update_empty(&u)) {
		md_error_set(&err, 0,
			     "You must provide one or more flags when using this command.");
		cli_fail(log, &err);
		return 1;
	}
	return cli_each_container(log, optind, argc, argv, do_update, &u);
}

/* ---- top ---- */

/* Docker's tabwriter for top: each column as wide as its widest cell plus
 * the padding, at least the minimum; the last one not padded. */
static void print_top(const struct engine_top *t)
{
	size_t *width = xmalloc0(t->ncols * sizeof(*width));

	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->titles[c]) + TOP_PADDING;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = strlen(t->cells[r * t->ncols + c]) + TOP_PADDING;

			width[c] = w > width[c] ? w : width[c];
		}
		width[c] = width[c] < TOP_MIN_WIDTH ? TOP_MIN_WIDTH : width[c];
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		char *const *row = r == 0 ? t->titles : t->cells + (r - 1) * t->ncols;

		for (size_t c = 0; c + 1 < t->ncols; c++)
			printf("%-*s", (int)width[c], row[c]);
		printf("%s\n", row[t->ncols - 1]);
	}
	free(width);
}

int cmd_top(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "top", top_usage, "", cli_help_only_opts, 1, -1, 125 };
	struct engine_top t;
	md_error err;
	int r = cli_parse_flags(&d, argc, argv, NULL, NULL, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (engine_top(mydocker_root, argv[optind], argv + optind + 1, &t, &err) < 0) {
		cli_engine_fail(log, &err);
		return 1;
	}
	print_top(&t);
	engine_top_free(&t);
	return 0;
}

/* ---- stats ---- */

struct stats_opts {
	bool all, no_stream, no_trunc, json;
};

static int stats_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct stats_opts *o = ctx;

	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'S':
		o->no_stream = true;
		return 0;
	case 'T':
		o->no_trunc = true;
		return 0;
	case 'F':
		if (strcmp(arg, "json") != 0 && strcmp(arg, "table") != 0)
			return md_error_set(err, 0, "invalid --format `%s`: table or json", arg);
		o->json = strcmp(arg, "json") == 0;
		return 0;
	}
	return md_error_set(err, 0, "unknown flag");
}

/* One container of the table: what the user named it (or its id), its
 * record and its last two samples. */
struct stats_row {
	char *what;
	struct container_record rec;
	struct stats_sample prev, cur;
};

struct stats_rows {
	struct stats_row *v;
	size_t n;
};

static void rows_free(struct stats_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		free(rows->v[i].what);
		records_free(&rows->v[i].rec);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

static void rows_add(struct stats_rows *rows, const char *what, struct container_record *c)
{
	struct stats_row *r;

	rows->v = xrealloc(rows->v, (rows->n + 1) * sizeof(*rows->v));
	r = &rows->v[rows->n++];
	memset(r, 0, sizeof(*r));
	r->what = xstrdup(what);
	r->rec = *c;
	memset(c, 0, sizeof(*c));
}

/* The containers named (every one must be there), else the running ones
 * (all with -a). */
static int rows_find(struct stats_rows *rows, char *const *names, bool all, md_error *err)
{
	struct container_record *list = NULL, c;
	size_t n = 0;

	engine_sweep(NULL);
	for (size_t i = 0; names && names[i]; i++) {
		if (engine_container_find(mydocker_root, names[i], &c, err) < 0)
			return -1;
		rows_add(rows, names[i], &c);
	}
	if (names && names[0])
		return 0;
	if (records_list(mydocker_root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (all || ops_running(&list[i]))
			rows_add(rows, list[i].id, &list[i]);
	records_list_free(list, n);
	return 0;
}

/* go-units' BytesSize: binary units, 4 significant digits. */
static void bytes_size(unsigned long long v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	size_t i = 0;

	while (d >= 1024.0 && i + 1 < ARRAY_SIZE(units)) {
		d /= 1024.0;
		i++;
	}
	snprintf(buf, len, "%.4g%s", d, units[i]);
}

/* "a / b" with HumanSize (decimal, 3 digits): NET I/O and BLOCK I/O. */
static void io_pair(unsigned long long a, unsigned long long b, char *buf, size_t len)
{
	char x[32], y[32];

	cli_human_size((int64_t)a, x, sizeof(x));
	cli_human_size((int64_t)b, y, sizeof(y));
	snprintf(buf, len, "%s / %s", x, y);
}

/* The cells of a row, in the table's order. */
struct stats_cells {
	char id[RECORD_ID_LEN + 1], cpu[32], mem[80], mem_pct[32], net[80], blk[80], pids[32];
	const char *name;
};

static void row_cells(const struct stats_row *r, bool trunc, struct stats_cells *c)
{
	const struct stats_sample *s = &r->cur;
	char used[32], limit[32];

	snprintf(c->id, sizeof(c->id), "%.*s", trunc ? SHORT_ID : RECORD_ID_LEN, r->rec.id);
	c->name = r->rec.name ? r->rec.name : "";
	snprintf(c->cpu, sizeof(c->cpu), "%.2f%%", stats_cpu_percent(&r->prev, s));
	bytes_size(stats_mem_used(s), used, sizeof(used));
	bytes_size(s->mem_limit, limit, sizeof(limit));
	snprintf(c->mem, sizeof(c->mem), "%s / %s", used, limit);
	snprintf(c->mem_pct, sizeof(c->mem_pct), "%.2f%%", stats_mem_percent(s));
	io_pair(s->net_rx, s->net_tx, c->net, sizeof(c->net));
	io_pair(s->blk_read, s->blk_write, c->blk, sizeof(c->blk));
	snprintf(c->pids, sizeof(c->pids), "%llu", s->pids);
}

/* Docker's --format json: one object a line, its members sorted. */
static void print_json_row(const struct stats_row *r, const struct stats_cells *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "BlockIO", json_object_new_string(c->blk));
	json_object_object_add(o, "CPUPerc", json_object_new_string(c->cpu));
	json_object_object_add(o, "Container", json_object_new_string(r->what));
	json_object_object_add(o, "ID", json_object_new_string(c->id));
	json_object_object_add(o, "MemPerc", json_object_new_string(c->mem_pct));
	json_object_object_add(o, "MemUsage", json_object_new_string(c->mem));
	json_object_object_add(o, "Name", json_object_new_string(c->name));
	json_object_object_add(o, "NetIO", json_object_new_string(c->net));
	json_object_object_add(o, "PIDs", json_object_new_string(c->pids));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_stats(const struct stats_rows *rows, const struct stats_opts *o)
{
	static const char *const header[] = { "CONTAINER ID",      "NAME",  "CPU %",
					      "MEM USAGE / LIMIT", "MEM %", "NET I/O",
					      "BLOCK I/O",         "PIDS" };
	struct cli_table t;

	if (!o->no_stream)
		fputs("\033[2J\033[H", stdout); /* clear the screen, cursor home */
	cli_table_init(&t, ARRAY_SIZE(header));
	cli_table_add(&t, header);
	for (size_t i = 0; i < rows->n; i++) {
		struct stats_cells c;

		row_cells(&rows->v[i], !o->no_trunc, &c);
		if (o->json)
			print_json_row(&rows->v[i], &c);
		else
			cli_table_add(&t, (const char *const[]){ c.id, c.name, c.cpu, c.mem,
								 c.mem_pct, c.net, c.blk, c.pids });
	}
	if (!o->json)
		cli_table_print(&t);
	cli_table_free(&t);
	fflush(stdout);
}

/* A sample of every row into its cur (prev: into its prev). */
static int sample_rows(struct stats_rows *rows, bool prev, md_error *err)
{
	for (size_t i = 0; i < rows->n; i++) {
		struct stats_row *r = &rows->v[i];

		if (stats_sample_container(&r->rec, prev ? &r->prev : &r->cur, err) < 0)
			return -1;
	}
	return 0;
}

/* The previous frame's sample of each container still there. */
static void carry_samples(struct stats_rows *rows, const struct stats_rows *last)
{
	for (size_t i = 0; i < rows->n; i++)
		for (size_t j = 0; j < last->n; j++)
			if (strcmp(rows->v[i].rec.id, last->v[j].rec.id) == 0)
				rows->v[i].prev = last->v[j].cur;
}

/* One frame: the containers, a sample (two on the first frame, for the
 * CPU), the table. *last: the frame before, replaced by this one. */
static int stats_frame(char *const *names, const struct stats_opts *o, bool first,
		       struct stats_rows *last, md_error *err)
{
	struct stats_rows rows = { 0 };
	int r = rows_find(&rows, names, o->all, err);

	if (r == 0 && first) {
		r = sample_rows(&rows, true, err);
		md_sleep_ms(STATS_FIRST_MS);
	}
	carry_samples(&rows, last);
	if (r == 0)
		r = sample_rows(&rows, false, err);
	if (r == 0)
		print_stats(&rows, o);
	rows_free(last);
	*last = rows;
	return r;
}

int cmd_stats(struct cli_log *log, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },      { "no-stream", no_argument, NULL, 'S' },
		{ "no-trunc", no_argument, NULL, 'T' }, { "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'H' },     { NULL, 0, NULL, 0 },
	};
	static const struct cmd_def d = { "stats", stats_usage, "a", opts, 0, -1, 125 };
	struct stats_opts o = { 0 };
	struct stats_rows last = { 0 };
	md_error err;
	int r = cli_parse_flags(&d, argc, argv, stats_flag, &o, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	/* without --no-stream: a frame a second until SIGINT ends us */
	for (bool first = true;; first = false) {
		r = stats_frame(argv + optind, &o, first, &last, &err);
		if (r < 0 || o.no_stream)
			break;
		md_sleep_ms(STATS_EVERY_MS);
	}
	rows_free(&last);
	if (r < 0) {
		cli_engine_fail(log, &err);
		return 1;
	}
	return 0;
}
