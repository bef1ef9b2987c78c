/* SPDX-License-Identifier: Apache-2.0 */
/* mydocker volume create|ls|inspect|rm|prune: Docker's local volumes
 * (engine/volumes/volumes.h), its flags, tables and words. */
#include "cli/common/human.h"
#include "cli/docker/commands.h"
#include "cli/docker/flags.h"
#include "engine/volumes/volumes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker's status for a failed command other than run. */
#define VOLUME_EXIT_FAILURE 1

/* One subcommand: its flags and arguments (def), and what it does. */
struct volume_cmd {
	const char *word; /* as in "mydocker volume WORD" */
	struct cmd_def def;
	int (*run)(struct cli_log *log, void *flags, char **args, md_error *err);
	cli_flag_fn flag;
};

/* "get NAME: no such volume" (ENOENT) and "volume is in use" (EBUSY) say
 * it all: no strerror after them. */
static int volume_fail(struct cli_log *log, md_error *err)
{
	if (err->errnum == ENOENT || err->errnum == EBUSY)
		err->errnum = 0;
	return cli_fail(log, err);
}

/* ---- create ---- */

static const char create_usage[] =
	"Usage: mydocker volume create [OPTIONS] [VOLUME]\n"
	"\n"
	"Create a volume (a random name when none is given); prints its name.\n"
	"\n"
	"Options:\n"
	"  -d, --driver NAME   volume driver (only local)\n"
	"      --label K=V     set metadata on the volume\n"
	"      --name NAME     the volume's name\n"
	"      --help          print this help\n";

enum { OPT_LABEL = 256, OPT_NAME, OPT_FORMAT };

