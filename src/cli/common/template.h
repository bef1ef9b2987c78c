/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's --format: a small subset of Go's text/template over a JSON
 * document, and the tables Docker lays such rows out in.
 *
 * What a template may hold: literal text and actions {{ PIPELINE }}
 * ({{- and -}} trim the white space beside them). A pipeline is commands
 * joined by '|' (the value of one is the last argument of the next). A
 * command is one of
 *   .  .A  .A.B.C        the data, or a member of it (a missing one prints
 *                        "<no value>", as Go does for a map)
 *   .Name "arg"...       a method of the data: the caller's method function
 *   "text" `raw` 12      literals
 *   FUNC ARG...          json, index, join, len, lower, upper, title
 * Values print as Go's %v prints what encoding/json decodes: strings as
 * they are, numbers, true/false, [a b] for arrays, map[k:v] for objects
 * (keys sorted), <nil> for null. if, range, with and friends are not there:
 * a template that uses them is refused when parsed. Pure; unit-tested. */
#ifndef MD_TEMPLATE_H
#define MD_TEMPLATE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util/error.h"

struct cli_template;

/* A method `.name "arg"` (one argument) of the data: a new value
 * (json_object_put by the caller); NULL prints as "<no value>". */
typedef json_object *(*cli_template_method)(void *ctx, const char *name, const char *arg);

/* Parse text. Errors read "template parsing error: ..." (Docker's). */
int cli_template_parse(const char *text, struct cli_template **out, md_error *err);
void cli_template_free(struct cli_template *t);

/* Execute t over data. method may be NULL (then a method call is an
 * error). *out is the text (caller frees). */
int cli_template_render(const struct cli_template *t, json_object *data, cli_template_method method,
			void *ctx, char **out, md_error *err);

/* Docker's list formats: "table" or "table TEMPLATE" (a header, then a
 * row a line laid out by tabwriter), "json" ({{json .}}), or TEMPLATE
 * (a row a line, no header). \t and \n written in the format are a tab
 * and a newline, as Docker's formatter reads them. */
struct cli_format {
	bool table;
	struct cli_template *t;
};
/* def_table: the template of plain "table" (and of an empty format). */
int cli_format_parse(const char *format, const char *def_table, struct cli_format *f,
		     md_error *err);
void cli_format_free(struct cli_format *f);

/* Lines of cells separated by tabs, as Docker's tabwriter prints them
 * (cli_table: columns at least 10 wide, 3 spaces between them). */
void cli_tabwrite(const char *text);

/* `inspect`'s output: without format (or "json"), the array indented as
 * Docker prints it; else each element rendered, a line each. */
int cli_format_inspect(json_object *array, const char *format, md_error *err);

#endif
