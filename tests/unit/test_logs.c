/* SPDX-License-Identifier: Apache-2.0 */
/* Container logs: monitor/logfile.c (Docker's json-file lines: escaping,
 * partial and long lines, streams, rotation) and engine/containers/logs.c
 * (the log options, since/until times, reading with tail across rotated
 * files), in a scratch directory. */
#include "unit.h"

#include "monitor/logfile.h"
#include "util/cleanup.h"
#include "util/util.h"

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
