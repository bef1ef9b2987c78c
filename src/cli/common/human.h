/* SPDX-License-Identifier: Apache-2.0 */
/* Values as Docker's command line shows them to people (go-units'
 * HumanSize and HumanDuration, the CLI's Ellipsis, json.MarshalIndent).
 * Pure; unit-tested. */
#ifndef MD_HUMAN_H
#define MD_HUMAN_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal units, 3 significant digits: "880B", "1.23kB", "4.26MB". */
void cli_human_size(int64_t bytes, char *buf, size_t len);

/* How long ago `then` was, from now (unix seconds): "Less than a second",
 * "About a minute", "2 hours", "3 weeks"... (no " ago"). */
void cli_human_duration(int64_t seconds, char *buf, size_t len);

/* RFC 3339 ("2024-05-01T12:00:00.123Z", "...+02:00") -> unix seconds.
 * -1 when s is not one. */
int cli_parse_rfc3339(const char *s, int64_t *out);

/* s cut to at most max characters (UTF-8), the last one then "…". Caller
 * frees. */
char *cli_ellipsis(const char *s, size_t max);

/* A JSON document as Docker prints it (4-space indents, "{}" and "[]"
 * when empty). Caller frees. */
char *cli_json_indent(json_object *o);

/* A table as Docker's tabwriter lays it out (columns at least 10 wide, 3
 * spaces between them, the last one not padded). */
struct cli_table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols, owned */
};
void cli_table_init(struct cli_table *t, size_t ncols);
/* Append a row of ncols strings (copied). */
void cli_table_add(struct cli_table *t, const char *const *row);
void cli_table_print(const struct cli_table *t);
void cli_table_free(struct cli_table *t);

#endif
