/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's json-file writer (dockerd's logger copier, jsonlog marshaller
 * and LogFile rotation, done again in libc for the static monitor). Every
 * entry goes through one 4 KiB buffer, so that an entry of up to 16 KiB
 * of escaped text (6x at worst) needs no allocation of its size: a long
 * entry is a few write()s, which a reader that waits for the newline
 * does not mind. */
#include "monitor/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OUT_MAX 4096
#define TIME_MAX 40

/* One stream's line being gathered. The entries of a line cut in parts
 * all carry the time of its first part, as dockerd's do. */
struct line {
	size_t len;
	bool partial; /* a part of it was written: first is its time */
	struct timespec first;
	char buf[LOGFILE_LINE_MAX];
};

struct logfile {
	int fd;
	int max_files;
	long long max_size, size;
	char *path;
	int error; /* the first failure of this call's writes */
	size_t out_len;
	char out[OUT_MAX];
	struct line lines[2]; /* stdout, stderr */
};

/* Where an entry's bytes go: only counted (its size, before a rotation is
 * decided), or counted and written through lf->out. */
struct sink {
	struct logfile *lf; /* NULL: count only */
	size_t n;
};

static void note_error(struct logfile *lf, int e)
{
	if (!lf->error)
		lf->error = e;
}

static void out_flush(struct logfile *lf)
{
	size_t done = 0;

	while (done < lf->out_len) {
		ssize_t w = write(lf->fd, lf->out + done, lf->out_len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			note_error(lf, w < 0 ? errno : EIO);
			break;
		}
		done += (size_t)w;
	}
	lf->out_len = 0;
}

/* What fits of src (n bytes) after the len bytes of buf (cap in all):
 * copied, its length returned. */
static size_t append(char *buf, size_t *len, size_t cap, const char *src, size_t n)
{
	size_t c = cap - *len < n ? cap - *len : n;

	memcpy(buf + *len, src, c);
	*len += c;
	return c;
}

static void put(struct sink *k, const char *s, size_t n)
{
	struct logfile *lf = k->lf;

	k->n += n;
	while (lf && n > 0) {
		size_t c = append(lf->out, &lf->out_len, OUT_MAX, s, n);

		s += c;
		n -= c;
		if (lf->out_len == OUT_MAX)
			out_flush(lf);
	}
}

static void put_str(struct sink *k, const char *s)
{
	put(k, s, strlen(s));
}

/* The length of the UTF-8 sequence at s (n bytes left) when it is valid as
 * Go's decoder reads it (no overlong forms, surrogates or values above
 * U+10FFFF); 0 when the byte at s starts none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* How dockerd writes the character at s (seq bytes; 0: a byte that starts
 * no valid one): its escape in esc and the escape's length, or 0 when the
 * character stays as it is. Go's escapes: \" \\ \n \r, \u00XX for the
 * other control characters and for < > & (HTML-safe), \ufffd for invalid
 * UTF-8, \u2028 and \u2029. */
static size_t escape_of(const unsigned char *s, size_t seq, char esc[8])
{
	static const char hex[] = "0123456789abcdef";

	if (seq == 0) {
		memcpy(esc, "\\ufffd", 6);
		return 6;
	}
	if (seq == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) {
		memcpy(esc, "\\u202", 5);
		esc[5] = hex[s[2] & 0xf];
		return 6;
	}
	if (seq > 1)
		return 0;
	if (s[0] == '"' || s[0] == '\\' || s[0] == '\n' || s[0] == '\r') {
		esc[0] = '\\';
		esc[1] = (char)(s[0] == '\n' ? 'n' : s[0] == '\r' ? 'r' : s[0]);
		return 2;
	}
	if (s[0] >= 0x20 && s[0] != '<' && s[0] != '>' && s[0] != '&')
		return 0;
	memcpy(esc, "\\u00", 4);
	esc[4] = hex[s[0] >> 4];
	esc[5] = hex[s[0] & 0xf];
	return 6;
}

static void put_escaped(struct sink *k, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t start = 0, i = 0;
	char esc[8];

	while (i < len) {
		size_t seq = utf8_seq(s + i, len - i);
		size_t n = escape_of(s + i, seq, esc);

		if (n == 0) {
			i += seq;
			continue;
		}
		put(k, text + start, i - start);
		put(k, esc, n);
		i += seq ? seq : 1;
		start = i;
	}
	put(k, text + start, len - start);
}

/* Go's time.RFC3339Nano in UTC: the fraction without its trailing zeros,
 * none at all on a whole second. */
static void format_time(char buf[TIME_MAX], const struct timespec *t)
{
	struct tm tm;
	size_t n;

	gmtime_r(&t->tv_sec, &tm);
	n = strftime(buf, TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	if (t->tv_nsec) {
		n += (size_t)snprintf(buf + n, TIME_MAX - n, ".%09ld", t->tv_nsec);
		while (buf[n - 1] == '0')
			n--;
	}
	memcpy(buf + n, "Z", 2);
}

/* {"log":"TEXT","stream":"stdout","time":"..."} and its newline, in
 * dockerd's order of keys. */
static void put_entry(struct sink *k, int stream, const char *text, size_t len, bool newline,
		      const char *time)
{
	put_str(k, "{\"log\":\"");
	put_escaped(k, text, len);
	if (newline)
		put_str(k, "\\n");
	put_str(k, stream == 2 ? "\",\"stream\":\"stderr\",\"time\":\""
			       : "\",\"stream\":\"stdout\",\"time\":\"");
	put_str(k, time);
	put_str(k, "\"}\n");
}

static int open_log(const char *path, int extra)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | extra, 0640);
}

