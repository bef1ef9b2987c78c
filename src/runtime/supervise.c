/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/supervise.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Signals that describe a fault of our own must stay deliverable. */
static bool forwardable(int sig)
{
	switch (sig) {
	case SIGKILL:
	case SIGSTOP:
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
	case SIGSYS:
	case SIGCHLD:
	case SIGPIPE:
		return false;
	default:
		return true;
	}
}

int rt_supervisor_init(struct rt_supervisor *s, md_error *err)
{
	sigset_t set;

	s->sigfd = -1;
	s->raw_fd = -1;
	sigemptyset(&set);
	for (int sig = 1; sig < SIGRTMIN; sig++)
		if (forwardable(sig))
			sigaddset(&set, sig);
	/* A closed stdout must not kill the supervisor. */
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, &s->old_mask) < 0)
		return md_error_set(err, errno, "block signals");
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return md_error_set(err, errno, "signalfd");
	return 0;
}

void rt_supervisor_fini(struct rt_supervisor *s)
{
	if (s->raw_fd >= 0) {
		tcsetattr(s->raw_fd, TCSADRAIN, &s->saved_tio);
		s->raw_fd = -1;
	}
	if (s->sigfd >= 0) {
		close(s->sigfd);
		s->sigfd = -1;
		sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
	}
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (from >= 0 && to >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static int make_raw(struct rt_supervisor *s, int fd, md_error *err)
{
	struct termios raw;

	if (fd < 0 || !isatty(fd))
		return 0;
	if (tcgetattr(fd, &s->saved_tio) < 0)
		return md_error_set(err, errno, "tcgetattr");
	raw = s->saved_tio;
	cfmakeraw(&raw);
	/* Keep output post-processing so that our own messages stay sane. */
	raw.c_oflag = s->saved_tio.c_oflag;
	if (tcsetattr(fd, TCSADRAIN, &raw) < 0)
		return md_error_set(err, errno, "tcsetattr");
	s->raw_fd = fd;
	return 0;
}

/* Read what is there: > 0 bytes, 0 at EOF (or a dead peer), -1 when
 * nothing is there now (EAGAIN). */
static ssize_t read_chunk(int fd, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return -1;
	return r < 0 ? 0 : r;
}

/* Copy one chunk; returns 0 on EOF or a dead peer, 1 when data moved. */
static int pump(int from, int to)
{
	char buf[16384];
	ssize_t r = read_chunk(from, buf, sizeof(buf));

	if (r <= 0)
		return r < 0;
	if (to >= 0 && md_write_all(to, buf, (size_t)r) < 0)
		return 1; /* the reader went away; keep draining the pty */
	return 1;
}

/* Copy input to the console with the detach keys taken out (o has
 * them); *matched counts the keys seen so far. 0 on EOF, 1 when data
 * moved, 2 when the whole sequence came. */
static int pump_input(int from, int to, const struct rt_supervise_opts *o, size_t *matched)
{
	unsigned char buf[4096], out[2 * sizeof(buf)];
	size_t n_out = 0;
	ssize_t r;

	if (!o->n_detach_keys || o->n_detach_keys > sizeof(buf))
		return pump(from, to);
	if ((r = read_chunk(from, buf, sizeof(buf))) <= 0)
		return r < 0;
	for (ssize_t i = 0; i < r; i++) {
		if (buf[i] == o->detach_keys[*matched]) {
			if (++*matched < o->n_detach_keys)
				continue;
			(void)md_write_all(to, (const char *)out, n_out);
			return 2;
		}
		/* The sequence broke: what was held back goes on first. */
		if (n_out + *matched + 1 > sizeof(out)) {
			(void)md_write_all(to, (const char *)out, n_out);
			n_out = 0;
		}
		memcpy(out + n_out, o->detach_keys, *matched);
		n_out += *matched;
		*matched = buf[i] == o->detach_keys[0];
		if (!*matched)
			out[n_out++] = buf[i];
	}
	if (n_out)
		(void)md_write_all(to, (const char *)out, n_out);
	return 1;
}

static void handle_signal(struct rt_supervisor *s, struct rt_container *c,
			  const struct rt_supervise_opts *o)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH && c->console_master >= 0)
			copy_winsize(o->tty_fd, c->console_master);
		else
			rt_signal(c, (int)si.ssi_signo, NULL);
	}
}

static void drain_console(int master, int out)
{
	int fl = fcntl(master, F_GETFL);

	fcntl(master, F_SETFL, fl | O_NONBLOCK);
	while (pump(master, out) == 1) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			break;
	}
}

int rt_supervise(struct rt_supervisor *s, struct rt_container *c, const struct rt_supervise_opts *o,
		 md_error *err)
{
	int master = c->console_master, in = master >= 0 ? o->in_fd : -1;
	size_t matched = 0;
	int r;

	if (master >= 0) {
		copy_winsize(o->tty_fd, master);
		if (in >= 0 && make_raw(s, o->tty_fd, err) < 0)
			return -1;
	}
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = s->sigfd, .events = POLLIN },
			{ .fd = c->pidfd, .events = POLLIN },
			{ .fd = in, .events = POLLIN },
			{ .fd = master, .events = POLLIN },
		};

		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return md_error_set(err, errno, "poll");
		}
		if (p[0].revents)
			handle_signal(s, c, o);
		if (p[2].revents && (r = pump_input(in, master, o, &matched)) != 1) {
			if (r == 2) {
				rt_supervisor_fini(s);
				return 1;
			}
			in = -1;
		}
		if (p[3].revents && pump(master, o->out_fd) == 0)
			master = -1;
		if (p[1].revents)
			break;
	}
	if (master >= 0)
		drain_console(master, o->out_fd);
	rt_supervisor_fini(s);
	return rt_wait(c, err);
}
