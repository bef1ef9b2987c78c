/* SPDX-License-Identifier: Apache-2.0 */
/* Container logs: monitor/logfile.c (Docker's json-file lines: escaping,
 * partial and long lines, streams, rotation) and engine/containers/logs.c
 * (the log options, since/until times, reading with tail across rotated
 * files), in a scratch directory. */
#include "unit.h"

#include "engine/containers/logs.h"
#include "engine/containers/run.h"
#include "monitor/logfile.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A scratch directory and its log file. */
struct scratch {
	char top[40];
	char *log;
};

static int scratch_open(struct scratch *s)
{
	snprintf(s->top, sizeof(s->top), "/tmp/md-logs-test.XXXXXX");
	if (!mkdtemp(s->top))
		return -1;
	s->log = xasprintf("%s/ID-json.log", s->top);
	return 0;
}

static void scratch_free(struct scratch *s)
{
	cleanup_free char *cmd = xasprintf("rm -rf '%s'", s->top);

	free(s->log);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", s->top);
}

/* Runs steps in a scratch directory, which goes whatever they do. */
#define WITH_SCRATCH(steps)                                                                        \
	do {                                                                                       \
		struct scratch s;                                                                  \
		CHECK(scratch_open(&s) == 0);                                                      \
		steps(&s, unit_failed);                                                            \
		scratch_free(&s);                                                                  \
	} while (0)

/* The file with each "time" value replaced by T, after checking it is
 * Go's RFC3339Nano in UTC (no trailing zero in the fraction). NULL when a
 * time is not. */
static char *read_log(const char *path)
{
	static const char *const re_text = "\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"
					   ":[0-9]{2}(\\.[0-9]*[1-9])?Z\"";
	cleanup_free char *text = NULL;
	char *out, *o;
	const char *p;
	regex_t re;
	regmatch_t m;

	if (md_read_file(path, &text, NULL, NULL) < 0 || regcomp(&re, re_text, REG_EXTENDED))
		return NULL;
	out = o = xmalloc0(strlen(text) + 1);
	for (p = text; regexec(&re, p, 1, &m, 0) == 0; p += m.rm_eo) {
		memcpy(o, p, (size_t)m.rm_so);
		o += m.rm_so;
		o += sprintf(o, "\"time\":\"T\"");
	}
	strcpy(o, p);
	regfree(&re);
	if (strstr(out, "\"time\":\"") && strstr(out, "\"time\":\"T\"") == NULL) {
		free(out);
		return NULL;
	}
	return out;
}

static int put(struct logfile *lf, int stream, const char *text)
{
	return logfile_write(lf, stream, text, strlen(text));
}

