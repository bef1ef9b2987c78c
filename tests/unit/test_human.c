/* SPDX-License-Identifier: Apache-2.0 */
/* cli/common/human.c: Docker's sizes, durations, ellipsis and JSON
 * indents, against what go-units and the docker CLI print. */
#include "unit.h"

#include "cli/common/human.h"
#include "util/cleanup.h"

#include <stdlib.h>

TEST(human_size)
{
	static const struct {
		int64_t bytes;
		const char *want;
	} cases[] = {
		{ 0, "0B" },
		{ 880, "880B" },
		{ 999, "999B" },
		{ 1000, "1kB" },
		{ 1234, "1.23kB" },
		{ 4264030, "4.26MB" },
		{ 12345678, "12.3MB" },
		{ 123456789, "123MB" },
		{ 1000000000, "1GB" },
		{ 999999, "1e+03kB" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_human_size(cases[i].bytes, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].want);
	}
}

TEST(human_duration)
{
	static const struct {
		int64_t s;
		const char *want;
	} cases[] = {
		{ 0, "Less than a second" },    { 1, "1 second" },
		{ 59, "59 seconds" },           { 60, "About a minute" },
		{ 119, "About a minute" },      { 120, "2 minutes" },
		{ 3599, "59 minutes" },         { 3600, "About an hour" },
		{ 5399, "About an hour" },      { 5400, "2 hours" },
		{ 47 * 3600, "47 hours" },      { 48 * 3600, "2 days" },
		{ 14 * 86400, "2 weeks" },      { 60 * 86400, "2 months" },
		{ 2 * 365 * 86400, "2 years" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_human_duration(cases[i].s, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].want);
	}
}

TEST(human_rfc3339)
{
	int64_t t = 0;

	CHECK_INT(cli_parse_rfc3339("1970-01-01T00:00:10Z", &t), 0);
	CHECK_INT(t, 10);
	CHECK_INT(cli_parse_rfc3339("2024-05-01T12:00:00.123456789Z", &t), 0);
	CHECK_INT(t, 1714564800);
	CHECK_INT(cli_parse_rfc3339("2024-05-01T14:00:00+02:00", &t), 0);
	CHECK_INT(t, 1714564800);
	CHECK_INT(cli_parse_rfc3339("2024-05-01T11:30:00-00:30", &t), 0);
	CHECK_INT(t, 1714564800);
	CHECK_INT(cli_parse_rfc3339("2024-05-01", &t), -1);
	CHECK_INT(cli_parse_rfc3339("2024-05-01T12:00:00", &t), -1);
	CHECK_INT(cli_parse_rfc3339("2024-05-01T12:00:00Zx", &t), -1);
	CHECK_INT(cli_parse_rfc3339(NULL, &t), -1);
}

TEST(human_ellipsis)
{
	cleanup_free char *a = cli_ellipsis("short", 45);
	cleanup_free char *b = cli_ellipsis("abcdef", 4);
	cleanup_free char *c = cli_ellipsis("ééééé", 3);
	cleanup_free char *d = cli_ellipsis("ééééé", 4);

	CHECK_STR(a, "short");
	CHECK_STR(b, "abc…");
	CHECK_STR(c, "ééé");
	CHECK_STR(d, "ééé…");
}

TEST(human_json_indent)
{
	json_object *o =
		json_tokener_parse("[{\"a\":1,\"b\":{},\"c\":[],\"d\":[\"x/y\"],\"e\":{}}]");
	cleanup_free char *s = cli_json_indent(o);

	CHECK_STR(s, "[\n"
		     "    {\n"
		     "        \"a\": 1,\n"
		     "        \"b\": {},\n"
		     "        \"c\": [],\n"
		     "        \"d\": [\n"
		     "            \"x/y\"\n"
		     "        ],\n"
		     "        \"e\": {}\n"
		     "    }\n"
		     "]\n");
	json_object_put(o);
}

TEST(human_json_indent_empty)
{
	json_object *o = json_object_new_array();
	cleanup_free char *s = cli_json_indent(o);

	CHECK_STR(s, "[]\n");
	json_object_put(o);
}
