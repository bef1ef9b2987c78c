/* SPDX-License-Identifier: Apache-2.0 */
/* One health check (health.h: engine_health_check): Test run in the
 * container as exec runs a command, its output kept, killed after its
 * timeout, the result recorded by Docker's rules. */
#include "engine/containers/exec.h"
#include "engine/containers/health.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* State.StartedAt ("2024-05-01T12:00:00.123456789Z") in ns; 0 if unreadable. */
static int64_t started_ns(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t frac = 0;
	int digits = 0;

	if (!p)
		return 0;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
	for (; digits < 9; digits++)
		frac *= 10;
	return (int64_t)timegm(&tm) * NS_PER_S + frac;
}

/* Docker's probe command: CMD's words, or CMD-SHELL's after /bin/sh -c. */
static char **probe_args(json_object *healthcheck)
{
	cleanup_strv char **test = md_json_strv(healthcheck, "Test");
	char **args = NULL;

	if (test && test[0] && strcmp(test[0], "CMD-SHELL") == 0) {
		md_strv_push(&args, "/bin/sh");
		md_strv_push(&args, "-c");
	}
	for (size_t i = 1; test && test[0] && test[i]; i++)
		md_strv_push(&args, test[i]);
	return args;
}

/* What a check wrote: the first HEALTH_OUTPUT_MAX bytes, the rest drained. */
struct output {
	char buf[HEALTH_OUTPUT_MAX + 4];
	size_t len;
	bool truncated;
};

/* Read what is there; false at EOF (or an error). */
static bool take(int fd, struct output *o)
{
	char chunk[4096];
	ssize_t n;

	do
		n = read(fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return true;
	if (n <= 0)
		return false;
	size_t keep =
		HEALTH_OUTPUT_MAX - o->len < (size_t)n ? HEALTH_OUTPUT_MAX - o->len : (size_t)n;

	memcpy(o->buf + o->len, chunk, keep);
	o->len += keep;
	o->truncated = o->truncated || keep < (size_t)n;
	return true;
}

/* Collect the output until the process exits (its pidfd) and the pipe is
 * drained, or until the deadline: false when it came first. */
static bool collect(int out, int pidfd, long deadline_ms, struct output *o)
{
	bool open = true;

	fcntl(out, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
				       { .fd = open ? out : -1, .events = POLLIN } };
		long left = deadline_ms - md_now_ms();
		int r;

		if (left <= 0)
			return false;
		r = poll(p, 2, (int)(left > 1000000 ? 1000000 : left));
		if (r < 0 && errno != EINTR)
			return false;
		if (p[1].revents)
			open = take(out, o);
		if (p[0].revents) {
			/* Gone: what it wrote is in the pipe; a child of it that
			 * keeps the pipe open is not waited for. */
			while (open && take(out, o) && o->len < HEALTH_OUTPUT_MAX)
				;
			return true;
		}
	}
}

struct probe {
	struct health_result res;
	struct output out;
	char *error; /* the output when it could not start */
	int64_t timeout_ns;
};

/* Kill what the check started: its process group (it leads one, setsid),
 * then the process itself. It is our unreaped child: its pid is ours. */
static void kill_probe(struct rt_container *c)
{
	kill(-c->pid, SIGKILL);
	rt_signal(c, SIGKILL, NULL);
}

static void run_probe(const struct exec_target *t, const struct spec_process *p, struct probe *pr)
{
	int fds[2] = { -1, -1 };
	struct rt_container *c = NULL;
	md_error err;

	pr->res.start_ns = now_ns();
	pr->res.exit_code = -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		pr->error = xasprintf("pipe: %s", strerror(errno));
	} else if (exec_target_start(t, p, (const int[3]){ -1, fds[1], fds[1] }, &c, &err) < 0) {
		pr->error = xstrdup(err.msg);
	} else {
		close(TAKE_FD(fds[1]));
		if (!collect(fds[0], c->pidfd, md_now_ms() + pr->timeout_ns / HEALTH_NS_PER_MS,
			     &pr->out)) {
			char d[64];

			kill_probe(c);
			health_format_duration(pr->timeout_ns, d, sizeof(d));
			pr->error = xasprintf("Health check exceeded timeout (%s)", d);
		}
		if (rt_wait(c, &err) == 0 && !pr->error)
			pr->res.exit_code = rt_exit_code(c->wait_status);
	}
	pr->res.end_ns = now_ns();
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	rt_container_free(c);
}

struct record_ctx {
	const struct health_result *res;
	const char *started_at; /* the run the check belongs to */
};

static int record_result(struct container_record *c, void *ctx, md_error *err)
{
	const struct record_ctx *x = ctx;

	/* Stopped or started again meanwhile: the result is of the past. */
	if (c->state.status != CONTAINER_RUNNING || strcmp(c->state.started_at, x->started_at))
		return md_error_set(err, 0, "container %s is not running", c->id);
	health_apply(&c->state.health, c->config.healthcheck, started_ns(c->state.started_at),
		     x->res);
	return 0;
}

static int check(const char *root, const struct exec_target *t, md_error *err)
{
	json_object *hc = t->rec.config.healthcheck;
	cleanup_strv char **args = probe_args(hc);
	struct engine_exec_request r = { .root = root, .args = args };
	json_object *timeout = md_json_member_of(hc, "Timeout", json_type_int);
	struct spec_process *p = NULL;
	struct probe pr = { .timeout_ns = timeout ? json_object_get_int64(timeout) : 0 };
	struct record_ctx x = { &pr.res, t->rec.state.started_at };
	int ret;

	if (pr.timeout_ns <= 0)
		pr.timeout_ns = HEALTH_DEFAULT_TIMEOUT_NS;
	if (exec_target_process(t, &r, &p, err) < 0)
		return -1;
	run_probe(t, p, &pr);
	spec_process_free(p);
	if (pr.out.truncated)
		memcpy(pr.out.buf + pr.out.len, "...", 4);
	else
		pr.out.buf[pr.out.len] = '\0';
	pr.res.output = pr.error ? pr.error : pr.out.buf;
	ret = records_update(root, t->rec.id, record_result, &x, err);
	free(pr.error);
	return ret;
}

int engine_health_check(const char *root, const char *what, md_error *err)
{
	struct exec_target t;
	long interval, start_period;
	int ret = -1;

	if (exec_target_open(root, what, &t, err) < 0)
		goto out;
	if (health_interval_ms(t.rec.config.healthcheck, &interval, &start_period) != 0) {
		md_error_set(err, 0, "container %s has no health check", t.rec.id);
		goto out;
	}
	ret = check(root, &t, err);
out:
	exec_target_close(&t);
	return ret;
}
