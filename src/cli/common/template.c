/* SPDX-License-Identifier: Apache-2.0 */
/* A subset of Go's text/template (template.h): the parser turns the text
 * into nodes (literal text, or an action: a pipeline of commands), the
 * executor walks them over a json-c document. */
#include "cli/common/template.h"
#include "cli/common/human.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum arg_kind { ARG_FIELD, ARG_STRING, ARG_NUMBER, ARG_FUNC };

struct arg {
	enum arg_kind kind;
	char *text; /* a literal, a function's name, or a path "A.B" ("" = .) */
	long long num;
};

struct command {
	struct arg *args;
	size_t n;
};

struct node {
	char *text; /* literal text; NULL for an action */
	struct command *cmds;
	size_t ncmds;
};

struct cli_template {
	struct node *nodes;
	size_t n;
};

/* A value: j is owned; missing tells "<no value>" from JSON null. */
struct val {
	json_object *j;
	bool missing;
};

struct func {
	const char *name;
	int (*fn)(struct val *a, size_t n, struct val *out, md_error *err);
	int nargs; /* -1: two or more */
};

/* Go's action keywords: control structure this subset does not have. */
static const char *const keywords[] = { "if",     "else",     "end",   "range", "with",
					"define", "template", "block", "break", "continue",
					"nil",    "true",     "false" };

/* ---- printing values as Go's %v ---- */

/* Go's %v of a float64: the shortest digits that read back, in %e form
 * when the exponent is < -4 or >= 6 (strconv's
 * rule for the shortest form). */
