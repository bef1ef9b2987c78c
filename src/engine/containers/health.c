/* SPDX-License-Identifier: Apache-2.0 */
/* Health checks: Go's durations, Config.Healthcheck from the flags and the
 * image, and Docker's rules for State.Health (health.h). Running a check
 * is in health-check.c. */
#include "engine/containers/health.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000ULL
#define DURATION_MAX (1ULL << 63) /* Go's bound, the magnitude of INT64_MIN */

/* ---- Go's durations ---- */

static int invalid_duration(const char *orig, md_error *err)
{
	return md_error_set(err, 0, "time: invalid duration \"%s\"", orig);
}

/* The value of a unit ("ms"...) of len bytes, or 0. µs comes as the micro
 * sign (U+00B5) or the Greek mu (U+03BC), as Go takes both. */
static uint64_t unit_ns(const char *u, size_t len)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "\xc2\xb5s", 1000 },
		{ "\xce\xbcs", 1000 },
		{ "ms", 1000000 },
		{ "s", NS_PER_S },
		{ "m", 60 * NS_PER_S },
		{ "h", 3600 * NS_PER_S },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0)
			return units[i].ns;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [0-9]* at *s into *v; -1 when it does not fit. */
static int leading_int(const char **s, uint64_t *v)
{
	for (*v = 0; is_digit(**s); (*s)++) {
		if (*v > (DURATION_MAX - 1) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(**s - '0');
		if (*v > DURATION_MAX)
			return -1;
	}
	return 0;
}

/* The digits after a '.': their value and 10^(the digits kept); digits
 * past what fits are skipped, as Go does. */
static void leading_fraction(const char **s, uint64_t *f, double *scale)
{
	bool overflow = false;

	for (*f = 0, *scale = 1; is_digit(**s); (*s)++) {
		if (overflow || *f > (DURATION_MAX - 1) / 10) {
			overflow = true;
			continue;
		}
		*f = *f * 10 + (uint64_t)(**s - '0');
		*scale *= 10;
	}
}

/* One "1.5h" of a duration at *s, added to *d. */
static int parse_term(const char **s, const char *orig, uint64_t *d, md_error *err)
{
	const char *start = *s;
	uint64_t v, f = 0, unit;
	double scale = 1;
	bool pre, post = false;
	size_t ulen;

	if (!(**s == '.' || is_digit(**s)) || leading_int(s, &v) < 0)
		return invalid_duration(orig, err);
	pre = *s != start;
	if (**s == '.') {
		const char *digits = ++*s;

		leading_fraction(s, &f, &scale);
		post = *s != digits;
	}
	if (!pre && !post) /* "." alone */
		return invalid_duration(orig, err);
	ulen = strcspn(*s, ".0123456789");
	if (ulen == 0)
		return md_error_set(err, 0, "time: missing unit in duration \"%s\"", orig);
	unit = unit_ns(*s, ulen);
	if (!unit)
		return md_error_set(err, 0, "time: unknown unit \"%.*s\" in duration \"%s\"",
				    (int)ulen, *s, orig);
	*s += ulen;
	if (v > DURATION_MAX / unit)
		return invalid_duration(orig, err);
	v *= unit;
	if (f > 0)
		v += (uint64_t)((double)f * ((double)unit / scale));
	if (v > DURATION_MAX || (*d += v) > DURATION_MAX)
		return invalid_duration(orig, err);
	return 0;
}

int health_parse_duration(const char *orig, int64_t *ns, md_error *err)
{
	const char *s = orig;
	uint64_t d = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return invalid_duration(orig, err);
	while (*s)
		if (parse_term(&s, orig, &d, err) < 0)
			return -1;
	if (neg) {
		*ns = d == DURATION_MAX ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > (uint64_t)INT64_MAX)
		return invalid_duration(orig, err);
	*ns = (int64_t)d;
	return 0;
}

/* The last prec digits of *v as a fraction ".5", without trailing zeros
 * (nothing when they are all zero), written backwards before buf[w];
 * *v keeps the integer part. */
static size_t put_frac(char *buf, size_t w, uint64_t *v, int prec)
{
	bool print = false;

	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*v % 10);

		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t put_int(char *buf, size_t w, uint64_t v)
{
	do {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return w;
}

static size_t put_str(char *buf, size_t w, const char *s)
{
	w -= strlen(s);
	memcpy(buf + w, s, strlen(s));
	return w;
}

void health_format_duration(int64_t ns, char *buf, size_t len)
{
	char tmp[40];
	size_t w = sizeof(tmp) - 1;
	uint64_t u = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;

	tmp[w] = '\0';
	if (u == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	if (u < NS_PER_S) {
		/* Under a second: one unit with a fraction ("1.5ms"). */
		int prec = u < 1000 ? 0 : u < 1000000 ? 3 : 6;

		w = put_str(tmp, w, u < 1000 ? "ns" : u < 1000000 ? "\xc2\xb5s" : "ms");
		w = put_frac(tmp, w, &u, prec);
		w = put_int(tmp, w, u);
	} else {
		w = put_str(tmp, w, "s");
		w = put_frac(tmp, w, &u, 9);
		w = put_int(tmp, w, u % 60);
		if ((u /= 60) > 0) {
			w = put_str(tmp, w, "m");
			w = put_int(tmp, w, u % 60);
			if ((u /= 60) > 0) {
				w = put_str(tmp, w, "h");
				w = put_int(tmp, w, u);
			}
		}
	}
	if (ns < 0)
		tmp[--w] = '-';
	snprintf(buf, len, "%s", tmp + w);
}

/* ---- Config.Healthcheck ---- */

struct healthcheck {
	char **test; /* NULL: none given */
	int64_t interval, timeout, start_period, retries;
};

static int flag_duration(const char *flag, const char *v, int64_t *ns, md_error *err)
{
	md_error e;

	if (!v || health_parse_duration(v, ns, &e) == 0)
		return 0;
	return md_error_set(err, 0, "invalid argument \"%s\" for \"%s\" flag: %s", v, flag, e.msg);
}

/* --health-retries as Go's strconv.ParseInt(s, 0, 64) reads it. */
static int flag_retries(const char *v, int64_t *n, md_error *err)
{
	char *end;

	if (!v)
		return 0;
	errno = 0;
	*n = strtoll(v, &end, 0);
	if (!*v || *end || errno)
		return md_error_set(err, 0,
				    "invalid argument \"%s\" for \"--health-retries\" flag: "
				    "strconv.ParseInt: parsing \"%s\": %s",
				    v, v,
				    errno == ERANGE ? "value out of range" : "invalid syntax");
	return 0;
}

/* What the Docker CLI makes of the flags (its words for the conflicts). */
static int from_flags(const struct run_health_flags *f, struct healthcheck *h, bool *given,
		      md_error *err)
{
	memset(h, 0, sizeof(*h));
	if (flag_duration("--health-interval", f->interval, &h->interval, err) < 0 ||
	    flag_duration("--health-timeout", f->timeout, &h->timeout, err) < 0 ||
	    flag_duration("--health-start-period", f->start_period, &h->start_period, err) < 0 ||
	    flag_retries(f->retries, &h->retries, err) < 0)
		return -1;
	*given = (f->cmd && *f->cmd) || h->interval || h->timeout || h->start_period || h->retries;
	if (f->none) {
		if (*given)
			return md_error_set(err, 0,
					    "--no-healthcheck conflicts with --health-* options");
		md_strv_push(&h->test, "NONE");
		*given = true;
		return 0;
	}
	if (h->interval < 0)
		return md_error_set(err, 0, "--health-interval cannot be negative");
	if (h->timeout < 0)
		return md_error_set(err, 0, "--health-timeout cannot be negative");
	if (h->retries < 0)
		return md_error_set(err, 0, "--health-retries cannot be negative");
	if (h->start_period < 0)
		return md_error_set(err, 0, "--health-start-period cannot be negative");
	if (f->cmd && *f->cmd) {
		md_strv_push(&h->test, "CMD-SHELL");
		md_strv_push(&h->test, f->cmd);
	}
	return 0;
}

/* dockerd's check of the container's Healthcheck, in its order. */
static int validate(const struct healthcheck *h, md_error *err)
{
	if (h->interval != 0 && h->interval < HEALTH_NS_PER_MS)
		return md_error_set(err, 0, "Interval in Healthcheck cannot be less than 1ms");
	if (h->timeout != 0 && h->timeout < HEALTH_NS_PER_MS)
		return md_error_set(err, 0, "Timeout in Healthcheck cannot be less than 1ms");
	if (h->retries < 0)
		return md_error_set(err, 0, "Retries in Healthcheck cannot be negative");
	if (h->start_period != 0 && h->start_period < HEALTH_NS_PER_MS)
		return md_error_set(err, 0, "StartPeriod in Healthcheck cannot be less than 1ms");
	return 0;
}

/* dockerd's merge: what the container's leaves unset, the image's gives. */
static void merge_image(struct healthcheck *h, const struct image_healthcheck *img)
{
	if (!h->test && img->test)
		h->test = md_strv_dup(img->test);
	if (!h->interval)
		h->interval = img->interval_ns;
	if (!h->timeout)
		h->timeout = img->timeout_ns;
	if (!h->start_period)
		h->start_period = img->start_period_ns;
	if (!h->retries)
		h->retries = img->retries;
}

static bool image_has_check(const struct image_healthcheck *img)
{
	return img && (img->test || img->interval_ns || img->timeout_ns || img->start_period_ns ||
		       img->retries);
}

static void add_nonzero(json_object *o, const char *key, int64_t v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_int64(v));
}

/* Docker's JSON for it: every member omitted when empty. */
static json_object *healthcheck_json(const struct healthcheck *h)
{
	json_object *o = json_object_new_object();

	if (h->test && h->test[0]) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; h->test[i]; i++)
			json_object_array_add(a, json_object_new_string(h->test[i]));
		json_object_object_add(o, "Test", a);
	}
	add_nonzero(o, "Interval", h->interval);
	add_nonzero(o, "Timeout", h->timeout);
	add_nonzero(o, "StartPeriod", h->start_period);
	add_nonzero(o, "Retries", h->retries);
	return o;
}

