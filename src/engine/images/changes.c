/* SPDX-License-Identifier: Apache-2.0 */
/* The Dockerfile instructions of `--change`, one line at a time, on a copy
 * of the config that replaces the original only when all of them apply. */
#include "engine/images/changes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Hand the string out (never NULL) and start again. */
static char *sb_take(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	*b = (struct sbuf){ 0 };
	return s;
}

struct apply {
	json_object *config;
	bool cmd_set; /* a CMD came before: ENTRYPOINT keeps it */
	md_error *err;
};

/* The value of name in the config's Env ("K=V" strings), or NULL. */
static const char *env_get(json_object *config, const char *name, size_t len)
{
	json_object *env = md_json_member_of(config, "Env", json_type_array);

	for (size_t i = 0; env && i < json_object_array_length(env); i++) {
		const char *kv = json_object_get_string(json_object_array_get_idx(env, i));

		if (kv && !strncmp(kv, name, len) && kv[len] == '=')
			return kv + len + 1;
	}
	return NULL;
}

static bool name_char(char c, bool first)
{
	return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

/* ${NAME}, ${NAME:-word}, ${NAME:+word}: the word taken as it is. */
static const char *expand_braced(struct apply *x, const char *p, struct sbuf *b)
{
	const char *end = strchr(p, '}');
	const char *name = p, *op, *val;
	size_t len = 0;

	if (!end) {
		md_error_set(x->err, 0, "missing '}' in `%s`", p - 2);
		return NULL;
	}
	while (name_char(name[len], len == 0))
		len++;
	op = name + len;
	if (len == 0 || (op != end && op[0] != ':') ||
	    (op != end && op[1] != '-' && op[1] != '+')) {
		md_error_set(x->err, 0, "bad substitution `%.*s`", (int)(end - p + 3), p - 2);
		return NULL;
	}
	val = env_get(x->config, name, len);
	if (op != end && op[1] == '-' && (!val || !*val))
		sb_add(b, op + 2, (size_t)(end - op - 2));
	else if (op != end && op[1] == '+' && val && *val)
		sb_add(b, op + 2, (size_t)(end - op - 2));
	else if (op == end && val)
		sb_add(b, val, strlen(val));
	return end + 1;
}

/* p at a '$': its value into b; returns what follows. */
static const char *expand(struct apply *x, const char *p, struct sbuf *b)
{
	const char *val;
	size_t len = 0;

	if (p[1] == '{')
		return expand_braced(x, p + 2, b);
	while (name_char(p[1 + len], len == 0))
		len++;
	if (len == 0) {
		sb_add(b, p, 1);
		return p + 1;
	}
	val = env_get(x->config, p + 1, len);
	if (val)
		sb_add(b, val, strlen(val));
	return p + 1 + len;
}

/* Inside "...": \ escapes only ", \ and $. */
static const char *lex_dquote(struct apply *x, const char *p, bool vars, struct sbuf *b)
{
	for (p++; *p && *p != '"';) {
		if (*p == '\\' && p[1] && strchr("\"\\$", p[1])) {
			sb_add(b, p + 1, 1);
			p += 2;
		} else if (*p == '$' && vars) {
			p = expand(x, p, b);
			if (!p)
				return NULL;
		} else {
			sb_add(b, p++, 1);
		}
	}
	if (!*p) {
		md_error_set(x->err, 0,
			     "unexpected end of statement while looking for matching "
			     "double-quote");
		return NULL;
	}
	return p + 1;
}

/* One piece of a word at p (a quoted string, an escape, a variable or a
 * character) into b; returns what follows, NULL on an error. */
static const char *lex_piece(struct apply *x, const char *p, bool vars, struct sbuf *b)
{
	const char *end;

	switch (*p) {
	case '\'':
		end = strchr(p + 1, '\'');
		if (!end) {
			md_error_set(x->err, 0,
				     "unexpected end of statement while looking for "
				     "matching single-quote");
			return NULL;
		}
		sb_add(b, p + 1, (size_t)(end - p - 1));
		return end + 1;
	case '"':
		return lex_dquote(x, p, vars, b);
	case '\\':
		sb_add(b, p + (p[1] != '\0'), 1);
		return p + 1 + (p[1] != '\0');
	case '$':
		if (vars)
			return expand(x, p, b);
		break;
	default:
		break;
	}
	sb_add(b, p, 1);
	return p + 1;
}

/* The words of s, split at blanks outside quotes; with whole, s is one
 * word (ENV K V's value keeps its blanks). */
static int lex_words(struct apply *x, const char *s, bool whole, bool vars, char ***out)
{
	struct sbuf b = { 0 };
	bool in_word = false;

	*out = NULL;
	for (const char *p = s; *p;) {
		if (!whole && isspace((unsigned char)*p)) {
			if (in_word) {
				cleanup_free char *w = sb_take(&b);

				md_strv_push(out, w);
			}
			in_word = false;
			p++;
			continue;
		}
		in_word = true;
		p = lex_piece(x, p, vars, &b);
		if (!p) {
			free(b.s);
			md_strv_free(TAKE_PTR(*out));
			return -1;
		}
	}
	if (in_word) {
		cleanup_free char *w = sb_take(&b);

		md_strv_push(out, w);
	}
	free(b.s);
	return 0;
}

/* ["a","b"] when rest is a JSON array of strings, else NULL. */
static json_object *json_form(const char *rest)
{
	json_object *a;

	if (rest[0] != '[')
		return NULL;
	a = json_tokener_parse(rest);
	if (!a || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string)) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* CMD and ENTRYPOINT: the JSON form, or the shell form under /bin/sh -c. */
static json_object *command_form(const char *rest)
{
	json_object *a = json_form(rest);

	if (a)
		return a;
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_string("/bin/sh"));
	json_object_array_add(a, json_object_new_string("-c"));
	json_object_array_add(a, json_object_new_string(rest));
	return a;
}

