/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker logs: the json-file log read back as dockerd's json-file reader
 * does. The files are opened oldest first (FILE.N ... FILE.1, FILE); tail
 * counts entries back from the end across them; each line is parsed with
 * json-c and its text goes to out or err by its stream. With follow, an
 * inotify watch on the container's directory wakes the reader when FILE
 * grows or is rotated (renamed to FILE.1, a new FILE made, or emptied
 * when max-file is 1); when nothing happens for 200 ms it checks that the
 * container still runs, and after it stopped reads what is left once more
 * and returns. */
#include "engine/containers/logs.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define READ_CHUNK 65536
#define OUT_BUF 8192
#define QUIET_MS 200

/* One of the two outputs, buffered: entries of one stream in a row go out
 * in one write; the other is flushed first when the stream changes, so
 * that the order of entries holds across the two. */
struct out {
	int fd;
	size_t len;
	char buf[OUT_BUF];
};

struct reader {
	const struct logs_options *o;
	json_tokener *tok;
	struct out outs[2];
	int last;  /* the output written last */
	char *buf; /* a line being read: up to the next newline */
	size_t len, cap;
	bool done; /* an entry after until: nothing more to show */
	int error; /* a write failed: its errno */
};

static void out_flush(struct reader *r, struct out *o)
{
	if (o->len && !r->error && md_write_all(o->fd, o->buf, o->len) < 0)
		r->error = errno;
	o->len = 0;
}

static void out_put(struct reader *r, int which, const char *s, size_t n)
{
	struct out *o = &r->outs[which];

	if (which != r->last)
		out_flush(r, &r->outs[r->last]);
	r->last = which;
	if (o->len + n > OUT_BUF)
		out_flush(r, o);
	if (n > OUT_BUF) {
		if (!r->error && md_write_all(o->fd, s, n) < 0)
			r->error = errno;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void flush_all(struct reader *r)
{
	out_flush(r, &r->outs[0]);
	out_flush(r, &r->outs[1]);
}

/* Docker's logs -t: RFC 3339 in UTC with all 9 digits, and a space. */
static size_t time_prefix(int64_t ns, char buf[48])
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, 48, "%Y-%m-%dT%H:%M:%S", &tm);
	return n + (size_t)snprintf(buf + n, 48 - n, ".%09lldZ ", (long long)(ns % NS_PER_S));
}

/* Whether an entry at time is shown: since and until (until ends it). */
static bool in_window(struct reader *r, int64_t t)
{
	if (r->o->until_ns && t > r->o->until_ns) {
		r->done = true;
		return false;
	}
	return t >= r->o->since_ns;
}

/* One line of the file; a line that is not an entry is passed over. */
static void entry(struct reader *r, const char *line, size_t len)
{
	cleanup_json json_object *e = NULL;
	const char *stream, *when;
	json_object *log;
	int64_t t = 0;
	int which;

	json_tokener_reset(r->tok);
	e = json_tokener_parse_ex(r->tok, line, (int)len);
	log = md_json_member_of(e, "log", json_type_string);
	stream = md_json_string(e, "stream");
	when = md_json_string(e, "time");
	if (!log || !stream || !when || logs_parse_time(when, &t) < 0)
		return;
	which = strcmp(stream, "stdout") == 0 ? 0 : strcmp(stream, "stderr") == 0 ? 1 : -1;
	if (which < 0 || !in_window(r, t))
		return;
	if (r->o->timestamps) {
		char prefix[48];

		out_put(r, which, prefix, time_prefix(t, prefix));
	}
	if (r->o->details)
		out_put(r, which, " ", 1);
	out_put(r, which, json_object_get_string(log), (size_t)json_object_get_string_len(log));
}

/* The complete lines in r->buf, then what is left moved to its start. */
static void lines(struct reader *r)
{
	size_t start = 0;
	char *nl;

	while (!r->done && (nl = memchr(r->buf + start, '\n', r->len - start))) {
		entry(r, r->buf + start, (size_t)(nl - r->buf) - start);
		start = (size_t)(nl - r->buf) + 1;
	}
	r->len -= start;
	memmove(r->buf, r->buf + start, r->len);
}