static void print_double(FILE *f, double d)
{
	char buf[64];
	int prec, exp;

	if (isnan(d) || isinf(d)) {
		fputs(isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf", f);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
	exp = atoi(strchr(buf, 'e') + 1);
	if (exp < -4 || exp >= 6)
		fputs(buf, f);
	else
		fprintf(f, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, d);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_value(FILE *f, json_object *j);

static void print_object(FILE *f, json_object *j)
{
	cleanup_free const char **keys =
		xmalloc0((json_object_object_length(j) + 1) * sizeof(char *));
	size_t n = 0;

	json_object_object_foreach(j, k, v)
	{
		(void)v;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	fputs("map[", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s%s:", i ? " " : "", keys[i]);
		print_value(f, json_object_object_get(j, keys[i]));
	}
	fputc(']', f);
}

static void print_value(FILE *f, json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null:
		fputs("<nil>", f);
		return;
	case json_type_boolean:
		fputs(json_object_get_boolean(j) ? "true" : "false", f);
		return;
	case json_type_int:
		fprintf(f, "%" PRId64, json_object_get_int64(j));
		return;
	case json_type_double:
		print_double(f, json_object_get_double(j));
		return;
	case json_type_string:
		fwrite(json_object_get_string(j), 1, (size_t)json_object_get_string_len(j), f);
		return;
	case json_type_array:
		fputc('[', f);
		for (size_t i = 0; i < json_object_array_length(j); i++) {
			if (i)
				fputc(' ', f);
			print_value(f, json_object_array_get_idx(j, i));
		}
		fputc(']', f);
		return;
	case json_type_object:
		print_object(f, j);
		return;
	}
}

static void print_val(FILE *f, const struct val *v)
{
	if (v->missing)
		fputs("<no value>", f);
	else
		print_value(f, v->j);
}

/* A value as text (caller frees). */
static char *value_text(const struct val *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return xstrdup("");
	print_val(f, v);
	fclose(f);
	return buf;
}

/* ---- functions ---- */

static void set_string(struct val *out, const char *s)
{
	*out = (struct val){ .j = json_object_new_string(s) };
}

static int fn_json(struct val *a, size_t n, struct val *out, md_error *err)
{
	/* Go's encoder with SetEscapeHTML(false), as Docker's json. */
	set_string(out, a[0].missing || !a[0].j
				? "null"
				: json_object_to_json_string_ext(
					  a[0].j,
					  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	return 0;
}

/* index X K...: a member of an object (a missing key: "", the zero value
 * of Docker's map[string]string) or an element of an array. */
static int fn_index(struct val *a, size_t n, struct val *out, md_error *err)
{
	json_object *cur = a[0].j;

	for (size_t i = 1; i < n; i++) {
		json_object *k = a[i].j;

		if (json_object_is_type(cur, json_type_object) &&
		    json_object_is_type(k, json_type_string)) {
			if (!json_object_object_get_ex(cur, json_object_get_string(k), &cur)) {
				set_string(out, "");
				return 0;
			}
		} else if (json_object_is_type(cur, json_type_array) &&
			   json_object_is_type(k, json_type_int)) {
			int64_t idx = json_object_get_int64(k);

			if (idx < 0 || (size_t)idx >= json_object_array_length(cur))
				return md_error_set(
					err, 0, "error calling index: index out of range: %" PRId64,
					idx);
			cur = json_object_array_get_idx(cur, (size_t)idx);
		} else {
			return md_error_set(err, 0, "error calling index: cannot index this value");
		}
	}
	*out = (struct val){ .j = json_object_get(cur) };
	return 0;
}

static int fn_join(struct val *a, size_t n, struct val *out, md_error *err)
{
	cleanup_free char *sep = value_text(&a[1]);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!json_object_is_type(a[0].j, json_type_array))
		return md_error_set(err, 0, "error calling join: not a list");
	f = open_memstream(&buf, &len);
	if (!f)
		return md_error_set(err, errno, "open_memstream");
	for (size_t i = 0; i < json_object_array_length(a[0].j); i++) {
		if (i)
			fputs(sep, f);
		print_value(f, json_object_array_get_idx(a[0].j, i));
	}
	fclose(f);
	set_string(out, buf);
	free(buf);
	return 0;
}

static int fn_len(struct val *a, size_t n, struct val *out, md_error *err)
{
	json_object *j = a[0].j;
	size_t len;

	if (json_object_is_type(j, json_type_array))
		len = json_object_array_length(j);
	else if (json_object_is_type(j, json_type_object))
		len = (size_t)json_object_object_length(j);
	else if (json_object_is_type(j, json_type_string))
		len = (size_t)json_object_get_string_len(j);
	else
		return md_error_set(err, 0, "error calling len: len of this value");
	*out = (struct val){ .j = json_object_new_int64((int64_t)len) };
	return 0;
}

/* lower, upper, title: the text of the value, its letters changed. */
static int change_case(struct val *a, struct val *out, int mode)
{
	cleanup_free char *s = value_text(&a[0]);
	bool word_start = true;

	for (char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (mode < 0 || (mode == 0 && !word_start))
			*p = (char)tolower(c);
		else if (mode > 0 || word_start)
			*p = (char)toupper(c);
		word_start = isspace(c);
	}
	set_string(out, s);
	return 0;
}

static int fn_lower(struct val *a, size_t n, struct val *out, md_error *err)
{
	return change_case(a, out, -1);
}

static int fn_upper(struct val *a, size_t n, struct val *out, md_error *err)
{
	return change_case(a, out, 1);
}

/* Go's strings.Title: the first letter of each word up, the rest kept. */
static int fn_title(struct val *a, size_t n, struct val *out, md_error *err)
{
	cleanup_free char *s = value_text(&a[0]);

	for (char *p = s; *p; p++)
		if (p == s || isspace((unsigned char)p[-1]))
			*p = (char)toupper((unsigned char)*p);
	set_string(out, s);
	return 0;
}

static const struct func funcs[] = {
	{ "json", fn_json, 1 },   { "index", fn_index, -1 }, { "join", fn_join, 2 },
	{ "len", fn_len, 1 },     { "lower", fn_lower, 1 },  { "upper", fn_upper, 1 },
	{ "title", fn_title, 1 },
};
static const size_t nfuncs = ARRAY_SIZE(funcs);

static const struct func *func_of(const char *name)
{
	for (size_t i = 0; i < nfuncs; i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

/* ---- parsing ---- */

struct lexer {
	const char *start, *p;
	md_error *err;
};

static int parse_error(const struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(const struct lexer *lx, const char *fmt, ...)
{
	char msg[256];
	int line = 1;
	va_list ap;

	for (const char *q = lx->start; q < lx->p; q++)
		line += *q == '\n';
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return md_error_set(lx->err, 0, "template parsing error: template: :%d: %s", line, msg);
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void add_arg(struct command *c, struct arg a)
{
	c->args = xrealloc(c->args, (c->n + 1) * sizeof(*c->args));
	c->args[c->n++] = a;
}

static void add_command(struct node *nd, struct command c)
{
	nd->cmds = xrealloc(nd->cmds, (nd->ncmds + 1) * sizeof(*nd->cmds));
	nd->cmds[nd->ncmds++] = c;
}

/* "..." with Go's common escapes, or `...` taken as it is. */
static int lex_string(struct lexer *lx, struct arg *a)
{
	char quote = *lx->p++;
	char *buf = xmalloc0(strlen(lx->p) + 1), *w = buf;

	while (*lx->p && *lx->p != quote) {
		char c = *lx->p++;

		if (quote == '"' && c == '\\' && *lx->p) {
			c = *lx->p++;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		*w++ = c;
	}
	if (*lx->p != quote) {
		free(buf);
		return parse_error(lx, "unterminated quoted string");
	}
	lx->p++;
	*a = (struct arg){ .kind = ARG_STRING, .text = buf };
	return 0;
}

/* . or .A.B.C */
static void lex_field(struct lexer *lx, struct arg *a)
{
	const char *s = ++lx->p;

	while (ident_char(*lx->p) || (*lx->p == '.' && ident_char(lx->p[1])))
		lx->p++;
	*a = (struct arg){ .kind = ARG_FIELD, .text = strndup(s, (size_t)(lx->p - s)) };
}

static int lex_ident(struct lexer *lx, struct arg *a)
{
	const char *s = lx->p;
	cleanup_free char *name = NULL;

	while (ident_char(*lx->p))
		lx->p++;
	name = strndup(s, (size_t)(lx->p - s));
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strcmp(name, keywords[i]) == 0)
			return parse_error(lx, "\"%s\" is not supported here", name);
	if (!func_of(name))
		return parse_error(lx, "function \"%s\" not defined", name);
	*a = (struct arg){ .kind = ARG_FUNC, .text = TAKE_PTR(name) };
	return 0;
}

static int lex_arg(struct lexer *lx, struct arg *a)
{
	char c = *lx->p;

	if (c == '"' || c == '`')
		return lex_string(lx, a);
	if (c == '.') {
		lex_field(lx, a);
		return 0;
	}
	if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)lx->p[1]))) {
		char *end;

		*a = (struct arg){ .kind = ARG_NUMBER, .num = strtoll(lx->p, &end, 10) };
		lx->p = end;
		return 0;
	}
	if (isalpha((unsigned char)c))
		return lex_ident(lx, a);
	if (c == '(' || c == '$')
		return parse_error(lx, "%s are not supported",
				   c == '(' ? "parenthesized pipelines" : "variables");
	return parse_error(lx, "unexpected \"%c\" in command", c);
}

static void free_command(struct command *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->args[i].text);
	free(c->args);
}

/* The end of an action: "}}", or "-}}" (trim after); 0 when not there. */
static int action_end(struct lexer *lx, bool *trim)
{
	if (lx->p[0] == '-' && lx->p[1] == '}' && lx->p[2] == '}') {
		*trim = true;
		lx->p += 3;
		return 1;
	}
	if (lx->p[0] == '}' && lx->p[1] == '}') {
		lx->p += 2;
		return 1;
	}
	return 0;
}

/* A pipeline, lx->p after the "{{", up to and past its "}}". */
static int parse_action(struct lexer *lx, struct node *nd, bool *trim)
{
	struct command c = { 0 };
	struct arg a;

	for (;;) {
		lx->p += strspn(lx->p, " \t\r\n");
		if (action_end(lx, trim))
			break;
		if (!*lx->p || *lx->p == '|') {
			if (!*lx->p || c.n == 0) {
				free_command(&c);
				return parse_error(lx,
						   *lx->p ? "missing command" : "unclosed action");
			}
			add_command(nd, c);
			c = (struct command){ 0 };
			lx->p++;
			continue;
		}
		if (lex_arg(lx, &a) < 0) {
			free_command(&c);
			return -1;
		}
		add_arg(&c, a);
	}
	if (c.n == 0)
		return parse_error(lx, "missing value for command");
	add_command(nd, c);
	return 0;
}

static struct node *add_node(struct cli_template *t)
{
	t->nodes = xrealloc(t->nodes, (t->n + 1) * sizeof(*t->nodes));
	memset(&t->nodes[t->n], 0, sizeof(*t->nodes));
	return &t->nodes[t->n++];
}

/* Literal text up to the next action (its trailing white space dropped
 * when that action opens with "{{- "). */
static const char *parse_text(struct cli_template *t, const char *p, bool *trim_left)
{
	const char *open = strstr(p, "{{");
	size_t len = open ? (size_t)(open - p) : strlen(p);

	*trim_left = open && open[2] == '-' && isspace((unsigned char)open[3]);
	while (*trim_left && len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len > 0)
		add_node(t)->text = strndup(p, len);
	return open;
}

int cli_template_parse(const char *text, struct cli_template **out, md_error *err)
{
	struct cli_template *t = xmalloc0(sizeof(*t));
	struct lexer lx = { .start = text, .p = text, .err = err };
	bool trim_left, trim_right;

	*out = NULL;
	while (*lx.p) {
		const char *open = parse_text(t, lx.p, &trim_left);

		if (!open)
			break;
		lx.p = open + 2 + trim_left;
		trim_right = false;
		if (parse_action(&lx, add_node(t), &trim_right) < 0) {
			cli_template_free(t);
			return -1;
		}
		if (trim_right)
			lx.p += strspn(lx.p, " \t\r\n");
	}
	*out = t;
	return 0;
}

void cli_template_free(struct cli_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].text);
		for (size_t c = 0; c < t->nodes[i].ncmds; c++)
			free_command(&t->nodes[i].cmds[c]);
		free(t->nodes[i].cmds);
	}
	free(t->nodes);
	free(t);
}