static int do_cmd(struct apply *x, const char *rest)
{
	json_object_object_add(x->config, "Cmd", command_form(rest));
	x->cmd_set = true;
	return 0;
}

static int do_entrypoint(struct apply *x, const char *rest)
{
	json_object_object_add(x->config, "Entrypoint", command_form(rest));
	if (!x->cmd_set)
		json_object_object_add(x->config, "Cmd", NULL);
	return 0;
}

static void env_set(json_object *config, const char *key, const char *value)
{
	json_object *env = md_json_child(config, "Env", json_type_array);
	cleanup_free char *kv = xasprintf("%s=%s", key, value);
	size_t klen = strlen(key);

	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *old = json_object_get_string(json_object_array_get_idx(env, i));

		if (old && !strncmp(old, key, klen) && old[klen] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
}

static void label_set(json_object *config, const char *key, const char *value)
{
	json_object *labels = md_json_child(config, "Labels", json_type_object);

	json_object_object_add(labels, key, json_object_new_string(value));
}

/* ENV and LABEL: K=V words, or the older "K V..." (one pair). Every value
 * is expanded with the Env from before the instruction, as Docker does. */
static int do_pairs(struct apply *x, const char *what, const char *rest,
		    void (*set)(json_object *, const char *, const char *))
{
	size_t klen = strcspn(rest, " \t");
	cleanup_strv char **words = NULL;
	cleanup_free char *key = NULL;

	if (memchr(rest, '=', klen) == NULL) {
		const char *value = rest + klen + strspn(rest + klen, " \t");

		if (!*value)
			return md_error_set(x->err, 0, "%s must have two arguments", what);
		key = xasprintf("%.*s", (int)klen, rest);
		if (lex_words(x, value, true, true, &words) < 0)
			return -1;
		set(x->config, key, words ? words[0] : "");
		return 0;
	}
	if (lex_words(x, rest, false, true, &words) < 0)
		return -1;
	for (char **w = words; w && *w; w++) {
		char *eq = strchr(*w, '=');

		if (!eq || eq == *w)
			return md_error_set(x->err, 0, "%s names can not be blank: `%s`", what, *w);
	}
	for (char **w = words; w && *w; w++) {
		char *eq = strchr(*w, '=');

		*eq = '\0';
		set(x->config, *w, eq + 1);
	}
	return 0;
}

static int do_env(struct apply *x, const char *rest)
{
	return do_pairs(x, "ENV", rest, env_set);
}

static int do_label(struct apply *x, const char *rest)
{
	return do_pairs(x, "LABEL", rest, label_set);
}

/* The rest as one word, expanded. */
static char *one_word(struct apply *x, const char *rest)
{
	cleanup_strv char **w = NULL;

	if (lex_words(x, rest, true, true, &w) < 0)
		return NULL;
	return xstrdup(w ? w[0] : "");
}

/* path made absolute against cwd and cleaned: no "", "." or ".." parts. */
static char *join_clean(const char *cwd, const char *path)
{
	cleanup_free char *all = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cwd, path);
	struct sbuf b = { 0 };
	char *save = NULL;

	for (char *c = strtok_r(all, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *slash = b.s ? strrchr(b.s, '/') : NULL;

			if (slash) {
				*slash = '\0';
				b.len = (size_t)(slash - b.s);
			}
			continue;
		}
		sb_add(&b, "/", 1);
		sb_add(&b, c, strlen(c));
	}
	if (b.len == 0)
		sb_add(&b, "/", 1);
	return sb_take(&b);
}

