/* SPDX-License-Identifier: Apache-2.0 */
/* One flag parser for the Docker-style commands, so that each says
 * "unknown flag" and "requires at least 1 argument." in Docker's words. */
#include "cli/docker/flags.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>

const struct option cli_help_only_opts[] = {
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static int fail_status(const struct cmd_def *d, md_error *err)
{
	err->status = d->fail_status;
	return -1;
}

/* Docker's words for n arguments where the command takes another count. */
static int arg_count_error(const struct cmd_def *d, int n, md_error *err)
{
	const char *word = d->min_args == 1 && d->max_args != 0 ? "argument" : "arguments";
	char what[96];

	if (d->max_args == 0)
		snprintf(what, sizeof(what), "accepts no arguments");
	else if (d->min_args == d->max_args)
		snprintf(what, sizeof(what), "requires exactly %d %s", d->min_args, word);
	else if (d->min_args > 0 && d->max_args > 0)
		snprintf(what, sizeof(what), "requires at least %d and at most %d arguments",
			 d->min_args, d->max_args);
	else if (n < d->min_args)
		snprintf(what, sizeof(what), "requires at least %d %s", d->min_args, word);
	else
		snprintf(what, sizeof(what), "accepts at most %d argument%s", d->max_args,
			 d->max_args == 1 ? "" : "s");
	md_error_set(err, 0, "\"mydocker %s\" %s.\nSee 'mydocker %s --help'.", d->name, what,
		     d->name);
	return fail_status(d, err);
}

int cli_parse_flags(const struct cmd_def *d, int argc, char **argv, cli_flag_fn fn, void *ctx,
		    md_error *err)
{
	/* "+": flags stop at the first argument (a command's own flags follow
	 * it); ":": a missing value is told apart from an unknown flag. */
	cleanup_free char *shortopts = xasprintf("+:%s", d->shortopts);
	int c, n;

	md_error_clear(err);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, d->opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return md_error_set(err, 0, "%s `%s`\nSee 'mydocker %s --help'.",
					    c == '?' ? "unknown flag" : "flag needs an argument:",
					    argv[optind - 1], d->name);
		if (c == 'H') {
			fputs(d->usage, stdout);
			return 1;
		}
		if (fn && fn(ctx, c, optarg, err) < 0)
			return fail_status(d, err);
	}
	n = argc - optind;
	if (n < d->min_args || (d->max_args >= 0 && n > d->max_args))
		return arg_count_error(d, n, err);
	return 0;
}

int cli_flags_failed(struct cli_log *log, int r, const md_error *err)
{
	return r > 0 ? 0 : cli_fail(log, err);
}