/* fd from where it is to its end. */
static int drain(struct reader *r, int fd, md_error *err)
{
	while (!r->done && !r->error) {
		ssize_t n;

		if (r->cap - r->len < READ_CHUNK) {
			r->cap = r->len + 2 * READ_CHUNK;
			r->buf = xrealloc(r->buf, r->cap);
		}
		n = read(fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return md_error_set(err, errno, "read the container's log");
		if (n == 0)
			return 0;
		r->len += (size_t)n;
		lines(r);
	}
	return 0;
}

static int read_full(int fd, char *buf, size_t n, off_t at)
{
	while (n > 0) {
		ssize_t got = pread(fd, buf, n, at);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		buf += got;
		n -= (size_t)got;
		at += got;
	}
	return 0;
}

/* Where the last n complete lines of fd begin (in *start), scanning back
 * from its end; returns how many it found (fewer than n: the file has no
 * more, *start is 0). A partial line at the end does not count. */
static long long tail_lines(int fd, long long n, off_t *start)
{
	struct stat st;
	char buf[READ_CHUNK];
	long long found = 0;
	bool seen_end = false;
	off_t pos;

	*start = 0;
	if (fstat(fd, &st) < 0)
		return 0;
	for (pos = st.st_size; pos > 0;) {
		size_t c = pos > READ_CHUNK ? READ_CHUNK : (size_t)pos;

		pos -= (off_t)c;
		if (read_full(fd, buf, c, pos) < 0)
			return found;
		for (size_t i = c; i-- > 0;) {
			if (buf[i] != '\n')
				continue;
			/* The first newline from the end closes the last line. */
			if (seen_end && ++found < n)
				continue;
			if (seen_end || n == 0) {
				*start = pos + (off_t)i + 1;
				return found;
			}
			seen_end = true;
		}
	}
	return seen_end ? found + 1 : 0;
}

/* The log's files, oldest first: FILE.N ... FILE.1, then FILE (its fd in
 * *current, -1 when there is none yet). */
static int open_files(const char *path, int **fds, size_t *n, int *current)
{
	size_t rotated = 0;

	for (;; rotated++) {
		cleanup_free char *p = xasprintf("%s.%zu", path, rotated + 1);

		if (access(p, F_OK) < 0)
			break;
	}
	*fds = xmalloc0((rotated + 1) * sizeof(int));
	*n = 0;
	for (size_t i = rotated; i > 0; i--) {
		cleanup_free char *p = xasprintf("%s.%zu", path, i);
		int fd = open(p, O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			(*fds)[(*n)++] = fd;
	}
	*current = open(path, O_RDONLY | O_CLOEXEC);
	if (*current >= 0)
		(*fds)[(*n)++] = *current;
	return 0;
}

/* Which file to start in and where: the tail's first entry. */
static size_t tail_start(const struct logs_options *o, int *fds, size_t n, off_t *off)
{
	long long need = o->tail;

	*off = 0;
	if (o->tail < 0)
		return 0;
	for (size_t k = n; k-- > 0;) {
		long long got = tail_lines(fds[k], need, off);

		if (got >= need)
			return k;
		need -= got;
	}
	*off = 0;
	return 0;
}

/* Everything there now, from the tail's start. A rotated file's torn last
 * line (a write cut short) is dropped at its end. */
static int read_files(struct reader *r, int *fds, size_t n, md_error *err)
{
	off_t off;
	size_t k = tail_start(r->o, fds, n, &off);

	for (size_t i = k; i < n && !r->done; i++) {
		if (lseek(fds[i], i == k ? off : 0, SEEK_SET) < 0 || drain(r, fds[i], err) < 0)
			return -1;
		if (i + 1 < n)
			r->len = 0;
	}
	return 0;
}

/* Since the last look, FILE was rotated: renamed (another file is at
 * path now) or emptied (max-file 1). Read the old one to its end, then go
 * on with the new one from its start. */
static int follow_rotation(struct reader *r, const char *path, int *fd, md_error *err)
{
	struct stat now, ours = { 0 };
	int fresh;

	if (*fd >= 0 && fstat(*fd, &ours) < 0)
		return md_error_set(err, errno, "read the container's log");
	if (*fd >= 0 && ours.st_size < lseek(*fd, 0, SEEK_CUR)) {
		r->len = 0;
		return lseek(*fd, 0, SEEK_SET) < 0 ? -1 : drain(r, *fd, err);
	}
	if (stat(path, &now) < 0 ||
	    (*fd >= 0 && now.st_ino == ours.st_ino && now.st_dev == ours.st_dev))
		return 0;
	fresh = open(path, O_RDONLY | O_CLOEXEC);
	if (fresh < 0)
		return 0;
	/* The old file may have had an entry more since the last read. */
	if (*fd >= 0 && drain(r, *fd, err) < 0) {
		close(fresh);
		return -1;
	}
	if (*fd >= 0) {
		close(*fd);
		r->len = 0;
	}
	*fd = fresh;
	return drain(r, *fd, err);
}

/* Read the inotify events (they only wake us). */
static void discard_events(int ifd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(ifd, buf, sizeof(buf)) > 0)
		;
}

static bool past_until(const struct logs_options *o)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return o->until_ns && (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec > o->until_ns;
}

/* After the files are read: what comes, until the container stops (or
 * until's time has come). */
static int follow(struct reader *r, const char *path, const char *id, int *fd, md_error *err)
{
	cleanup_free char *dir_copy = xstrdup(path);
	cleanup_close int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	long last_check = 0; /* the first look is at once */
	bool live = true;

	if (ifd < 0 || inotify_add_watch(ifd, dirname(dir_copy),
					 IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM) < 0)
		return md_error_set(err, errno, "watch the container's log");
	while (live && !r->done && !r->error) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		flush_all(r);
		if (poll(&p, 1, QUIET_MS) > 0)
			discard_events(ifd);
		/* Whether it runs is asked before the last read: what it wrote
		 * before it stopped is read after. */
		if (md_now_ms() - last_check >= QUIET_MS) {
			live = records_live(id) && !past_until(r->o);
			last_check = md_now_ms();
		}
		if ((*fd >= 0 && drain(r, *fd, err) < 0) || follow_rotation(r, path, fd, err) < 0)
			return -1;
	}
	return 0;
}

