/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker push: an image of the store to a registry (engine/registry/
 * push.h), with Docker's output: "The push refers to repository [NAME]",
 * the layers' progress, "TAG: digest: sha256:HEX size: N". Failures exit
 * 1. */
#include "cli/common/progress.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "cli/docker/registry-opts.h"
#include "engine/images/reference.h"
#include "engine/registry/push.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PUSH_EXIT_FAILURE 1

static const char push_usage[] =
	"Usage: mydocker push [OPTIONS] NAME[:TAG]\n"
	"\n"
	"Upload an image to a registry: the layers the repository lacks (mounted\n"
	"from another repository of the registry where it has them), then the\n"
	"manifest, byte for byte, so the image keeps its digest.\n"
	"\n"
	"Options:\n"
	"      --authfile FILE   credentials file (default $REGISTRY_AUTH_FILE, else\n"
	"                        ~/.docker/config.json)\n"
	"      --cert-dir DIR    the registry's certificates (*.crt, *.cert,\n"
	"                        *.key) instead of certs.d/HOST:PORT\n"
	"  -q, --quiet           print only the pushed reference\n"
	"      --help            print this help\n";

enum { OPT_AUTHFILE = 256, OPT_CERT_DIR };

static const struct option push_opts[] = {
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },
	{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def push_def = {
	"push", push_usage, "q", push_opts, 1, 1, PUSH_EXIT_FAILURE,
};

struct push_flags {
	bool quiet;
	const char *auth_file, *cert_dir;
};

static int push_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct push_flags *f = ctx;

	if (c == 'q')
		f->quiet = true;
	else if (c == OPT_AUTHFILE)
		f->auth_file = arg;
	else if (c == OPT_CERT_DIR)
		f->cert_dir = arg;
	return 0;
}

/* $MYDOCKER_PUSH_CHUNK_SIZE: blobs above this many bytes go in chunks. */
static int chunk_size(uint64_t *chunk, md_error *err)
{
	const char *s = getenv("MYDOCKER_PUSH_CHUNK_SIZE");
	char *end;

	*chunk = 0;
	if (!s || !s[0])
		return 0;
	errno = 0;
	*chunk = strtoull(s, &end, 10);
	if (errno || *end || *chunk == 0 || s[0] == '-')
		return md_error_set(err, 0,
				    "MYDOCKER_PUSH_CHUNK_SIZE: `%s` is not a number of bytes", s);
	return 0;
}

/* Whether the user named a tag (Docker says which it picked otherwise). */
static bool names_tag(const char *s)
{
	const char *slash = strrchr(s, '/'), *colon = strrchr(s, ':');

	return strchr(s, '@') || (colon && (!slash || colon > slash));
}

/* The size of the manifest blob, for the closing line. */
static long long manifest_size(struct image_store *s, const char *digest)
{
	cleanup_free char *path = blobs_path(image_store_blobs(s), digest, NULL);
	struct stat st;

	return path && stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static int push(struct image_store *s, const char *name, const struct push_flags *f, md_error *err)
{
	struct push_opts o = { .report = cli_progress_event };
	struct cli_progress *p = NULL;
	cleanup_free char *repo = NULL, *full = NULL;
	char digest[BLOB_DIGEST_MAX];
	struct image_ref ref;
	int rc;

	if (chunk_size(&o.chunk, err) < 0 ||
	    cli_registry_opts(&o.reg, f->auth_file, f->cert_dir, err) < 0 ||
	    ref_parse(name, &ref, err) < 0)
		return -1;
	repo = ref_name(&ref, REF_FULL);
	full = ref_string(&ref, REF_FULL);
	if (!f->quiet) {
		if (!names_tag(name))
			printf("Using default tag: %s\n", ref.tag);
		printf("The push refers to repository [%s]\n", repo);
		fflush(stdout);
	}
	p = cli_progress_new(stdout, f->quiet);
	cli_progress_set_push(p);
	o.report_arg = p;
	rc = image_push(s, name, NULL, &o, digest, err);
	cli_progress_free(p);
	if (rc == 0 && f->quiet)
		printf("%s\n", full);
	else if (rc == 0)
		printf("%s: digest: %s size: %lld\n", ref.tag ? ref.tag : "latest", digest,
		       manifest_size(s, digest));
	ref_free(&ref);
	return rc;
}

int cmd_push(struct cli_log *log, int argc, char **argv)
{
	struct push_flags f = { 0 };
	struct image_store *s;
	md_error err;
	int r;

	r = cli_parse_flags(&push_def, argc, argv, push_flag, &f, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = image_store_open(mydocker_root, &err);
	r = s ? push(s, argv[optind], &f, &err) : -1;
	image_store_close(s);
	if (r < 0) {
		err.status = PUSH_EXIT_FAILURE;
		return cli_fail(log, &err);
	}
	return 0;
}
