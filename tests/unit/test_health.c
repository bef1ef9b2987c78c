/* SPDX-License-Identifier: Apache-2.0 */
/* engine/containers/health.c: Go's durations both ways, Config.Healthcheck
 * from the flags and the image (Docker's checks and words), the monitor's
 * interval, and Docker's rules for State.Health. */
#include "unit.h"
#include "engine/containers/health.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <stdint.h>

#define MS 1000000LL
#define SEC (1000 * MS)

TEST(health_duration_parse)
{
	static const struct {
		const char *in;
		int64_t ns;
	} good[] = {
		{ "0", 0 },
		{ "-0", 0 },
		{ "30s", 30 * SEC },
		{ "1m30s", 90 * SEC },
		{ "500ms", 500 * MS },
		{ "1.5h", 5400 * SEC },
		{ "-2s", -2 * SEC },
		{ "+5m", 300 * SEC },
		{ ".5s", 500 * MS },
		{ "1.s", SEC },
		{ "2h45m", 9900 * SEC },
		{ "10us", 10000 },
		{ "10\xc2\xb5s", 10000 },
		{ "10\xce\xbcs", 10000 },
		{ "7ns", 7 },
		{ "1.0000000001s", SEC }, /* past ns: dropped */
		{ "9223372036854775807ns", INT64_MAX },
		{ "-9223372036854775808ns", INT64_MIN },
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "time: invalid duration \"\"" },
		{ "abc", "time: invalid duration \"abc\"" },
		{ "1", "time: missing unit in duration \"1\"" },
		{ "1x", "time: unknown unit \"x\" in duration \"1x\"" },
		{ "1sec", "time: unknown unit \"sec\" in duration \"1sec\"" },
		{ ".s", "time: invalid duration \".s\"" },
		{ "-", "time: invalid duration \"-\"" },
		{ "1s ", "time: unknown unit \"s \" in duration \"1s \"" },
		{ "9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"" },
		{ "3000000h", "time: invalid duration \"3000000h\"" },
	};
	md_error err;
	int64_t ns;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		ns = -1;
		CHECK_INT(health_parse_duration(good[i].in, &ns, &err), 0);
		CHECK_INT(ns, good[i].ns);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_INT(health_parse_duration(bad[i].in, &ns, &err), -1);
		CHECK_STR(err.msg, bad[i].msg);
		CHECK_INT(err.errnum, 0);
	}
}

TEST(health_duration_format)
{
	static const struct {
		int64_t ns;
		const char *out;
	} cases[] = {
		{ 0, "0s" },
		{ 30 * SEC, "30s" },
		{ 90 * SEC, "1m30s" },
		{ 3600 * SEC, "1h0m0s" },
		{ 500 * MS, "500ms" },
		{ 1500 * MS, "1.5s" },
		{ 1500000, "1.5ms" },
		{ 2000, "2\xc2\xb5s" },
		{ 7, "7ns" },
		{ -2 * SEC, "-2s" },
		{ 3723 * SEC + 5 * MS, "1h2m3.005s" },
		{ INT64_MAX, "2562047h47m16.854775807s" },
		{ INT64_MIN, "-2562047h47m16.854775808s" },
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		health_format_duration(cases[i].ns, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].out);
	}
}

/* Config.Healthcheck as compact JSON ("null" for none), or the error. */
static char *config_of(const struct image_healthcheck *img, const struct run_health_flags *f)
{
	cleanup_json json_object *o = NULL;
	md_error err;

	if (health_config(img, f, &o, &err) < 0)
		return xasprintf("error: %s", err.msg);
	return xstrdup(o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE)
			 : "null");
}

#define CHECK_CONFIG(img, want, ...)                                                               \
	do {                                                                                       \
		struct run_health_flags f_ = { __VA_ARGS__ };                                      \
		cleanup_free char *got_ = config_of(img, &f_);                                     \
		CHECK_STR(got_, want);                                                             \
	} while (0)