/* ---- execution ---- */

struct exec {
	json_object *data;
	cli_template_method method;
	void *ctx;
	md_error *err;
};

static void val_free(struct val *v)
{
	md_json_putp(&v->j);
}

static const char *go_type(json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_string:
		return "string";
	case json_type_int:
	case json_type_double:
		return "float64";
	case json_type_boolean:
		return "bool";
	case json_type_array:
		return "[]interface {}";
	default:
		return "interface {}";
	}
}

/* .A.B on the data. */
static int eval_field(const struct exec *x, const char *path, struct val *out)
{
	cleanup_free char *copy = xstrdup(path);
	json_object *cur = x->data;
	char *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (!cur) { /* a member of null or of nothing: nothing */
			*out = (struct val){ .missing = true };
			return 0;
		}
		if (!json_object_is_type(cur, json_type_object))
			return md_error_set(
				x->err, 0,
				"template: executing at <.%s>: can't evaluate field %s in type %s",
				path, k, go_type(cur));
		if (!json_object_object_get_ex(cur, k, &cur)) {
			*out = (struct val){ .missing = true };
			return 0;
		}
	}
	*out = (struct val){ .j = json_object_get(cur) };
	return 0;
}

static int eval_arg(const struct exec *x, const struct arg *a, struct val *out)
{
	switch (a->kind) {
	case ARG_FIELD:
		return eval_field(x, a->text, out);
	case ARG_STRING:
		set_string(out, a->text);
		return 0;
	case ARG_NUMBER:
		*out = (struct val){ .j = json_object_new_int64(a->num) };
		return 0;
	default:
		return md_error_set(x->err, 0,
				    "template: a function (%s) as an argument is not supported",
				    a->text);
	}
}

