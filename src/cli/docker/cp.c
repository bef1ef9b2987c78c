/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker cp and diff (engine/containers/copy.h, diff.h): flags in, one
 * engine call, diff's lines out. As Docker's CLI: a bad flag exits 125, a
 * wrong number of arguments or a failure exits 1. */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/copy.h"
#include "engine/containers/diff.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static const char cp_usage[] =
	"Usage: mydocker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
	"       mydocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n"
	"\n"
	"Copy files/folders between a container and the local filesystem.\n"
	"\n"
	"Use '-' as the source to read a tar archive from stdin and extract it\n"
	"to a directory destination in a container. Use '-' as the destination\n"
	"to stream a tar archive of a container source to stdout.\n"
	"\n"
	"Options:\n"
	"  -a, --archive          keep the uid/gid of what is copied in (else 0:0)\n"
	"  -L, --follow-link      always follow a symlink in SRC_PATH\n"
	"  -q, --quiet            print no progress (mydocker never does)\n"
	"      --help             print this help\n";

static const char diff_usage[] =
	"Usage: mydocker diff CONTAINER\n"
	"\n"
	"Inspect changes to files or directories on a container's filesystem:\n"
	"A added, C changed, D deleted.\n"
	"\n"
	"Options:\n"
	"      --help             print this help\n";

static const struct option cp_options[] = {
	{ "archive", no_argument, NULL, 'a' },
	{ "follow-link", no_argument, NULL, 'L' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static int cp_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct copy_request *r = ctx;

	if (c == 'a')
		r->archive = true;
	else if (c == 'L')
		r->follow = true;
	return 0;
}

/* Docker's failures after the flags exit 1; its messages that name what
 * is missing are not a failed call's. */
static int fail(struct cli_log *log, md_error *err)
{
	static const char *const words[] = { "No such container: ", "Could not find the file ",
					     "lstat " };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (md_str_has_prefix(err->msg, words[i]))
			err->errnum = 0;
	err->status = 1;
	return cli_fail(log, err);
}

/* CONTAINER:PATH, as Docker splits it: an absolute path, or one that
 * starts with "." (./a:b), or one without ':' is the host's. */
static bool split_arg(char *arg, char **container, char **path)
{
	char *colon = strchr(arg, ':');

	if (arg[0] == '/' || arg[0] == '.' || !colon) {
		*path = arg;
		return false;
	}
	*colon = '\0';
	*container = arg;
	*path = colon + 1;
	return true;
}

static int cp_args(struct copy_request *r, char *src, char *dst, md_error *err)
{
	char *src_ctr = NULL, *dst_ctr = NULL, *src_path, *dst_path;
	bool from = split_arg(src, &src_ctr, &src_path), to = split_arg(dst, &dst_ctr, &dst_path);

	if (from && to)
		return md_error_set(err, 0, "copying between containers is not supported");
	if (!from && !to)
		return md_error_set(err, 0, "must specify at least one container source");
	if (!*src_path)
		return md_error_set(err, 0, "source can not be empty");
	if (!*dst_path)
		return md_error_set(err, 0, "destination can not be empty");
	r->to_container = to;
	r->container = to ? dst_ctr : src_ctr;
	r->path = to ? dst_path : src_path;
	r->host = to ? src_path : dst_path;
	return 0;
}

int cmd_cp(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "cp", cp_usage, "aLq", cp_options, 2, 2, 1 };
	struct copy_request r = { .root = mydocker_root, .in_fd = 0, .out_fd = 1 };
	md_error err;
	int rc = cli_parse_flags(&d, argc, argv, cp_flag, &r, &err);

	if (rc != 0)
		return cli_flags_failed(log, rc, &err);
	if (cp_args(&r, argv[optind], argv[optind + 1], &err) < 0 || engine_copy(&r, &err) < 0)
		return fail(log, &err);
	return 0;
}

int cmd_diff(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "diff", diff_usage, "", cli_help_only_opts, 1, 1, 1 };
	struct diff_change *changes = NULL;
	size_t n = 0;
	md_error err;
	int rc = cli_parse_flags(&d, argc, argv, NULL, NULL, &err);

	if (rc != 0)
		return cli_flags_failed(log, rc, &err);
	if (engine_diff(mydocker_root, argv[optind], &changes, &n, &err) < 0)
		return fail(log, &err);
	for (size_t i = 0; i < n; i++)
		printf("%c %s\n", changes[i].kind, changes[i].path);
	diff_changes_free(changes, n);
	return 0;
}
