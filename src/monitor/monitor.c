/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker-monitor: the parent of a detached container's init, for its
 * whole life (podman's conmon in role, far smaller: static, libc only).
 *
 * mydocker made the container from this very process (it forked, became
 * a subreaper, created the container, then exec'ed us), so the init is
 * our child and its output pipes or terminal are ours. We:
 *   - copy its output to the log (Docker's json-file, logfile.h) and to
 *     attached clients (proto.h), and clients' input to its stdin;
 *   - run the health check (`mydocker __healthcheck ID`) every interval;
 *   - reap every child (subreaper), and when the init ends, hand over to
 *     `mydocker __monitor-exit`, which records the exit, cleans up and
 *     applies the restart policy, in this same process: the live lock
 *     (ENGINE's /run/mydocker/containers/ID/lock) is held from the first
 *     mydocker through us to the last, and a kill -9 at any point frees it
 *     for the sweep of the next mydocker command.
 * Nothing here allocates after start but the log's buffers. */
#include "monitor/logfile.h"
#include "monitor/proto.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define BUF_LEN 16384

struct client {
	int fd;
	unsigned char hdr[MON_HDR_LEN];
	size_t have; /* header bytes, then payload bytes read */
	size_t need; /* payload length of the frame being read */
	int type;
	unsigned char small[4]; /* a resize's payload */
};

struct monitor {
	char *id, *root, *self, *attach_path;
	pid_t pid;
	int lock_fd, out_fd, err_fd, pty_fd, in_fd;
	int sig_fd, listen_fd, timer_fd;
	struct logfile *log;
	long long started_ms, prev_delay_ms;
	long health_ms;
	pid_t health_pid;
	struct client clients[MAX_CLIENTS];
	int n_clients;
	int status;
	bool exited;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note(const struct monitor *m, const char *what)
{
	/* Our stderr is /dev/null unless mydocker was asked to debug. */
	dprintf(2, "mydocker-monitor %.12s: %s: %s\n", m->id, what, strerror(errno));
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void drop_client(struct monitor *m, int i)
{
	close(m->clients[i].fd);
	m->clients[i] = m->clients[--m->n_clients];
}

static bool send_frame(int fd, enum mon_frame type, const void *buf, size_t len)
{
	unsigned char h[MON_HDR_LEN];

	mon_header(h, type, len);
	return write_all(fd, h, sizeof(h)) && write_all(fd, buf, len);
}

/* Output of the container: to the log, then to every client. */
static void output(struct monitor *m, int stream, const char *buf, size_t len)
{
	if (m->log)
		logfile_write(m->log, stream, buf, len);
	for (int i = m->n_clients - 1; i >= 0; i--)
		if (!send_frame(m->clients[i].fd, stream == 2 ? MON_STDERR : MON_STDOUT, buf, len))
			drop_client(m, i);
}

/* One read of a stream; false at its end. */
static bool pump(struct monitor *m, int *fd, int stream)
{
	char buf[BUF_LEN];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		/* EIO on a terminal whose slave side is all closed. */
		if (*fd != m->pty_fd)
			close(*fd);
		*fd = -1;
		return false;
	}
	output(m, stream, buf, (size_t)n);
	return true;
}

static void resize(struct monitor *m, const unsigned char *p)
{
	struct winsize ws = { .ws_row = (unsigned short)(p[0] << 8 | p[1]),
			      .ws_col = (unsigned short)(p[2] << 8 | p[3]) };

	if (m->pty_fd >= 0 && ws.ws_row && ws.ws_col)
		ioctl(m->pty_fd, TIOCSWINSZ, &ws);
}

static void stdin_eof(struct monitor *m)
{
	if (m->in_fd >= 0) {
		close(m->in_fd);
		m->in_fd = -1;
	}
}

static int input_fd(const struct monitor *m)
{
	return m->pty_fd >= 0 ? m->pty_fd : m->in_fd;
}

/* A frame's payload, read as it comes: stdin bytes go straight on. */
static bool client_payload(struct monitor *m, struct client *c)
{
	char buf[BUF_LEN];
	size_t want = c->need - (c->have - MON_HDR_LEN);
	ssize_t n;

	if (c->type == MON_RESIZE) {
		n = read(c->fd, c->small + (c->have - MON_HDR_LEN), want);
		if (n <= 0)
			return n < 0 && errno == EINTR;
		c->have += (size_t)n;
		if ((size_t)n == want)
			resize(m, c->small);
	} else {
		n = read(c->fd, buf, want < sizeof(buf) ? want : sizeof(buf));
		if (n <= 0)
			return n < 0 && errno == EINTR;
		c->have += (size_t)n;
		if (input_fd(m) >= 0 && !write_all(input_fd(m), buf, (size_t)n))
			stdin_eof(m);
	}
	if (c->have - MON_HDR_LEN == c->need)
		c->have = 0;
	return true;
}

/* Input from a client; false when it went away or broke the protocol. */
static bool client_read(struct monitor *m, struct client *c)
{
	ssize_t n;

	if (c->have >= MON_HDR_LEN)
		return client_payload(m, c);
	n = read(c->fd, c->hdr + c->have, MON_HDR_LEN - c->have);
	if (n <= 0)
		return n < 0 && errno == EINTR;
	c->have += (size_t)n;
	if (c->have < MON_HDR_LEN)
		return true;
	c->type = c->hdr[0];
	c->need = mon_get32(c->hdr + 4);
	if (c->type == MON_EOF)
		stdin_eof(m);
	if ((c->type == MON_RESIZE && c->need != 4) || c->need > MON_FRAME_MAX ||
	    (c->type != MON_STDIN && c->type != MON_RESIZE && c->need))
		return false;
	if (!c->need)
		c->have = 0;
	return true;
}

static void add_client(struct monitor *m, int fd)
{
	if (fd < 0)
		return;
	if (m->n_clients == MAX_CLIENTS) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	m->clients[m->n_clients++] = (struct client){ .fd = fd };
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, MAX_CLIENTS) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* `mydocker --root ROOT __healthcheck ID`, quietly, unless one runs. */
static void health_check(struct monitor *m)
{
	uint64_t ticks;
	pid_t pid;

	if (read(m->timer_fd, &ticks, sizeof(ticks)) < 0 || m->health_pid > 0)
		return;
	pid = fork();
	if (pid == 0) {
		char prog[] = "mydocker", root[] = "--root", verb[] = "__healthcheck";
		char *argv[] = { prog, root, m->root, verb, m->id, NULL };
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(m->self, argv);
		_exit(127);
	}
	if (pid > 0)
		m->health_pid = pid;
}

static void reap(struct monitor *m)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(m->sig_fd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == m->pid) {
			m->status = status;
			m->exited = true;
		} else if (pid == m->health_pid) {
			m->health_pid = 0;
		}
	}
}

/* What is left in the pipes once the init is gone (its other processes
 * went with its PID namespace; a leftover writer cannot keep us). */
static void drain(struct monitor *m)
{
	if (m->out_fd >= 0)
		fcntl(m->out_fd, F_SETFL, O_NONBLOCK);
	if (m->err_fd >= 0)
		fcntl(m->err_fd, F_SETFL, O_NONBLOCK);
	if (m->pty_fd >= 0)
		fcntl(m->pty_fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 1024 && m->out_fd >= 0 && pump(m, &m->out_fd, 1); i++)
		;
	for (int i = 0; i < 1024 && m->err_fd >= 0 && pump(m, &m->err_fd, 2); i++)
		;
	for (int i = 0; i < 1024 && m->pty_fd >= 0; i++) {
		int fd = m->pty_fd;

		if (!pump(m, &fd, 1) || fd < 0)
			break;
	}
}

enum { P_SIG, P_OUT, P_ERR, P_PTY, P_LISTEN, P_TIMER, P_CLIENTS };

static void poll_once(struct monitor *m)
{
	struct pollfd p[P_CLIENTS + MAX_CLIENTS];
	int n = m->n_clients;

	p[P_SIG] = (struct pollfd){ m->sig_fd, POLLIN, 0 };
	p[P_OUT] = (struct pollfd){ m->out_fd, POLLIN, 0 };
	p[P_ERR] = (struct pollfd){ m->err_fd, POLLIN, 0 };
	p[P_PTY] = (struct pollfd){ m->pty_fd, POLLIN, 0 };
	p[P_LISTEN] = (struct pollfd){ m->listen_fd, POLLIN, 0 };
	p[P_TIMER] = (struct pollfd){ m->timer_fd, POLLIN, 0 };
	for (int i = 0; i < n; i++)
		p[P_CLIENTS + i] = (struct pollfd){ m->clients[i].fd, POLLIN, 0 };
	if (poll(p, (nfds_t)(P_CLIENTS + n), -1) < 0)
		return;
	if (p[P_OUT].revents)
		pump(m, &m->out_fd, 1);
	if (p[P_ERR].revents)
		pump(m, &m->err_fd, 2);
	if (p[P_PTY].revents && !pump(m, &m->pty_fd, 1))
		m->pty_fd = -1;
	if (p[P_LISTEN].revents)
		add_client(m, accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC));
	if (p[P_TIMER].revents)
		health_check(m);
	for (int i = n - 1; i >= 0; i--)
		if (p[P_CLIENTS + i].revents && !client_read(m, &m->clients[i]))
			drop_client(m, i);
	if (p[P_SIG].revents)
		reap(m);
}

/* The init has ended: the rest of its output, its status to the clients,
 * then mydocker takes over in this process. */
static void hand_over(struct monitor *m)
{
	unsigned char st[4];
	char status[16], lock[16], ran[24], delay[24];
	char prog[] = "mydocker", root[] = "--root", verb[] = "__monitor-exit";
	char *argv[] = { prog, root, m->root, verb, m->id, status, lock, ran, delay, NULL };

	drain(m);
	if (m->log)
		logfile_close(m->log);
	mon_put32(st, (uint32_t)m->status);
	for (int i = m->n_clients - 1; i >= 0; i--) {
		send_frame(m->clients[i].fd, MON_EXIT, st, sizeof(st));
		drop_client(m, i);
	}
	if (m->listen_fd >= 0)
		unlink(m->attach_path);
	snprintf(status, sizeof(status), "%d", m->status);
	snprintf(lock, sizeof(lock), "%d", m->lock_fd);
	snprintf(ran, sizeof(ran), "%lld", now_ms() - m->started_ms);
	snprintf(delay, sizeof(delay), "%lld", m->prev_delay_ms);
	execv(m->self, argv);
	note(m, "exec mydocker __monitor-exit");
	_exit(125);
}

static int setup(struct monitor *m)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	if (m->sig_fd < 0)
		return -1;
	if (m->attach_path && (m->listen_fd = listen_on(m->attach_path)) < 0)
		note(m, "attach socket");
	if (m->health_ms > 0) {
		struct itimerspec it = { .it_interval = { m->health_ms / 1000,
							  (m->health_ms % 1000) * 1000000 } };

		it.it_value = it.it_interval;
		m->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (m->timer_fd >= 0)
			timerfd_settime(m->timer_fd, 0, &it, NULL);
	}
	return 0;
}

static int parse(struct monitor *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", 1, NULL, 'i' },           { "root", 1, NULL, 'r' },
		{ "self", 1, NULL, 's' },         { "pid", 1, NULL, 'p' },
		{ "lock-fd", 1, NULL, 'l' },      { "out-fd", 1, NULL, 'o' },
		{ "err-fd", 1, NULL, 'e' },       { "pty-fd", 1, NULL, 't' },
		{ "in-fd", 1, NULL, 'n' },        { "client-fd", 1, NULL, 'c' },
		{ "attach", 1, NULL, 'a' },       { "log", 1, NULL, 'L' },
		{ "log-max-size", 1, NULL, 'S' }, { "log-max-files", 1, NULL, 'F' },
		{ "health-ms", 1, NULL, 'h' },    { "started-ms", 1, NULL, 'T' },
		{ "delay-ms", 1, NULL, 'D' },     { NULL, 0, NULL, 0 },
	};
	const char *log = NULL;
	long long max_size = 0;
	int c, max_files = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			m->id = optarg;
			break;
		case 'r':
			m->root = optarg;
			break;
		case 's':
			m->self = optarg;
			break;
		case 'p':
			m->pid = atoi(optarg);
			break;
		case 'l':
			m->lock_fd = atoi(optarg);
			break;
		case 'o':
			m->out_fd = atoi(optarg);
			break;
		case 'e':
			m->err_fd = atoi(optarg);
			break;
		case 't':
			m->pty_fd = atoi(optarg);
			break;
		case 'n':
			m->in_fd = atoi(optarg);
			break;
		case 'c':
			add_client(m, atoi(optarg));
			break;
		case 'a':
			m->attach_path = optarg;
			break;
		case 'L':
			log = optarg;
			break;
		case 'S':
			max_size = atoll(optarg);
			break;
		case 'F':
			max_files = atoi(optarg);
			break;
		case 'h':
			m->health_ms = atol(optarg);
			break;
		case 'T':
			m->started_ms = atoll(optarg);
			break;
		case 'D':
			m->prev_delay_ms = atoll(optarg);
			break;
		default:
			return -1;
		}
	}
	if (!m->id || !m->root || !m->self || m->pid <= 0)
		return -1;
	if (log && !(m->log = logfile_open(log, max_size, max_files > 0 ? max_files : 1)))
		note(m, "open the log");
	return 0;
}

int main(int argc, char **argv)
{
	struct monitor m = { .lock_fd = -1,
			     .out_fd = -1,
			     .err_fd = -1,
			     .pty_fd = -1,
			     .in_fd = -1,
			     .sig_fd = -1,
			     .listen_fd = -1,
			     .timer_fd = -1 };

	if (parse(&m, argc, argv) < 0) {
		fputs("usage: mydocker-monitor (run by mydocker only)\n", stderr);
		return 125;
	}
	if (!m.started_ms)
		m.started_ms = now_ms();
	if (setup(&m) < 0) {
		note(&m, "setup");
		return 125;
	}
	reap(&m);
	while (!m.exited)
		poll_once(&m);
	hand_over(&m);
	return 125;
}
