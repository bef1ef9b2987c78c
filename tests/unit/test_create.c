/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/create.c: the image's config and run's flags merged as
 * dockerd does (Env, Entrypoint and Cmd, WorkingDir, User); Path and Args;
 * etcfiles.c: /etc/hosts and /etc/resolv.conf. */
#include "unit.h"

#include "engine/containers/create.h"
#include "engine/containers/etcfiles.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdarg.h>

/* A new vector of the strings given, up to NULL. */
static char **strv(const char *first, ...)
{
	char **v = xmalloc0(sizeof(char *));
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		md_strv_push(&v, s);
	va_end(ap);
	return v;
}

static struct image_config image(bool entrypoint)
{
	struct image_config c = { 0 };

	c.env = strv("PATH=/bin", "A=image", NULL);
	c.cmd = strv("sh", NULL);
	c.entrypoint = entrypoint ? strv("/entry", "-x", NULL) : NULL;
	c.working_dir = xstrdup("/srv");
	c.user = xstrdup("daemon");
	c.stop_signal = xstrdup("SIGQUIT");
	return c;
}

static void image_free(struct image_config *c)
{
	md_strv_free(c->env);
	md_strv_free(c->cmd);
	md_strv_free(c->entrypoint);
	free(c->working_dir);
	free(c->user);
	free(c->stop_signal);
}

static struct engine_run_request request(char **args)
{
	struct engine_run_request r = { 0 };

	r.config.args = args;
	r.io.in_fd = -1;
	return r;
}

/* Path and Args joined by spaces. Caller frees. */
static char *command_of(const struct container_config *k)
{
	cleanup_free char *path = NULL;
	cleanup_strv char **args = NULL;
	char *s;

	create_command(k, &path, &args);
	s = xstrdup(path);
	for (size_t i = 0; args[i]; i++) {
		char *t = xasprintf("%s %s", s, args[i]);
		free(s);
		s = t;
	}
	return s;
}

TEST(create_env_merged_by_name)
{
	struct image_config img = image(false);
	cleanup_strv char **user_env = strv("A=user", "B=2", NULL);
	struct engine_run_request r = request(NULL);
	struct container_config k;
	md_error err;

	r.config.env = user_env;
	CHECK(create_config(&img, &r, &k, &err) == 0);
	CHECK_INT(md_strv_len(k.env), 3);
	CHECK_STR(k.env[0], "PATH=/bin");
	CHECK_STR(k.env[1], "A=user");
	CHECK_STR(k.env[2], "B=2");
	CHECK_STR(k.working_dir, "/srv");
	CHECK_STR(k.user, "daemon");
	CHECK_STR(k.stop_signal, "SIGQUIT");
	records_config_free(&k);
	image_free(&img);
}

TEST(create_cmd_and_entrypoint)
{
	struct image_config img = image(false), img_ep = image(true);
	cleanup_strv char **args = strv("echo", "hi", NULL);
	struct engine_run_request r = request(NULL), with_args = request(args);
	struct container_config k;
	md_error err;
	char *s;

	CHECK(create_config(&img, &r, &k, &err) == 0); /* the image's Cmd */
	s = command_of(&k);
	CHECK_STR(s, "sh");
	free(s);
	records_config_free(&k);
	CHECK(create_config(&img, &with_args, &k, &err) == 0); /* COMMAND replaces Cmd */
	s = command_of(&k);
	CHECK_STR(s, "echo hi");
	free(s);
	records_config_free(&k);
	CHECK(create_config(&img_ep, &with_args, &k, &err) == 0); /* after the Entrypoint */
	s = command_of(&k);
	CHECK_STR(s, "/entry -x echo hi");
	free(s);
	records_config_free(&k);
	CHECK(create_config(&img_ep, &r, &k, &err) == 0);
	s = command_of(&k);
	CHECK_STR(s, "/entry -x sh");
	free(s);
	records_config_free(&k);
	image_free(&img);
	image_free(&img_ep);
}

TEST(create_entrypoint_flag_drops_image_cmd)
{
	struct image_config img = image(true);
	cleanup_strv char **args = strv("a", NULL);
	struct engine_run_request r = request(NULL), with_args = request(args),
				  none = request(NULL);
	struct container_config k;
	md_error err;
	char *s;

	r.entrypoint_set = with_args.entrypoint_set = true;
	r.entrypoint = with_args.entrypoint = "echo";
	CHECK(create_config(&img, &r, &k, &err) == 0);
	CHECK(!k.cmd);
	s = command_of(&k);
	CHECK_STR(s, "echo");
	free(s);
	records_config_free(&k);
	with_args.entrypoint = "";
	CHECK(create_config(&img, &with_args, &k, &err) == 0);
	CHECK(!k.entrypoint);
	s = command_of(&k);
	CHECK_STR(s, "a");
	free(s);
	records_config_free(&k);
	r.entrypoint = ""; /* nothing left to run */
	CHECK(create_config(&img, &r, &k, &err) < 0);
	CHECK_STR(err.msg, "no command specified");
	records_config_free(&k);
	CHECK(create_config(NULL, &none, &k, &err) < 0);
	records_config_free(&k);
	image_free(&img);
}

TEST(create_flags_override_image)
{
	struct image_config img = image(false);
	struct engine_run_request r = request(NULL);
	struct container_config k;
	md_error err;

	r.config.workdir = "/w";
	r.user = "0:0";
	r.config.hostname = "box";
	r.config.tty = true;
	r.io.in_fd = 0;
	CHECK(create_config(&img, &r, &k, &err) == 0);
	CHECK_STR(k.working_dir, "/w");
	CHECK_STR(k.user, "0:0");
	CHECK_STR(k.hostname, "box");
	CHECK(k.tty && k.open_stdin);
	records_config_free(&k);
	image_free(&img);
}

TEST(etc_hosts_and_resolv)
{
	cleanup_free char *hosts = etc_hosts_text("box"), *r1 = NULL, *r2 = NULL, *r3 = NULL;

	CHECK(strstr(hosts, "127.0.0.1\tlocalhost\n"));
	CHECK(strstr(hosts, "::1\tlocalhost ip6-localhost ip6-loopback\n"));
	CHECK(strstr(hosts, "\tbox\n"));
	r1 = etc_resolv_text("# comment\nnameserver 127.0.0.53\nnameserver ::1\n"
			     "search example.com\noptions edns0\n");
	CHECK_STR(r1, "# comment\nsearch example.com\noptions edns0\n"
		      "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	r2 = etc_resolv_text("nameserver 10.0.0.1\nnameserver 127.0.0.1\n");
	CHECK_STR(r2, "nameserver 10.0.0.1\n");
	r3 = etc_resolv_text(NULL);
	CHECK_STR(r3, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}