/* path, or path.N for N > 0. */
static void numbered(char buf[PATH_MAX], const char *path, int n)
{
	if (n == 0)
		snprintf(buf, PATH_MAX, "%s", path);
	else
		snprintf(buf, PATH_MAX, "%s.%d", path, n);
}

/* dockerd's rotation: FILE.(max-2) ... FILE.1 and FILE move up one (the
 * last rename replaces the oldest file), then FILE starts empty. With
 * max_files 1 FILE is only emptied. */
static void rotate(struct logfile *lf)
{
	char from[PATH_MAX], to[PATH_MAX];

	for (int i = lf->max_files - 1; i >= 1; i--) {
		numbered(from, lf->path, i - 1);
		numbered(to, lf->path, i);
		if (rename(from, to) < 0 && errno != ENOENT)
			note_error(lf, errno);
	}
	close(lf->fd);
	lf->fd = open_log(lf->path, O_TRUNC);
	if (lf->fd < 0)
		note_error(lf, errno);
	lf->size = 0;
}

static void write_entry(struct logfile *lf, int stream, const char *text, size_t len, bool newline,
			const struct timespec *when)
{
	struct sink count = { NULL, 0 }, out = { lf, 0 };
	char time[TIME_MAX];

	format_time(time, when);
	put_entry(&count, stream, text, len, newline, time);
	if (lf->max_size > 0 && lf->size > 0 && lf->size + (long long)count.n > lf->max_size)
		rotate(lf);
	if (lf->fd < 0)
		lf->fd = open_log(lf->path, 0);
	if (lf->fd < 0) {
		note_error(lf, errno);
		return;
	}
	put_entry(&out, stream, text, len, newline, time);
	out_flush(lf);
	lf->size += (long long)out.n;
}

/* The line so far as one entry: complete (its newline seen) or a part. */
static void line_out(struct logfile *lf, int stream, struct line *l, bool complete)
{
	struct timespec when = l->first;

	if (!l->partial)
		clock_gettime(CLOCK_REALTIME, &when);
	write_entry(lf, stream, l->buf, l->len, complete, &when);
	l->len = 0;
	l->partial = !complete;
	l->first = when;
}

/* Text without a newline: gathered, written as a part when 16 KiB are. */
static void line_add(struct logfile *lf, int stream, struct line *l, const char *buf, size_t n)
{
	while (n > 0) {
		size_t c = append(l->buf, &l->len, LOGFILE_LINE_MAX, buf, n);

		buf += c;
		n -= c;
		if (l->len == LOGFILE_LINE_MAX)
			line_out(lf, stream, l, false);
	}
}

struct logfile *logfile_open(const char *path, long long max_size, int max_files)
{
	struct logfile *lf;
	struct stat st;

	/* malloc, not calloc: the line buffers' pages are touched only when
	 * a stream uses them (the monitor's resident size). */
	lf = malloc(sizeof(*lf));
	if (!lf)
		return NULL;
	lf->path = strdup(path);
	lf->fd = open_log(path, 0);
	if (!lf->path || lf->fd < 0 || fstat(lf->fd, &st) < 0) {
		int e = errno;

		if (lf->fd >= 0)
			close(lf->fd);
		free(lf->path);
		free(lf);
		errno = e;
		return NULL;
	}
	lf->size = st.st_size;
	lf->max_size = max_size > 0 ? max_size : 0;
	lf->max_files = max_files > 1 ? max_files : 1;
	lf->error = 0;
	lf->out_len = 0;
	for (int i = 0; i < 2; i++) {
		lf->lines[i].len = 0;
		lf->lines[i].partial = false;
	}
	return lf;
}

int logfile_write(struct logfile *lf, int stream, const char *buf, size_t len)
{
	struct line *l = &lf->lines[stream == 2];

	lf->error = 0;
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t seg = nl ? (size_t)(nl - buf) : len;

		line_add(lf, stream, l, buf, seg);
		if (nl) {
			line_out(lf, stream, l, true);
			seg++;
		}
		buf += seg;
		len -= seg;
	}
	if (lf->error) {
		errno = lf->error;
		return -1;
	}
	return 0;
}

void logfile_flush(struct logfile *lf)
{
	for (int i = 0; i < 2; i++)
		if (lf->lines[i].len > 0)
			line_out(lf, i + 1, &lf->lines[i], false);
}

void logfile_close(struct logfile *lf)
{
	if (!lf)
		return;
	logfile_flush(lf);
	if (lf->fd >= 0)
		close(lf->fd);
	free(lf->path);
	free(lf);
}