static int do_workdir(struct apply *x, const char *rest)
{
	cleanup_free char *dir = one_word(x, rest), *path = NULL;
	const char *cwd = md_json_string(x->config, "WorkingDir");

	if (!dir)
		return -1;
	if (!*dir)
		return md_error_set(x->err, 0, "WORKDIR requires exactly one argument");
	path = join_clean(cwd && *cwd ? cwd : "/", dir);
	json_object_object_add(x->config, "WorkingDir", json_object_new_string(path));
	return 0;
}

static int set_word(struct apply *x, const char *what, const char *key, const char *rest)
{
	cleanup_free char *w = one_word(x, rest);

	if (!w)
		return -1;
	if (!*w || strpbrk(w, " \t"))
		return md_error_set(x->err, 0, "%s requires exactly one argument", what);
	json_object_object_add(x->config, key, json_object_new_string(w));
	return 0;
}

static int do_user(struct apply *x, const char *rest)
{
	return set_word(x, "USER", "User", rest);
}

static int do_stopsignal(struct apply *x, const char *rest)
{
	return set_word(x, "STOPSIGNAL", "StopSignal", rest);
}

static bool parse_port(const char *s, const char *end, long *out)
{
	char *e;

	if (s == end || !isdigit((unsigned char)*s))
		return false;
	*out = strtol(s, &e, 10);
	return e == end && *out >= 1 && *out <= 65535;
}

/* PORT[-PORT][/PROTO] -> "PORT/proto" members of ExposedPorts. */
static int expose_one(struct apply *x, const char *spec)
{
	json_object *ports = md_json_child(x->config, "ExposedPorts", json_type_object);
	const char *slash = strchr(spec, '/');
	const char *end = slash ? slash : spec + strlen(spec);
	const char *dash = memchr(spec, '-', (size_t)(end - spec));
	const char *proto = slash ? slash + 1 : "tcp";
	long lo, hi;

	if (!parse_port(spec, dash ? dash : end, &lo) ||
	    !(dash ? parse_port(dash + 1, end, &hi) : (hi = lo, true)) || hi < lo)
		return md_error_set(x->err, 0, "invalid containerPort: %s", spec);
	if (strcasecmp(proto, "tcp") && strcasecmp(proto, "udp") && strcasecmp(proto, "sctp"))
		return md_error_set(x->err, 0, "invalid proto: %s", proto);
	for (long p = lo; p <= hi; p++) {
		cleanup_free char *key = xasprintf("%ld/%s", p, proto);

		for (char *c = strchr(key, '/'); *c; c++)
			*c = (char)tolower((unsigned char)*c);
		json_object_object_add(ports, key, json_object_new_object());
	}
	return 0;
}

static int do_expose(struct apply *x, const char *rest)
{
	cleanup_strv char **words = NULL;

	if (lex_words(x, rest, false, true, &words) < 0)
		return -1;
	if (!words)
		return md_error_set(x->err, 0, "EXPOSE requires at least one argument");
	for (char **w = words; *w; w++) {
		if (expose_one(x, *w) < 0)
			return -1;
	}
	return 0;
}