TEST(health_config_flags)
{
	CHECK_CONFIG(NULL, "null", .cmd = NULL);
	CHECK_CONFIG(NULL, "null", .cmd = "", .interval = "0s");
	CHECK_CONFIG(NULL, "{\"Test\":[\"CMD-SHELL\",\"true\"]}", .cmd = "true");
	CHECK_CONFIG(NULL,
		     "{\"Test\":[\"CMD-SHELL\",\"curl -f x\"],\"Interval\":1500000000,"
		     "\"Timeout\":2000000000,\"StartPeriod\":60000000000,\"Retries\":5}",
		     .cmd = "curl -f x", .interval = "1.5s", .timeout = "2s", .start_period = "1m",
		     .retries = "5");
	/* Only an interval: no Test (the image's would fill it). */
	CHECK_CONFIG(NULL, "{\"Interval\":5000000000}", .interval = "5s");
	CHECK_CONFIG(NULL, "{\"Test\":[\"NONE\"]}", .none = true);
	CHECK_CONFIG(NULL, "error: --no-healthcheck conflicts with --health-* options",
		     .none = true, .cmd = "true");
	CHECK_CONFIG(NULL, "error: --no-healthcheck conflicts with --health-* options",
		     .none = true, .retries = "2");
	CHECK_CONFIG(NULL, "error: --health-interval cannot be negative", .interval = "-1s");
	CHECK_CONFIG(NULL, "error: --health-timeout cannot be negative", .timeout = "-1s");
	CHECK_CONFIG(NULL, "error: --health-retries cannot be negative", .retries = "-1");
	CHECK_CONFIG(NULL, "error: --health-start-period cannot be negative",
		     .start_period = "-1s");
	CHECK_CONFIG(NULL, "error: Interval in Healthcheck cannot be less than 1ms",
		     .interval = "10us");
	CHECK_CONFIG(NULL, "error: Timeout in Healthcheck cannot be less than 1ms",
		     .timeout = "1ns");
	CHECK_CONFIG(NULL, "error: StartPeriod in Healthcheck cannot be less than 1ms",
		     .start_period = "999us");
	CHECK_CONFIG(NULL,
		     "error: invalid argument \"1\" for \"--health-interval\" flag: time: missing "
		     "unit in duration \"1\"",
		     .interval = "1");
	CHECK_CONFIG(NULL,
		     "error: invalid argument \"x\" for \"--health-retries\" flag: "
		     "strconv.ParseInt: parsing \"x\": invalid syntax",
		     .retries = "x");
	CHECK_CONFIG(NULL, "{\"Retries\":16}", .retries = "0x10");
}

TEST(health_config_image)
{
	char cmd[] = "CMD", check[] = "/bin/check";
	char *test[] = { cmd, check, NULL };
	struct image_healthcheck img = { .test = test, .interval_ns = 10 * SEC, .retries = 2 };
	struct image_healthcheck empty = { 0 };

	CHECK_CONFIG(&empty, "null", .cmd = NULL);
	CHECK_CONFIG(&img,
		     "{\"Test\":[\"CMD\",\"/bin/check\"],\"Interval\":10000000000,"
		     "\"Retries\":2}",
		     .cmd = NULL);
	/* The flags win member by member; the image fills the rest. */
	CHECK_CONFIG(&img,
		     "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":10000000000,"
		     "\"Timeout\":3000000000,\"Retries\":2}",
		     .cmd = "true", .timeout = "3s");
	CHECK_CONFIG(&img,
		     "{\"Test\":[\"CMD\",\"/bin/check\"],\"Interval\":1000000000,"
		     "\"Retries\":2}",
		     .interval = "1s");
	CHECK_CONFIG(&img, "{\"Test\":[\"NONE\"],\"Interval\":10000000000,\"Retries\":2}",
		     .none = true);
}

static json_object *json_of(const char *s)
{
	return json_tokener_parse(s);
}

TEST(health_interval)
{
	cleanup_json json_object *none = json_of("{\"Test\":[\"NONE\"]}");
	cleanup_json json_object *no_test = json_of("{\"Interval\":5000000000}");
	cleanup_json json_object *other = json_of("{\"Test\":[\"FOO\",\"x\"]}");
	cleanup_json json_object *dflt = json_of("{\"Test\":[\"CMD-SHELL\",\"true\"]}");
	cleanup_json json_object *set =
		json_of("{\"Test\":[\"CMD\",\"true\"],"
			"\"Interval\":1500000000,\"StartPeriod\":2000000000}");
	long iv = 0, sp = 0;

	CHECK_INT(health_interval_ms(NULL, &iv, &sp), 1);
	CHECK_INT(health_interval_ms(none, &iv, &sp), 1);
	CHECK_INT(health_interval_ms(no_test, &iv, &sp), 1);
	CHECK_INT(health_interval_ms(other, &iv, &sp), 1);
	CHECK_INT(health_interval_ms(dflt, &iv, &sp), 0);
	CHECK_INT(iv, 30000);
	CHECK_INT(sp, 0);
	CHECK_INT(health_interval_ms(set, &iv, &sp), 0);
	CHECK_INT(iv, 1500);
	CHECK_INT(sp, 2000);
}