static const struct option create_opts[] = {
	{ "driver", required_argument, NULL, 'd' },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

struct create_flags {
	char **labels;
	const char *name;
	const char *driver;
};

static int create_flag(void *flags, int c, const char *arg, md_error *err)
{
	struct create_flags *f = flags;

	if (c == OPT_LABEL)
		md_strv_push(&f->labels, arg);
	else if (c == OPT_NAME)
		f->name = arg;
	else if (c == 'd')
		f->driver = arg;
	return 0;
}

static int create_run(struct cli_log *log, void *flags, char **args, md_error *err)
{
	struct create_flags *f = flags;
	const char *name = args[0] ? args[0] : f->name;
	struct volume v;

	if (args[0] && f->name && strcmp(args[0], f->name) != 0)
		return md_error_set(err, 0,
				    "conflicting options: either specify --name or provide "
				    "positional arg, not both");
	if (f->driver && strcmp(f->driver, "local") != 0)
		return md_error_set(err, 0,
				    "create %s: error looking up volume plugin %s: plugin \"%s\" "
				    "not found",
				    name ? name : "", f->driver, f->driver);
	if (volume_create(mydocker_root, name, f->labels, &v, err) < 0)
		return -1;
	puts(v.name);
	volume_free(&v);
	return 0;
}

/* ---- ls ---- */

static const char ls_usage[] =
	"Usage: mydocker volume ls [OPTIONS]\n"
	"\n"
	"List volumes.\n"
	"\n"
	"Options:\n"
	"  -f, --filter K=V     dangling=true|false, name=REGEX, driver=REGEX,\n"
	"                       label=KEY or label=KEY=VALUE\n"
	"      --format FORMAT  table (default) or json (one object a line)\n"
	"  -q, --quiet          only show volume names\n"
	"      --help           print this help\n";

static const struct option ls_opts[] = {
	{ "filter", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

struct ls_flags {
	bool quiet, json;
	char **filters; /* "KEY=VALUE" */
};

static const char *const filter_keys[] = { "dangling", "name", "driver", "label" };

static int add_filter(char ***filters, const char *arg, md_error *err)
{
	const char *eq = strchr(arg, '=');

	if (!eq)
		return md_error_set(err, 0, "bad format of filter (expected name=value)");
	for (size_t i = 0; i < ARRAY_SIZE(filter_keys); i++) {
		if (strlen(filter_keys[i]) != (size_t)(eq - arg) ||
		    strncmp(arg, filter_keys[i], (size_t)(eq - arg)) != 0)
			continue;
		if (i == 0 && strcmp(eq + 1, "true") != 0 && strcmp(eq + 1, "1") != 0 &&
		    strcmp(eq + 1, "false") != 0 && strcmp(eq + 1, "0") != 0)
			return md_error_set(err, 0, "invalid filter '%s'", arg);
		md_strv_push(filters, arg);
		return 0;
	}
	return md_error_set(err, 0, "invalid filter '%.*s'", (int)(eq - arg), arg);
}

static int ls_flag(void *flags, int c, const char *arg, md_error *err)
{
	struct ls_flags *f = flags;

	if (c == 'q')
		f->quiet = true;
	else if (c == 'f')
		return add_filter(&f->filters, arg, err);
	else if (c == OPT_FORMAT && strcmp(arg, "json") != 0 && strcmp(arg, "table") != 0)
		return md_error_set(err, 0, "unsupported format `%s`: table or json", arg);
	else if (c == OPT_FORMAT)
		f->json = strcmp(arg, "json") == 0;
	return 0;
}

/* Docker matches name= and driver= as regular expressions. */
static bool regex_match(const char *re, const char *s)
{
	regex_t r;
	bool match;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return match;
}

static bool label_match(json_object *labels, const char *want)
{
	const char *eq = strchr(want, '=');
	cleanup_free char *key = eq ? strndup(want, (size_t)(eq - want)) : xstrdup(want);
	json_object *v;

	if (!json_object_object_get_ex(labels, key, &v))
		return false;
	return !eq || strcmp(json_object_get_string(v), eq + 1) == 0;
}

/* One filter "KEY=VALUE" on a volume. */
static bool filter_match(const char *filter, const char *name, json_object *doc)
{
	const char *v = strchr(filter, '=') + 1;
	cleanup_strv char **users = NULL;

	if (md_str_has_prefix(filter, "name="))
		return regex_match(v, name);
	if (md_str_has_prefix(filter, "driver="))
		return regex_match(v, "local");
	if (md_str_has_prefix(filter, "label="))
		return label_match(md_json_member(doc, "Labels"), v);
	if (volume_users(mydocker_root, name, &users, NULL) < 0)
		return false;
	return (users[0] == NULL) == (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Docker's rule: the values of one key are alternatives, keys all apply. */
static bool filters_match(char *const *filters, const char *name, json_object *doc)
{
	for (size_t k = 0; k < ARRAY_SIZE(filter_keys); k++) {
		bool given = false, any = false;

		for (size_t i = 0; filters && filters[i]; i++) {
			if (!md_str_has_prefix(filters[i], filter_keys[k]) ||
			    filters[i][strlen(filter_keys[k])] != '=')
				continue;
			given = true;
			any = any || filter_match(filters[i], name, doc);
		}
		if (given && !any)
			return false;
	}
	return true;
}

static int string_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Docker's Labels column: "K=V,K2=V2" (sorted here). */
static char *labels_text(json_object *labels)
{
	cleanup_strv char **kv = NULL;
	char *out = xstrdup("");

	json_object_object_foreach(labels, k, v)
	{
		cleanup_free char *one = xasprintf("%s=%s", k, json_object_get_string(v));

		md_strv_push(&kv, one);
	}
	if (kv)
		qsort(kv, md_strv_len(kv), sizeof(char *), string_cmp);
	for (size_t i = 0; kv && kv[i]; i++) {
		char *more = xasprintf("%s%s%s", out, i ? "," : "", kv[i]);

		free(out);
		out = more;
	}
	return out;
}

static void add_string(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

/* `--format json`: one object a line with the fields Docker's formatter has. */
static void print_json_row(const char *name, json_object *doc)
{
	cleanup_json json_object *o = json_object_new_object();
	cleanup_free char *labels = labels_text(md_json_member(doc, "Labels"));

	/* Docker's keys, in its (sorted) order. */
	add_string(o, "Availability", "N/A");
	add_string(o, "Driver", "local");
	add_string(o, "Group", "N/A");
	add_string(o, "Labels", labels);
	add_string(o, "Links", "N/A");
	add_string(o, "Mountpoint", md_json_string(doc, "Mountpoint"));
	add_string(o, "Name", name);
	add_string(o, "Scope", "local");
	add_string(o, "Size", "N/A");
	add_string(o, "Status", "N/A");
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int ls_run(struct cli_log *log, void *flags, char **args, md_error *err)
{
	struct ls_flags *f = flags;
	cleanup_strv char **names = NULL;
	struct cli_table t;

	if (volume_list(mydocker_root, &names, err) < 0)
		return -1;
	cli_table_init(&t, 2);
	cli_table_add(&t, (const char *const[]){ "DRIVER", "VOLUME NAME" });
	for (size_t i = 0; names[i]; i++) {
		cleanup_json json_object *doc = NULL;

		/* One removed meanwhile is no longer listed. */
		if (volume_load(mydocker_root, names[i], &doc, NULL) < 0 ||
		    !filters_match(f->filters, names[i], doc))
			continue;
		if (f->quiet)
			puts(names[i]);
		else if (f->json)
			print_json_row(names[i], doc);
		else
			cli_table_add(&t, (const char *const[]){ "local", names[i] });
	}
	if (!f->quiet && !f->json)
		cli_table_print(&t);
	cli_table_free(&t);
	return 0;
}

/* ---- inspect ---- */

static const char inspect_usage[] =
	"Usage: mydocker volume inspect VOLUME [VOLUME...]\n"
	"\n"
	"Display detailed information on one or more volumes, as a JSON array.\n"
	"\n"
	"Options:\n"
	"      --help   print this help\n";

/* Each volume found goes in the array; the first that is not, after it. */
static int inspect_run(struct cli_log *log, void *flags, char **args, md_error *err)
{
	cleanup_json json_object *all = json_object_new_array();
	cleanup_free char *text = NULL;
	md_error first = { 0 };

	for (size_t i = 0; args[i]; i++) {
		json_object *doc;

		if (volume_load(mydocker_root, args[i], &doc, first.msg[0] ? NULL : &first) == 0)
			json_object_array_add(all, doc);
	}
	text = cli_json_indent(all);
	puts(text);
	if (!first.msg[0])
		return 0;
	*err = first;
	return -1;
}

/* ---- rm ---- */

static const char rm_usage[] =
	"Usage: mydocker volume rm [OPTIONS] VOLUME [VOLUME...]\n"
	"\n"
	"Remove one or more volumes. A volume that a container uses is not removed.\n"
	"\n"
	"Options:\n"
	"  -f, --force   no error for a volume that does not exist\n"
	"      --help    print this help\n";

static const struct option rm_opts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

struct force_flags {
	bool force, all;
};

static int force_flag(void *flags, int c, const char *arg, md_error *err)
{
	struct force_flags *f = flags;

	if (c == 'f')
		f->force = true;
	else if (c == 'a')
		f->all = true;
	return 0;
}

/* Every volume is tried; each failure is printed, the last one returned. */
static int rm_run(struct cli_log *log, void *flags, char **args, md_error *err)
{
	struct force_flags *f = flags;
	int r = 0;

	for (size_t i = 0; args[i]; i++) {
		md_error e;

		md_error_clear(&e);
		if (volume_remove(mydocker_root, args[i], &e) == 0 ||
		    (f->force && e.errnum == ENOENT)) {
			puts(args[i]);
			continue;
		}
		if (r < 0)
			volume_fail(log, err);
		*err = e;
		r = -1;
	}
	return r;
}

/* ---- prune ---- */

static const char prune_usage[] =
	"Usage: mydocker volume prune [OPTIONS]\n"
	"\n"
	"Remove the anonymous volumes that no container uses (all unused ones with\n"
	"--all).\n"
	"\n"
	"Options:\n"
	"  -a, --all     remove named volumes too\n"
	"  -f, --force   do not ask for confirmation\n"
	"      --help    print this help\n";

static const struct option prune_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

static int prune_run(struct cli_log *log, void *flags, char **args, md_error *err)
{
	struct force_flags *f = flags;
	cleanup_strv char **removed = NULL;
	cleanup_free char *warning = NULL;
	uint64_t bytes = 0;

	warning = xasprintf("This will remove %s local volumes not used by at least one container.",
			    f->all ? "all" : "anonymous");
	if (!f->force && !cli_prune_confirm(warning))
		return 0;
	if (volume_prune(mydocker_root, f->all, &removed, &bytes, err) < 0)
		return -1;
	cli_prune_report("Volumes", removed, bytes);
	return 0;
}

/* ---- the group ---- */

static const char volume_usage[] =
	"Usage: mydocker volume COMMAND\n"
	"\n"
	"Manage volumes.\n"
	"\n"
	"Commands:\n"
	"  create      Create a volume\n"
	"  inspect     Display detailed information on one or more volumes\n"
	"  ls          List volumes\n"
	"  prune       Remove unused local volumes\n"
	"  rm          Remove one or more volumes\n"
	"\n"
	"Options:\n"
	"      --help   print this help\n";

/* "mydocker volume WORD"; a bad flag value or count of arguments exits
 * 125 here, as a bad flag does. */
#define VOLUME_CMD(word, usage, shortopts, opts, min_args, max_args, run, flag)                    \
	{                                                                                          \
		word,                                                                              \
			{ "volume " word, usage,    shortopts,      opts,                          \
			  min_args,       max_args, MD_EXIT_FAILURE },                             \
			run, flag                                                                  \
	}

static const struct volume_cmd volume_cmds[] = {
	VOLUME_CMD("create", create_usage, "d:", create_opts, 0, 1, create_run, create_flag),
	VOLUME_CMD("inspect", inspect_usage, "", cli_help_only_opts, 1, -1, inspect_run, NULL),
	VOLUME_CMD("ls", ls_usage, "f:q", ls_opts, 0, 0, ls_run, ls_flag),
	VOLUME_CMD("prune", prune_usage, "af", prune_opts, 0, 0, prune_run, force_flag),
	VOLUME_CMD("rm", rm_usage, "f", rm_opts, 1, -1, rm_run, force_flag),
};

/* Docker's aliases. */
static const char *command_name(const char *word)
{
	if (strcmp(word, "list") == 0)
		return "ls";
	if (strcmp(word, "remove") == 0)
		return "rm";
	return word;
}

static int run_command(struct cli_log *log, const struct volume_cmd *c, int argc, char **argv,
		       md_error *err)
{
	union {
		struct create_flags create;
		struct ls_flags ls;
		struct force_flags force;
	} flags = { 0 };
	int r = cli_parse_flags(&c->def, argc, argv, c->flag, &flags, err);

	/* Bad flags are the command line's failure (125), the rest the
	 * command's (1), as Docker's. */
	if (r == 0 && (r = c->run(log, &flags, argv + optind, err)) < 0)
		err->status = VOLUME_EXIT_FAILURE;
	if (c->run == create_run)
		md_strv_free(flags.create.labels);
	if (c->run == ls_run)
		md_strv_free(flags.ls.filters);
	return r;
}

int cmd_volume(struct cli_log *log, int argc, char **argv)
{
	md_error err;

	md_error_clear(&err);
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs(volume_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? VOLUME_EXIT_FAILURE : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(volume_cmds); i++) {
		if (strcmp(command_name(argv[1]), volume_cmds[i].word) != 0)
			continue;
		if (run_command(log, &volume_cmds[i], argc - 1, argv + 1, &err) >= 0)
			return 0;
		return volume_fail(log, &err);
	}
	md_error_set(&err, 0,
		     "unknown command \"%s\" for \"mydocker volume\"\n"
		     "See 'mydocker volume --help'.",
		     argv[1]);
	err.status = VOLUME_EXIT_FAILURE;
	return cli_fail(log, &err);
}
