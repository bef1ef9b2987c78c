/* SPDX-License-Identifier: Apache-2.0 */
/* The client of a container's monitor (monitor/proto.h): attach, start -a,
 * run -a. Our terminal goes raw while attached to a container with one;
 * its size follows ours (SIGWINCH). Without a terminal, the signals a user
 * sends us go on to the container (Docker's --sig-proxy). */
#include "engine/containers/control.h"
#include "monitor/proto.h"
#include "runtime/container.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#define KEYS_MAX 16

int attach_parse_keys(const char *keys, unsigned char *out, size_t *n, md_error *err)
{
	char buf[256];
	char *save = NULL;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", keys ? keys : "ctrl-p,ctrl-q");
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (*n == KEYS_MAX)
			return md_error_set(err, 0, "Invalid detach keys (%s) provided", keys);
		if (strlen(k) == 1) {
			out[(*n)++] = (unsigned char)k[0];
		} else if (strncasecmp(k, "ctrl-", 5) == 0 && strlen(k) == 6) {
			int c = tolower((unsigned char)k[5]);

			if (c >= 'a' && c <= 'z')
				out[(*n)++] = (unsigned char)(c - 'a' + 1);
			else if (strchr("@[\\]^_", k[5]))
				out[(*n)++] = (unsigned char)(k[5] == '@' ? 0 : k[5] - '@');
			else
				return md_error_set(err, 0, "Invalid detach keys (%s) provided",
						    keys);
		} else {
			return md_error_set(err, 0, "Invalid detach keys (%s) provided", keys);
		}
	}
	if (*n == 0)
		return md_error_set(err, 0, "Invalid detach keys (%s) provided", keys);
	return 0;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

static bool read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		len -= (size_t)r;
	}
	return true;
}

static bool send_frame(int fd, enum mon_frame type, const void *buf, size_t len)
{
	unsigned char h[MON_HDR_LEN];

	mon_header(h, type, len);
	return write_all(fd, h, sizeof(h)) && (!len || write_all(fd, buf, len));
}

struct session {
	int fd;
	const struct engine_io *io;
	const char *root, *id;
	bool tty;
	unsigned char keys[KEYS_MAX];
	size_t n_keys, matched; /* detach keys seen so far */
	int sigfd;
	bool done, detached, in_open, exited;
	int status;
};

static void send_size(struct session *s)
{
	struct winsize ws;
	unsigned char p[4];

	if (!s->tty || s->io->tty_fd < 0 || ioctl(s->io->tty_fd, TIOCGWINSZ, &ws) < 0)
		return;
	p[0] = (unsigned char)(ws.ws_row >> 8);
	p[1] = (unsigned char)ws.ws_row;
	p[2] = (unsigned char)(ws.ws_col >> 8);
	p[3] = (unsigned char)ws.ws_col;
	send_frame(s->fd, MON_RESIZE, p, sizeof(p));
}

/* One frame from the monitor. */
static void from_monitor(struct session *s)
{
	unsigned char h[MON_HDR_LEN], buf[MON_FRAME_MAX];
	size_t len;

	if (!read_all(s->fd, h, sizeof(h))) {
		s->done = true; /* the monitor went away: its exit handler records */
		return;
	}
	len = mon_get32(h + 4);
	if (len > sizeof(buf) || !read_all(s->fd, buf, len)) {
		s->done = true;
		return;
	}
	if (h[0] == MON_EXIT && len == 4) {
		s->status = (int)mon_get32(buf);
		s->exited = s->done = true;
	} else if (h[0] == MON_STDOUT || h[0] == MON_STDERR) {
		write_all(h[0] == MON_STDERR ? s->io->err_fd : s->io->out_fd, buf, len);
	}
}

/* Input, with the detach keys taken out: they are held back while they
 * match, and given on when the sequence breaks. */
static void from_user(struct session *s)
{
	unsigned char in[4096], out[4096 + KEYS_MAX];
	ssize_t n = read(s->io->in_fd, in, sizeof(in));
	size_t o = 0;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		send_frame(s->fd, MON_EOF, NULL, 0);
		s->in_open = false;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (in[i] == s->keys[s->matched]) {
			if (++s->matched == s->n_keys) {
				s->detached = s->done = true;
				return;
			}
			continue;
		}
		memcpy(out + o, s->keys, s->matched);
		o += s->matched;
		s->matched = 0;
		out[o++] = in[i];
	}
	if (o)
		send_frame(s->fd, MON_STDIN, out, o);
}

static void on_signal(struct session *s)
{
	struct signalfd_siginfo si;
	md_error err;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		char name[16];

		if (si.ssi_signo == SIGWINCH) {
			send_size(s);
			continue;
		}
		snprintf(name, sizeof(name), "%u", si.ssi_signo);
		engine_kill(s->root, s->id, name, &err);
	}
}

static int block_signals(struct session *s, sigset_t *old, md_error *err)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i] == SIGWINCH || !s->tty)
			sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return md_error_set(err, errno, "block signals");
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->sigfd < 0 ? md_error_set(err, errno, "signalfd") : 0;
}

static void loop(struct session *s)
{
	while (!s->done) {
		struct pollfd p[3] = { { s->fd, POLLIN, 0 },
				       { s->sigfd, POLLIN, 0 },
				       { s->in_open ? s->io->in_fd : -1, POLLIN, 0 } };

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			from_monitor(s);
		else if (p[2].revents)
			from_user(s);
		if (p[1].revents)
			on_signal(s);
	}
}

int attach_session(const char *root, const char *id, int fd, const struct engine_io *io, bool tty,
		   const char *detach_keys, int *code, bool *detached, md_error *err)
{
	struct session s = { .fd = fd,
			     .io = io,
			     .root = root,
			     .id = id,
			     .tty = tty,
			     .sigfd = -1,
			     .in_open = io->in_fd >= 0 };
	struct termios saved, raw;
	bool made_raw = false;
	sigset_t old;

	if (attach_parse_keys(detach_keys, s.keys, &s.n_keys, err) < 0 ||
	    block_signals(&s, &old, err) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	if (tty && io->tty_fd >= 0 && s.in_open && tcgetattr(io->tty_fd, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag = saved.c_oflag;
		made_raw = tcsetattr(io->tty_fd, TCSADRAIN, &raw) == 0;
	}
	send_size(&s);
	loop(&s);
	if (made_raw)
		tcsetattr(io->tty_fd, TCSADRAIN, &saved);
	close(s.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*detached = s.detached;
	/* No exit frame: the monitor died; the record will tell (wait). */
	*code = s.exited ? rt_exit_code(s.status) : -1;
	return 0;
}
