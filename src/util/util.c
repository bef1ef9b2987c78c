/* SPDX-License-Identifier: Apache-2.0 */
#include "util/util.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	static const char msg[] = "mydocker: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *xmalloc0(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		oom();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&r, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return r;
}

size_t md_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **md_strv_dup(char *const *v)
{
	size_t n = md_strv_len(v);
	char **r = xmalloc0((n + 1) * sizeof(char *));

	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void md_strv_push(char ***v, const char *s)
{
	size_t n = md_strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

void md_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

bool md_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int md_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int md_write_file_at(int dirfd, const char *path, const char *data, md_error *err)
{
	cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_TRUNC);

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	if (md_write_all(fd, data, strlen(data)) < 0)
		return md_error_set(err, errno, "write `%s` to `%s`", data, path);
	return 0;
}

int md_write_file(const char *path, const char *data, md_error *err)
{
	return md_write_file_at(AT_FDCWD, path, data, err);
}

int md_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode, md_error *err)
{
	cleanup_free char *tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
	cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return md_error_set(err, errno, "create `%s`", tmp);
	if (md_write_all(fd, data, len) < 0) {
		int e = errno;
		unlink(tmp);
		return md_error_set(err, e, "write `%s`", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return md_error_set(err, e, "rename `%s` to `%s`", tmp, path);
	}
	return 0;
}

static int md_read_file_at(int dirfd, const char *path, char **out, size_t *len, md_error *err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t used = 0, cap = 0;

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	for (;;) {
		ssize_t r;

		if (cap - used < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + used, cap - used - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return md_error_set(err, errno, "read `%s`", path);
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = TAKE_PTR(buf);
	return 0;
}

int md_read_file(const char *path, char **out, size_t *len, md_error *err)
{
	return md_read_file_at(AT_FDCWD, path, out, len, err);
}

int md_mkdir_p(const char *path, mode_t mode, md_error *err)
{
	cleanup_free char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return md_error_set(err, errno, "mkdir `%s`", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return md_error_set(err, errno, "mkdir `%s`", p);
	return 0;
}

int md_remove_dir_files(const char *dir, md_error *err)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "open `%s`", dir);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
			return md_error_set(err, errno, "remove `%s/%s`", dir, e->d_name);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return md_error_set(err, errno, "remove `%s`", dir);
	return 0;
}

int md_random_hex(char *buf, size_t nbytes, md_error *err)
{
	unsigned char raw[64];

	if (nbytes > sizeof(raw))
		return md_error_set(err, EINVAL, "random id too long");
	if (getrandom(raw, nbytes, 0) != (ssize_t)nbytes)
		return md_error_set(err, errno, "getrandom");
	for (size_t i = 0; i < nbytes; i++)
		sprintf(buf + 2 * i, "%02x", raw[i]);
	return 0;
}

long md_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void md_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void md_rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

int md_read_fd_max(int fd, size_t max, char **out, size_t *len, md_error *err)
{
	size_t cap = 4096, used = 0;
	char *buf = xrealloc(NULL, cap);
	ssize_t n;

	for (;;) {
		if (used + 1 >= cap) {
			cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return md_error_set(err, errno, "read");
		}
		used += (size_t)n;
		if (used > max) {
			free(buf);
			return md_error_set(err, EFBIG, "larger than %zu bytes", max);
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}
