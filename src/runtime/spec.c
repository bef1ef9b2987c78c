/* SPDX-License-Identifier: Apache-2.0 */
/* config.json -> struct spec (OCI runtime-spec v1.2: config.md and
 * config-linux.md).
 *
 * Types are checked strictly: a string where a number belongs is an error
 * that names the field ("config: linux.resources.memory.limit: expected an
 * integer, got a string"), never a silent zero. Unknown members are ignored
 * and JSON null counts as absent, as with runc's Go decoder, so configs
 * written for runc read the same here.
 *
 * Most objects are read through tables of (key, kind, offset); members with
 * rules of their own get a small function each. Arrays are attached to the
 * struct before their elements are read, so after any failure spec_free
 * reaches, and frees, everything parsed so far. */
#include "runtime/spec.h"

#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* ---- where a value sits, for error messages ---- */

/* A chain of segments from a value up to the document root. It lives on the
 * stack as the parser descends and is only formatted when there is an error:
 * "config: mounts[3].destination". */
struct where {
	const struct where *up; /* NULL at the root */
	const char *key;        /* member name (the root's: "config"), NULL for [index] */
	size_t index;
};

#define AT(w, k) (&(const struct where){ .up = (w), .key = (k) })
#define ELEM(w, i) (&(const struct where){ .up = (w), .index = (i) })

static void where_format(const struct where *w, char *buf, size_t len)
{
	size_t used;

	if (!w->up) {
		snprintf(buf, len, "%s", w->key);
		return;
	}
	where_format(w->up, buf, len);
	used = strlen(buf);
	if (w->key)
		snprintf(buf + used, len - used, "%s%s", w->up->up ? "." : ": ", w->key);
	else
		snprintf(buf + used, len - used, "[%zu]", w->index);
}

