/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker load, save, images, tag, rmi, history, inspect and the `image`
 * group: flags in, the image store (engine/images) called, Docker's output
 * printed. Errors are Docker's words and exit status 1. */
#include "cli/common/human.h"
#include "cli/common/template.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/containers/records.h"
#include "engine/images/archive.h"
#include "engine/images/inspect.h"
#include "engine/images/reference.h"
#include "engine/images/remove.h"
#include "engine/images/store.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Docker's CLI exits 1 for a failed image command (125 is for run). */
#define IMAGE_EXIT_FAILURE 1
#define HISTORY_CREATED_BY_MAX 45

/* An image command's flags: a bad value or count of arguments exits 1. */
#define IMAGE_CMD(name, usage, shortopts, opts, min_args, max_args)                                \
	{                                                                                          \
		name, usage, shortopts, opts, min_args, max_args, IMAGE_EXIT_FAILURE               \
	}

/* Every failure of an image command exits 1 (a bad flag's 125 is set by
 * cli_parse_flags, which reports it itself). */
static int fail(struct cli_log *log, md_error *err)
{
	err->status = IMAGE_EXIT_FAILURE;
	return cli_fail(log, err);
}

static struct image_store *open_store(md_error *err)
{
	return image_store_open(mydocker_root, err);
}

/* The tag of a full reference ("latest"), borrowed. */
static const char *ref_tag(const char *full)
{
	const char *slash = strrchr(full, '/'), *colon = strrchr(full, ':');

	return colon && (!slash || colon > slash) ? colon + 1 : "";
}

/* "2 hours ago", or "N/A" without a time. */
static void created_since(const char *created, char *buf, size_t len)
{
	int64_t t;
	char d[48];

	if (cli_parse_rfc3339(created, &t) < 0) {
		snprintf(buf, len, "N/A");
		return;
	}
	cli_human_duration((int64_t)time(NULL) - t, d, sizeof(d));
	snprintf(buf, len, "%s ago", d);
}

/* --- load ----------------------------------------------------------------- */

static const char load_usage[] =
	"Usage: mydocker load [OPTIONS]\n"
	"\n"
	"Load images from a tar archive or STDIN: a `docker save` archive (any\n"
	"layout), an OCI image layout as a tar, plain or compressed, or a directory\n"
	"holding an OCI image layout.\n"
	"\n"
	"Options:\n"
	"  -i, --input FILE|-   read from FILE (a tar or a directory) instead of STDIN\n"
	"  -q, --quiet          suppress the load output (the loaded names are printed)\n"
	"      --help           print this help\n";

static const struct option load_opts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def load_def = IMAGE_CMD("load", load_usage, "i:q", load_opts, 0, 0);

/* load -i and save -o: the one flag with a value. */
static int file_flag(void *ctx, int c, const char *arg, md_error *err)
{
	if (c == 'i' || c == 'o')
		*(const char **)ctx = arg;
	return 0;
}