/* FUNC args... [piped]: piped is taken (freed here). */
static int call_func(const struct exec *x, const struct command *c, struct val *piped,
		     struct val *out)
{
	const struct func *fn = func_of(c->args[0].text);
	size_t n = c->n - 1 + (piped != NULL), got = 0;
	struct val *a = xmalloc0((n + 1) * sizeof(*a));
	int r = 0;

	for (size_t i = 1; i < c->n && r == 0; i++)
		if ((r = eval_arg(x, &c->args[i], &a[got])) == 0)
			got++;
	if (piped)
		a[got++] = *piped;
	if (r == 0 && (fn->nargs >= 0 ? n != (size_t)fn->nargs : n < 2))
		r = md_error_set(x->err, 0,
				 "template: wrong number of args for %s: want %s got %zu", fn->name,
				 fn->nargs == 1   ? "1"
				 : fn->nargs == 2 ? "2"
						  : "at least 2",
				 n);
	if (r == 0)
		r = fn->fn(a, n, out, x->err);
	for (size_t i = 0; i < got; i++)
		val_free(&a[i]);
	free(a);
	return r;
}

/* .Name "arg": the caller's method. */
static int call_method(const struct exec *x, const struct command *c, struct val *piped,
		       struct val *out)
{
	const char *name = c->args[0].text;
	const struct arg *a = c->n > 1 ? &c->args[1] : NULL;
	cleanup_free char *arg = NULL;

	if (!x->method || strchr(name, '.') || !*name)
		return md_error_set(x->err, 0, "template: %s is not a method but has arguments",
				    *name ? name : ".");
	if ((c->n - 1 + (piped != NULL)) != 1 || (a && a->kind != ARG_STRING))
		return md_error_set(x->err, 0, "template: %s takes one string", name);
	arg = a ? xstrdup(a->text) : value_text(piped);
	*out = (struct val){ .j = x->method(x->ctx, name, arg) };
	out->missing = out->j == NULL;
	return 0;
}