static const char *status_of(json_object *h)
{
	return md_json_string(h, "Status");
}

static int64_t streak_of(json_object *h)
{
	return json_object_get_int64(md_json_member(h, "FailingStreak"));
}

static size_t log_len(json_object *h)
{
	return json_object_array_length(md_json_member_of(h, "Log", json_type_array));
}

/* A check at t seconds after the start, with its exit code. */
static void check_at(json_object **h, json_object *hc, int64_t t, int code)
{
	const int64_t started = 1700000000 * SEC;
	struct health_result r = { .start_ns = started + t * SEC,
				   .end_ns = started + t * SEC + MS,
				   .exit_code = code,
				   .output = code ? "bad\n" : "ok\n" };

	health_apply(h, hc, started, &r);
}

TEST(health_rules_retries)
{
	cleanup_json json_object *hc = json_of("{\"Test\":[\"CMD\",\"x\"]}");
	cleanup_json json_object *h = NULL;
	json_object *first;

	check_at(&h, hc, 1, 1);
	CHECK_STR(status_of(h), "starting");
	CHECK_INT(streak_of(h), 1);
	check_at(&h, hc, 2, 1);
	CHECK_STR(status_of(h), "starting");
	check_at(&h, hc, 3, 1);
	CHECK_STR(status_of(h), "unhealthy"); /* 3 failures: Docker's default */
	CHECK_INT(streak_of(h), 3);
	CHECK_INT(log_len(h), 3);
	check_at(&h, hc, 4, 0);
	CHECK_STR(status_of(h), "healthy");
	CHECK_INT(streak_of(h), 0);
	check_at(&h, hc, 5, 2);
	check_at(&h, hc, 6, -1);
	CHECK_STR(status_of(h), "healthy");
	CHECK_INT(streak_of(h), 2);
	CHECK_INT(log_len(h), 5); /* the last five only */
	first = json_object_array_get_idx(md_json_member(h, "Log"), 0);
	CHECK_INT(json_object_get_int(md_json_member(first, "ExitCode")), 1);
	CHECK_STR(md_json_string(first, "Start"), "2023-11-14T22:13:22.000000000Z");
	CHECK_STR(md_json_string(first, "End"), "2023-11-14T22:13:22.001000000Z");
	CHECK_STR(md_json_string(first, "Output"), "bad\n");
}

TEST(health_rules_start_period)
{
	cleanup_json json_object *hc =
		json_of("{\"Test\":[\"CMD\",\"x\"],\"StartPeriod\":10000000000,\"Retries\":1}");
	cleanup_json json_object *h = NULL;

	check_at(&h, hc, 1, 1); /* in the start period: does not count */
	CHECK_STR(status_of(h), "starting");
	CHECK_INT(streak_of(h), 0);
	CHECK_INT(log_len(h), 1);
	check_at(&h, hc, 11, 1); /* after it: one failure is Retries */
	CHECK_STR(status_of(h), "unhealthy");
	CHECK_INT(streak_of(h), 1);
	json_object_put(h);
	h = NULL;
	check_at(&h, hc, 2, 0); /* healthy once: the period no longer shields */
	check_at(&h, hc, 3, 1);
	CHECK_STR(status_of(h), "unhealthy");
}

TEST(health_on_start)
{
	cleanup_json json_object *hc = json_of("{\"Test\":[\"CMD\",\"x\"]}");
	cleanup_json json_object *none = json_of("{\"Test\":[\"NONE\"]}");
	struct container_state st = { 0 };

	health_on_start(&st, hc);
	CHECK_STR(status_of(st.health), "starting");
	CHECK_INT(log_len(st.health), 0);
	check_at(&st.health, hc, 1, 0);
	health_on_start(&st, hc); /* a restart: starting again, the log kept */
	CHECK_STR(status_of(st.health), "starting");
	CHECK_INT(streak_of(st.health), 0);
	CHECK_INT(log_len(st.health), 1);
	health_on_start(&st, none);
	CHECK(st.health == NULL);
}
