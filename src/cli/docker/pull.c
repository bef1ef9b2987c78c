/* SPDX-License-Identifier: Apache-2.0 */
/* pull, and the pull that run does for an image it lacks (--pull). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/common/progress.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "cli/docker/registry-opts.h"
#include "engine/images/reference.h"
#include "engine/registry/pull.h"
#include "util/cleanup.h"
#include "util/util.h"

static const char pull_usage[] =
	"Usage: mydocker pull [OPTIONS] NAME[:TAG|@DIGEST]\n"
	"\n"
	"Download an image from a registry.\n"
	"\n"
	"Options:\n"
	"      --platform OS/ARCH[/VARIANT]  pick this platform from a\n"
	"                              multi-platform image (default: this host's)\n"
	"  -q, --quiet                 print only the image's full name\n"
	"      --authfile FILE         the credentials file (default\n"
	"                              $REGISTRY_AUTH_FILE, else ~/.docker/config.json)\n"
	"      --cert-dir DIR          the registry's certificates (*.crt, *.cert,\n"
	"                              *.key) instead of certs.d/HOST:PORT\n"
	"      --help                  print this help\n";

enum { OPT_PLATFORM = 256, OPT_AUTHFILE, OPT_CERT_DIR };

static const struct option pull_opts[] = {
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "quiet", no_argument, NULL, 'q' },
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },
	{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

struct pull_flags {
	const char *platform, *auth_file, *cert_dir;
	bool quiet;
};

static int pull_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct pull_flags *f = ctx;

	if (c == OPT_PLATFORM)
		f->platform = arg;
	else if (c == OPT_AUTHFILE)
		f->auth_file = arg;
	else if (c == OPT_CERT_DIR)
		f->cert_dir = arg;
	else if (c == 'q')
		f->quiet = true;
	return 0;
}

/* Docker's header: "Using default tag: latest", "TAG: Pulling from PATH". */
static void print_header(FILE *out, const char *what, const struct image_ref *r)
{
	if (!strchr(what, '@') && !r->digest &&
	    (!strrchr(what, ':') || strrchr(what, ':') < strrchr(what, '/')))
		fprintf(out, "Using default tag: %s\n", r->tag);
	fprintf(out, "%s: Pulling from %s\n", r->digest ? r->digest : r->tag, r->path);
}

static void print_status(FILE *out, const struct image_ref *r, const struct pull_result *res)
{
	cleanup_free char *familiar = ref_string(r, REF_FAMILIAR);

	fprintf(out, "Digest: %s\n", res->digest);
	fprintf(out, "Status: %s for %s\n",
		res->fresh ? "Downloaded newer image" : "Image is up to date", familiar);
}

int cli_pull(const char *what, const struct cli_pull_opts *po, FILE *out, md_error *err)
{
	struct pull_opts o = { .platform = po->platform };
	struct pull_result res;
	struct image_store *s;
	struct cli_progress *progress;
	struct image_ref r;
	int rc;

	if (ref_parse(what, &r, err) < 0)
		return -1;
	if (cli_registry_opts(&o.reg, po->auth_file, po->cert_dir, err) < 0) {
		ref_free(&r);
		return -1;
	}
	if (!po->quiet)
		print_header(out, what, &r);
	progress = cli_progress_new(out, po->quiet);
	o.report = cli_progress_event;
	o.report_arg = progress;
	s = image_store_open(mydocker_root, err);
	rc = s ? image_pull(s, what, &o, &res, err) : -1;
	image_store_close(s);
	cli_progress_free(progress);
	if (rc == 0 && !po->quiet)
		print_status(out, &r, &res);
	if (rc == 0 && !po->to_stderr)
		fprintf(out, "%s\n", res.ref);
	/* The message names the registry's answer or libcurl's reason
	 * already: no strerror after it. */
	if (rc < 0)
		err->errnum = 0;
	ref_free(&r);
	return rc;
}

int cmd_pull(struct cli_log *log, int argc, char **argv)
{
	static const struct cmd_def def = {
		.name = "pull",
		.usage = pull_usage,
		.shortopts = "q",
		.opts = pull_opts,
		.min_args = 1,
		.max_args = 1,
		.fail_status = 1,
	};
	struct pull_flags f = { 0 };
	struct cli_pull_opts po = { 0 };
	md_error err;
	int r;

	r = cli_parse_flags(&def, argc, argv, pull_flag, &f, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	po.platform = f.platform;
	po.auth_file = f.auth_file;
	po.cert_dir = f.cert_dir;
	po.quiet = f.quiet;
	if (cli_pull(argv[optind], &po, stdout, &err) < 0) {
		err.status = 1;
		return cli_engine_fail(log, &err);
	}
	return 0;
}
