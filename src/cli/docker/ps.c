/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker ps (container ls): the engine's list (engine/containers/list.h)
 * as Docker's CLI formats it: each container a row of Docker's fields
 * (formatter.ContainerContext), printed by --format's template
 * (cli/common/template.h), the default table, json or -q. */
#include "cli/common/human.h"
#include "cli/common/template.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/lifecycle.h"
#include "engine/containers/list.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHORT_ID 12
#define COMMAND_MAX 20 /* Docker cuts COMMAND to this */
#define MOUNT_MAX 15   /* and each name of MOUNTS to this */

/* Docker's default table, and the size column -s adds. */
#define TABLE_FORMAT                                                                               \
	"{{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{."   \
	"Names}}"
#define SIZE_COLUMN "\\t{{.Size}}"

static const char ps_usage[] =
	"Usage: mydocker ps [OPTIONS]\n"
	"\n"
	"List containers (only running ones without -a).\n"
	"\n"
	"Options:\n"
	"  -a, --all             show all containers\n"
	"  -f, --filter K=V      status=, name=, id=, label=, ancestor=, exited=,\n"
	"                        health= (repeatable)\n"
	"      --format FORMAT   table (default), json (one object a line), a\n"
	"                        Go template, or table TEMPLATE\n"
	"  -n, --last N          show the N last created containers (any state)\n"
	"  -l, --latest          show the last created container (any state)\n"
	"      --no-trunc        do not truncate the output\n"
	"  -q, --quiet           only display container ids\n"
	"  -s, --size            display total file sizes\n"
	"      --help            print this help\n";

enum { OPT_NO_TRUNC = 256, OPT_FORMAT };

static const struct option ps_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "filter", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "last", required_argument, NULL, 'n' },
	{ "latest", no_argument, NULL, 'l' },
	{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "size", no_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def ps_def = { "ps", ps_usage, "af:n:lqs", ps_opts, 0, 0, MD_EXIT_FAILURE };

struct ps_flags {
	bool all, quiet, no_trunc, size, latest;
	int last; /* -1: not given */
	const char *format;
	char **filters; /* KEY=VALUE, checked by the engine */
};

static int ps_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct ps_flags *f = ctx;
	char *end;
	long v;

	switch (c) {
	case 'a':
		f->all = true;
		break;
	case 'q':
		f->quiet = true;
		break;
	case 's':
		f->size = true;
		break;
	case 'l':
		f->latest = true;
		break;
	case OPT_NO_TRUNC:
		f->no_trunc = true;
		break;
	case OPT_FORMAT:
		f->format = arg;
		break;
	case 'f':
		if (!strchr(arg, '='))
			return md_error_set(
				err, 0,
				"invalid argument \"%s\" for \"-f, --filter\" flag: bad "
				"format of filter (expected name=value)",
				arg);
		md_strv_push(&f->filters, arg);
		break;
	case 'n':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < -2147483648L || v > 2147483647L)
			return md_error_set(err, 0,
					    "invalid argument \"%s\" for \"-n, --last\" flag: "
					    "strconv.ParseInt: parsing \"%s\": invalid syntax",
					    arg, arg);
		f->last = (int)v;
		break;
	}
	return 0;
}

/* ---- the fields of a row ---- */

/* How long ago an RFC 3339 time was ("3 seconds"); "" without one. */
static void ago(const char *when, char *buf, size_t len)
{
	int64_t t;

	buf[0] = '\0';
	if (when && *when && cli_parse_rfc3339(when, &t) == 0)
		cli_human_duration((int64_t)time(NULL) - t, buf, len);
}

/* Docker's State.String(): "Up 2 minutes (healthy)", "Up 5 seconds
 * (Paused)", "Restarting (1) 3 seconds ago", "Exited (0) 3 seconds ago",
 * "Created". */