/* Fill err with "<where>: <message>"; returns -1. */
static int bad(md_error *err, const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(md_error *err, const struct where *w, const char *fmt, ...)
{
	char path[256], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where_format(w, path, sizeof(path));
	return md_error_set(err, 0, "%s: %s", path, msg);
}

/* Put "<where>: " in front of an error that a helper filled. */
static int prefix(md_error *err, const struct where *w)
{
	char path[256];

	where_format(w, path, sizeof(path));
	return md_error_prefix(err, "%s", path);
}

/* A value as JSON text for messages: quoted, control characters escaped. */
static const char *json_text(json_object *v)
{
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* ---- typed getters ---- */

static const char *type_phrase(json_type t)
{
	switch (t) {
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_boolean:
		return "a boolean";
	case json_type_int:
		return "an integer";
	case json_type_double:
		return "a floating-point number";
	case json_type_null:
		return "null";
	}
	return "an unknown type";
}

static int want(json_object *v, json_type t, const struct where *w, md_error *err)
{
	if (json_object_is_type(v, t))
		return 0;
	return bad(err, w, "expected %s, got %s", type_phrase(t),
		   type_phrase(json_object_get_type(v)));
}

/* The string in v, borrowed from v. */
static int string_of(json_object *v, const struct where *w, const char **out, md_error *err)
{
	if (want(v, json_type_string, w, err) < 0)
		return -1;
	*out = json_object_get_string(v);
	/* An embedded NUL would silently cut the value short (a path, say). */
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return bad(err, w, "must not contain a NUL character");
	return 0;
}

static int get_string(json_object *v, const struct where *w, char **out, md_error *err)
{
	const char *s;

	if (string_of(v, w, &s, err) < 0)
		return -1;
	free(*out);
	*out = xstrdup(s);
	return 0;
}

static int get_path(json_object *v, const struct where *w, char **out, md_error *err)
{
	if (get_string(v, w, out, err) < 0)
		return -1;
	if ((*out)[0] != '/')
		return bad(err, w, "must be an absolute path");
	return 0;
}

static int get_bool(json_object *v, const struct where *w, bool *out, md_error *err)
{
	if (want(v, json_type_boolean, w, err) < 0)
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

/* An integer in [min, max]. json-c keeps integers above INT64_MAX as
 * uint64, which json_object_get_int64 clamps to INT64_MAX. */
static int get_int(json_object *v, const struct where *w, int64_t min, int64_t max, int64_t *out,
		   md_error *err)
{
	int64_t n;
	bool huge;

	if (want(v, json_type_int, w, err) < 0)
		return -1;
	n = json_object_get_int64(v);
	huge = n == INT64_MAX && json_object_get_uint64(v) > INT64_MAX;
	if (huge || n < min || n > max)
		return bad(err, w, "%s is out of range [%" PRId64 ", %" PRId64 "]", json_text(v),
			   min, max);
	*out = n;
	return 0;
}

static int get_u64(json_object *v, const struct where *w, uint64_t *out, md_error *err)
{
	if (want(v, json_type_int, w, err) < 0)
		return -1;
	if (json_object_get_int64(v) < 0)
		return bad(err, w, "%s is negative", json_text(v));
	*out = json_object_get_uint64(v);
	return 0;
}

static int get_strv(json_object *v, const struct where *w, bool paths, char ***out, md_error *err)
{
	size_t n;

	if (want(v, json_type_array, w, err) < 0)
		return -1;
	n = json_object_array_length(v);
	md_strv_free(*out);
	*out = xmalloc0((n + 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		int r = paths ? get_path(e, ELEM(w, i), &(*out)[i], err)
			      : get_string(e, ELEM(w, i), &(*out)[i], err);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* obj[key], a required name that fn maps to a number ("pid" -> CLONE_NEWPID). */
static int lookup_name(json_object *obj, const char *key, const struct where *w,
		       int (*fn)(const char *), const char *what, int *out, md_error *err)
{
	json_object *v = md_json_member(obj, key);
	const char *s;

	if (!v)
		return bad(err, AT(w, key), "required field is missing");
	if (string_of(v, AT(w, key), &s, err) < 0)
		return -1;
	*out = fn(s);
	if (*out < 0)
		return bad(err, AT(w, key), "unknown %s %s", what, json_text(v));
	return 0;
}

/* ---- field tables ---- */

enum kind {
	K_STR,   /* char * */
	K_PATH,  /* char *, absolute */
	K_STRV,  /* char ** */
	K_PATHV, /* char **, each absolute */
	K_BOOL,  /* bool */
	K_INT,   /* int in [min, max] */
	K_I64,   /* int64_t in [min, max] */
	K_U32,   /* uint32_t (also uid_t, gid_t, unsigned) in [min, max] */
	K_OPT,   /* struct opt_i64 in [min, max] */
	K_U64,   /* uint64_t */
};

_Static_assert(sizeof(uid_t) == 4 && sizeof(gid_t) == 4 && sizeof(unsigned) == 4,
	       "K_U32 fields are 32 bits wide");

struct field {
	const char *key;
	enum kind kind;
	size_t off;
	bool required;
	int64_t min, max;
};

#define FIELD(k, kd, o, ...)                                                                       \
	{                                                                                          \
		.key = (k), .kind = (kd), .off = (o), __VA_ARGS__                                  \
	}
#define REQ .required = true
#define ANY .min = INT64_MIN, .max = INT64_MAX
#define NONNEG .min = 0, .max = INT64_MAX
#define U32 .min = 0, .max = UINT32_MAX
#define U16 .min = 0, .max = UINT16_MAX

static int parse_field(json_object *v, const struct where *w, const struct field *f, void *dst,
		       md_error *err)
{
	int64_t n;

	switch (f->kind) {
	case K_STR:
		return get_string(v, w, dst, err);
	case K_PATH:
		return get_path(v, w, dst, err);
	case K_STRV:
		return get_strv(v, w, false, dst, err);
	case K_PATHV:
		return get_strv(v, w, true, dst, err);
	case K_BOOL:
		return get_bool(v, w, dst, err);
	case K_U64:
		return get_u64(v, w, dst, err);
	default:
		break;
	}
	if (get_int(v, w, f->min, f->max, &n, err) < 0)
		return -1;
	if (f->kind == K_INT)
		*(int *)dst = (int)n;
	else if (f->kind == K_I64)
		*(int64_t *)dst = n;
	else if (f->kind == K_U32)
		*(uint32_t *)dst = (uint32_t)n;
	else
		*(struct opt_i64 *)dst = (struct opt_i64){ .set = true, .v = n };
	return 0;
}

/* Read the members of obj that the table names into the struct at base. */
static int parse_fields(json_object *obj, const struct where *w, const struct field *f, size_t n,
			void *base, md_error *err)
{
	for (size_t i = 0; i < n; i++) {
		json_object *v = md_json_member(obj, f[i].key);

		if (!v && f[i].required)
			return bad(err, AT(w, f[i].key), "required field is missing");
		if (v && parse_field(v, AT(w, f[i].key), &f[i], (char *)base + f[i].off, err) < 0)
			return -1;
	}
	return 0;
}

#define PARSE_FIELDS(obj, w, table, base, err)                                                     \
	parse_fields((obj), (w), (table), ARRAY_SIZE(table), (base), (err))

/* The same for the optional sub-object obj[key]; offsets stay relative to
 * base, so {"consoleSize": {"height"}} can fill spec_process.console_height. */
static int parse_sub_fields(json_object *obj, const char *key, const struct where *w,
			    const struct field *f, size_t n, void *base, md_error *err)
{
	json_object *sub = md_json_member(obj, key);

	if (!sub)
		return 0;
	if (want(sub, json_type_object, AT(w, key), err) < 0)
		return -1;
	return parse_fields(sub, AT(w, key), f, n, base, err);
}

#define PARSE_SUB_FIELDS(obj, key, w, table, base, err)                                            \
	parse_sub_fields((obj), (key), (w), (table), ARRAY_SIZE(table), (base), (err))

/* ---- arrays and maps ---- */

typedef int (*elem_fn)(json_object *v, const struct where *w, void *elem, md_error *err);

/* obj[key] as a C array of structs of the given size, each read by fn. The
 * zeroed array is handed out before its elements are read (see the top). */
static int parse_array(json_object *obj, const char *key, const struct where *w, size_t size,
		       elem_fn fn, void **arr, size_t *n, md_error *err)
{
	json_object *a = md_json_member(obj, key);
	const struct where *aw = AT(w, key);
	size_t len;

	if (!a)
		return 0;
	if (want(a, json_type_array, aw, err) < 0)
		return -1;
	len = json_object_array_length(a);
	*arr = xmalloc0(len * size);
	*n = len;
	for (size_t i = 0; i < len; i++)
		if (fn(json_object_array_get_idx(a, i), ELEM(aw, i), (char *)*arr + i * size, err) <
		    0)
			return -1;
	return 0;
}

#define PARSE_ARRAY(obj, key, w, arr, n, fn, err)                                                  \
	({                                                                                         \
		void *_arr = NULL;                                                                 \
		int _r = parse_array((obj), (key), (w), sizeof(*(arr)), (fn), &_arr, &(n), (err)); \
		if (_arr)                                                                          \
			(arr) = _arr;                                                              \
		_r;                                                                                \
	})

/* An element parser that is only a field table. */
#define TABLE_ELEM(name, table)                                                                    \
	static int name(json_object *v, const struct where *w, void *elem, md_error *err)          \
	{                                                                                          \
		if (want(v, json_type_object, w, err) < 0)                                         \
			return -1;                                                                 \
		return PARSE_FIELDS(v, w, table, elem, err);                                       \
	}

/* obj[key], an object of strings, into an array of {char *key, *value}
 * (annotations, sysctl, unified): key at offset 0, value at value_off. */
static int parse_map(json_object *obj, const char *key, const struct where *w, size_t size,
		     size_t value_off, void **arr, size_t *n, md_error *err)
{
	json_object *m = md_json_member(obj, key);
	const struct where *mw = AT(w, key);
	size_t i = 0;

	if (!m)
		return 0;
	if (want(m, json_type_object, mw, err) < 0)
		return -1;
	*arr = xmalloc0((size_t)json_object_object_length(m) * size);
	json_object_object_foreach(m, k, v)
	{
		char *pair = (char *)*arr + i * size;

		*n = ++i;
		*(char **)pair = xstrdup(k);
		if (get_string(v, AT(mw, k), (char **)(pair + value_off), err) < 0)
			return -1;
	}
	return 0;
}

#define PARSE_MAP(obj, name, w, arr, n, err)                                                       \
	({                                                                                         \
		void *_arr = NULL;                                                                 \
		int _r;                                                                            \
		_Static_assert(offsetof(__typeof__(*(arr)), key) == 0,                             \
			       "map entries start with their key");                                \
		_r = parse_map((obj), (name), (w), sizeof(*(arr)),                                 \
			       offsetof(__typeof__(*(arr)), value), &_arr, &(n), (err));           \
		if (_arr)                                                                          \
			(arr) = _arr;                                                              \
		_r;                                                                                \
	})

#define FREE_MAP(arr, n)                                                                           \
	do {                                                                                       \
		for (size_t _i = 0; _i < (n); _i++) {                                              \
			free((arr)[_i].key);                                                       \
			free((arr)[_i].value);                                                     \
		}                                                                                  \
		free(arr);                                                                         \
	} while (0)

/* ---- process ---- */

#define P(m) offsetof(struct spec_process, m)
static const struct field process_fields[] = {
	FIELD("terminal", K_BOOL, P(terminal)),
	FIELD("args", K_STRV, P(args)),
	FIELD("env", K_STRV, P(env)),
	FIELD("cwd", K_PATH, P(cwd)),
	FIELD("noNewPrivileges", K_BOOL, P(no_new_privileges)),
	FIELD("oomScoreAdj", K_OPT, P(oom_score_adj), .min = -1000, .max = 1000),
	FIELD("apparmorProfile", K_STR, P(apparmor_profile)),
	FIELD("selinuxLabel", K_STR, P(selinux_label)),
};

static const struct field console_fields[] = {
	FIELD("height", K_U32, P(console_height), U32),
	FIELD("width", K_U32, P(console_width), U32),
};

static const struct field user_fields[] = {
	FIELD("uid", K_U32, P(user.uid), U32),
	FIELD("gid", K_U32, P(user.gid), U32),
	FIELD("umask", K_OPT, P(user.umask), U32),
	FIELD("username", K_STR, P(user.username)),
};
#undef P

static const struct field rlimit_fields[] = {
	FIELD("soft", K_U64, offsetof(struct spec_rlimit, soft), REQ),
	FIELD("hard", K_U64, offsetof(struct spec_rlimit, hard), REQ),
};

static const struct {
	const char *key;
	size_t off;
} cap_sets[] = {
	{ "bounding", offsetof(struct spec_caps, bounding) },
	{ "effective", offsetof(struct spec_caps, effective) },
	{ "inheritable", offsetof(struct spec_caps, inheritable) },
	{ "permitted", offsetof(struct spec_caps, permitted) },
	{ "ambient", offsetof(struct spec_caps, ambient) },
};

/* "NAME=VALUE" with a non-empty NAME, as runc requires. */
static int check_env(char *const *env, const struct where *w, md_error *err)
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');

		if (!eq || eq == env[i])
			return bad(err, ELEM(w, i), "expected NAME=VALUE");
	}
	return 0;
}

static int parse_gid(json_object *v, const struct where *w, void *elem, md_error *err)
{
	int64_t n;

	if (get_int(v, w, 0, UINT32_MAX, &n, err) < 0)
		return -1;
	*(gid_t *)elem = (gid_t)n;
	return 0;
}

static int parse_user(json_object *proc, const struct where *w, struct spec_process *p,
		      md_error *err)
{
	json_object *u = md_json_member(proc, "user");
	const struct where *uw = AT(w, "user");

	if (!u)
		return 0;
	if (want(u, json_type_object, uw, err) < 0 ||
	    PARSE_FIELDS(u, uw, user_fields, p, err) < 0 ||
	    PARSE_ARRAY(u, "additionalGids", uw, p->user.additional_gids, p->user.n_additional_gids,
			parse_gid, err) < 0)
		return -1;
	return 0;
}

/* One capability set, a list of names, as a bit mask. Unknown names are an
 * error (runc only warns): a typo would otherwise drop a capability. */
static int parse_cap_list(json_object *list, const struct where *w, uint64_t *mask, md_error *err)
{
	if (want(list, json_type_array, w, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *v = json_object_array_get_idx(list, i);
		const char *name;
		int cap;

		if (string_of(v, ELEM(w, i), &name, err) < 0)
			return -1;
		cap = spec_cap_number(name);
		if (cap < 0)
			return bad(err, ELEM(w, i), "unknown capability %s", json_text(v));
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_caps(json_object *proc, const struct where *w, struct spec_caps *caps,
		      md_error *err)
{
	json_object *c = md_json_member(proc, "capabilities");
	const struct where *cw = AT(w, "capabilities");

	if (!c)
		return 0;
	if (want(c, json_type_object, cw, err) < 0)
		return -1;
	caps->set = true;
	for (size_t i = 0; i < ARRAY_SIZE(cap_sets); i++) {
		json_object *list = md_json_member(c, cap_sets[i].key);
		uint64_t *mask = (uint64_t *)((char *)caps + cap_sets[i].off);

		if (list && parse_cap_list(list, AT(cw, cap_sets[i].key), mask, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_rlimit(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_rlimit *r = elem;

	if (want(v, json_type_object, w, err) < 0 ||
	    lookup_name(v, "type", w, spec_rlimit_resource, "rlimit", &r->resource, err) < 0 ||
	    PARSE_FIELDS(v, w, rlimit_fields, r, err) < 0)
		return -1;
	if (r->soft > r->hard)
		return bad(err, AT(w, "soft"), "%" PRIu64 " is above the hard limit %" PRIu64,
			   r->soft, r->hard);
	return 0;
}

/* Two entries for one resource would leave it to chance which one wins. */
static int check_duplicate_rlimits(const struct spec_process *p, const struct where *w,
				   md_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++)
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[i].resource == p->rlimits[j].resource)
				return bad(err, AT(ELEM(w, i), "type"),
					   "duplicate rlimit, also at [%zu]", j);
	return 0;
}

static int parse_process(json_object *v, const struct where *w, struct spec_process **out,
			 md_error *err)
{
	struct spec_process *p = *out = xmalloc0(sizeof(*p));

	if (want(v, json_type_object, w, err) < 0 ||
	    PARSE_FIELDS(v, w, process_fields, p, err) < 0 ||
	    check_env(p->env, AT(w, "env"), err) < 0 ||
	    PARSE_SUB_FIELDS(v, "consoleSize", w, console_fields, p, err) < 0 ||
	    parse_user(v, w, p, err) < 0 || parse_caps(v, w, &p->caps, err) < 0 ||
	    PARSE_ARRAY(v, "rlimits", w, p->rlimits, p->n_rlimits, parse_rlimit, err) < 0 ||
	    check_duplicate_rlimits(p, AT(w, "rlimits"), err) < 0)
		return -1;
	if (!p->cwd)
		p->cwd = xstrdup("/");
	return 0;
}

/* ---- mounts ---- */

struct mount_opt {
	const char *name;
	bool clear;
	uint64_t value;
};

/* runc's table (libcontainer/specconv), so that options mean the same. */
static const struct mount_opt mount_flags[] = {
	{ "acl", false, MS_POSIXACL },
	{ "noacl", true, MS_POSIXACL },
	{ "async", true, MS_SYNCHRONOUS },
	{ "sync", false, MS_SYNCHRONOUS },
	{ "atime", true, MS_NOATIME },
	{ "noatime", false, MS_NOATIME },
	{ "bind", false, MS_BIND },
	{ "rbind", false, MS_BIND | MS_REC },
	{ "defaults", false, 0 },
	{ "dev", true, MS_NODEV },
	{ "nodev", false, MS_NODEV },
	{ "diratime", true, MS_NODIRATIME },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "dirsync", false, MS_DIRSYNC },
	{ "exec", true, MS_NOEXEC },
	{ "noexec", false, MS_NOEXEC },
	{ "iversion", false, MS_I_VERSION },
	{ "noiversion", true, MS_I_VERSION },
	{ "lazytime", false, MS_LAZYTIME },
	{ "nolazytime", true, MS_LAZYTIME },
	{ "loud", true, MS_SILENT },
	{ "silent", false, MS_SILENT },
	{ "mand", false, MS_MANDLOCK },
	{ "nomand", true, MS_MANDLOCK },
	{ "relatime", false, MS_RELATIME },
	{ "norelatime", true, MS_RELATIME },
	{ "remount", false, MS_REMOUNT },
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "strictatime", false, MS_STRICTATIME },
	{ "nostrictatime", true, MS_STRICTATIME },
	{ "suid", true, MS_NOSUID },
	{ "nosuid", false, MS_NOSUID },
	{ "symfollow", true, MS_NOSYMFOLLOW },
	{ "nosymfollow", false, MS_NOSYMFOLLOW },
};

/* Recursive mount attributes (runc's recAttrFlags), for mount_setattr. */
static const struct mount_opt mount_rec_attrs[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY },
	{ "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID },
	{ "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV },
	{ "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC },
	{ "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rrelatime", false, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", true, MOUNT_ATTR_RELATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME },
	{ "ratime", true, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", true, MOUNT_ATTR_STRICTATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

static const struct {
	const char *name;
	unsigned long flag;
} propagations[] = {
	{ "shared", MS_SHARED },
	{ "slave", MS_SLAVE },
	{ "private", MS_PRIVATE },
	{ "unbindable", MS_UNBINDABLE },
};

/* "shared" -> MS_SHARED, "rshared" -> MS_SHARED | MS_REC; 0 if unknown. */
static unsigned long propagation_flags(const char *name)
{
	unsigned long rec = 0;

	if (name[0] == 'r') {
		rec = MS_REC;
		name++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(propagations[i].name, name) == 0)
			return propagations[i].flag | rec;
	return 0;
}

static const struct mount_opt *find_mount_opt(const struct mount_opt *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Set v in set and drop it from clr, or the other way round. */
#define SET_OR_CLEAR(set, clr, clear, v)                                                           \
	do {                                                                                       \
		if (clear) {                                                                       \
			(set) &= ~(v);                                                             \
			(clr) |= (v);                                                              \
		} else {                                                                           \
			(set) |= (v);                                                              \
			(clr) &= ~(v);                                                             \
		}                                                                                  \
	} while (0)

/* Apply one option that is not data; false when it is data. */
static bool apply_mount_option(struct spec_mount *m, const char *o)
{
	const struct mount_opt *f;
	unsigned long prop;

	if ((f = find_mount_opt(mount_flags, ARRAY_SIZE(mount_flags), o))) {
		SET_OR_CLEAR(m->flags, m->clear, f->clear, (unsigned long)f->value);
		return true;
	}
	if ((f = find_mount_opt(mount_rec_attrs, ARRAY_SIZE(mount_rec_attrs), o))) {
		SET_OR_CLEAR(m->rec_attr_set, m->rec_attr_clear, f->clear, f->value);
		return true;
	}
	if ((prop = propagation_flags(o))) {
		m->propagation = prop; /* the last one wins */
		return true;
	}
	if (strcmp(o, "tmpcopyup") == 0) {
		m->tmpcopyup = true;
		return true;
	}
	return false;
}

void spec_each_mount_option(spec_name_fn fn, void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++)
		fn(mount_flags[i].name, ctx);
	for (size_t i = 0; i < ARRAY_SIZE(mount_rec_attrs); i++)
		fn(mount_rec_attrs[i].name, ctx);
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++) {
		char rec[32];

		fn(propagations[i].name, ctx);
		snprintf(rec, sizeof(rec), "r%s", propagations[i].name);
		fn(rec, ctx);
	}
	fn("tmpcopyup", ctx);
}

static void append_data(char **data, const char *o)
{
	char *joined = *data ? xasprintf("%s,%s", *data, o) : xstrdup(o);

	free(*data);
	*data = joined;
}

/* Derives flags, clear, propagation, the recursive attributes, data, bind
 * and tmpcopyup from m->type and m->options alone, so it can run again. */
int spec_mount_parse_options(struct spec_mount *m, md_error *err)
{
	m->flags = m->clear = m->propagation = 0;
	m->rec_attr_set = m->rec_attr_clear = 0;
	m->tmpcopyup = false;
	free(m->data);
	m->data = NULL;
	for (size_t i = 0; m->options && m->options[i]; i++) {
		const char *o = m->options[i];

		/* Idmapped mounts need a user namespace fd for mount_setattr;
		 * refuse them rather than mount with the host's ownership. */
		if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0)
			return md_error_set(err, 0, "\"%s\": idmapped mounts are not supported", o);
		if (o[0] != '\0' && !apply_mount_option(m, o))
			append_data(&m->data, o);
	}
	m->bind = (m->flags & MS_BIND) || (m->type && strcmp(m->type, "bind") == 0);
	if (m->bind)
		m->flags |= MS_BIND;
	return 0;
}

#define M(m) offsetof(struct spec_mount, m)
static const struct field mount_fields[] = {
	FIELD("destination", K_PATH, M(destination), REQ),
	FIELD("type", K_STR, M(type)),
	FIELD("source", K_STR, M(source)),
	FIELD("options", K_STRV, M(options)),
};
#undef M

/* Present and not an empty array. */
static bool has_entries(json_object *v)
{
	return v && !(json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0);
}

static int parse_mount(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_mount *m = elem;

	if (want(v, json_type_object, w, err) < 0 || PARSE_FIELDS(v, w, mount_fields, m, err) < 0)
		return -1;
	if (has_entries(md_json_member(v, "uidMappings")) ||
	    has_entries(md_json_member(v, "gidMappings")))
		return bad(err, w, "idmapped mounts (uidMappings, gidMappings) are not supported");
	if (spec_mount_parse_options(m, err) < 0)
		return prefix(err, AT(w, "options"));
	return 0;
}

/* ---- hooks ---- */

#define H(m) offsetof(struct spec_hook, m)
static const struct field hook_fields[] = {
	FIELD("path", K_PATH, H(path), REQ),
	FIELD("args", K_STRV, H(args)),
	FIELD("env", K_STRV, H(env)),
	FIELD("timeout", K_INT, H(timeout), .min = 1, .max = INT_MAX),
};
#undef H

#define HS(m) offsetof(struct spec_hooks, m)
static const struct {
	const char *key;
	size_t list, n;
} hook_lists[] = {
	{ "prestart", HS(prestart), HS(n_prestart) },
	{ "createRuntime", HS(create_runtime), HS(n_create_runtime) },
	{ "createContainer", HS(create_container), HS(n_create_container) },
	{ "startContainer", HS(start_container), HS(n_start_container) },
	{ "poststart", HS(poststart), HS(n_poststart) },
	{ "poststop", HS(poststop), HS(n_poststop) },
};
#undef HS

void spec_each_hook(spec_name_fn fn, void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_lists); i++)
		fn(hook_lists[i].key, ctx);
}

static int parse_hook(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_hook *h = elem;

	if (want(v, json_type_object, w, err) < 0 || PARSE_FIELDS(v, w, hook_fields, h, err) < 0 ||
	    check_env(h->env, AT(w, "env"), err) < 0)
		return -1;
	return 0;
}

static int parse_hooks(json_object *obj, const struct where *w, struct spec_hooks *h, md_error *err)
{
	json_object *hooks = md_json_member(obj, "hooks");
	const struct where *hw = AT(w, "hooks");

	if (!hooks)
		return 0;
	if (want(hooks, json_type_object, hw, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(hook_lists); i++) {
		void *list = NULL;
		int r = parse_array(hooks, hook_lists[i].key, hw, sizeof(struct spec_hook),
				    parse_hook, &list, (size_t *)((char *)h + hook_lists[i].n),
				    err);

		*(struct spec_hook **)((char *)h + hook_lists[i].list) = list;
		if (r < 0)
			return -1;
	}
	return 0;
}

/* ---- linux ---- */

static const struct field namespace_fields[] = {
	FIELD("path", K_PATH, offsetof(struct spec_namespace, path)),
};

static int parse_namespace(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_namespace *ns = elem;

	if (want(v, json_type_object, w, err) < 0 ||
	    lookup_name(v, "type", w, spec_namespace_type, "namespace type", &ns->type, err) < 0)
		return -1;
	return PARSE_FIELDS(v, w, namespace_fields, ns, err);
}

static int check_duplicate_namespaces(const struct spec_linux *l, const struct where *w,
				      md_error *err)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		for (size_t j = 0; j < i; j++)
			if (l->namespaces[i].type == l->namespaces[j].type)
				return bad(err, AT(ELEM(w, i), "type"),
					   "duplicate namespace, also at [%zu]", j);
	return 0;
}

#define IDM(m) offsetof(struct spec_id_mapping, m)
static const struct field id_mapping_fields[] = {
	FIELD("containerID", K_U32, IDM(container_id), REQ, U32),
	FIELD("hostID", K_U32, IDM(host_id), REQ, U32),
	FIELD("size", K_U32, IDM(size), REQ, .min = 1, .max = UINT32_MAX),
};
#undef IDM
TABLE_ELEM(parse_id_mapping, id_mapping_fields)

#define R(m) offsetof(struct spec_resources, m)
/* memory.kernel and memory.kernelTCP are deprecated and ignored, as in runc. */
static const struct field memory_fields[] = {
	FIELD("limit", K_OPT, R(memory_limit), ANY),
	FIELD("reservation", K_OPT, R(memory_reservation), ANY),
	FIELD("swap", K_OPT, R(memory_swap), ANY),
	FIELD("disableOOMKiller", K_BOOL, R(disable_oom_killer)),
};

static const struct field cpu_fields[] = {
	FIELD("shares", K_OPT, R(cpu_shares), NONNEG),
	FIELD("quota", K_OPT, R(cpu_quota), ANY),
	FIELD("burst", K_OPT, R(cpu_burst), NONNEG),
	FIELD("period", K_OPT, R(cpu_period), NONNEG),
	FIELD("realtimeRuntime", K_OPT, R(cpu_rt_runtime), ANY),
	FIELD("realtimePeriod", K_OPT, R(cpu_rt_period), NONNEG),
	FIELD("cpus", K_STR, R(cpuset_cpus)),
	FIELD("mems", K_STR, R(cpuset_mems)),
	FIELD("idle", K_OPT, R(cpu_idle), ANY),
};

static const struct field pids_fields[] = {
	FIELD("limit", K_OPT, R(pids_limit), ANY),
};

static const struct field blkio_fields[] = {
	FIELD("weight", K_OPT, R(blkio_weight), U16),
	FIELD("leafWeight", K_OPT, R(blkio_leaf_weight), U16),
};
#undef R

#define BW(m) offsetof(struct spec_blkio_weight_device, m)
static const struct field blkio_weight_device_fields[] = {
	FIELD("major", K_I64, BW(major), REQ, NONNEG),
	FIELD("minor", K_I64, BW(minor), REQ, NONNEG),
	FIELD("weight", K_OPT, BW(weight), U16),
	FIELD("leafWeight", K_OPT, BW(leaf_weight), U16),
};
#undef BW
TABLE_ELEM(parse_blkio_weight_device, blkio_weight_device_fields)

#define BT(m) offsetof(struct spec_blkio_throttle, m)
static const struct field blkio_throttle_fields[] = {
	FIELD("major", K_I64, BT(major), REQ, NONNEG),
	FIELD("minor", K_I64, BT(minor), REQ, NONNEG),
	FIELD("rate", K_U64, BT(rate), REQ),
};
#undef BT
TABLE_ELEM(parse_blkio_throttle, blkio_throttle_fields)

static const struct field hugepage_fields[] = {
	FIELD("pageSize", K_STR, offsetof(struct spec_hugepage, page_size), REQ),
	FIELD("limit", K_U64, offsetof(struct spec_hugepage, limit), REQ),
};
TABLE_ELEM(parse_hugepage, hugepage_fields)

#define D(m) offsetof(struct spec_device_rule, m)
static const struct field device_rule_fields[] = {
	FIELD("allow", K_BOOL, D(allow), REQ),
	FIELD("major", K_I64, D(major), .min = -1, .max = INT64_MAX),
	FIELD("minor", K_I64, D(minor), .min = -1, .max = INT64_MAX),
};
#undef D

/* memory.swappiness, 0..100. -1, and the uint64 that a Go -1 becomes, mean
 * "leave the kernel's default", as in runc. */
static int parse_swappiness(json_object *res, const struct where *w, struct opt_i64 *out,
			    md_error *err)
{
	json_object *mem = md_json_member(res, "memory");
	json_object *v = mem ? md_json_member(mem, "swappiness") : NULL;
	int64_t n;

	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_int) &&
	    (json_object_get_int64(v) == -1 || json_object_get_uint64(v) == UINT64_MAX))
		return 0;
	if (get_int(v, AT(AT(w, "memory"), "swappiness"), 0, 100, &n, err) < 0)
		return -1;
	*out = (struct opt_i64){ .set = true, .v = n };
	return 0;
}

static int parse_block_io(json_object *res, const struct where *w, struct spec_resources *r,
			  md_error *err)
{
	json_object *b = md_json_member(res, "blockIO");
	const struct where *bw = AT(w, "blockIO");

	if (!b)
		return 0;
	if (want(b, json_type_object, bw, err) < 0 ||
	    PARSE_FIELDS(b, bw, blkio_fields, r, err) < 0 ||
	    PARSE_ARRAY(b, "weightDevice", bw, r->blkio_weight_devices, r->n_blkio_weight_devices,
			parse_blkio_weight_device, err) < 0 ||
	    PARSE_ARRAY(b, "throttleReadBpsDevice", bw, r->blkio_read_bps, r->n_blkio_read_bps,
			parse_blkio_throttle, err) < 0 ||
	    PARSE_ARRAY(b, "throttleWriteBpsDevice", bw, r->blkio_write_bps, r->n_blkio_write_bps,
			parse_blkio_throttle, err) < 0 ||
	    PARSE_ARRAY(b, "throttleReadIOPSDevice", bw, r->blkio_read_iops, r->n_blkio_read_iops,
			parse_blkio_throttle, err) < 0 ||
	    PARSE_ARRAY(b, "throttleWriteIOPSDevice", bw, r->blkio_write_iops,
			r->n_blkio_write_iops, parse_blkio_throttle, err) < 0)
		return -1;
	return 0;
}

/* "a", "c" or "b"; absent or "" means all ('a'). */
static int parse_device_type(json_object *rule, const struct where *w, char *out, md_error *err)
{
	json_object *v = md_json_member(rule, "type");
	const char *s;

	if (!v)
		return 0;
	if (string_of(v, AT(w, "type"), &s, err) < 0)
		return -1;
	if (s[0] && (s[1] || !strchr("acb", s[0])))
		return bad(err, AT(w, "type"), "expected \"a\", \"c\" or \"b\", got %s",
			   json_text(v));
	if (s[0])
		*out = s[0];
	return 0;
}

/* Letters from "rwm", each once; absent or "" means all ("rwm"). */
static int parse_device_access(json_object *rule, const struct where *w, char out[4], md_error *err)
{
	json_object *v = md_json_member(rule, "access");
	char seen[4] = "";
	size_t n = 0;
	const char *s;

	if (!v)
		return 0;
	if (string_of(v, AT(w, "access"), &s, err) < 0)
		return -1;
	for (const char *c = s; *c; c++) {
		if (!strchr("rwm", *c))
			return bad(err, AT(w, "access"), "expected letters from \"rwm\", got %s",
				   json_text(v));
		if (!memchr(seen, *c, n))
			seen[n++] = *c;
	}
	if (n > 0)
		memcpy(out, seen, sizeof(seen));
	return 0;
}

static int parse_device_rule(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_device_rule *d = elem;

	*d = (struct spec_device_rule){ .type = 'a', .major = -1, .minor = -1, .access = "rwm" };
	if (want(v, json_type_object, w, err) < 0 ||
	    PARSE_FIELDS(v, w, device_rule_fields, d, err) < 0 ||
	    parse_device_type(v, w, &d->type, err) < 0 ||
	    parse_device_access(v, w, d->access, err) < 0)
		return -1;
	return 0;
}

#define NP(m) offsetof(struct spec_net_priority, m)
static const struct field net_priority_fields[] = {
	FIELD("name", K_STR, NP(name), REQ),
	FIELD("priority", K_U32, NP(priority), REQ, U32),
};
#undef NP

/* An interface name as the kernel takes it (dev_valid_name): the name is
 * written as a "NAME PRIO" line, so a space or newline would forge one. */
static bool ifname_ok(const char *s)
{
	return *s && strlen(s) < 16 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	       !s[strcspn(s, "/: \t\n\v\f\r")];
}

static int parse_net_priority(json_object *v, const struct where *w, void *elem, md_error *err)
{
	struct spec_net_priority *p = elem;

	if (want(v, json_type_object, w, err) < 0 ||
	    PARSE_FIELDS(v, w, net_priority_fields, p, err) < 0)
		return -1;
	if (!ifname_ok(p->name))
		return bad(err, AT(w, "name"), "invalid interface name %s",
			   json_text(md_json_member(v, "name")));
	return 0;
}

static const struct field network_fields[] = {
	FIELD("classID", K_OPT, offsetof(struct spec_resources, net_class_id), U32),
};

static int parse_network(json_object *res, const struct where *w, struct spec_resources *r,
			 md_error *err)
{
	json_object *n = md_json_member(res, "network");
	const struct where *nw = AT(w, "network");

	if (!n)
		return 0;
	if (want(n, json_type_object, nw, err) < 0 ||
	    PARSE_FIELDS(n, nw, network_fields, r, err) < 0 ||
	    PARSE_ARRAY(n, "priorities", nw, r->net_priorities, r->n_net_priorities,
			parse_net_priority, err) < 0)
		return -1;
	return 0;
}

static int parse_resources(json_object *lx, const struct where *lw, struct spec_resources *r,
			   md_error *err)
{
	json_object *res = md_json_member(lx, "resources");
	const struct where *w = AT(lw, "resources");

	if (!res)
		return 0;
	if (want(res, json_type_object, w, err) < 0 ||
	    PARSE_SUB_FIELDS(res, "memory", w, memory_fields, r, err) < 0 ||
	    parse_swappiness(res, w, &r->memory_swappiness, err) < 0 ||
	    PARSE_SUB_FIELDS(res, "cpu", w, cpu_fields, r, err) < 0 ||
	    PARSE_SUB_FIELDS(res, "pids", w, pids_fields, r, err) < 0 ||
	    parse_block_io(res, w, r, err) < 0 ||
	    PARSE_ARRAY(res, "hugepageLimits", w, r->hugepages, r->n_hugepages, parse_hugepage,
			err) < 0 ||
	    PARSE_ARRAY(res, "devices", w, r->devices, r->n_devices, parse_device_rule, err) < 0 ||
	    PARSE_MAP(res, "unified", w, r->unified, r->n_unified, err) < 0 ||
	    parse_network(res, w, r, err) < 0)
		return -1;
	return 0;
}

/* "shared", "slave", "private", "unbindable", or their "r" forms; both mean
 * the recursive change, which is what the root of a container needs. */
static int parse_rootfs_propagation(json_object *lx, const struct where *w, unsigned long *out,
				    md_error *err)
{
	json_object *v = md_json_member(lx, "rootfsPropagation");
	const char *s;

	if (!v)
		return 0;
	if (string_of(v, AT(w, "rootfsPropagation"), &s, err) < 0)
		return -1;
	if (s[0] == '\0')
		return 0;
	*out = propagation_flags(s);
	if (*out == 0)
		return bad(err, AT(w, "rootfsPropagation"), "unknown propagation %s", json_text(v));
	*out |= MS_REC;
	return 0;
}

#define L(m) offsetof(struct spec_linux, m)
static const struct field linux_fields[] = {
	FIELD("cgroupsPath", K_STR, L(cgroups_path)),
	FIELD("maskedPaths", K_PATHV, L(masked_paths)),
	FIELD("readonlyPaths", K_PATHV, L(readonly_paths)),
	FIELD("mountLabel", K_STR, L(mount_label)),
};

/* Members kept as JSON for the modules that compile them. */
static const struct {
	const char *key;
	json_type type;
	size_t off;
} linux_json[] = {
	{ "seccomp", json_type_object, L(seccomp) },
	{ "devices", json_type_array, L(devices) },
	{ "personality", json_type_object, L(personality) },
	{ "timeOffsets", json_type_object, L(time_offsets) },
};
#undef L

static int keep_linux_json(json_object *lx, const struct where *w, struct spec_linux *l,
			   md_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(linux_json); i++) {
		json_object *v = md_json_member(lx, linux_json[i].key);

		if (!v)
			continue;
		if (want(v, linux_json[i].type, AT(w, linux_json[i].key), err) < 0)
			return -1;
		*(json_object **)((char *)l + linux_json[i].off) = json_object_get(v);
	}
	return 0;
}

static int parse_linux(json_object *obj, const struct where *w, struct spec_linux *l, md_error *err)
{
	json_object *lx = md_json_member(obj, "linux");
	const struct where *lw = AT(w, "linux");

	if (!lx)
		return 0;
	if (want(lx, json_type_object, lw, err) < 0 ||
	    PARSE_FIELDS(lx, lw, linux_fields, l, err) < 0 ||
	    PARSE_ARRAY(lx, "namespaces", lw, l->namespaces, l->n_namespaces, parse_namespace,
			err) < 0 ||
	    check_duplicate_namespaces(l, AT(lw, "namespaces"), err) < 0 ||
	    PARSE_ARRAY(lx, "uidMappings", lw, l->uid_mappings, l->n_uid_mappings, parse_id_mapping,
			err) < 0 ||
	    PARSE_ARRAY(lx, "gidMappings", lw, l->gid_mappings, l->n_gid_mappings, parse_id_mapping,
			err) < 0 ||
	    parse_resources(lx, lw, &l->resources, err) < 0 ||
	    parse_rootfs_propagation(lx, lw, &l->rootfs_propagation, err) < 0 ||
	    PARSE_MAP(lx, "sysctl", lw, l->sysctl, l->n_sysctl, err) < 0 ||
	    keep_linux_json(lx, lw, l, err) < 0)
		return -1;
	return 0;
}

/* ---- the whole config ---- */

#define S(m) offsetof(struct spec, m)
static const struct field spec_fields[] = {
	FIELD("ociVersion", K_STR, S(oci_version), REQ),
	FIELD("hostname", K_STR, S(hostname)),
	FIELD("domainname", K_STR, S(domainname)),
};

/* root.path may be relative: it is resolved against the bundle. */
static const struct field root_fields[] = {
	FIELD("path", K_STR, S(root_path), REQ),
	FIELD("readonly", K_BOOL, S(root_readonly)),
};
#undef S

static int parse_root(json_object *obj, const struct where *w, struct spec *s, md_error *err)
{
	json_object *root = md_json_member(obj, "root");

	/* Optional in the spec for Windows only. */
	if (!root)
		return bad(err, AT(w, "root"), "required field is missing");
	if (want(root, json_type_object, AT(w, "root"), err) < 0)
		return -1;
	return PARSE_FIELDS(root, AT(w, "root"), root_fields, s, err);
}

static int parse_spec(json_object *obj, struct spec *s, md_error *err)
{
	const struct where *w = &(const struct where){ .key = "config" };
	json_object *proc;

	if (want(obj, json_type_object, w, err) < 0 ||
	    PARSE_FIELDS(obj, w, spec_fields, s, err) < 0 || parse_root(obj, w, s, err) < 0)
		return -1;
	proc = md_json_member(obj, "process");
	if (proc && parse_process(proc, AT(w, "process"), &s->process, err) < 0)
		return -1;
	if (PARSE_ARRAY(obj, "mounts", w, s->mounts, s->n_mounts, parse_mount, err) < 0 ||
	    parse_hooks(obj, w, &s->hooks, err) < 0 ||
	    PARSE_MAP(obj, "annotations", w, s->annotations, s->n_annotations, err) < 0 ||
	    parse_linux(obj, w, &s->linux, err) < 0)
		return -1;
	return 0;
}

int spec_from_json(json_object *obj, struct spec **out, md_error *err)
{
	struct spec *s = xmalloc0(sizeof(*s));

	if (parse_spec(obj, s, err) < 0) {
		spec_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int spec_process_from_json(json_object *obj, struct spec_process **out, md_error *err)
{
	struct spec_process *p = NULL;

	if (parse_process(obj, &(const struct where){ .key = "process" }, &p, err) < 0) {
		spec_process_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* ---- text ---- */

static int json_syntax_error(const char *text, size_t end, enum json_tokener_error jerr,
			     md_error *err)
{
	unsigned line = 1, col = 1;

	for (size_t i = 0; i < end; i++) {
		col++;
		if (text[i] == '\n') {
			line++;
			col = 1;
		}
	}
	return md_error_set(err, 0, "config: invalid JSON: %s at offset %zu (line %u, column %u)",
			    json_tokener_error_desc(jerr), end, line, col);
}

/* text[len] must be NUL. Strict mode: no trailing garbage after the value. */
static int parse_text(const char *text, size_t len, json_object **out, md_error *err)
{
	json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	if (len >= INT32_MAX)
		return md_error_set(err, EFBIG, "config: too large");
	tok = json_tokener_new();
	if (!tok)
		return md_error_set(err, ENOMEM, "config: json_tokener_new");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* Pass the NUL too: it tells the tokener that the input ends here. */
	*out = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(*out);
		return json_syntax_error(text, end, jerr, err);
	}
	if (end < len) { /* the tokener stopped at a NUL byte */
		json_object_put(*out);
		return md_error_set(err, 0, "config: invalid JSON: NUL byte at offset %zu", end);
	}
	return 0;
}

static int spec_from_buffer(const char *text, size_t len, struct spec **out, md_error *err)
{
	json_object *obj = NULL;
	int r;

	if (parse_text(text, len, &obj, err) < 0)
		return -1;
	r = spec_from_json(obj, out, err);
	json_object_put(obj);
	return r;
}

int spec_from_string(const char *text, struct spec **out, md_error *err)
{
	return spec_from_buffer(text, strlen(text), out, err);
}

int spec_load_file(const char *path, struct spec **out, md_error *err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (md_read_file(path, &text, &len, err) < 0)
		return -1;
	if (spec_from_buffer(text, len, out, err) < 0)
		return md_error_prefix(err, "%s", path);
	return 0;
}

const struct spec_namespace *spec_find_namespace(const struct spec *s, int type)
{
	for (size_t i = 0; i < s->linux.n_namespaces; i++)
		if (s->linux.namespaces[i].type == type)
			return &s->linux.namespaces[i];
	return NULL;
}

/* ---- freeing ---- */

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	md_strv_free(p->args);
	md_strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p);
}

static void free_mounts(struct spec_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].destination);
		free(m[i].type);
		free(m[i].source);
		md_strv_free(m[i].options);
		free(m[i].data);
	}
	free(m);
}

static void free_hook_list(struct spec_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].path);
		md_strv_free(h[i].args);
		md_strv_free(h[i].env);
	}
	free(h);
}