static int do_volume(struct apply *x, const char *rest)
{
	cleanup_json json_object *a = json_form(rest);
	cleanup_strv char **words = NULL;
	json_object *vols;

	if (a) {
		for (size_t i = 0; i < json_object_array_length(a); i++)
			md_strv_push(&words,
				     json_object_get_string(json_object_array_get_idx(a, i)));
	} else if (lex_words(x, rest, false, true, &words) < 0) {
		return -1;
	}
	if (!words)
		return md_error_set(x->err, 0, "VOLUME requires at least one argument");
	vols = md_json_child(x->config, "Volumes", json_type_object);
	for (char **w = words; *w; w++) {
		if (!**w)
			return md_error_set(x->err, 0,
					    "VOLUME specified can not be an empty string");
		json_object_object_add(vols, *w, json_object_new_object());
	}
	return 0;
}

static const struct instruction {
	const char *name;
	int (*fn)(struct apply *, const char *);
} instructions[] = {
	{ "cmd", do_cmd },
	{ "entrypoint", do_entrypoint },
	{ "env", do_env },
	{ "label", do_label },
	{ "workdir", do_workdir },
	{ "user", do_user },
	{ "stopsignal", do_stopsignal },
	{ "expose", do_expose },
	{ "volume", do_volume },
};

/* Docker takes these too; we do not (yet). */
static const char *const not_done[] = { "healthcheck", "onbuild" };

static int apply_line(struct apply *x, const char *line)
{
	size_t klen;
	cleanup_free char *kw = NULL, *rest = NULL;
	size_t rlen;

	line += strspn(line, " \t\r");
	if (!*line || *line == '#')
		return 0;
	klen = strcspn(line, " \t\r");
	kw = xasprintf("%.*s", (int)klen, line);
	for (char *c = kw; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	rest = xstrdup(line + klen + strspn(line + klen, " \t\r"));
	for (rlen = strlen(rest); rlen > 0 && isspace((unsigned char)rest[rlen - 1]);)
		rest[--rlen] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(instructions); i++) {
		if (strcmp(kw, instructions[i].name) != 0)
			continue;
		if (!*rest)
			return md_error_set(x->err, 0, "%s requires at least one argument", kw);
		return instructions[i].fn(x, rest);
	}
	for (size_t i = 0; i < ARRAY_SIZE(not_done); i++) {
		if (!strcmp(kw, not_done[i]))
			return md_error_set(x->err, 0, "%s is not supported in a change here", kw);
	}
	return md_error_set(x->err, 0, "%s is not a valid change command", kw);
}

/* One change: its lines, with "\" + newline joining two. */
static int apply_change(struct apply *x, const char *change)
{
	struct sbuf b = { 0 };
	cleanup_free char *text = NULL;
	char *save = NULL;

	for (const char *p = change; *p; p++) {
		if (p[0] == '\\' && p[1] == '\n')
			p++;
		else
			sb_add(&b, p, 1);
	}
	text = sb_take(&b);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (apply_line(x, line) < 0)
			return md_error_prefix(x->err, "--change `%s`", line);
	}
	return 0;
}

/* Make dst's members those of src. */
static void replace_members(json_object *dst, json_object *src)
{
	cleanup_strv char **keys = NULL;

	json_object_object_foreach(dst, k, v)
	{
		(void)v;
		md_strv_push(&keys, k);
	}
	for (char **key = keys; key && *key; key++)
		json_object_object_del(dst, *key);
	json_object_object_foreach(src, k2, v2)
		json_object_object_add(dst, k2, json_object_get(v2));
}

int image_changes_apply(json_object *config, char *const *changes, md_error *err)
{
	cleanup_json json_object *copy = NULL;
	struct apply x = { .err = err };

	if (!changes || !*changes)
		return 0;
	if (json_object_deep_copy(config, &copy, NULL) < 0)
		return md_error_set(err, ENOMEM, "copy the image config");
	x.config = copy;
	for (; *changes; changes++) {
		if (apply_change(&x, *changes) < 0)
			return -1;
	}
	replace_members(config, copy);
	return 0;
}