int logs_read(const char *path, const char *id, const struct logs_options *o, md_error *err)
{
	struct reader r = { .o = o, .outs = { { .fd = o->out_fd }, { .fd = o->err_fd } } };
	int *fds = NULL, current = -1, ret;
	size_t n = 0;

	r.tok = json_tokener_new();
	open_files(path, &fds, &n, &current);
	ret = read_files(&r, fds, n, err);
	for (size_t i = 0; i < n; i++)
		if (fds[i] != current)
			close(fds[i]);
	if (ret == 0 && o->follow && id && !past_until(o))
		ret = follow(&r, path, id, &current, err);
	flush_all(&r);
	if (ret == 0 && r.error)
		ret = md_error_set(err, r.error, "write the logs");
	if (current >= 0)
		close(current);
	free(fds);
	free(r.buf);
	json_tokener_free(r.tok);
	return ret;
}

int engine_logs(const char *root, const char *what, const struct logs_options *o, md_error *err)
{
	struct container_record c = { 0 };
	cleanup_free char *path = NULL;
	long long max_size;
	int max_files, ret;
	bool enabled;

	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	if (logs_settings(c.host_config, &max_size, &max_files, &enabled) == 0 && !enabled) {
		records_free(&c);
		return md_error_set(err, 0, "configured logging driver does not support reading");
	}
	path = logs_path(root, c.id);
	ret = logs_read(path, c.id, o, err);
	records_free(&c);
	return ret;
}