int health_config(const struct image_healthcheck *img, const struct run_health_flags *f,
		  json_object **out, md_error *err)
{
	struct healthcheck h;
	bool given = false;
	int ret = -1;

	*out = NULL;
	if (from_flags(f, &h, &given, err) < 0 || (given && validate(&h, err) < 0))
		goto out;
	if (image_has_check(img))
		merge_image(&h, img);
	if (given || image_has_check(img))
		*out = healthcheck_json(&h);
	ret = 0;
out:
	md_strv_free(h.test);
	return ret;
}

/* ---- State.Health ---- */

static int64_t member_i64(json_object *o, const char *key)
{
	json_object *v = md_json_member_of(o, key, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

int health_interval_ms(json_object *healthcheck, long *interval_ms, long *start_period_ms)
{
	json_object *test = md_json_member_of(healthcheck, "Test", json_type_array);
	const char *kind = test && json_object_array_length(test) > 0
				   ? json_object_get_string(json_object_array_get_idx(test, 0))
				   : NULL;
	int64_t interval = member_i64(healthcheck, "Interval");

	if (!kind || (strcmp(kind, "CMD") != 0 && strcmp(kind, "CMD-SHELL") != 0))
		return 1;
	if (interval <= 0)
		interval = HEALTH_DEFAULT_INTERVAL_NS;
	*interval_ms = (long)(interval / HEALTH_NS_PER_MS);
	if (*interval_ms < 1)
		*interval_ms = 1;
	*start_period_ms = (long)(member_i64(healthcheck, "StartPeriod") / HEALTH_NS_PER_MS);
	return 0;
}

static json_object *new_health(void)
{
	json_object *h = json_object_new_object();

	json_object_object_add(h, "Status", json_object_new_string("starting"));
	json_object_object_add(h, "FailingStreak", json_object_new_int(0));
	json_object_object_add(h, "Log", json_object_new_array());
	return h;
}

void health_on_start(struct container_state *st, json_object *healthcheck)
{
	long interval, start_period;

	if (health_interval_ms(healthcheck, &interval, &start_period) != 0) {
		md_json_putp(&st->health);
		st->health = NULL;
		return;
	}
	if (!st->health)
		st->health = new_health();
	json_object_object_add(st->health, "Status", json_object_new_string("starting"));
	json_object_object_add(st->health, "FailingStreak", json_object_new_int(0));
}

/* RFC 3339 in UTC with nanoseconds, as md_rfc3339_now writes now. */
static void format_time(int64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / (int64_t)NS_PER_S);
	struct tm tm;
	char day[32];

	gmtime_r(&secs, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", day, (long long)(ns % (int64_t)NS_PER_S));
}

static json_object *log_entry(const struct health_result *r)
{
	json_object *e = json_object_new_object();
	char when[64];

	format_time(r->start_ns, when, sizeof(when));
	json_object_object_add(e, "Start", json_object_new_string(when));
	format_time(r->end_ns, when, sizeof(when));
	json_object_object_add(e, "End", json_object_new_string(when));
	json_object_object_add(e, "ExitCode", json_object_new_int(r->exit_code));
	json_object_object_add(e, "Output", json_object_new_string(r->output ? r->output : ""));
	return e;
}

/* Log gets e, and keeps the last HEALTH_LOG_MAX. */
static void log_append(json_object *h, json_object *e)
{
	json_object *old = md_json_member_of(h, "Log", json_type_array);
	json_object *log = json_object_new_array();
	size_t n = old ? json_object_array_length(old) : 0;
	size_t from = n + 1 > HEALTH_LOG_MAX ? n + 1 - HEALTH_LOG_MAX : 0;

	for (size_t i = from; i < n; i++)
		json_object_array_add(log, json_object_get(json_object_array_get_idx(old, i)));
	json_object_array_add(log, e);
	json_object_object_add(h, "Log", log);
}

void health_apply(json_object **health, json_object *healthcheck, int64_t started_ns,
		  const struct health_result *r)
{
	int64_t retries = member_i64(healthcheck, "Retries");
	int64_t start_period = member_i64(healthcheck, "StartPeriod");
	const char *status;
	int64_t streak;

	if (!*health)
		*health = new_health();
	status = md_json_string(*health, "Status");
	if (!status)
		status = "starting";
	streak = member_i64(*health, "FailingStreak");
	if (retries <= 0)
		retries = HEALTH_DEFAULT_RETRIES;
	log_append(*health, log_entry(r));
	if (r->exit_code == 0) {
		streak = 0;
		status = "healthy";
	} else if (strcmp(status, "starting") != 0 || r->start_ns - started_ns >= start_period) {
		/* Failures count once it was healthy, or after the start period. */
		if (++streak >= retries)
			status = "unhealthy";
	}
	/* The new string is made before the old member (status) goes. */
	json_object_object_add(*health, "Status", json_object_new_string(status));
	json_object_object_add(*health, "FailingStreak", json_object_new_int64(streak));
}