static int eval_command(const struct exec *x, const struct command *c, struct val *piped,
			struct val *out)
{
	int r;

	if (c->args[0].kind == ARG_FUNC)
		return call_func(x, c, piped, out);
	if (c->args[0].kind == ARG_FIELD && (c->n > 1 || piped))
		r = call_method(x, c, piped, out);
	else if (c->n > 1 || piped)
		r = md_error_set(x->err, 0, "template: can't give argument to non-function");
	else
		return eval_arg(x, &c->args[0], out);
	if (piped)
		val_free(piped);
	return r;
}

static int eval_pipeline(const struct exec *x, const struct node *nd, struct val *out)
{
	struct val prev = { 0 };
	bool have = false;

	for (size_t i = 0; i < nd->ncmds; i++) {
		struct val v = { 0 };

		if (eval_command(x, &nd->cmds[i], have ? &prev : NULL, &v) < 0)
			return -1;
		prev = v;
		have = true;
	}
	*out = prev;
	return 0;
}

int cli_template_render(const struct cli_template *t, json_object *data, cli_template_method method,
			void *ctx, char **out, md_error *err)
{
	struct exec x = { .data = data, .method = method, .ctx = ctx, .err = err };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r = 0;

	*out = NULL;
	if (!f)
		return md_error_set(err, errno, "open_memstream");
	for (size_t i = 0; i < t->n && r == 0; i++) {
		struct val v;

		if (t->nodes[i].text) {
			fputs(t->nodes[i].text, f);
			continue;
		}
		r = eval_pipeline(&x, &t->nodes[i], &v);
		if (r == 0) {
			print_val(f, &v);
			val_free(&v);
		}
	}
	fclose(f);
	if (r < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* ---- Docker's list formats ---- */

/* The body of a format: \t and \n as a tab and a newline, spaces around
 * it trimmed (Docker's formatter does both). */
static char *format_body(const char *s)
{
	char *out = xmalloc0(strlen(s) + 1), *w = out;

	s += strspn(s, " ");
	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n')) {
			*w++ = s[1] == 't' ? '\t' : '\n';
			s++;
		} else {
			*w++ = *s;
		}
	}
	while (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	return out;
}

int cli_format_parse(const char *format, const char *def_table, struct cli_format *f, md_error *err)
{
	cleanup_free char *body = NULL;

	memset(f, 0, sizeof(*f));
	if (!format || !*format)
		format = "table";
	if (strcmp(format, "json") == 0) {
		body = xstrdup("{{json .}}");
	} else if (md_str_has_prefix(format, "table")) {
		f->table = true;
		body = format_body(format + strlen("table"));
		if (!*body) {
			free(body);
			body = format_body(def_table);
		}
	} else {
		body = format_body(format);
	}
	return cli_template_parse(body, &f->t, err);
}

void cli_format_free(struct cli_format *f)
{
	cli_template_free(f->t);
	f->t = NULL;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

void cli_tabwrite(const char *text)
{
	cleanup_free char *copy = xstrdup(text);
	cleanup_strv char **lines = NULL;
	struct cli_table t;
	size_t ncols = 1;
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		md_strv_push(&lines, l);
		if (count_char(l, '\t') + 1 > ncols)
			ncols = count_char(l, '\t') + 1;
	}
	cli_table_init(&t, ncols);
	for (size_t i = 0; lines && lines[i]; i++) {
		const char **row = xmalloc0(ncols * sizeof(*row));
		char *cell = lines[i];

		for (size_t c = 0; c < ncols && cell; c++) {
			char *tab = strchr(cell, '\t');

			if (tab)
				*tab = '\0';
			row[c] = cell;
			cell = tab ? tab + 1 : NULL;
		}
		cli_table_add(&t, row);
		free(row);
	}
	cli_table_print(&t);
	cli_table_free(&t);
}

int cli_format_inspect(json_object *array, const char *format, md_error *err)
{
	cleanup_free char *text = NULL;
	struct cli_template *t;

	if (!format || !*format || strcmp(format, "json") == 0) {
		text = cli_json_indent(array);
		fputs(text, stdout);
		return 0;
	}
	if (cli_template_parse(format, &t, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		cleanup_free char *row = NULL;

		if (cli_template_render(t, json_object_array_get_idx(array, i), NULL, NULL, &row,
					err) < 0) {
			cli_template_free(t);
			return -1;
		}
		puts(row);
	}
	cli_template_free(t);
	return 0;
}
