/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker-init: the PID 1 of a container run with --init, bind-mounted at
 * /sbin/docker-init as Docker's docker-init (tini) is.
 *
 *   mydocker-init [--] CMD [ARG...]
 *
 * A program that is PID 1 by accident does not reap the orphans the kernel
 * gives it, and the kernel ignores every signal PID 1 has no handler for
 * (a `sh -c 'sleep 100'` never ends on SIGTERM). So this small parent runs
 * CMD as its only child, forwards it every signal it gets, reaps every
 * zombie, and exits with the child's status once the child ends (its
 * exit code, or 128 + the signal that killed it). libc only: it is built
 * static with musl (Makefile) and runs in any image. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "mydocker-init"

/* Faults that the kernel raises on a bug of ours: left unblocked, so that
 * such a bug kills us rather than being "forwarded". */
static const int fault_signals[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };

static void say(const char *what, const char *arg, int errnum)
{
	fprintf(stderr, "%s: %s%s%s%s%s\n", PROG, what, arg ? " " : "", arg ? arg : "",
		errnum ? ": " : "", errnum ? strerror(errnum) : "");
}

/* Every catchable signal but the faults, blocked from now on; the old
 * mask saved for the child. */
static int block_signals(sigset_t *set, sigset_t *old)
{
	sigfillset(set);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		sigdelset(set, fault_signals[i]);
	return sigprocmask(SIG_SETMASK, set, old);
}

/* In the child: a process group of its own, in the terminal's foreground
 * when there is one (job control for an interactive shell), then CMD.
 * tcsetpgrp runs while SIGTTOU is still blocked, so it is not stopped
 * for asking from a background group. The shell's codes when exec fails:
 * 127 not found, 126 found but not runnable. */
static void run_child(char **argv, const sigset_t *old)
{
	int e;

	if (setpgid(0, 0) < 0)
		say("setpgid", NULL, errno);
	if (isatty(STDIN_FILENO) && tcsetpgrp(STDIN_FILENO, getpgrp()) < 0)
		say("tcsetpgrp", NULL, errno);
	sigprocmask(SIG_SETMASK, old, NULL);
	execvp(argv[0], argv);
	e = errno;
	say("exec", argv[0], e);
	_exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

static int status_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Reap whatever has ended; true (and *status) once child has. */
static bool reap(pid_t child, int *status)
{
	bool done = false;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == child) {
			*status = st;
			done = true;
		}
	}
	if (pid < 0 && errno != ECHILD)
		say("waitpid", NULL, errno);
	return done;
}

/* Wait for signals: SIGCHLD means reap, any other goes to the child (a
 * child already gone is no error). The timeout is a safety net for a
 * SIGCHLD that was merged with another. */
static int supervise(pid_t child, const sigset_t *set)
{
	const struct timespec tick = { .tv_sec = 1 };
	siginfo_t si;
	int status = 0;

	for (;;) {
		int sig = sigtimedwait(set, &si, &tick);

		if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			say("sigtimedwait", NULL, errno);
			return 1;
		}
		if (sig > 0 && sig != SIGCHLD && kill(child, sig) < 0 && errno != ESRCH)
			say("forward a signal", NULL, errno);
		if (reap(child, &status))
			return status_code(status);
	}
}

int main(int argc, char **argv)
{
	sigset_t set, old;
	char **cmd = argv + 1;
	pid_t child;

	if (argc > 1 && strcmp(argv[1], "--") == 0)
		cmd++;
	if (!*cmd) {
		fprintf(stderr, "Usage: %s [--] CMD [ARG...]\n", PROG);
		return 1;
	}
	/* Not PID 1 (a test, a nested use): orphans below still come to us. */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		say("PR_SET_CHILD_SUBREAPER", NULL, errno);
	if (block_signals(&set, &old) < 0) {
		say("sigprocmask", NULL, errno);
		return 1;
	}
	child = fork();
	if (child < 0) {
		say("fork", NULL, errno);
		return 1;
	}
	if (child == 0)
		run_child(cmd, &old);
	return supervise(child, &set);
}
