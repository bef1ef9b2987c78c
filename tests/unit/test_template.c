/* SPDX-License-Identifier: Apache-2.0 */
/* cli/common/template.c: the Go-template subset of --format, against what
 * Go's text/template prints for the same document (decoded as
 * encoding/json decodes it, ints kept as Docker's typed structs keep
 * them), and the errors of what it does not take. */
#include "unit.h"

#include "cli/common/template.h"
#include "util/cleanup.h"
#include "util/json.h"

#include <stdlib.h>

static const char doc[] =
	"{\"Name\":\"/web\",\"RestartCount\":2,\"Ratio\":1.5,\"Big\":1e6,"
	"\"State\":{\"Status\":\"running\",\"ExitCode\":0,\"Running\":true,\"Health\":null},"
	"\"Config\":{\"Labels\":{\"b\":\"2\",\"a\":\"x y\"},\"Cmd\":[\"sleep\",\"10\"]}}";

/* The text of template over doc, or NULL on an error (its message in err). */
static char *render(const char *template, json_object *data, cli_template_method m, md_error *err)
{
	struct cli_template *t;
	char *out = NULL;

	if (cli_template_parse(template, &t, err) < 0)
		return NULL;
	if (cli_template_render(t, data, m, NULL, &out, err) < 0)
		out = NULL;
	cli_template_free(t);
	return out;
}

TEST(template_fields_and_values)
{
	static const struct {
		const char *t, *want;
	} cases[] = {
		{ "{{.Name}}", "/web" },
		{ "plain text", "plain text" },
		{ "{{.State.Status}}", "running" },
		{ "{{.State.ExitCode}} {{.RestartCount}}", "0 2" },
		{ "{{.State.Running}}", "true" },
		{ "{{.Ratio}} {{.Big}}", "1.5 1e+06" },
		{ "{{.Nothing}}", "<no value>" },
		{ "{{.State.Health}}", "<nil>" },
		{ "{{.State.Health.Status}}", "<no value>" },
		{ "{{.Config.Cmd}}", "[sleep 10]" },
		{ "{{.Config.Labels}}", "map[a:x y b:2]" },
		{ "{{ .Name }}|{{.Name}}", "/web|/web" },
		{ "a {{- .Name -}} b", "a/webb" },
		{ "a {{-3}}", "a -3" }, /* "{{-" without a space: no trim */
		{ "{{json .State}}",
		  "{\"Status\":\"running\",\"ExitCode\":0,\"Running\":true,\"Health\":null}" },
		{ "{{json .Nothing}}", "null" },
		{ "{{index .Config.Labels \"a\"}}", "x y" },
		{ "{{index .Config.Labels \"none\"}}", "" },
		{ "{{index .Config.Cmd 1}}", "10" },
		{ "{{join .Config.Cmd \",\"}}", "sleep,10" },
		{ "{{len .Config.Cmd}} {{len .Config.Labels}}", "2 2" },
		{ "{{.State.Status | upper}}", "RUNNING" },
		{ "{{upper .State.Status | lower}}", "running" },
		{ "{{title \"hello wide world\"}}", "Hello Wide World" },
		{ "{{`raw \\t`}} {{\"q\\\"\"}}", "raw \\t q\"" },
		{ "{{.}}",
		  "map[Big:1e+06 Config:map[Cmd:[sleep 10] Labels:map[a:x y b:2]] Name:/web "
		  "Ratio:1.5 RestartCount:2 State:map[ExitCode:0 Health:<nil> Running:true "
		  "Status:running]]" },
	};
	cleanup_json json_object *o = json_tokener_parse(doc);
	md_error err;

	CHECK(o);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cleanup_free char *got = render(cases[i].t, o, NULL, &err);

		if (!got)
			fprintf(stderr, "  %s: %s\n", cases[i].t, err.msg);
		CHECK_STR(got, cases[i].want);
	}
}

TEST(template_errors)
{
	static const struct {
		const char *t, *want;
	} cases[] = {
		{ "{{.Name", "template parsing error: template: :1: unclosed action" },
		{ "x\n{{nope .}}",
		  "template parsing error: template: :2: function \"nope\" not defined" },
		{ "{{range .Config.Cmd}}{{.}}{{end}}", "\"range\" is not supported here" },
		{ "{{}}", "missing value for command" },
		{ "{{\"abc}}", "unterminated quoted string" },
		{ "{{.Name | }}", "missing value for command" },
		{ "{{$x}}", "variables are not supported" },
		{ "{{.Name.First}}", "can't evaluate field First in type string" },
		{ "{{json}}", "wrong number of args for json: want 1 got 0" },
		{ "{{.Name \"x\"}}", "Name is not a method but has arguments" },
		{ "{{index .Config.Cmd 5}}", "index out of range: 5" },
	};
	cleanup_json json_object *o = json_tokener_parse(doc);
	md_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cleanup_free char *got = render(cases[i].t, o, NULL, &err);

		CHECK(got == NULL);
		if (!strstr(err.msg, cases[i].want))
			fprintf(stderr, "  %s: %s\n", cases[i].t, err.msg);
		CHECK(strstr(err.msg, cases[i].want) != NULL);
	}
}

static json_object *label_method(void *ctx, const char *name, const char *arg)
{
	if (strcmp(name, "Label") != 0)
		return NULL;
	return strcmp(arg, "k") == 0 ? json_object_new_string("v") : json_object_new_string("");
}

TEST(template_method)
{
	cleanup_json json_object *o = json_tokener_parse(doc);
	cleanup_free char *a = NULL, *b = NULL;
	md_error err;

	a = render("{{.Label \"k\"}}-{{.Label \"other\"}}-{{\"k\" | .Label}}", o, label_method,
		   &err);
	CHECK_STR(a, "v--v");
	b = render("{{.Other \"k\"}}", o, label_method, &err);
	CHECK_STR(b, "<no value>");
}

TEST(template_list_formats)
{
	struct cli_format f;
	cleanup_json json_object *o = json_tokener_parse(doc);
	cleanup_free char *a = NULL, *b = NULL, *c = NULL;
	md_error err;

	CHECK(cli_format_parse("table", "{{.Name}}\\t{{.RestartCount}}", &f, &err) == 0);
	CHECK(f.table);
	CHECK(cli_template_render(f.t, o, NULL, NULL, &a, &err) == 0);
	CHECK_STR(a, "/web\t2");
	cli_format_free(&f);

	CHECK(cli_format_parse("  {{.Name}}\\n{{.State.Status}}  ", "", &f, &err) == 0);
	CHECK(!f.table);
	CHECK(cli_template_render(f.t, o, NULL, NULL, &b, &err) == 0);
	CHECK_STR(b, "/web\nrunning");
	cli_format_free(&f);

	CHECK(cli_format_parse("json", "", &f, &err) == 0);
	CHECK(!f.table);
	CHECK(cli_template_render(f.t, o, NULL, NULL, &c, &err) == 0);
	CHECK(strncmp(c, "{\"Name\":\"/web\",", 15) == 0);
	cli_format_free(&f);

	CHECK(cli_format_parse("{{if}}", "", &f, &err) < 0);
	CHECK(f.t == NULL);
}
