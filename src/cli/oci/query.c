/* SPDX-License-Identifier: Apache-2.0 */
/* state, list, kill. */
#include "cli/oci/oci-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define JSON_OUT                                                                                   \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_NOSLASHESCAPE)

static const struct option help_only[] = { { "help", no_argument, NULL, 'h' },
					   { NULL, 0, NULL, 0 } };

int oci_state(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_flags f = { .usage = "Usage: mydocker-runtime state ID\n",
			       .options = help_only,
			       .shortopts = "h" };
	struct rt_oci rt = oci_rt(ctx);
	struct rt_state *st = NULL;
	enum rt_status s;
	json_object *js;
	const char *id;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_id(&f, argc, argv, &id, &err);
	if (r == 0)
		r = rt_oci_state(&rt, id, &st, &s, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	js = state_oci_json(st, s);
	puts(json_object_to_json_string_ext(js, JSON_OUT));
	json_object_put(js);
	state_free(st);
	return 0;
}

struct list_opts {
	bool quiet;
	bool json;
};

static int list_flag(void *self, int c, const char *arg, md_error *err)
{
	struct list_opts *o = self;

	if (c == 'q')
		o->quiet = true;
	else if (c == 'f' && strcmp(arg, "json") == 0)
		o->json = true;
	else if (c == 'f' && strcmp(arg, "table") != 0)
		return md_error_set(err, EINVAL, "list: unknown format `%s`", arg);
	return 0;
}

static void list_one(struct oci_ctx *ctx, const char *id, const struct list_opts *o,
		     json_object *all)
{
	struct rt_oci rt = oci_rt(ctx);
	struct rt_state *st = NULL;
	enum rt_status s;

	/* one removed since the listing is no error */
	if (rt_oci_state(&rt, id, &st, &s, NULL) < 0)
		return;
	if (o->quiet)
		puts(id);
	else if (o->json)
		json_object_array_add(all, state_oci_json(st, s));
	else
		printf("%-20s %-8d %-10s %-40s %-32s %s\n", id,
		       s == RT_STATUS_STOPPED ? 0 : (int)st->pid, rt_status_name(s),
		       st->bundle ? st->bundle : "", st->created ? st->created : "",
		       st->owner ? st->owner : "");
	state_free(st);
}

int oci_list(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' },
					      { "format", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct list_opts o = { 0 };
	struct oci_flags f = { .usage = "Usage: mydocker-runtime list [-q] [--format table|json]\n",
			       .options = opts,
			       .shortopts = "qf:h",
			       .on_flag = list_flag,
			       .self = &o };
	struct rt_oci rt = oci_rt(ctx);
	cleanup_strv char **ids = NULL;
	json_object *all = json_object_new_array();
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r == 0)
		r = rt_oci_list(&rt, &ids, &err);
	if (r) {
		json_object_put(all);
		return r > 0 ? 0 : oci_fail(ctx, &err);
	}
	if (!o.quiet && !o.json)
		printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (size_t i = 0; ids && ids[i]; i++)
		list_one(ctx, ids[i], &o, all);
	if (o.json)
		puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN));
	json_object_put(all);
	return 0;
}

static int kill_flag(void *self, int c, const char *arg, md_error *err)
{
	if (c == 'a')
		*(bool *)self = true;
	return 0;
}

int oci_kill(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	bool all = false;
	struct oci_flags f = { .usage = "Usage: mydocker-runtime kill [--all] ID [SIGNAL]\n",
			       .options = opts,
			       .shortopts = "ah",
			       .on_flag = kill_flag,
			       .self = &all };
	struct rt_oci rt = oci_rt(ctx);
	int r, sig = SIGTERM;
	md_error err;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r)
		return r > 0 ? 0 : oci_fail(ctx, &err);
	if (optind >= argc || argc - optind > 2) {
		md_error_set(&err, EINVAL, "kill: want ID [SIGNAL]");
		return oci_fail(ctx, &err);
	}
	if (argc - optind == 2 && (sig = spec_signal_number(argv[optind + 1])) <= 0) {
		md_error_set(&err, EINVAL, "kill: unknown signal `%s`", argv[optind + 1]);
		return oci_fail(ctx, &err);
	}
	r = rt_oci_kill(&rt, argv[optind], sig, all, &err);
	return r < 0 ? oci_fail(ctx, &err) : 0;
}