static void escaping_steps(struct scratch *s, int *unit_failed)
{
	struct logfile *lf = logfile_open(s->log, 0, 1);
	cleanup_free char *got = NULL;
	struct stat st;

	CHECK(lf);
	CHECK(put(lf, 1,
		  "a\"b\\c\td\re<>&\x01\x7f \xc3\xa9\xff\xe2\x80\xa8 \xed\xa0\x80 \xc0\xaf\n") ==
	      0);
	logfile_close(lf);
	got = read_log(s->log);
	CHECK_STR(got, "{\"log\":\"a\\\"b\\\\c\\u0009d\\re\\u003c\\u003e\\u0026\\u0001\x7f "
		       "\xc3\xa9\\ufffd\\u2028 \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\n\","
		       "\"stream\":\"stdout\",\"time\":\"T\"}\n");
	CHECK(stat(s->log, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0640);
}

TEST(logfile_escaping)
{
	WITH_SCRATCH(escaping_steps);
}

static void lines_steps(struct scratch *s, int *unit_failed)
{
	struct logfile *lf = logfile_open(s->log, 0, 1);
	cleanup_free char *got = NULL;

	CHECK(lf);
	CHECK(put(lf, 1, "par") == 0);
	CHECK(put(lf, 2, "err\n\n") == 0);
	CHECK(put(lf, 1, "tial\nnext\n") == 0);
	CHECK(put(lf, 2, "no newline") == 0);
	logfile_flush(lf);
	CHECK(put(lf, 1, "after") == 0);
	logfile_close(lf);
	got = read_log(s->log);
	CHECK_STR(got, "{\"log\":\"err\\n\",\"stream\":\"stderr\",\"time\":\"T\"}\n"
		       "{\"log\":\"\\n\",\"stream\":\"stderr\",\"time\":\"T\"}\n"
		       "{\"log\":\"partial\\n\",\"stream\":\"stdout\",\"time\":\"T\"}\n"
		       "{\"log\":\"next\\n\",\"stream\":\"stdout\",\"time\":\"T\"}\n"
		       "{\"log\":\"no newline\",\"stream\":\"stderr\",\"time\":\"T\"}\n"
		       "{\"log\":\"after\",\"stream\":\"stdout\",\"time\":\"T\"}\n");
}

TEST(logfile_lines_and_streams)
{
	WITH_SCRATCH(lines_steps);
}

/* The "log" value and "time" of line n (0-based) of text, in buffers. */
static int nth_entry(const char *text, int n, char *log, size_t log_max, char time[64])
{
	const char *l = text, *end;

	while (n-- > 0 && l)
		l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL;
	if (!l || strncmp(l, "{\"log\":\"", 8) != 0 || !(end = strstr(l, "\",\"stream\"")))
		return -1;
	l += 8;
	if ((size_t)(end - l) >= log_max)
		return -1;
	memcpy(log, l, (size_t)(end - l));
	log[end - l] = '\0';
	l = strstr(end, "\"time\":\"");
	if (!l || !(end = strchr(l + 8, '"')) || end - l - 8 >= 64)
		return -1;
	memcpy(time, l + 8, (size_t)(end - l - 8));
	time[end - l - 8] = '\0';
	return 0;
}

static void long_line_steps(struct scratch *s, int *unit_failed)
{
	enum { LEN = 2 * LOGFILE_LINE_MAX + 7232 };
	cleanup_free char *line = xmalloc0(LEN + 2);
	cleanup_free char *text = NULL, *log = xmalloc0(LOGFILE_LINE_MAX + 8);
	char t0[64], t[64];
	struct logfile *lf = logfile_open(s->log, 0, 1);

	CHECK(lf);
	memset(line, 'x', LEN);
	line[LEN] = '\n';
	/* In pieces, as a pipe gives it. */
	for (size_t i = 0; i <= LEN; i += 1000)
		CHECK(logfile_write(lf, 1, line + i, LEN + 1 - i < 1000 ? LEN + 1 - i : 1000) == 0);
	/* A line of exactly 16 KiB: one part, then its newline alone (dockerd's
	 * copier does the same). */
	CHECK(logfile_write(lf, 2, line, LOGFILE_LINE_MAX) == 0);
	CHECK(put(lf, 2, "\n") == 0);
	logfile_close(lf);
	CHECK(md_read_file(s->log, &text, NULL, NULL) == 0);
	CHECK(nth_entry(text, 0, log, LOGFILE_LINE_MAX + 8, t0) == 0);
	CHECK_INT(strlen(log), LOGFILE_LINE_MAX);
	CHECK(nth_entry(text, 1, log, LOGFILE_LINE_MAX + 8, t) == 0);
	CHECK_INT(strlen(log), LOGFILE_LINE_MAX);
	CHECK_STR(t, t0); /* the parts of a line share its first part's time */
	CHECK(nth_entry(text, 2, log, LOGFILE_LINE_MAX + 8, t) == 0);
	CHECK_INT(strlen(log), 7232 + 2);
	CHECK_STR(log + 7232, "\\n");
	CHECK_STR(t, t0);
	CHECK(nth_entry(text, 3, log, LOGFILE_LINE_MAX + 8, t) == 0);
	CHECK_INT(strlen(log), LOGFILE_LINE_MAX);
	CHECK(nth_entry(text, 4, log, LOGFILE_LINE_MAX + 8, t) == 0);
	CHECK_STR(log, "\\n");
	CHECK(nth_entry(text, 5, log, LOGFILE_LINE_MAX + 8, t) < 0);
}

TEST(logfile_long_lines)
{
	WITH_SCRATCH(long_line_steps);
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Lines "line N" for N in [from, to) to stream 1 of a log with these
 * limits, then checks: the files there, each at most max_size. */
static int write_lines(const char *path, long long max_size, int max_files, int from, int to)
{
	struct logfile *lf = logfile_open(path, max_size, max_files);
	char line[32];
	int r = lf ? 0 : -1;

	for (int i = from; i < to && r == 0; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		r = put(lf, 1, line);
	}
	logfile_close(lf);
	return r;
}

static void rotation_steps(struct scratch *s, int *unit_failed)
{
	cleanup_free char *f1 = xasprintf("%s.1", s->log);
	cleanup_free char *f2 = xasprintf("%s.2", s->log);
	cleanup_free char *f3 = xasprintf("%s.3", s->log);
	cleanup_free char *text = NULL;
	char log[64], t[64];

	/* About 70 bytes an entry: 14 a file of 1000 bytes. */
	CHECK(write_lines(s->log, 1000, 3, 0, 100) == 0);
	CHECK(file_size(s->log) > 0 && file_size(s->log) <= 1000);
	CHECK(file_size(f1) > 900 && file_size(f1) <= 1000);
	CHECK(file_size(f2) > 900 && file_size(f2) <= 1000);
	CHECK_INT(file_size(f3), -1);
	/* The newest entries are in FILE, the ones before in FILE.1. */
	CHECK(md_read_file(s->log, &text, NULL, NULL) == 0);
	CHECK(strstr(text, "line 99\\n"));
	free(TAKE_PTR(text));
	CHECK(md_read_file(f1, &text, NULL, NULL) == 0);
	CHECK(nth_entry(text, 0, log, sizeof(log), t) == 0);
	CHECK(strstr(text, "line 99\\n") == NULL);
	/* Opened again (a restart), the size on disk counts. */
	CHECK(write_lines(s->log, 1000, 3, 100, 120) == 0);
	CHECK(file_size(s->log) <= 1000 && file_size(f1) <= 1000 && file_size(f2) <= 1000);
	CHECK_INT(file_size(f3), -1);
	/* One file: emptied when full. */
	CHECK(unlink(f1) == 0 && unlink(f2) == 0);
	CHECK(write_lines(s->log, 1000, 1, 0, 100) == 0);
	CHECK(file_size(s->log) > 0 && file_size(s->log) <= 1000);
	CHECK_INT(file_size(f1), -1);
}

TEST(logfile_rotation)
{
	WITH_SCRATCH(rotation_steps);
}

/* ---- the options ---- */

/* logs_config_check's message for a driver and options ("" when fine). */
static const char *config_error(const char *driver, const char *opt1, const char *opt2)
{
	static md_error err;
	cleanup_strv char **opts = NULL;
	struct run_lifecycle l = { .log_driver = driver };

	if (opt1)
		md_strv_push(&opts, opt1);
	if (opt2)
		md_strv_push(&opts, opt2);
	l.log_opts = opts;
	md_error_clear(&err);
	return logs_config_check(&l, &err) == 0 ? "" : err.msg;
}

TEST(logs_config_check)
{
	CHECK_STR(config_error(NULL, NULL, NULL), "");
	CHECK_STR(config_error("json-file", "max-size=10m", "max-file=3"), "");
	CHECK_STR(config_error(NULL, "max-size=1.5k", "mode=blocking"), "");
	CHECK_STR(config_error(NULL, "max-size=10 MiB", NULL), "");
	CHECK_STR(config_error(NULL, "max-file=2", NULL), ""); /* as dockerd: no effect */
	CHECK_STR(config_error("none", NULL, NULL), "");
	CHECK_STR(config_error("syslog", NULL, NULL),
		  "logger: no log driver named 'syslog' is registered");
	CHECK_STR(config_error("none", "max-size=1k", NULL),
		  "unknown log opt 'max-size' for none log driver");
	CHECK_STR(config_error(NULL, "compress=true", NULL),
		  "unknown log opt 'compress' for json-file log driver");
	CHECK_STR(config_error(NULL, "max-size=abc", NULL), "invalid size: 'abc'");
	CHECK_STR(config_error(NULL, "max-size=-1", NULL), "invalid size: '-1'");
	CHECK_STR(config_error(NULL, "max-size=10x", NULL), "invalid suffix: 'x'");
	CHECK_STR(config_error(NULL, "max-size=10kbb", NULL), "invalid suffix: 'kbb'");
	CHECK_STR(config_error(NULL, "max-size=0", NULL), "max-size must be a positive number");
	CHECK_STR(config_error(NULL, "max-file=0", NULL), "max-file cannot be less than 1");
	CHECK_STR(config_error(NULL, "max-file=x", NULL),
		  "strconv.Atoi: parsing \"x\": invalid syntax");
	CHECK_STR(config_error(NULL, "mode=non-blocking", NULL),
		  "logger: logging mode not supported: non-blocking");
}

static int settings_of(const char *host_config, long long *size, int *files, bool *enabled)
{
	json_object *hc = json_tokener_parse(host_config);
	int r = logs_settings(hc, size, files, enabled);

	json_object_put(hc);
	return r;
}

TEST(logs_settings)
{
	long long size;
	int files;
	bool enabled;

	CHECK(settings_of("{}", &size, &files, &enabled) == 0);
	CHECK(enabled && size == 0 && files == 1);
	CHECK(settings_of("{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10m\","
			  "\"max-file\":\"3\"}}}",
			  &size, &files, &enabled) == 0);
	CHECK(enabled);
	CHECK_INT(size, 10000000);
	CHECK_INT(files, 3);
	CHECK(settings_of(
		      "{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"2k\"}}}",
		      &size, &files, &enabled) == 0);
	CHECK(size == 2000 && files == 1);
	CHECK(settings_of("{\"LogConfig\":{\"Type\":\"none\",\"Config\":{}}}", &size, &files,
			  &enabled) == 0);
	CHECK(!enabled);
	CHECK(settings_of("{\"LogConfig\":{\"Type\":\"gelf\"}}", &size, &files, &enabled) < 0);
	CHECK(settings_of("{\"LogConfig\":{\"Config\":{\"max-size\":\"x\"}}}", &size, &files,
			  &enabled) < 0);
}

TEST(logs_parse_time)
{
	static const struct {
		const char *text;
		int64_t ns; /* -1: not a time */
	} times[] = {
		{ "2026-12-05T09:50:50.123456789Z", 1796464250123456789LL },
		{ "2026-12-05T09:50:50Z", 1796464250000000000LL },
		{ "2026-12-05T09:50:50.5Z", 1796464250500000000LL },
		{ "2026-12-05T10:50:50.5+01:00", 1796464250500000000LL },
		{ "2026-12-05T08:20:50.5-01:30", 1796464250500000000LL },
		{ "2026-12-05T09:50:50.1234567891Z", 1796464250123456789LL },
		{ "2026-12-05T09:50:50", -1 },
		{ "2026-12-05T09:50:50.Z", -1 },
		{ "2026-12-05T09:50:50Zx", -1 },
		{ "2026-12-05T09:50:50+0100", -1 },
		{ "yesterday", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(times); i++) {
		int64_t ns = -1;

		if (logs_parse_time(times[i].text, &ns) < 0)
			ns = -1;
		if (ns != times[i].ns)
			fprintf(stderr, "  %s\n", times[i].text);
		CHECK_INT(ns, times[i].ns);
	}
}

/* ---- reading ---- */

#define E(log, stream, time)                                                                       \
	"{\"log\":\"" log "\",\"stream\":\"" stream "\",\"time\":\"" time "\"}\n"

/* Entries 1 to 8 in three files, one line that is no entry, a line cut
 * in two parts (7), and the start of an entry still being written. */
static int write_rotated(const char *log)
{
	cleanup_free char *f1 = xasprintf("%s.1", log), *f2 = xasprintf("%s.2", log);
	const char *oldest = E("one\\n", "stdout", "2026-12-05T09:00:01Z")
		E("two\\n", "stderr", "2026-12-05T09:00:02.5Z") "not an entry\n" E(
			"three\\n", "stdout", "2026-12-05T09:00:03Z");
	const char *older = E("four\\n", "stdout", "2026-12-05T09:00:04Z")
		E("five\\n", "stderr", "2026-12-05T09:00:05Z");
	const char *current = E("six\\n", "stdout", "2026-12-05T09:00:06Z")
		E("sev", "stdout", "2026-12-05T09:00:07Z") E("en\\n", "stdout",
							     "2026-12-05T09:00:07Z")
			E("eight\\n", "stderr", "2026-12-05T09:00:08.000000001Z") "{\"log\":\"ni";

	return md_write_file_atomic(f2, oldest, strlen(oldest), 0640, NULL) < 0 ||
			       md_write_file_atomic(f1, older, strlen(older), 0640, NULL) < 0 ||
			       md_write_file_atomic(log, current, strlen(current), 0640, NULL) < 0
		       ? -1
		       : 0;
}

/* logs_read with o into two files of the scratch directory: their text
 * in out and err (err NULL: both streams into out). */
static int read_into(struct scratch *s, struct logs_options o, char **out, char **err)
{
	cleanup_free char *po = xasprintf("%s/out", s->top), *pe = xasprintf("%s/err", s->top);
	int fo = open(po, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int fe = err ? open(pe, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : fo;
	md_error e = { 0 };
	int r;

	o.out_fd = fo;
	o.err_fd = fe;
	r = logs_read(s->log, NULL, &o, &e);
	if (r < 0)
		fprintf(stderr, "  logs_read: %s\n", e.msg);
	close(fo);
	if (err)
		close(fe);
	if (r == 0 && md_read_file(po, out, NULL, NULL) < 0)
		r = -1;
	if (r == 0 && err && md_read_file(pe, err, NULL, NULL) < 0)
		r = -1;
	return r;
}

static void read_steps(struct scratch *s, int *unit_failed)
{
	static const struct {
		long long tail;
		const char *want;
	} tails[] = {
		{ 4, "six\nseven\neight\n" },
		{ 6, "four\nfive\nsix\nseven\neight\n" },
		{ 8, "three\nfour\nfive\nsix\nseven\neight\n" },
		{ 100, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n" },
		{ 0, "" },
	};
	struct logs_options all = { .tail = -1 };
	struct logs_options o;
	cleanup_free char *out = NULL, *err = NULL;

	CHECK(write_rotated(s->log) == 0);
	CHECK(read_into(s, all, &out, &err) == 0);
	CHECK_STR(out, "one\nthree\nfour\nsix\nseven\n");
	CHECK_STR(err, "two\nfive\neight\n");
	free(TAKE_PTR(out));
	free(TAKE_PTR(err));
	/* One output: the order of the file. */
	CHECK(read_into(s, all, &out, NULL) == 0);
	CHECK_STR(out, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n");
	free(TAKE_PTR(out));
	/* tail counts entries (lines) back across the files; the line that
	 * is no entry counts too, as in dockerd. */
	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		o = all;
		o.tail = tails[i].tail;
		CHECK(read_into(s, o, &out, NULL) == 0);
		CHECK_STR(out, tails[i].want);
		free(TAKE_PTR(out));
	}
}

TEST(logs_read_rotated_and_tail)
{
	WITH_SCRATCH(read_steps);
}

static void filter_steps(struct scratch *s, int *unit_failed)
{
	struct logs_options o = { .tail = -1 };
	cleanup_free char *out = NULL;

	CHECK(write_rotated(s->log) == 0);
	CHECK(logs_parse_time("2026-12-05T09:00:02.5Z", &o.since_ns) == 0);
	CHECK(logs_parse_time("2026-12-05T09:00:07Z", &o.until_ns) == 0);
	CHECK(read_into(s, o, &out, NULL) == 0);
	CHECK_STR(out, "two\nthree\nfour\nfive\nsix\nseven\n");
	free(TAKE_PTR(out));
	o.since_ns = o.until_ns = 0;
	CHECK(logs_parse_time("2026-12-05T09:00:08Z", &o.since_ns) == 0);
	o.timestamps = true;
	CHECK(read_into(s, o, &out, NULL) == 0);
	CHECK_STR(out, "2026-12-05T09:00:08.000000001Z eight\n");
	free(TAKE_PTR(out));
	o.details = true;
	CHECK(read_into(s, o, &out, NULL) == 0);
	CHECK_STR(out, "2026-12-05T09:00:08.000000001Z  eight\n");
	free(TAKE_PTR(out));
	o.timestamps = false;
	o.tail = 1;
	o.since_ns = 0;
	CHECK(read_into(s, o, &out, NULL) == 0);
	CHECK_STR(out, " eight\n");
}

TEST(logs_read_since_until_timestamps)
{
	WITH_SCRATCH(filter_steps);
}

/* What the writer writes, the reader reads back, long lines too. */
static void round_trip_steps(struct scratch *s, int *unit_failed)
{
	enum { LONG = LOGFILE_LINE_MAX + 100 };
	struct logfile *lf = logfile_open(s->log, 2000, 3);
	struct logs_options o = { .tail = -1 };
	cleanup_free char *out = NULL, *err = NULL, *want = xmalloc0(LONG + 64);
	cleanup_free char *line = xmalloc0(LONG + 2);

	CHECK(lf);
	memset(line, 'y', LONG);
	line[LONG] = '\n';
	CHECK(put(lf, 1, "tab\there <html> & \"q\" \xff\n") == 0);
	CHECK(logfile_write(lf, 2, line, LONG + 1) == 0);
	for (int i = 0; i < 30; i++)
		CHECK(put(lf, 1, "filler line\n") == 0);
	logfile_close(lf);
	CHECK(read_into(s, o, &out, &err) == 0);
	/* Rotated: the first lines are gone, the last ones there. */
	CHECK(strstr(out, "tab\there") == NULL);
	CHECK(md_str_has_prefix(out, "filler line\n"));
	free(TAKE_PTR(out));
	free(TAKE_PTR(err));
	for (int i = 0; i < 3; i++) {
		cleanup_free char *f = i ? xasprintf("%s.%d", s->log, i) : xstrdup(s->log);

		CHECK(unlink(f) == 0);
	}
	lf = logfile_open(s->log, 0, 1);
	CHECK(lf);
	CHECK(put(lf, 1, "tab\there <html> & \"q\" \xff\n") == 0);
	CHECK(logfile_write(lf, 2, line, LONG + 1) == 0);
	logfile_close(lf);
	CHECK(read_into(s, o, &out, &err) == 0);
	CHECK_STR(out, "tab\there <html> & \"q\" \xef\xbf\xbd\n");
	CHECK_STR(err, line);
}

TEST(logs_round_trip)
{
	WITH_SCRATCH(round_trip_steps);
}
