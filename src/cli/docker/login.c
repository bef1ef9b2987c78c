/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker login and logout: credentials checked against the registry
 * (registry_ping) and kept in Docker's config.json (engine/registry/
 * auth.h). A password is read from a flag, stdin or a prompt with echo
 * off; it never goes into an error, a log or another program's argv, and
 * our copies of it are wiped before they are freed. Failures exit 1. */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "cli/docker/registry-opts.h"
#include "engine/registry/auth.h"
#include "engine/registry/registry.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define LOGIN_EXIT_FAILURE 1
/* The longest username or password we read (a cloud registry's token
 * stands for a password and runs to a few KiB). */
#define LOGIN_LINE_MAX 32768

static const char login_usage[] =
	"Usage: mydocker login [OPTIONS] [SERVER]\n"
	"\n"
	"Log in to a registry: check the credentials with it, then keep them in\n"
	"the credentials file. SERVER is HOST, HOST:PORT or a URL; the default is\n"
	"docker.io. On a terminal, asks for what the flags do not give.\n"
	"\n"
	"Options:\n"
	"  -u, --username USER    username\n"
	"  -p, --password PASS    password (visible to other users: prefer\n"
	"                         --password-stdin)\n"
	"      --password-stdin   read the password from STDIN (one line)\n"
	"      --authfile FILE    credentials file (default $REGISTRY_AUTH_FILE, else\n"
	"                         ~/.docker/config.json)\n"
	"      --cert-dir DIR     the registry's certificates (*.crt, *.cert,\n"
	"                         *.key) instead of certs.d/HOST:PORT\n"
	"      --help             print this help\n";

static const char logout_usage[] =
	"Usage: mydocker logout [OPTIONS] [SERVER]\n"
	"\n"
	"Log out from a registry: remove its credentials from the credentials\n"
	"file. SERVER is HOST, HOST:PORT or a URL; the default is docker.io.\n"
	"\n"
	"Options:\n"
	"      --authfile FILE   credentials file (default $REGISTRY_AUTH_FILE, else\n"
	"                        ~/.docker/config.json)\n"
	"      --help            print this help\n";

enum { OPT_PASSWORD_STDIN = 256, OPT_AUTHFILE, OPT_CERT_DIR };

static const struct option login_opts[] = {
	{ "username", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'p' },
	{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },
	{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct option logout_opts[] = {
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def login_def = {
	"login", login_usage, "u:p:", login_opts, 0, 1, LOGIN_EXIT_FAILURE,
};

static const struct cmd_def logout_def = {
	"logout", logout_usage, "", logout_opts, 0, 1, LOGIN_EXIT_FAILURE,
};

struct login_flags {
	char *user, *password; /* ours, wiped when freed */
	bool password_stdin;
	const char *auth_file, *cert_dir;
};

static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

static int login_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct login_flags *f = ctx;

	switch (c) {
	case 'u':
		free(f->user);
		f->user = xstrdup(arg);
		break;
	case 'p':
		free_secret(f->password);
		f->password = xstrdup(arg);
		/* Out of our argv, which ps shows, now that we have a copy. */
		explicit_bzero((char *)(uintptr_t)arg, strlen(arg));
		break;
	case OPT_PASSWORD_STDIN:
		f->password_stdin = true;
		break;
	case OPT_AUTHFILE:
		f->auth_file = arg;
		break;
	case OPT_CERT_DIR:
		f->cert_dir = arg;
		break;
	}
	return 0;
}

/* SERVER as Docker reads it ("HOST", "HOST:PORT", "https://HOST/..."):
 * the registry's domain; docker.io by default. */
static char *server_domain(const char *server, md_error *err)
{
	static const char host_chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]";
	char *domain = auth_key_domain(server ? server : "docker.io");

	if (!domain[0] || domain[0] == '-' || domain[strspn(domain, host_chars)]) {
		free(domain);
		md_error_set(err, 0, "invalid registry address `%s`", server);
		return NULL;
	}
	return domain;
}

/* One line from fd (without its "\n" or "\r\n"), byte by byte so that
 * nothing past it is read, into a buffer we wipe. */
static int read_line(int fd, char **out, md_error *err)
{
	char *buf = xmalloc0(LOGIN_LINE_MAX + 1);
	size_t n = 0;

	*out = NULL;
	for (;;) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free_secret(buf);
			return md_error_set(err, errno, "read the credentials");
		}
		if (r == 0 || buf[n] == '\n')
			break;
		if (++n == LOGIN_LINE_MAX) {
			free_secret(buf);
			return md_error_set(err, 0, "the credentials are longer than %d bytes",
					    LOGIN_LINE_MAX);
		}
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[n - 1] = '\0';
	*out = buf;
	return 0;
}

/* The terminal's settings while the password is typed without echo, to
 * put back when a signal ends us then. */
static int tty_fd = -1;
static struct termios tty_saved;

static void tty_restore_and_die(int sig)
{
	tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	raise(sig); /* SA_RESETHAND: the default action, once we return */
}

static void catch_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on ? tty_restore_and_die : SIG_DFL,
				.sa_flags = SA_RESETHAND };

	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Ask on the terminal tty; with echo off for a password. */