static int load_from(struct image_store *s, const char *input, char ***loaded, md_error *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	if (!input || strcmp(input, "-") == 0) {
		if (isatty(0))
			return md_error_set(err, 0,
					    "requested load from stdin, but stdin is empty");
		return image_load(s, 0, loaded, err);
	}
	if (stat(input, &st) == 0 && S_ISDIR(st.st_mode))
		return image_load_dir(s, input, loaded, err);
	fd = open(input, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open %s", input);
	return image_load(s, fd, loaded, err);
}

int cmd_load(struct cli_log *log, int argc, char **argv)
{
	const char *input = NULL;
	struct image_store *s = NULL;
	cleanup_strv char **loaded = NULL;
	md_error err;
	int r;

	r = cli_parse_flags(&load_def, argc, argv, file_flag, &input, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = open_store(&err);
	r = s ? load_from(s, input, &loaded, &err) : -1;
	image_store_close(s);
	if (r < 0)
		return fail(log, &err);
	for (size_t i = 0; loaded && loaded[i]; i++) {
		cleanup_free char *name = NULL;

		if (md_str_has_prefix(loaded[i], "sha256:")) {
			printf("Loaded image ID: %s\n", loaded[i]);
			continue;
		}
		name = image_familiar(loaded[i], false);
		printf("Loaded image: %s\n", name);
	}
	return 0;
}

/* --- save ----------------------------------------------------------------- */

static const char save_usage[] =
	"Usage: mydocker save [OPTIONS] IMAGE [IMAGE...]\n"
	"\n"
	"Save one or more images to a tar archive (streamed to STDOUT by default):\n"
	"an OCI image layout that is also a `docker save` archive, as Docker 25\n"
	"writes it.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   write to FILE instead of STDOUT\n"
	"      --help          print this help\n";

static const struct option save_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def save_def = IMAGE_CMD("save", save_usage, "o:", save_opts, 1, -1);

/* Into a temporary file beside FILE, renamed over it once whole (as
 * Docker's CLI does). */
static int save_to_file(struct image_store *s, char *const *what, const char *file, md_error *err)
{
	cleanup_free char *copy = xstrdup(file);
	cleanup_free char *tmp = xasprintf("%s/.mydocker_temp_XXXXXX", dirname(copy));
	cleanup_close int fd = mkostemp(tmp, O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		free(copy);
		copy = xstrdup(file);
		if (stat(dirname(copy), &st) < 0)
			return md_error_set(err, 0,
					    "failed to save image: invalid output path: directory "
					    "\"%s\" does not exist",
					    copy);
		return md_error_set(err, errno, "create a file beside %s", file);
	}
	if (image_save(s, what, fd, err) < 0) {
		unlink(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, file) < 0) {
		md_error_set(err, errno, "write %s", file);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cmd_save(struct cli_log *log, int argc, char **argv)
{
	const char *output = NULL;
	struct image_store *s = NULL;
	md_error err;
	int r;

	r = cli_parse_flags(&save_def, argc, argv, file_flag, &output, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	if (!output && isatty(1)) {
		md_error_set(
			&err, 0,
			"cowardly refusing to save to a terminal. Use the -o flag or redirect");
		return fail(log, &err);
	}
	s = open_store(&err);
	if (!s)
		return fail(log, &err);
	if (output)
		r = save_to_file(s, argv + optind, output, &err);
	else
		r = image_save(s, argv + optind, 1, &err);
	image_store_close(s);
	return r < 0 ? fail(log, &err) : 0;
}

/* --- images ----------------------------------------------------------------- */

static const char images_usage[] =
	"Usage: mydocker images [OPTIONS] [REPOSITORY[:TAG]]\n"
	"\n"
	"List images.\n"
	"\n"
	"Options:\n"
	"  -q, --quiet          only show image IDs\n"
	"  -a, --all            show all images (there are no intermediate ones here)\n"
	"      --digests        show digests\n"
	"      --no-trunc       don't truncate output\n"
	"      --format FORMAT  table (default) or json (one object a line)\n"
	"      --help           print this help\n";

enum { OPT_DIGESTS = 256, OPT_NO_TRUNC, OPT_FORMAT };

static const struct option images_opts[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "all", no_argument, NULL, 'a' },
	{ "digests", no_argument, NULL, OPT_DIGESTS },
	{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def images_def = IMAGE_CMD("images", images_usage, "qa", images_opts, 0, 1);

struct images_opts {
	bool quiet, digests, no_trunc, json;
	const char *filter;
};

static int images_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct images_opts *o = ctx;

	switch (c) {
	case 'q':
		o->quiet = true;
		break;
	case OPT_DIGESTS:
		o->digests = true;
		break;
	case OPT_NO_TRUNC:
		o->no_trunc = true;
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "json") != 0 && strcmp(arg, "table") != 0)
			return md_error_set(err, 0, "unsupported format `%s`: table or json", arg);
		o->json = strcmp(arg, "json") == 0;
		break;
	}
	return 0;
}

/* One row of `images`: an image under one of its tags (or none). */
struct image_row {
	const struct image_info *info;
	char *repo, *tag; /* familiar; "<none>" */
	int64_t created;
};

/* Whether a tag matches `images REPOSITORY[:TAG]`. */
static bool row_matches(const char *filter, const char *full)
{
	struct image_ref want, have;
	bool tagged, match;
	const char *slash = strrchr(filter, '/');

	if (ref_parse(filter, &want, NULL) < 0)
		return false;
	if (ref_parse(full, &have, NULL) < 0) {
		ref_free(&want);
		return false;
	}
	tagged = strchr(slash ? slash : filter, ':') != NULL;
	match = strcmp(want.domain, have.domain) == 0 && strcmp(want.path, have.path) == 0 &&
		(!tagged || (want.tag && have.tag && strcmp(want.tag, have.tag) == 0));
	ref_free(&want);
	ref_free(&have);
	return match;
}

static void row_add(struct image_row **rows, size_t *n, const struct image_info *info,
		    const char *full)
{
	struct image_row *r;

	*rows = xrealloc(*rows, (*n + 1) * sizeof(**rows));
	r = &(*rows)[(*n)++];
	r->info = info;
	r->repo = full ? image_familiar(full, true) : xstrdup("<none>");
	r->tag = xstrdup(full && ref_tag(full)[0] ? ref_tag(full) : "<none>");
	r->created = 0;
	if (info->config)
		cli_parse_rfc3339(info->config->created, &r->created);
}

static int row_newest_first(const void *a, const void *b)
{
	const struct image_row *x = a, *y = b;

	return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

static struct image_row *image_rows(const struct image_info *list, size_t n, const char *filter,
				    size_t *n_rows)
{
	struct image_row *rows = NULL;

	*n_rows = 0;
	for (size_t i = 0; i < n; i++) {
		if (!list[i].tags || !list[i].tags[0]) {
			if (!filter)
				row_add(&rows, n_rows, &list[i], NULL);
			continue;
		}
		for (size_t t = 0; list[i].tags[t]; t++) {
			if (!filter || row_matches(filter, list[i].tags[t]))
				row_add(&rows, n_rows, &list[i], list[i].tags[t]);
		}
	}
	/* Stable enough: the store lists newest first already. */
	if (*n_rows > 1)
		qsort(rows, *n_rows, sizeof(*rows), row_newest_first);
	return rows;
}

/* The fields of a row as Docker's formatter names them. */
struct row_fields {
	char id[80], digest[BLOB_DIGEST_MAX + 8], since[64], size[32], created_at[64];
};

static void row_fields(struct image_store *s, const struct image_row *r,
		       const struct images_opts *o, struct row_fields *f)
{
	char sid[IMAGE_SHORT_ID_LEN + 1];
	time_t t = (time_t)r->created;
	struct tm tm;

	snprintf(f->id, sizeof(f->id), "%s",
		 o->no_trunc ? r->info->id : image_short_id(r->info->id, sid));
	snprintf(f->digest, sizeof(f->digest), "%s",
		 strcmp(r->repo, "<none>") == 0 ? "<none>" : r->info->manifest);
	created_since(r->info->config ? r->info->config->created : NULL, f->since,
		      sizeof(f->since));
	cli_human_size(image_size(s, r->info), f->size, sizeof(f->size));
	f->created_at[0] = '\0';
	if (r->created && localtime_r(&t, &tm))
		strftime(f->created_at, sizeof(f->created_at), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
}

static void print_row_json(const struct image_row *r, const struct row_fields *f)
{
	cleanup_json json_object *o = json_object_new_object();

	json_object_object_add(o, "Containers", json_object_new_string("N/A"));
	json_object_object_add(o, "CreatedAt", json_object_new_string(f->created_at));
	json_object_object_add(o, "CreatedSince", json_object_new_string(f->since));
	json_object_object_add(o, "Digest", json_object_new_string(f->digest));
	json_object_object_add(o, "ID", json_object_new_string(f->id));
	json_object_object_add(o, "Repository", json_object_new_string(r->repo));
	json_object_object_add(o, "SharedSize", json_object_new_string("N/A"));
	json_object_object_add(o, "Size", json_object_new_string(f->size));
	json_object_object_add(o, "Tag", json_object_new_string(r->tag));
	json_object_object_add(o, "UniqueSize", json_object_new_string("N/A"));
	json_object_object_add(o, "VirtualSize", json_object_new_string(f->size));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_images(struct image_store *s, const struct image_row *rows, size_t n,
			 const struct images_opts *o)
{
	static const char *const head[] = { "REPOSITORY", "TAG",     "DIGEST",
					    "IMAGE ID",   "CREATED", "SIZE" };
	struct cli_table t;
	struct row_fields f;

	cli_table_init(&t, o->digests ? 6 : 5);
	if (o->digests)
		cli_table_add(&t, head);
	else
		cli_table_add(&t,
			      (const char *const[]){ head[0], head[1], head[3], head[4], head[5] });
	for (size_t i = 0; i < n; i++) {
		row_fields(s, &rows[i], o, &f);
		if (o->quiet)
			printf("%s\n", f.id);
		else if (o->json)
			print_row_json(&rows[i], &f);
		else if (o->digests)
			cli_table_add(&t, (const char *const[]){ rows[i].repo, rows[i].tag,
								 f.digest, f.id, f.since, f.size });
		else
			cli_table_add(&t, (const char *const[]){ rows[i].repo, rows[i].tag, f.id,
								 f.since, f.size });
	}
	if (!o->quiet && !o->json)
		cli_table_print(&t);
	cli_table_free(&t);
}

int cmd_images(struct cli_log *log, int argc, char **argv)
{
	struct images_opts o = { 0 };
	struct image_store *s;
	struct image_info *list = NULL;
	struct image_row *rows = NULL;
	size_t n = 0, n_rows = 0;
	md_error err;
	int r;

	r = cli_parse_flags(&images_def, argc, argv, images_flag, &o, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	o.filter = optind < argc ? argv[optind] : NULL;
	s = open_store(&err);
	if (!s || image_store_list(s, &list, &n, &err) < 0) {
		image_store_close(s);
		return fail(log, &err);
	}
	rows = image_rows(list, n, o.filter, &n_rows);
	print_images(s, rows, n_rows, &o);
	for (size_t i = 0; i < n_rows; i++) {
		free(rows[i].repo);
		free(rows[i].tag);
	}
	free(rows);
	image_info_list_free(list, n);
	image_store_close(s);
	return 0;
}

/* --- tag -------------------------------------------------------------------- */

static const char tag_usage[] = "Usage: mydocker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n"
				"\n"
				"Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.\n"
				"\n"
				"Options:\n"
				"      --help   print this help\n";

static const struct cmd_def tag_def = IMAGE_CMD("tag", tag_usage, "", cli_help_only_opts, 2, 2);

static int tag_image(struct image_store *s, const char *source, const char *target, md_error *err)
{
	struct image_info info = { 0 };
	struct image_ref r;
	cleanup_free char *full = NULL;
	int ret;

	if (ref_parse(target, &r, err) < 0)
		return md_error_prefix(err, "Error parsing reference: \"%s\"", target);
	if (r.digest) {
		ref_free(&r);
		return md_error_set(err, 0, "refusing to create a tag with a digest reference");
	}
	full = ref_string(&r, REF_FULL);
	ref_free(&r);
	if (image_store_lock(s, err) < 0)
		return -1;
	ret = image_store_find(s, source, &info, err);
	if (ret == 0)
		ret = image_store_tag(s, full, info.id, err);
	image_store_unlock(s);
	image_info_free(&info);
	return ret;
}

int cmd_tag(struct cli_log *log, int argc, char **argv)
{
	struct image_store *s;
	md_error err;
	int r;

	r = cli_parse_flags(&tag_def, argc, argv, NULL, NULL, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = open_store(&err);
	r = s ? tag_image(s, argv[optind], argv[optind + 1], &err) : -1;
	image_store_close(s);
	return r < 0 ? fail(log, &err) : 0;
}

/* --- rmi -------------------------------------------------------------------- */

static const char rmi_usage[] =
	"Usage: mydocker rmi [OPTIONS] IMAGE [IMAGE...]\n"
	"\n"
	"Remove one or more images: a name removes that tag, and the image with its\n"
	"last tag; an id removes the image with all its tags.\n"
	"\n"
	"Options:\n"
	"  -f, --force   remove an image with tags in several repositories; untag an\n"
	"                image that containers use (the image stays for them)\n"
	"      --help    print this help\n";

static const struct option rmi_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def rmi_def = IMAGE_CMD("rmi", rmi_usage, "f", rmi_opts, 1, -1);

static int rmi_flag(void *ctx, int c, const char *arg, md_error *err)
{
	if (c == 'f')
		*(bool *)ctx = true;
	return 0;
}

static void print_rmi(void *ctx, const char *kind, const char *what)
{
	(void)ctx;
	printf("%s: %s\n", kind, what);
}

int cmd_rmi(struct cli_log *log, int argc, char **argv)
{
	struct image_store *s;
	bool force = false;
	md_error err;
	int r, status = 0;

	r = cli_parse_flags(&rmi_def, argc, argv, rmi_flag, &force, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = open_store(&err);
	if (!s)
		return fail(log, &err);
	/* As Docker: every image is tried, each failure reported. */
	for (int i = optind; i < argc; i++) {
		fflush(stdout);
		md_error_clear(&err);
		if (image_rmi(s, argv[i], force, print_rmi, NULL, &err) < 0)
			status = fail(log, &err);
	}
	image_store_close(s);
	return status;
}

/* --- history ---------------------------------------------------------------- */

static const char history_usage[] = "Usage: mydocker history [OPTIONS] IMAGE\n"
				    "\n"
				    "Show the history of an image, newest first.\n"
				    "\n"
				    "Options:\n"
				    "      --no-trunc   don't truncate output\n"
				    "  -q, --quiet      only show image IDs\n"
				    "      --help       print this help\n";

static const struct option history_opts[] = {
	{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def history_def =
	IMAGE_CMD("history", history_usage, "q", history_opts, 1, 1);

struct history_opts {
	bool no_trunc, quiet;
};

static int history_flag(void *ctx, int c, const char *arg, md_error *err)
{
	struct history_opts *o = ctx;

	if (c == 'q')
		o->quiet = true;
	if (c == OPT_NO_TRUNC)
		o->no_trunc = true;
	return 0;
}

/* One history entry as a row; layer: the index of its layer, or -1. */
static void history_row(struct image_store *s, const struct image_info *info, size_t h,
			ssize_t layer, bool top, const struct history_opts *o, struct cli_table *t)
{
	const struct image_history *e = &info->config->history[h];
	char sid[IMAGE_SHORT_ID_LEN + 1], since[64], size[32];
	cleanup_free char *by = xstrdup(e->created_by ? e->created_by : "");
	cleanup_free char *shown = NULL;
	const char *id =
		top ? (o->no_trunc ? info->id : image_short_id(info->id, sid)) : "<missing>";

	if (o->quiet) {
		printf("%s\n", id);
		return;
	}
	for (char *p = by; *p; p++) {
		if (*p == '\t' || *p == '\n')
			*p = ' ';
	}
	shown = o->no_trunc ? xstrdup(by) : cli_ellipsis(by, HISTORY_CREATED_BY_MAX);
	created_since(e->created, since, sizeof(since));
	cli_human_size(layer >= 0 ? image_layer_size(s, info->config->diff_ids[layer]) : 0, size,
		       sizeof(size));
	cli_table_add(
		t, (const char *const[]){ id, since, shown, size, e->comment ? e->comment : "" });
}

static void print_history(struct image_store *s, const struct image_info *info,
			  const struct history_opts *o)
{
	static const char *const head[] = { "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT" };
	const struct image_config *c = info->config;
	ssize_t layer = (ssize_t)c->n_diff_ids;
	struct cli_table t;

	cli_table_init(&t, 5);
	cli_table_add(&t, head);
	for (size_t h = c->n_history; h-- > 0;) {
		ssize_t this = c->history[h].empty_layer || layer == 0 ? -1 : --layer;

		history_row(s, info, h, this, h + 1 == c->n_history, o, &t);
	}
	if (!o->quiet)
		cli_table_print(&t);
	cli_table_free(&t);
}

int cmd_history(struct cli_log *log, int argc, char **argv)
{
	struct history_opts o = { 0 };
	struct image_info info = { 0 };
	struct image_store *s;
	md_error err;
	int r;

	r = cli_parse_flags(&history_def, argc, argv, history_flag, &o, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = open_store(&err);
	r = s ? image_store_find(s, argv[optind], &info, &err) : -1;
	if (r == 0 && info.config)
		print_history(s, &info, &o);
	image_info_free(&info);
	image_store_close(s);
	return r < 0 ? fail(log, &err) : 0;
}

/* --- inspect ---------------------------------------------------------------- */

static const char inspect_usage[] =
	"Usage: mydocker inspect [OPTIONS] NAME|ID [NAME|ID...]\n"
	"\n"
	"Return low-level information on containers or images, as a JSON\n"
	"array (a container of that name or id first, else an image).\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   a Go template for each object (json: the array)\n"
	"      --help            print this help\n";

static const char image_inspect_usage[] =
	"Usage: mydocker image inspect [OPTIONS] IMAGE [IMAGE...]\n"
	"\n"
	"Display detailed information on one or more images, as a JSON array.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   a Go template for each image (json: the array)\n"
	"      --help            print this help\n";

static const struct option inspect_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_def inspect_def =
	IMAGE_CMD("inspect", inspect_usage, "f:", inspect_opts, 1, -1);
static const struct cmd_def image_inspect_def =
	IMAGE_CMD("image inspect", image_inspect_usage, "f:", inspect_opts, 1, -1);

/* The JSON array of what was found; each one not found is reported
 * (Docker's "No such image" / "No such object") and makes the status 1. */
static int inspect(struct cli_log *log, const struct cmd_def *d, int argc, char **argv,
		   const char *missing)
{
	cleanup_json json_object *out = json_object_new_array();
	const char *format = NULL;
	struct image_store *s;
	md_error err;
	int r, status = 0;

	r = cli_parse_flags(d, argc, argv, cli_inspect_format_flag, &format, &err);
	if (r != 0)
		return cli_flags_failed(log, r, &err);
	s = open_store(&err);
	if (!s)
		return fail(log, &err);
	for (int i = optind; i < argc; i++) {
		struct image_info info = { 0 };

		json_object *one = NULL;

		md_error_clear(&err);
		/* `inspect` looks for a container first, as Docker does. */
		if (d == &inspect_def &&
		    (cli_container_inspect_one(argv[i], &one, &err) == 0 || err.errnum != ENOENT)) {
			if (one)
				json_object_array_add(out, one);
			else
				status = fail(log, &err);
		} else if (md_error_clear(&err), image_store_find(s, argv[i], &info, &err) == 0) {
			json_object_array_add(out, image_inspect_json(s, &info));
		} else {
			if (err.errnum == ENOENT)
				md_error_set(&err, 0, "%s: %s", missing, argv[i]);
			status = fail(log, &err);
		}
		image_info_free(&info);
	}
	image_store_close(s);
	if (cli_format_inspect(out, format, &err) < 0)
		return fail(log, &err);
	return status;
}

int cmd_inspect(struct cli_log *log, int argc, char **argv)
{
	return inspect(log, &inspect_def, argc, argv, "No such object");
}

/* --- image ------------------------------------------------------------------ */

static const char image_usage[] =
	"Usage: mydocker image COMMAND\n"
	"\n"
	"Manage images.\n"
	"\n"
	"Commands:\n"
	"  history     Show the history of an image\n"
	"  inspect     Display detailed information on one or more images\n"
	"  load        Load images from a tar archive or STDIN\n"
	"  ls          List images\n"
	"  rm          Remove one or more images\n"
	"  save        Save one or more images to a tar archive\n"
	"  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n"
	"\n"
	"Options:\n"
	"      --help   print this help\n";

static int image_inspect(struct cli_log *log, int argc, char **argv)
{
	return inspect(log, &image_inspect_def, argc, argv, "No such image");
}

int cmd_image(struct cli_log *log, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli_log *, int, char **);
	} sub[] = {
		{ "history", cmd_history }, { "inspect", image_inspect },
		{ "load", cmd_load },       { "ls", cmd_images },
		{ "rm", cmd_rmi },          { "save", cmd_save },
		{ "tag", cmd_tag },
	};
	md_error err;

	md_error_clear(&err);
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs(image_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? IMAGE_EXIT_FAILURE : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		if (strcmp(argv[1], sub[i].name) == 0)
			return sub[i].fn(log, argc - 1, argv + 1);
	}
	md_error_set(&err, 0,
		     "unknown command \"%s\" for \"mydocker image\"\n"
		     "See 'mydocker image --help'.",
		     argv[1]);
	return fail(log, &err);
}