static void ps_status(const struct container_record *c, char *buf, size_t len)
{
	const struct container_state *s = &c->state;
	const char *health = md_json_string(s->health, "Status");
	char d[64];

	if (s->restarting) {
		ago(s->finished_at, d, sizeof(d));
		snprintf(buf, len, "Restarting (%d) %s ago", s->exit_code, d);
	} else if (s->status == CONTAINER_RUNNING) {
		ago(s->started_at, d, sizeof(d));
		if (s->paused)
			snprintf(buf, len, "Up %s (Paused)", d);
		else if (health && *health)
			snprintf(buf, len, "Up %s (%s%s)", d,
				 strcmp(health, "starting") == 0 ? "health: " : "", health);
		else
			snprintf(buf, len, "Up %s", d);
	} else if (!s->started_at[0]) {
		snprintf(buf, len, "Created");
	} else if (!s->finished_at[0]) {
		buf[0] = '\0';
	} else {
		ago(s->finished_at, d, sizeof(d));
		snprintf(buf, len, "Exited (%d) %s ago", s->exit_code, d);
	}
}

/* s quoted as Go's strconv.Quote does (printable UTF-8 kept). Caller
 * frees. */
static char *go_quote(const char *s)
{
	char *q = xmalloc0(4 * strlen(s) + 3), *p = q;

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			p += sprintf(p, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		else if (c < 0x20 || c == 0x7f)
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p = '"';
	return q;
}

/* Docker's COMMAND: Path and Args (an argument with a space in '...'),
 * cut to 20 characters, quoted. Caller frees. */
static char *ps_command(const struct container_record *c, bool trunc)
{
	cleanup_free char *cmd = xstrdup(c->path ? c->path : ""), *cut = NULL;

	for (size_t i = 0; c->args && c->args[i]; i++) {
		bool space = strchr(c->args[i], ' ') != NULL;
		char *more =
			xasprintf("%s %s%s%s", cmd, space ? "'" : "", c->args[i], space ? "'" : "");

		free(cmd);
		cmd = more;
	}
	cut = trunc ? cli_ellipsis(cmd, COMMAND_MAX) : xstrdup(cmd);
	return go_quote(cut);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* parts joined with sep (sorted first when sort). Caller frees. */
static char *join(char **parts, const char *sep, bool sort)
{
	char *out = xstrdup("");

	if (sort && parts)
		qsort(parts, md_strv_len(parts), sizeof(char *), str_cmp);
	for (size_t i = 0; parts && parts[i]; i++) {
		char *more = xasprintf("%s%s%s", out, i ? sep : "", parts[i]);

		free(out);
		out = more;
	}
	return out;
}

/* MOUNTS: each mount's volume name, else its source, cut to 15. */
static char *ps_mounts(const struct container_record *c, bool trunc, int *local_volumes)
{
	cleanup_strv char **names = NULL;

	*local_volumes = 0;
	for (size_t i = 0; i < json_object_array_length(c->mounts); i++) {
		json_object *m = json_object_array_get_idx(c->mounts, i);
		const char *name = md_json_string(m, "Name");
		cleanup_free char *cut = NULL;

		if (!name || !*name)
			name = md_json_string(m, "Source");
		cut = trunc ? cli_ellipsis(name ? name : "", MOUNT_MAX) : xstrdup(name ? name : "");
		md_strv_push(&names, cut);
		*local_volumes += md_json_string(m, "Type") &&
				  strcmp(md_json_string(m, "Type"), "volume") == 0;
	}
	return join(names, ",", false);
}

/* "2024-05-01 12:00:00 +0000 UTC", Go's Time.String() in local time. */
static void created_at(const char *created, char *buf, size_t len)
{
	int64_t t;
	time_t tt;
	struct tm tm;

	buf[0] = '\0';
	if (!created || cli_parse_rfc3339(created, &t) < 0)
		return;
	tt = (time_t)t;
	strftime(buf, len, "%Y-%m-%d %H:%M:%S %z %Z", localtime_r(&tt, &tm));
}

/* SIZE: "12B (virtual 4.26MB)"; "0B" when sizes were not asked for. */
static void ps_size(int64_t rw, int64_t rootfs, char *buf, size_t len)
{
	char a[32], b[32];

	cli_human_size(rw, a, sizeof(a));
	cli_human_size(rootfs, b, sizeof(b));
	if (rootfs > 0)
		snprintf(buf, len, "%s (virtual %s)", a, b);
	else
		snprintf(buf, len, "%s", a);
}

static void add(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

/* One container as Docker's `ps --format json` shows it: its keys in
 * Docker's (sorted) order. */
static json_object *ps_row(const struct container_record *c, bool trunc, int64_t rw, int64_t rootfs)
{
	json_object *o = json_object_new_object();
	cleanup_free char *cmd = ps_command(c, trunc), *running_for = NULL, *labels = NULL;
	cleanup_free char *mounts = NULL, *id = strndup(c->id, trunc ? SHORT_ID : RECORD_ID_LEN);
	cleanup_strv char **label_list = md_strv_dup(c->config.labels);
	const char *net = md_json_string(c->host_config, "NetworkMode");
	char when[64], since[64], status[128], size[80], nvol[16];
	int local_volumes;

	created_at(c->created, when, sizeof(when));
	ago(c->created, since, sizeof(since));
	running_for = xasprintf("%s ago", since);
	ps_status(c, status, sizeof(status));
	ps_size(rw, rootfs, size, sizeof(size));
	labels = join(label_list, ",", true);
	mounts = ps_mounts(c, trunc, &local_volumes);
	snprintf(nvol, sizeof(nvol), "%d", local_volumes);
	add(o, "Command", cmd);
	add(o, "CreatedAt", when);
	add(o, "ID", id);
	add(o, "Image", c->image_ref);
	add(o, "Labels", labels);
	add(o, "LocalVolumes", nvol);
	add(o, "Mounts", mounts);
	add(o, "Names", c->name);
	add(o, "Networks", net && *net ? net : "none");
	add(o, "Ports", "");
	add(o, "RunningFor", running_for);
	add(o, "Size", size);
	add(o, "State", records_status_name(&c->state));
	add(o, "Status", status);
	return o;
}

/* ---- the template's methods and header ---- */

/* {{.Label "k"}}: the value of label k, "" without it. */
static json_object *row_method(void *ctx, const char *name, const char *arg)
{
	const struct container_record *c = ctx;
	size_t klen = strlen(arg);

	if (strcmp(name, "Label") != 0)
		return NULL;
	for (size_t i = 0; c->config.labels && c->config.labels[i]; i++)
		if (strncmp(c->config.labels[i], arg, klen) == 0 &&
		    c->config.labels[i][klen] == '=')
			return json_object_new_string(c->config.labels[i] + klen + 1);
	return json_object_new_string("");
}

/* The header of {{.Label "com.example.my-key"}}: "MY KEY", as Docker's. */
static json_object *header_method(void *ctx, const char *name, const char *arg)
{
	const char *dot = strrchr(arg, '.');
	cleanup_free char *h = xstrdup(dot ? dot + 1 : arg);

	if (strcmp(name, "Label") != 0)
		return NULL;
	for (char *p = h; *p; p++)
		*p = *p == '-' || *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
	return json_object_new_string(h);
}

static json_object *header_row(void)
{
	static const char *const names[][2] = {
		{ "Command", "COMMAND" },    { "CreatedAt", "CREATED AT" },
		{ "ID", "CONTAINER ID" },    { "Image", "IMAGE" },
		{ "Labels", "LABELS" },      { "LocalVolumes", "LOCAL VOLUMES" },
		{ "Mounts", "MOUNTS" },      { "Names", "NAMES" },
		{ "Networks", "NETWORKS" },  { "Ports", "PORTS" },
		{ "RunningFor", "CREATED" }, { "Size", "SIZE" },
		{ "State", "STATE" },        { "Status", "STATUS" },
	};
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		add(o, names[i][0], names[i][1]);
	return o;
}

/* ---- printing ---- */

/* Docker's `ps --format json` goes through json.Marshal, which writes <,
 * > and & as \u003c, \u003e, \u0026. */
static void print_json_row(json_object *row)
{
	const char *s = json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN |
								    JSON_C_TO_STRING_NOSLASHESCAPE);

	for (; *s; s++) {
		if (*s == '<' || *s == '>' || *s == '&')
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('\n');
}

/* Render one row (or the header) into out (a growing text). */
static int render_row(const struct cli_format *fmt, json_object *row, cli_template_method m,
		      void *ctx, FILE *out, md_error *err)
{
	cleanup_free char *text = NULL;

	if (cli_template_render(fmt->t, row, m, ctx, &text, err) < 0)
		return -1;
	fprintf(out, "%s\n", text);
	return 0;
}

struct ps_print {
	const struct ps_flags *f;
	struct cli_format fmt;
	bool json; /* --format json */
	int64_t *rw, *rootfs;
};

static int print_rows(const struct ps_print *p, struct container_record *list, size_t n, FILE *out,
		      md_error *err)
{
	cleanup_json json_object *header = header_row();

	if (p->fmt.table && render_row(&p->fmt, header, header_method, NULL, out, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_json json_object *row =
			ps_row(&list[i], !p->f->no_trunc, p->rw ? p->rw[i] : 0,
			       p->rootfs ? p->rootfs[i] : 0);

		if (p->json)
			print_json_row(row);
		else if (render_row(&p->fmt, row, row_method, &list[i], out, err) < 0)
			return -1;
	}
	return 0;
}

static int ps_print(const struct ps_print *p, struct container_record *list, size_t n,
		    md_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int r;

	if (p->f->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", p->f->no_trunc ? RECORD_ID_LEN : SHORT_ID, list[i].id);
		return 0;
	}
	out = open_memstream(&text, &len);
	if (!out)
		return md_error_set(err, errno, "open_memstream");
	r = print_rows(p, list, n, out, err);
	fclose(out);
	if (r == 0 && p->fmt.table)
		cli_tabwrite(text);
	else if (r == 0)
		fputs(text, stdout);
	free(text);
	return r;
}

/* ---- the command ---- */

/* The filters, as the daemon checks them. */
static int ps_filter(const struct ps_flags *f, struct list_filter *lf, md_error *err)
{
	for (size_t i = 0; f->filters && f->filters[i]; i++)
		if (list_filter_add(lf, f->filters[i], err) < 0)
			return -1;
	return list_filter_resolve(lf, mydocker_root, err);
}

static int ps_run(const struct ps_flags *f, struct ps_print *p, md_error *err)
{
	struct list_filter lf = { 0 };
	struct list_request req = { .root = mydocker_root, .all = f->all, .last = f->last };
	struct container_record *list = NULL;
	size_t n = 0;
	int r;

	if (f->latest && f->last == -1)
		req.last = 1;
	r = ps_filter(f, &lf, err);
	req.filter = &lf;
	engine_sweep(NULL);
	if (r == 0)
		r = engine_list(&req, &list, &n, err);
	if (r == 0 && (f->size || (f->format && strstr(f->format, ".Size")))) {
		p->rw = xmalloc0((n + 1) * sizeof(int64_t));
		p->rootfs = xmalloc0((n + 1) * sizeof(int64_t));
		r = engine_list_sizes(mydocker_root, list, n, p->rw, p->rootfs, err);
	}
	if (r == 0)
		r = ps_print(p, list, n, err);
	records_list_free(list, n);
	list_filter_free(&lf);
	free(p->rw);
	free(p->rootfs);
	return r;
}

int cmd_ps(struct cli_log *log, int argc, char **argv)
{
	struct ps_flags f = { .last = -1 };
	struct ps_print p = { .f = &f };
	cleanup_free char *table = NULL;
	md_error err;
	int r;

	r = cli_parse_flags(&ps_def, argc, argv, ps_flag, &f, &err);
	if (r != 0) {
		md_strv_free(f.filters);
		return cli_flags_failed(log, r, &err);
	}
	if (f.quiet && f.format && *f.format)
		fputs("WARNING: Ignoring custom format, because both --format and --quiet are "
		      "set.\n",
		      stderr);
	table = xasprintf("%s%s", TABLE_FORMAT, f.size ? SIZE_COLUMN : "");
	p.json = f.format && strcmp(f.format, "json") == 0;
	if (!f.quiet)
		r = cli_format_parse(f.format, table, &p.fmt, &err);
	if (r == 0)
		r = ps_run(&f, &p, &err);
	cli_format_free(&p.fmt);
	md_strv_free(f.filters);
	if (r == 0)
		return 0;
	err.status = 1; /* Docker's CLI: 1 for all but a bad flag */
	return cli_fail(log, &err);
}