static void free_hooks(struct spec_hooks *h)
{
	free_hook_list(h->prestart, h->n_prestart);
	free_hook_list(h->create_runtime, h->n_create_runtime);
	free_hook_list(h->create_container, h->n_create_container);
	free_hook_list(h->start_container, h->n_start_container);
	free_hook_list(h->poststart, h->n_poststart);
	free_hook_list(h->poststop, h->n_poststop);
}

static void free_resources(struct spec_resources *r)
{
	free(r->cpuset_cpus);
	free(r->cpuset_mems);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	free(r->devices);
	FREE_MAP(r->unified, r->n_unified);
	free(r->blkio_weight_devices);
	free(r->blkio_read_bps);
	free(r->blkio_write_bps);
	free(r->blkio_read_iops);
	free(r->blkio_write_iops);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
}

static void free_linux(struct spec_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	free(l->cgroups_path);
	free_resources(&l->resources);
	md_strv_free(l->masked_paths);
	md_strv_free(l->readonly_paths);
	FREE_MAP(l->sysctl, l->n_sysctl);
	free(l->mount_label);
	json_object_put(l->seccomp);
	json_object_put(l->devices);
	json_object_put(l->personality);
	json_object_put(l->time_offsets);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	spec_process_free(s->process);
	free(s->root_path);
	free(s->hostname);
	free(s->domainname);
	free_mounts(s->mounts, s->n_mounts);
	free_hooks(&s->hooks);
	FREE_MAP(s->annotations, s->n_annotations);
	free_linux(&s->linux);
	free(s);
}

/* ---- resources alone (runc update --resources) ---- */

int spec_resources_from_json(json_object *obj, struct spec_resources *r, md_error *err)
{
	json_object *wrap = json_object_new_object();
	int ret;

	memset(r, 0, sizeof(*r));
	json_object_object_add(wrap, "resources", json_object_get(obj));
	ret = parse_resources(wrap, &(const struct where){ .key = "update" }, r, err);
	json_object_put(wrap);
	if (ret < 0)
		free_resources(r);
	return ret;
}

void spec_resources_free(struct spec_resources *r)
{
	free_resources(r);
	memset(r, 0, sizeof(*r));
}
