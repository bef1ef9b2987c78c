/* SPDX-License-Identifier: Apache-2.0 */
/* engine/images/changes.c: `--change` instructions on a config object,
 * compared as JSON text; bad ones change nothing. */
#include "unit.h"
#include "engine/images/changes.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <stdint.h>

/* The config {"Env":["PATH=/bin","A=a"],"WorkingDir":"/w"} with changes
 * applied, as compact JSON (caller frees), or NULL with err set. */
static char *applied(char *const *changes, md_error *err)
{
	cleanup_json json_object *c =
		json_tokener_parse("{\"Env\":[\"PATH=/bin\",\"A=a\"],\"WorkingDir\":\"/w\"}");

	if (image_changes_apply(c, changes, err) < 0)
		return NULL;
	return xstrdup(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
}

#define BASE "\"Env\":[\"PATH=/bin\",\"A=a\"],\"WorkingDir\":\"/w\""

static const struct {
	const char *change, *want;
} cases[] = {
	{ "CMD [\"echo\",\"hi\"]", "{" BASE ",\"Cmd\":[\"echo\",\"hi\"]}" },
	{ "cmd echo \"$A\" hi", "{" BASE ",\"Cmd\":[\"/bin/sh\",\"-c\",\"echo \\\"$A\\\" hi\"]}" },
	{ "CMD [\"unclosed\"", "{" BASE ",\"Cmd\":[\"/bin/sh\",\"-c\",\"[\\\"unclosed\\\"\"]}" },
	{ "ENTRYPOINT [\"/e\"]", "{" BASE ",\"Entrypoint\":[\"/e\"],\"Cmd\":null}" },
	{ "CMD [\"c\"]\nENTRYPOINT [\"/e\"]",
	  "{" BASE ",\"Cmd\":[\"c\"],\"Entrypoint\":[\"/e\"]}" },
	{ "ENV A=1 B=\"two words\" C=${A}x", "{\"Env\":[\"PATH=/bin\",\"A=1\",\"B=two words\","
					     "\"C=ax\"],\"WorkingDir\":\"/w\"}" },
	{ "ENV PATH=$PATH:/usr/bin", "{\"Env\":[\"PATH=/bin:/usr/bin\",\"A=a\"],"
				     "\"WorkingDir\":\"/w\"}" },
	{ "ENV B the 'rest' \\\n  of it", "{\"Env\":[\"PATH=/bin\",\"A=a\",\"B=the rest   of it\"],"
					  "\"WorkingDir\":\"/w\"}" },
	{ "ENV D=${NONE:-dflt} E=${A:+set} F=${NONE:+x}\\$A",
	  "{\"Env\":[\"PATH=/bin\",\"A=a\",\"D=dflt\",\"E=set\",\"F=$A\"],\"WorkingDir\":\"/w\"}" },
	{ "LABEL a=b \"c d\"=e", "{" BASE ",\"Labels\":{\"a\":\"b\",\"c d\":\"e\"}}" },
	{ "WORKDIR sub/../x", "{\"Env\":[\"PATH=/bin\",\"A=a\"],\"WorkingDir\":\"/w/x\"}" },
	{ "WORKDIR /$A//b/.", "{\"Env\":[\"PATH=/bin\",\"A=a\"],\"WorkingDir\":\"/a/b\"}" },
	{ "USER nobody:nogroup", "{" BASE ",\"User\":\"nobody:nogroup\"}" },
	{ "STOPSIGNAL SIGINT", "{" BASE ",\"StopSignal\":\"SIGINT\"}" },
	{ "EXPOSE 80 53/UDP 8000-8001", "{" BASE ",\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{},"
					"\"8000/tcp\":{},\"8001/tcp\":{}}}" },
	{ "VOLUME [\"/data\"]", "{" BASE ",\"Volumes\":{\"/data\":{}}}" },
	{ "VOLUME /a /b", "{" BASE ",\"Volumes\":{\"/a\":{},\"/b\":{}}}" },
	{ "# comment\n\n  env X=1",
	  "{\"Env\":[\"PATH=/bin\",\"A=a\",\"X=1\"],\"WorkingDir\":\"/w\"}" },
};

TEST(changes_apply)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *const changes[] = { (char *)(uintptr_t)cases[i].change, NULL };
		md_error err = { 0 };
		cleanup_free char *got = applied(changes, &err);

		if (!got)
			fprintf(stderr, "  `%s`: %s\n", cases[i].change, err.msg);
		CHECK_STR(got, cases[i].want);
	}
}

TEST(changes_refused)
{
	static const char *const bad[] = {
		"RUN echo",      "COPY a b",     "HEALTHCHECK NONE", "CMD",      "ENV A",
		"ENV =x",        "ENV A=\"open", "ENV A='open",      "USER",     "USER a b",
		"EXPOSE 0",      "EXPOSE 70000", "EXPOSE 9-8",       "EXPOSE x", "EXPOSE 80/foo",
		"VOLUME [\"\"]", "ENV A=${B",    "ENV A=${1}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *const changes[] = { (char *)(uintptr_t) "ENV OK=1", (char *)(uintptr_t)bad[i],
					  NULL };
		md_error err = { 0 };
		cleanup_free char *got = applied(changes, &err);

		if (got)
			fprintf(stderr, "  `%s` accepted: %s\n", bad[i], got);
		CHECK(!got);
		CHECK_INT(err.errnum, 0);
	}
}

TEST(changes_unchanged_on_error)
{
	cleanup_json json_object *c = json_tokener_parse("{\"User\":\"u\"}");
	char *const changes[] = { (char *)(uintptr_t) "USER root", (char *)(uintptr_t) "RUN x",
				  NULL };
	md_error err = { 0 };

	CHECK(image_changes_apply(c, changes, &err) < 0);
	CHECK_STR(err.msg, "--change `RUN x`: run is not a valid change command");
	CHECK_STR(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN), "{\"User\":\"u\"}");
}