static int prompt(int tty, const char *question, bool echo, char **answer, md_error *err)
{
	struct termios quiet;
	int r;

	if (md_write_all(tty, question, strlen(question)) < 0)
		return md_error_set(err, errno, "write to /dev/tty");
	if (echo)
		return read_line(tty, answer, err);
	if (tcgetattr(tty, &tty_saved) < 0)
		return md_error_set(err, errno, "read the terminal's settings");
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tty_fd = tty;
	catch_signals(true);
	if (tcsetattr(tty, TCSAFLUSH, &quiet) < 0) {
		catch_signals(false);
		return md_error_set(err, errno, "turn the terminal's echo off");
	}
	r = read_line(tty, answer, err);
	tcsetattr(tty, TCSAFLUSH, &tty_saved);
	catch_signals(false);
	return r;
}

/* What the flags left out, asked on the terminal: the username (the
 * saved one by default, as Docker offers it), then the password. */
static int ask(struct login_flags *f, const char *file, const char *key, md_error *err)
{
	cleanup_close int tty = -1;
	cleanup_free char *question = NULL;
	char *saved = NULL, *saved_password = NULL;

	if (!isatty(0) || (tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0)
		return md_error_set(err, 0,
				    "Cannot perform an interactive login from a non TTY device");
	if (!f->user) {
		if (auth_file_get(file, key, &saved, &saved_password, err) < 0)
			md_error_clear(err); /* a broken file: no default, login rewrites it */
		free_secret(saved_password);
		question = saved ? xasprintf("Username (%s): ", saved) : xstrdup("Username: ");
		if (prompt(tty, question, true, &f->user, err) < 0) {
			free(saved);
			return -1;
		}
		if (!f->user[0] && saved) {
			free(f->user);
			f->user = saved;
			saved = NULL;
		}
		free(saved);
	}
	if (!f->password && f->user[0])
		return prompt(tty, "Password: ", false, &f->password, err);
	return 0;
}

static int credentials(struct login_flags *f, const char *file, const char *key, md_error *err)
{
	if (f->password_stdin) {
		if (f->password)
			return md_error_set(
				err, 0, "--password and --password-stdin are mutually exclusive");
		if (!f->user)
			return md_error_set(err, 0,
					    "Must provide --username with --password-stdin");
		if (read_line(0, &f->password, err) < 0)
			return -1;
	}
	if (f->password && !f->password_stdin)
		fputs("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n",
		      stderr);
	if ((!f->user || !f->password) && ask(f, file, key, err) < 0)
		return -1;
	if (!f->user[0])
		return md_error_set(err, 0, "Non-null Username Required");
	if (!f->password || !f->password[0])
		return md_error_set(err, 0, "Password Required");
	return 0;
}

/* GET /v2/ with the credentials: the registry's word that they hold. */
static int check(const char *domain, const struct login_flags *f, md_error *err)
{
	struct registry_opts o;
	struct registry *r;
	int rc;

	if (cli_registry_opts(&o, f->auth_file, f->cert_dir, err) < 0)
		return -1;
	o.username = f->user;
	o.password = f->password;
	r = registry_open(domain, "", &o, err);
	if (!r)
		return -1;
	rc = registry_ping(r, err);
	registry_close(r);
	/* The message names the registry's answer or libcurl's reason. */
	if (rc < 0)
		err->errnum = 0;
	return rc;
}

static int login(const char *server, struct login_flags *f, md_error *err)
{
	cleanup_free char *domain = server_domain(server, err);
	cleanup_free char *file = NULL;
	const char *key;

	if (!domain)
		return -1;
	key = registry_auth_key(domain);
	file = f->auth_file ? xstrdup(f->auth_file) : auth_file_default();
	if (credentials(f, file, key, err) < 0 || check(domain, f, err) < 0 ||
	    auth_file_set(file, key, f->user, f->password, err) < 0)
		return -1;
	printf("Login Succeeded\n");
	return 0;
}

static void login_flags_free(struct login_flags *f)
{
	free(f->user);
	free_secret(f->password);
}

int cmd_login(struct cli_log *log, int argc, char **argv)
{
	struct login_flags f = { 0 };
	md_error err;
	int r;

	r = cli_parse_flags(&login_def, argc, argv, login_flag, &f, &err);
	if (r != 0) {
		login_flags_free(&f);
		return cli_flags_failed(log, r, &err);
	}
	r = login(argv[optind], &f, &err);
	login_flags_free(&f);
	if (r < 0) {
		err.status = LOGIN_EXIT_FAILURE;
		return cli_fail(log, &err);
	}
	return 0;
}

static int logout_flag(void *ctx, int c, const char *arg, md_error *err)
{
	if (c == OPT_AUTHFILE)
		*(const char **)ctx = arg;
	return 0;
}

int cmd_logout(struct cli_log *log, int argc, char **argv)
{
	const char *auth_file = NULL;
	cleanup_free char *domain = NULL, *file = NULL;
	const char *key;
	md_error err;
	int r;

	r = cli_parse_flags(&logout_def, argc, argv, logout_flag, &auth_file, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	domain = server_domain(argv[optind], &err);
	if (!domain) {
		err.status = LOGIN_EXIT_FAILURE;
		return cli_fail(log, &err);
	}
	key = registry_auth_key(domain);
	file = auth_file ? xstrdup(auth_file) : auth_file_default();
	if (auth_file_remove(file, key, &err) == 0) {
		printf("Removing login credentials for %s\n", key);
		return 0;
	}
	if (err.errnum == ENOENT) {
		printf("Not logged in to %s\n", key);
		return 0;
	}
	err.status = LOGIN_EXIT_FAILURE;
	return cli_fail(log, &err);
}
