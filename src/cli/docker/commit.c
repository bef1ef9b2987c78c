/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker import, export and commit: flags in, one engine call, the new
 * image's id or the tar out. As Docker's CLI: a bad flag exits 125, a
 * wrong number of arguments or a failure exits 1. */
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/commit.h"
#include "engine/images/commit.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_usage[] =
	"Usage: mydocker import [OPTIONS] FILE|- [REPOSITORY[:TAG]]\n"
	"\n"
	"Create an image from a root filesystem tar (plain, gzip, zstd, bzip2 or\n"
	"xz; - reads standard input).\n"
	"\n"
	"Options:\n"
	"  -c, --change CHANGE    apply a Dockerfile instruction to the image's config\n"
	"                         (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL,\n"
	"                         USER, VOLUME, WORKDIR); repeatable\n"
	"  -m, --message TEXT     the comment of the image's history entry\n"
	"      --help             print this help\n";

static const char export_usage[] =
	"Usage: mydocker export [OPTIONS] CONTAINER\n"
	"\n"
	"Write a container's filesystem as a tar archive.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      write to FILE instead of standard output\n"
	"      --help             print this help\n";

static const char commit_usage[] =
	"Usage: mydocker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n"
	"\n"
	"Create a new image from a container's changes.\n"
	"\n"
	"Options:\n"
	"  -a, --author TEXT      the image's author (e.g. \"Name <name@example.com>\")\n"
	"  -c, --change CHANGE    apply a Dockerfile instruction to the image's config\n"
	"                         (as import's); repeatable\n"
	"  -m, --message TEXT     the comment of the image's history entry\n"
	"      --help             print this help\n";

struct flags {
	char **changes;
	const char *message, *author, *output;
};

static void flags_free(struct flags *f)
{
	md_strv_free(f->changes);
}
#define cleanup_flags __attribute__((cleanup(flags_free)))

/* The flags of all three commands: each table has only its own. */
static int take_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct flags *f = ctx;

	if (c == 'c')
		md_strv_push(&f->changes, arg);
	else if (c == 'm')
		f->message = arg;
	else if (c == 'a')
		f->author = arg;
	else if (c == 'o')
		f->output = arg;
	return 0;
}

/* Docker's exit status for a failure after the flags; "No such ..." is
 * a lookup's answer (errnum ENOENT for callers), not a failed call. */
static int fail(struct cli_log *log, md_error *err)
{
	if (md_str_has_prefix(err->msg, "No such "))
		err->errnum = 0;
	err->status = 1;
	return cli_fail(log, err);
}

static const struct option import_options[] = {
	{ "change", required_argument, NULL, 'c' },
	{ "message", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

/* FILE or - (stdin) into the store as an image. */
static int import_file(const char *file, const struct image_new_opts *o, char id[BLOB_DIGEST_MAX],
		       md_error *err)
{
	cleanup_close int fd =
		strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : fcntl(0, F_DUPFD_CLOEXEC, 3);
	struct image_store *s;
	int r;

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", file);
	s = image_store_open(mydocker_root, err);
	if (!s)
		return -1;
	r = image_import(s, fd, o, id, err);
	image_store_close(s);
	return r;
}

/* Makes an image of what (a file or a container) with o; its id in id. */
typedef int (*make_fn)(const char *what, const struct image_new_opts *o, char id[BLOB_DIGEST_MAX],
		       md_error *err);

/* import and commit: flags, one image made, its id printed. */
static int new_image(struct cli_log *log, const struct cmd_def *d, int argc, char **argv,
		     make_fn make)
{
	cleanup_flags struct flags f = { 0 };
	md_error err;
	char id[BLOB_DIGEST_MAX];
	int r = cli_parse_flags(d, argc, argv, take_flag, &f, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	r = make(argv[optind],
		 &(struct image_new_opts){ .changes = f.changes,
					   .message = f.message,
					   .author = f.author,
					   .ref = argv[optind + 1] },
		 id, &err);
	if (r < 0)
		return fail(log, &err);
	printf("%s\n", id);
	return 0;
}

int cmd_import(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "import", import_usage, "c:m:", import_options, 1, 2, 1 };

	return new_image(log, &d, argc, argv, import_file);
}

static const struct option commit_options[] = {
	{ "author", required_argument, NULL, 'a' },
	{ "change", required_argument, NULL, 'c' },
	{ "message", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static int commit_container(const char *ctr, const struct image_new_opts *o,
			    char id[BLOB_DIGEST_MAX], md_error *err)
{
	return engine_commit(mydocker_root, ctr, o, id, err);
}

int cmd_commit(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = {
		"commit", commit_usage, "a:c:m:", commit_options, 1, 2, 1
	};

	return new_image(log, &d, argc, argv, commit_container);
}

/* -o FILE: a temporary file next to it, renamed over it once whole. */
static int export_to_file(const char *ctr, const char *path, md_error *err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *tmp =
		slash ? xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
		      : xasprintf(".%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC), r;

	if (fd < 0)
		return md_error_set(err, errno, "create a file next to `%s`", path);
	r = engine_export(mydocker_root, ctr, fd, err);
	if (r == 0 && (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, path) < 0))
		r = md_error_set(err, errno, "write `%s`", path);
	close(fd);
	if (r < 0)
		unlink(tmp);
	return r;
}

static const struct option export_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

int cmd_export(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def d = { "export", export_usage, "o:", export_options, 1, 1, 1 };
	cleanup_flags struct flags f = { 0 };
	md_error err;
	int r = cli_parse_flags(&d, argc, argv, take_flag, &f, &err);

	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (f.output)
		r = export_to_file(argv[optind], f.output, &err);
	else if (isatty(1))
		r = md_error_set(&err, 0,
				 "cowardly refusing to save to a terminal. Use the -o flag or "
				 "redirect");
	else
		r = engine_export(mydocker_root, argv[optind], 1, &err);
	return r < 0 ? fail(log, &err) : 0;
}
