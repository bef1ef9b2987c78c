/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker run`'s -v, --mount and --tmpfs (mounts.h). The parsers follow
 * Docker's: the CLI's --mount reader (docker/cli opts/mount.go), the
 * daemon's -v reader and its checks of a mount (moby volume/mounts
 * linux_parser.go), its tmpfs options (MergeTmpfsOptions), so that a spec
 * means the same and a bad one gets the same words. */
#include "engine/containers/mounts.h"
#include "engine/volumes/volumes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void run_mount_free(struct run_mount *m)
{
	free(m->source);
	free(m->target);
	free(m->options);
	free(m->mode);
	*m = (struct run_mount){ 0 };
}

void run_mounts_free(struct run_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_mount_free(&m[i]);
	free(m);
}

static const char *type_name(enum run_mount_type t)
{
	switch (t) {
	case RUN_MOUNT_BIND:
		return "bind";
	case RUN_MOUNT_VOLUME:
		return "volume";
	default:
		return "tmpfs";
	}
}

/* Append the comma-separated words of s to *v, empty ones too (Go's
 * strings.Split). */
static void split_commas(const char *s, char ***v)
{
	for (;;) {
		size_t n = strcspn(s, ",");
		cleanup_free char *w = strndup(s, n);

		md_strv_push(v, w);
		if (!s[n])
			return;
		s += n + 1;
	}
}

/* ---- paths ---- */

/* Go's path.Clean: one slash between names, no "." names, ".." taken
 * lexically (at the root it stays there; a relative path keeps those it
 * cannot take), no trailing slash; "" is ".". */
static char *path_clean(const char *p)
{
	size_t len = strlen(p);
	char *out = xmalloc0(len + 2);
	size_t o = 0, base, keep;

	if (p[0] == '/')
		out[o++] = '/';
	base = keep = o; /* out[0, keep) is no name to take back */
	for (size_t i = 0; i < len; i++) {
		size_t n = strcspn(p + i, "/");
		bool dotdot = n == 2 && p[i] == '.' && p[i + 1] == '.';

		if (n == 0 || (n == 1 && p[i] == '.') || (dotdot && base == 1 && o == keep)) {
			i += n;
			continue;
		}
		if (dotdot && o > keep) {
			while (o > keep && out[o - 1] != '/')
				o--;
			o -= o > base ? 1 : 0;
		} else {
			if (o > base)
				out[o++] = '/';
			memcpy(out + o, p + i, n);
			o += n;
			keep = dotdot ? o : keep;
		}
		i += n;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/* The CLI makes "." and "./x" absolute (docker/cli: filepath.Abs). */
static char *cli_source(const char *s)
{
	char cwd[PATH_MAX];

	if ((strcmp(s, ".") != 0 && !md_str_has_prefix(s, "./")) || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(s);
	cleanup_free char *joined = xasprintf("%s/%s", cwd, s);
	return path_clean(joined);
}

/* ---- Docker's checks of one mount (validateMountConfigImpl) ---- */

static int config_error(enum run_mount_type t, md_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int config_error(enum run_mount_type t, md_error *err, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return md_error_set(err, 0, "invalid mount config for type \"%s\": %s", type_name(t), why);
}

static const char *const propagations[] = { "private", "rprivate", "slave",
					    "rslave",  "shared",   "rshared" };

static bool is_propagation(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(s, propagations[i]) == 0)
			return true;
	return false;
}

/* What is wrong with a target (not empty) in Docker's words, or NULL. */
static const char *target_problem(const char *target, char *buf, size_t len)
{
	cleanup_free char *clean = path_clean(target);

	if (strcmp(clean, "/") == 0)
		return "invalid specification: destination can't be '/'";
	if (target[0] != '/') {
		snprintf(buf, len, "invalid mount path: '%s' mount path must be absolute", target);
		return buf;
	}
	return NULL;
}

/* Everything but the bind source's existence, which prepare checks. */
static int check_mount(const struct run_mount *m, const char *propagation, md_error *err)
{
	const char *why;
	char buf[PATH_MAX + 64];

	if (!m->target || !*m->target)
		return config_error(m->type, err, "field %s must not be empty", "Target");
	if ((why = target_problem(m->target, buf, sizeof(buf))))
		return config_error(m->type, err, "%s", why);
	if (m->type == RUN_MOUNT_BIND) {
		if (!m->source || !*m->source)
			return config_error(m->type, err, "field %s must not be empty", "Source");
		if (propagation && !is_propagation(propagation))
			return config_error(m->type, err, "invalid propagation mode: %s",
					    propagation);
		if (m->source[0] != '/')
			return config_error(m->type, err,
					    "invalid mount path: '%s' mount path must be absolute",
					    m->source);
	}
	if (m->type == RUN_MOUNT_VOLUME && m->readonly && !m->source)
		return config_error(m->type, err, "%s",
				    "must not set ReadOnly mode when using anonymous volumes");
	if (m->type == RUN_MOUNT_TMPFS && m->source)
		return config_error(m->type, err, "field %s must not be specified", "Source");
	return 0;
}

/* Targets and bind sources cleaned, as Docker keeps them. */
static void clean_paths(struct run_mount *m)
{
	char *t = path_clean(m->target);

	free(m->target);
	m->target = t;
	if (m->type == RUN_MOUNT_BIND) {
		t = path_clean(m->source);
		free(m->source);
		m->source = t;
	}
}

/* ---- -v ---- */

/* -v's mode: words of four kinds, each kind at most once. */
enum mode_kind { MODE_RW, MODE_LABEL, MODE_PROPAGATION, MODE_COPY, MODE_KINDS };

struct volume_mode {
	bool valid;
	char *word[MODE_KINDS]; /* the word of each kind given, or NULL */
};

static void volume_mode_free(struct volume_mode *vm)
{
	for (int k = 0; k < MODE_KINDS; k++)
		free(vm->word[k]);
}

static int mode_kind(const char *w)
{
	if (strcmp(w, "rw") == 0 || strcmp(w, "ro") == 0)
		return MODE_RW;
	if (strcmp(w, "z") == 0 || strcmp(w, "Z") == 0)
		return MODE_LABEL;
	if (is_propagation(w))
		return MODE_PROPAGATION;
	if (strcmp(w, "nocopy") == 0)
		return MODE_COPY;
	return -1;
}

/* Docker's linuxValidMountMode, keeping the words. "" is valid. */
static void volume_mode_parse(const char *mode, struct volume_mode *vm)
{
	cleanup_strv char **words = NULL;

	*vm = (struct volume_mode){ .valid = true };
	if (!*mode)
		return;
	split_commas(mode, &words);
	for (size_t i = 0; words[i]; i++) {
		int k = mode_kind(words[i]);

		if (k < 0 || vm->word[k])
			vm->valid = false;
		else
			vm->word[k] = xstrdup(words[i]);
	}
}

static bool mode_valid(const char *mode)
{
	struct volume_mode vm;
	bool valid;

	volume_mode_parse(mode, &vm);
	valid = vm.valid;
	volume_mode_free(&vm);
	return valid;
}

static int invalid_spec(const char *arg, md_error *err)
{
	return md_error_set(err, 0, "invalid volume specification: '%s'", arg);
}

/* SOURCE, TARGET and MODE of -v (Docker's split: at most two colons, a
 * first part that is not empty; TARGET:MODE alone is refused). */
static int split_volume(const char *arg, struct run_mount *out, md_error *err)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	if ((c2 && strchr(c2 + 1, ':')) || arg[0] == '\0' || arg[0] == ':')
		return invalid_spec(arg, err);
	if (!c1) {
		out->target = xstrdup(arg);
		out->mode = xstrdup("");
		return 0;
	}
	out->source = strndup(arg, (size_t)(c1 - arg));
	if (!c2) {
		out->target = xstrdup(c1 + 1);
		out->mode = xstrdup("");
		if (mode_valid(out->target))
			return invalid_spec(arg, err);
		return 0;
	}
	out->target = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	out->mode = xstrdup(c2 + 1);
	if (!mode_valid(out->mode))
		return md_error_set(err, 0, "invalid mode: %s", out->mode);
	return 0;
}

/* Docker's checks of -v after the split, with its prefix. */
static int check_volume(const char *arg, const struct run_mount *m, const struct volume_mode *vm,
			md_error *err)
{
	if (m->type == RUN_MOUNT_BIND && vm->word[MODE_COPY])
		config_error(m->type, err, "field %s must not be specified", "VolumeOptions");
	else if (m->type == RUN_MOUNT_VOLUME && vm->word[MODE_PROPAGATION])
		config_error(m->type, err, "field %s must not be specified", "BindOptions");
	else if (check_mount(m, vm->word[MODE_PROPAGATION], err) == 0)
		return 0;
	return md_error_prefix(err, "invalid volume specification: '%s'", arg);
}

/* What the parts mean: an absolute (or ./) source is a bind, another a
 * volume's name. */
static int volume_from_parts(const char *arg, struct run_mount *m, md_error *err)
{
	struct volume_mode vm;
	int r = -1;

	if (m->source) {
		char *abs = cli_source(m->source);

		free(m->source);
		m->source = abs;
	}
	m->type = m->source && m->source[0] == '/' ? RUN_MOUNT_BIND : RUN_MOUNT_VOLUME;
	m->create_source = true;
	volume_mode_parse(m->mode, &vm);
	m->readonly = vm.word[MODE_RW] && strcmp(vm.word[MODE_RW], "ro") == 0;
	if (check_volume(arg, m, &vm, err) < 0)
		goto out;
	if (m->type == RUN_MOUNT_VOLUME && m->source && volume_name_check(m->source, err) < 0)
		goto out;
	if (m->type == RUN_MOUNT_BIND)
		m->options = TAKE_PTR(vm.word[MODE_PROPAGATION]);
	else
		m->options = TAKE_PTR(vm.word[MODE_COPY]);
	clean_paths(m);
	r = 0;
out:
	volume_mode_free(&vm);
	return r;
}

int run_mount_parse_volume(const char *arg, struct run_mount *out, md_error *err)
{
	*out = (struct run_mount){ 0 };
	if (split_volume(arg, out, err) < 0 || volume_from_parts(arg, out, err) < 0) {
		run_mount_free(out);
		return -1;
	}
	return 0;
}

/* ---- --mount ---- */

static int mount_arg_error(const char *arg, md_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int mount_arg_error(const char *arg, md_error *err, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return md_error_set(err, 0, "invalid argument \"%s\" for \"--mount\" flag: %s", arg, why);
}

/* One field of a CSV record as Go's encoding/csv reads it: plain up to the
 * next comma, or quoted ("" inside for a quote). *s moves past the field
 * and its comma; *more tells whether a field follows. */
static char *csv_field(const char **s, bool *more, const char **bad)
{
	const char *p = *s;
	char *out = xmalloc0(strlen(p) + 1);
	size_t o = 0;

	if (*p == '"') {
		for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++)
			out[o++] = *p == '"' ? *p++ : *p;
		if (*p != '"' || (p[1] && p[1] != ','))
			*bad = "extraneous or missing \" in quoted-field";
		p += *p == '"';
	} else {
		for (; *p && *p != ','; p++) {
			if (*p == '"')
				*bad = "bare \" in non-quoted-field";
			out[o++] = *p;
		}
	}
	*more = *p == ',';
	*s = p + (*p == ',');
	return out;
}

static int csv_fields(const char *arg, char ***out, md_error *err)
{
	const char *s = arg, *bad = NULL;
	cleanup_strv char **v = NULL;
	bool more = *arg != '\0';

	if (!more)
		return mount_arg_error(arg, err, "EOF");
	while (more && !bad) {
		cleanup_free char *f = csv_field(&s, &more, &bad);

		md_strv_push(&v, f);
	}
	if (bad)
		return mount_arg_error(arg, err, "parse error on line 1: %s", bad);
	*out = TAKE_PTR(v);
	return 0;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* go-units' RAMInBytes: "64m", "1.5g", "512KiB", "100" (binary units). */
static int ram_in_bytes(const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	const char *p = s, *u;
	double mult = 1, v;
	char *end;

	while ((*p >= '0' && *p <= '9') || (*p == '.' && p > s))
		p++;
	if (p == s || p[-1] == '.')
		return -1;
	v = strtod(s, &end);
	if (end != p)
		return -1;
	p += *p == ' ';
	if (*p && (u = strchr(units, *p | 0x20))) {
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		p++;
	}
	p += (*p | 0x20) == 'i';
	p += (*p | 0x20) == 'b';
	if (*p || v * mult > (double)INT64_MAX)
		return -1;
	*out = (int64_t)(v * mult);
	return 0;
}

/* Docker's ConvertTmpfsOptions: ro, mode=OCTAL, size with the largest
 * unit that divides it. */
static char *tmpfs_options_of(bool readonly, uint32_t mode, int64_t size)
{
	static const struct {
		char suffix;
		int64_t div;
	} units[] = { { 'g', 1 << 30 }, { 'm', 1 << 20 }, { 'k', 1 << 10 } };
	char buf[128] = "", part[48];

	if (readonly)
		strcat(buf, ",ro");
	if (mode) {
		snprintf(part, sizeof(part), ",mode=%o", mode);
		strcat(buf, part);
	}
	if (size) {
		size_t i = 0;

		while (i < ARRAY_SIZE(units) && size % units[i].div != 0)
			i++;
		if (i < ARRAY_SIZE(units))
			snprintf(part, sizeof(part), ",size=%" PRId64 "%c", size / units[i].div,
				 units[i].suffix);
		else
			snprintf(part, sizeof(part), ",size=%" PRId64, size);
		strcat(buf, part);
	}
	return buf[0] ? xstrdup(buf + 1) : NULL;
}

/* What the key=value fields of --mount set, before the checks. */
struct mount_fields {
	bool no_type, vol_opts, bind_opts, tmpfs_opts, nocopy;
	char *propagation;
	int64_t tmpfs_size;
	uint32_t tmpfs_mode;
};

static int mount_flag_field(const char *arg, const char *key, struct run_mount *m,
			    struct mount_fields *f, md_error *err)
{
	if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0)
		m->readonly = true;
	else if (strcmp(key, "volume-nocopy") == 0)
		f->vol_opts = f->nocopy = true;
	else if (strcmp(key, "bind-nonrecursive") == 0)
		return mount_arg_error(arg, err, "%s is not supported", key);
	else
		return mount_arg_error(arg, err, "invalid field '%s' must be a key=value pair",
				       key);
	return 0;
}

static int set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int mount_type_field(const char *v, struct run_mount *m, struct mount_fields *f)
{
	f->no_type = *v == '\0';
	if (strcasecmp(v, "bind") == 0)
		m->type = RUN_MOUNT_BIND;
	else if (strcasecmp(v, "volume") == 0)
		m->type = RUN_MOUNT_VOLUME;
	else if (strcasecmp(v, "tmpfs") == 0)
		m->type = RUN_MOUNT_TMPFS;
	else if (*v)
		return -1;
	return 0;
}

static int mount_value_field(const char *arg, const char *field, const char *key, const char *v,
			     struct run_mount *m, struct mount_fields *f, md_error *err)
{
	bool b;

	if (strcmp(key, "type") == 0) {
		if (mount_type_field(v, m, f) < 0)
			return md_error_set(
				err, 0, "invalid mount config for type \"%s\": mount type unknown",
				v);
	} else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0) {
		free(m->source);
		m->source = *v ? cli_source(v) : NULL;
	} else if (strcmp(key, "target") == 0 || strcmp(key, "dst") == 0 ||
		   strcmp(key, "destination") == 0) {
		set_string(&m->target, v);
	} else if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0) {
		if (parse_bool(v, &m->readonly) < 0)
			return mount_arg_error(arg, err, "invalid value for %s: %s", key, v);
	} else if (strcmp(key, "bind-propagation") == 0) {
		f->bind_opts = true;
		set_string(&f->propagation, v);
		for (char *c = f->propagation; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	} else if (strcmp(key, "volume-nocopy") == 0) {
		f->vol_opts = true;
		if (parse_bool(v, &b) < 0)
			return mount_arg_error(arg, err, "invalid value for volume-nocopy: %s", v);
		f->nocopy = b;
	} else if (strcmp(key, "tmpfs-size") == 0) {
		f->tmpfs_opts = true;
		if (ram_in_bytes(v, &f->tmpfs_size) < 0)
			return mount_arg_error(arg, err, "invalid value for %s: %s", key, v);
	} else if (strcmp(key, "tmpfs-mode") == 0) {
		char *end;
		unsigned long mode;

		f->tmpfs_opts = true;
		errno = 0;
		mode = strtoul(v, &end, 8);
		if (!*v || *end || errno || mode > UINT32_MAX || strspn(v, "01234567") != strlen(v))
			return mount_arg_error(arg, err, "invalid value for %s: %s", key, v);
		f->tmpfs_mode = (uint32_t)mode;
	} else {
		return mount_arg_error(arg, err, "unexpected key '%s' in '%s'", key, field);
	}
	return 0;
}

static int mount_field(const char *arg, const char *field, struct run_mount *m,
		       struct mount_fields *f, md_error *err)
{
	const char *eq = strchr(field, '=');
	cleanup_free char *key = eq ? strndup(field, (size_t)(eq - field)) : xstrdup(field);

	/* Docker takes the keys in any case. */
	for (char *c = key; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	if (!eq)
		return mount_flag_field(arg, key, m, f, err);
	return mount_value_field(arg, field, key, eq + 1, m, f, err);
}

/* The CLI's checks once every field is read, then the daemon's. */
static int mount_check(const char *arg, struct run_mount *m, struct mount_fields *f, md_error *err)
{
	if (f->no_type)
		return mount_arg_error(arg, err, "type is required");
	if (!m->target || !*m->target)
		return mount_arg_error(arg, err, "target is required");
	if (f->vol_opts && m->type != RUN_MOUNT_VOLUME)
		return mount_arg_error(arg, err,
				       "cannot mix 'volume-*' options with mount type '%s'",
				       type_name(m->type));
	if (f->bind_opts && m->type != RUN_MOUNT_BIND)
		return mount_arg_error(arg, err, "cannot mix 'bind-*' options with mount type '%s'",
				       type_name(m->type));
	if (f->tmpfs_opts && m->type != RUN_MOUNT_TMPFS)
		return mount_arg_error(arg, err,
				       "cannot mix 'tmpfs-*' options with mount type '%s'",
				       type_name(m->type));
	if (check_mount(m, f->propagation, err) < 0)
		return -1;
	if (m->type == RUN_MOUNT_VOLUME && m->source && volume_name_check(m->source, err) < 0)
		return -1;
	return 0;
}

static void mount_options(struct run_mount *m, struct mount_fields *f)
{
	if (m->type == RUN_MOUNT_BIND)
		m->options = TAKE_PTR(f->propagation);
	else if (m->type == RUN_MOUNT_VOLUME && f->nocopy)
		m->options = xstrdup("nocopy");
	else if (m->type == RUN_MOUNT_TMPFS)
		m->options = tmpfs_options_of(m->readonly, f->tmpfs_mode, f->tmpfs_size);
}

int run_mount_parse_mount(const char *arg, struct run_mount *out, md_error *err)
{
	struct mount_fields f = { 0 };
	cleanup_strv char **fields = NULL;
	int r = -1;

	*out = (struct run_mount){ .type = RUN_MOUNT_VOLUME };
	if (csv_fields(arg, &fields, err) < 0)
		goto out;
	for (size_t i = 0; fields[i]; i++)
		if (mount_field(arg, fields[i], out, &f, err) < 0)
			goto out;
	if (mount_check(arg, out, &f, err) < 0)
		goto out;
	mount_options(out, &f);
	out->mode = xstrdup("");
	clean_paths(out);
	r = 0;
out:
	free(f.propagation);
	if (r < 0)
		run_mount_free(out);
	return r;
}

/* ---- --tmpfs and tmpfs options ---- */

/* The flags Docker's MergeTmpfsOptions knows; one of a kind is kept. */
static const struct {
	const char *name;
	int kind;
} tmpfs_flags[] = {
	{ "rw", 1 },        { "ro", 1 },          { "exec", 2 },         { "noexec", 2 },
	{ "suid", 3 },      { "nosuid", 3 },      { "dev", 4 },          { "nodev", 4 },
	{ "sync", 5 },      { "async", 5 },       { "dirsync", 6 },      { "remount", 7 },
	{ "mand", 8 },      { "nomand", 8 },      { "atime", 9 },        { "noatime", 9 },
	{ "diratime", 10 }, { "nodiratime", 10 }, { "bind", 11 },        { "rbind", 12 },
	{ "relatime", 13 }, { "norelatime", 13 }, { "strictatime", 14 }, { "nostrictatime", 14 },
	{ "private", 15 },  { "rprivate", 15 },   { "shared", 15 },      { "rshared", 15 },
	{ "slave", 15 },    { "rslave", 15 },     { "unbindable", 15 },  { "runbindable", 15 },
};

static const char *const tmpfs_data_keys[] = { "size",      "mode",      "uid", "gid",
					       "nr_inodes", "nr_blocks", "mpol" };

/* The kind of an option: a flag's (> 0), a data key's (-100 - its index),
 * 0 when unknown. One option of a kind is kept. */
static int tmpfs_option_kind(const char *o)
{
	size_t klen = strcspn(o, "=");

	for (size_t i = 0; i < ARRAY_SIZE(tmpfs_flags); i++)
		if (strcmp(o, tmpfs_flags[i].name) == 0)
			return tmpfs_flags[i].kind;
	if (!o[klen])
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(tmpfs_data_keys); i++)
		if (strlen(tmpfs_data_keys[i]) == klen && strncmp(o, tmpfs_data_keys[i], klen) == 0)
			return -(int)(i + 100);
	return 0;
}

/* Go's %q of the option split at its first '=': ["a"] or ["a" "b"]. */
static int tmpfs_option_error(const char *o, md_error *err)
{
	const char *eq = strchr(o, '=');

	if (!eq)
		return md_error_set(err, 0, "invalid tmpfs option [\"%s\"]", o);
	return md_error_set(err, 0, "invalid tmpfs option [\"%.*s\" \"%s\"]", (int)(eq - o), o,
			    eq + 1);
}

int run_mount_tmpfs_options(const char *options, char ***out, md_error *err)
{
	cleanup_strv char **all = NULL, **kept = NULL;
	cleanup_free int *kinds = NULL;
	size_t n;

	md_strv_push(&all, "noexec");
	md_strv_push(&all, "nosuid");
	md_strv_push(&all, "nodev");
	md_strv_push(&all, "rprivate");
	if (options && *options)
		split_commas(options, &all);
	n = md_strv_len(all);
	kinds = xmalloc0(n * sizeof(int));
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i], "defaults") != 0 && !(kinds[i] = tmpfs_option_kind(all[i])))
			return tmpfs_option_error(all[i], err);
	/* The last of a kind wins, in the place it has. */
	kept = xmalloc0(sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		bool later = false;

		for (size_t j = i + 1; j < n && kinds[i]; j++)
			later = later || kinds[j] == kinds[i];
		if (kinds[i] && !later)
			md_strv_push(&kept, all[i]);
	}
	*out = TAKE_PTR(kept);
	return 0;
}

int run_mount_parse_tmpfs(const char *arg, struct run_mount *out, md_error *err)
{
	const char *colon = strchr(arg, ':'), *why;
	cleanup_strv char **opts = NULL;
	char buf[PATH_MAX + 64];

	*out = (struct run_mount){ .type = RUN_MOUNT_TMPFS };
	out->target = colon ? strndup(arg, (size_t)(colon - arg)) : xstrdup(arg);
	out->options = colon && colon[1] ? xstrdup(colon + 1) : NULL;
	/* Docker's check of a --tmpfs target, without a mount's prefix. */
	if ((why = target_problem(out->target, buf, sizeof(buf)))) {
		md_error_set(err, 0, "%s", why);
		goto fail;
	}
	if (run_mount_tmpfs_options(out->options, &opts, err) < 0)
		goto fail;
	clean_paths(out);
	return 0;
fail:
	run_mount_free(out);
	return -1;
}

int run_mounts_check(const struct run_mount *m, size_t n, md_error *err)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(m[i].target, m[j].target) == 0)
				return md_error_set(err, 0, "Duplicate mount point: %s",
						    m[i].target);
	return 0;
}

/* ---- the host side ---- */

static json_object *strv_array(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *oci_mount(const char *target, const char *type, const char *source,
			      char *const *options)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "destination", json_object_new_string(target));
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "options", strv_array(options));
	return o;
}

/* Docker's options of a bind (volumes are binds too): rbind, ro when read
 * only, the propagation when one is set. */
static json_object *oci_bind(const struct run_mount *m, const char *source, const char *propagation)
{
	cleanup_strv char **opts = NULL;

	md_strv_push(&opts, "rbind");
	if (m->readonly)
		md_strv_push(&opts, "ro");
	if (propagation)
		md_strv_push(&opts, propagation);
	return oci_mount(m->target, "bind", source, opts);
}

static int prepare_bind(const struct run_mount *m, json_object **out, md_error *err)
{
	struct stat st;

	if (stat(m->source, &st) < 0) {
		if (errno != ENOENT)
			return md_error_set(err, errno, "bind source `%s`", m->source);
		if (!m->create_source)
			return config_error(m->type, err, "bind source path does not exist: %s",
					    m->source);
		/* -v makes it, as Docker: a directory, 0755. */
		if (md_mkdir_p(m->source, 0755, err) < 0)
			return -1;
	}
	*out = oci_bind(m, m->source, m->options ? m->options : "rprivate");
	return 0;
}

/* The image's directory at target, opened inside rootfs (symlinks
 * resolved as if rootfs were "/"); -1 with errno ENOENT when there is
 * none (or it is no directory): nothing to copy. */
static int open_image_dir(const char *rootfs, const char *target, md_error *err)
{
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	md_error e;
	int fd;

	if (rootfd < 0)
		return md_error_set(err, errno, "open the rootfs `%s`", rootfs);
	fd = md_open_in_root(rootfd, target, O_RDONLY | O_DIRECTORY, MD_NO_CREATE, &e);
	if (fd >= 0)
		return fd;
	if (e.errnum == ENOENT || e.errnum == ENOTDIR) {
		errno = ENOENT;
		return -1;
	}
	*err = e;
	errno = e.errnum;
	return -1;
}

/* Find or make the volume; when new and empty, the image's content at the
 * target goes in first (Docker's copy on first use). Under the volumes'
 * lock, so that two containers do not fill one volume at once. */
static int prepare_volume(const char *root, struct run_mount *m, const char *rootfs,
			  json_object **out, md_error *err)
{
	static char anon[] = VOLUME_ANON_LABEL;
	char *const anon_label[] = { anon, NULL };
	cleanup_close int lock = volumes_lock(root, err);
	cleanup_close int src = -1;
	struct volume v;
	bool copied;
	int r = -1;

	if (lock < 0 ||
	    volume_ensure_locked(root, m->source, m->anonymous ? anon_label : NULL, &v, err) < 0)
		return -1;
	if (!m->source) {
		m->source = xstrdup(v.name);
		m->anonymous = true;
	}
	if (rootfs && !(m->options && strcmp(m->options, "nocopy") == 0)) {
		src = open_image_dir(rootfs, m->target, err);
		if (src < 0 && errno != ENOENT)
			goto out;
		if (src >= 0 && volume_fill_locked(&v, src, &copied, err) < 0)
			goto out;
	}
	*out = oci_bind(m, v.mountpoint, NULL);
	r = 0;
out:
	volume_free(&v);
	return r;
}

static int prepare_tmpfs(const struct run_mount *m, json_object **out, md_error *err)
{
	cleanup_strv char **opts = NULL;

	if (run_mount_tmpfs_options(m->options, &opts, err) < 0)
		return -1;
	*out = oci_mount(m->target, "tmpfs", "tmpfs", opts);
	return 0;
}

static int prepare_one(const char *root, struct run_mount *m, const char *rootfs, json_object **out,
		       md_error *err)
{
	switch (m->type) {
	case RUN_MOUNT_BIND:
		return prepare_bind(m, out, err);
	case RUN_MOUNT_VOLUME:
		return prepare_volume(root, m, rootfs, out, err);
	default:
		return prepare_tmpfs(m, out, err);
	}
}

int run_mounts_prepare(const char *root, struct run_mount *m, size_t n, const char *rootfs,
		       json_object **oci_mounts, char ***volume_names_used, md_error *err)
{
	cleanup_json json_object *list = json_object_new_array();
	cleanup_strv char **names = xmalloc0(sizeof(char *));

	if (run_mounts_check(m, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_object *o = NULL;

		if (prepare_one(root, &m[i], rootfs, &o, err) < 0)
			return md_error_prefix(err, "%s", m[i].target);
		json_object_array_add(list, o);
		if (m[i].type == RUN_MOUNT_VOLUME)
			md_strv_push(&names, m[i].source);
	}
	if (oci_mounts)
		*oci_mounts = TAKE_PTR(list);
	if (volume_names_used)
		*volume_names_used = TAKE_PTR(names);
	return 0;
}

int run_mounts_name(struct run_mount *m, size_t n, md_error *err)
{
	char name[65];

	for (size_t i = 0; i < n; i++) {
		if (m[i].type != RUN_MOUNT_VOLUME || m[i].source)
			continue;
		if (md_random_hex(name, 32, err) < 0)
			return -1;
		m[i].source = xstrdup(name);
		m[i].anonymous = true;
	}
	return 0;
}

/* ---- Docker's Mounts ---- */

static void add_string(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

json_object *run_mounts_inspect(const char *root, const struct run_mount *m, size_t n)
{
	json_object *list = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o;
		cleanup_free char *data = NULL;

		/* --tmpfs mounts are HostConfig.Tmpfs in Docker, not Mounts. */
		if (m[i].type == RUN_MOUNT_TMPFS && !m[i].mode)
			continue;
		o = json_object_new_object();
		add_string(o, "Type", type_name(m[i].type));
		if (m[i].type == RUN_MOUNT_VOLUME) {
			data = xasprintf("%s/volumes/%s/_data", root, m[i].source);
			add_string(o, "Name", m[i].source);
		}
		add_string(o, "Source", m[i].type == RUN_MOUNT_VOLUME ? data : m[i].source);
		add_string(o, "Destination", m[i].target);
		if (m[i].type == RUN_MOUNT_VOLUME)
			add_string(o, "Driver", "local");
		add_string(o, "Mode", m[i].mode);
		json_object_object_add(o, "RW", json_object_new_boolean(!m[i].readonly));
		add_string(o, "Propagation",
			   m[i].type != RUN_MOUNT_BIND
				   ? ""
				   : (m[i].options ? m[i].options : "rprivate"));
		json_object_array_add(list, o);
	}
	return list;
}
