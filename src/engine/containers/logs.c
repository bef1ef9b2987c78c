/* SPDX-License-Identifier: Apache-2.0 */
/* The json-file driver's settings as dockerd checks them (its logger
 * factory and jsonfilelog.New), where the log is, and entry times.
 * Reading is in logs-read.c. */
#include "engine/containers/logs.h"
#include "engine/containers/records.h"
#include "engine/containers/run.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000LL

/* go-units' FromHumanSize, which dockerd reads max-size with: a number (a
 * fraction allowed), an optional space, then nothing, "b", or one of
 * k m g t p (powers of 1000) with an optional "b" or "ib". */
static int parse_size(const char *s, long long *out, md_error *err)
{
	static const char units[] = "kmgtp";
	const char *p = s, *u;
	char sfx[8] = "";
	double v, mul = 1;

	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (p == s || strchr(p, '.') || strchr(s, '.') != strrchr(s, '.'))
		return md_error_set(err, 0, "invalid size: '%s'", s);
	v = strtod(s, NULL);
	if (*p == ' ')
		p++;
	for (size_t i = 0; p[i] && i < sizeof(sfx) - 1; i++)
		sfx[i] = (char)tolower((unsigned char)p[i]);
	u = sfx[0] ? strchr(units, sfx[0]) : NULL;
	if (u) {
		for (const char *k = units; k <= u; k++)
			mul *= 1000;
	}
	if (strlen(p) > 3 || (sfx[0] && !u && strcmp(sfx, "b") != 0) ||
	    (u && sfx[1] && strcmp(sfx + 1, "b") != 0 && strcmp(sfx + 1, "ib") != 0))
		return md_error_set(err, 0, "invalid suffix: '%s'", sfx);
	if (v * mul > (double)LLONG_MAX)
		return md_error_set(err, 0, "invalid size: '%s'", s);
	*out = (long long)(v * mul);
	return 0;
}

/* Go's strconv.Atoi, as dockerd reads max-file. */
static int parse_int(const char *s, int *out, md_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = isspace((unsigned char)*s) ? 0 : strtol(s, &end, 10);
	if (isspace((unsigned char)*s) || !*s || *end || errno || v < INT_MIN || v > INT_MAX)
		return md_error_set(err, 0, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
	*out = (int)v;
	return 0;
}

/* jsonfilelog.New's checks of max-size and max-file (NULL: not given).
 * max-file without max-size is taken and does nothing, as in dockerd. */
static int json_file_opts(const char *size, const char *files, long long *max_size, int *max_files,
			  md_error *err)
{
	*max_size = 0;
	*max_files = 1;
	if (size) {
		if (parse_size(size, max_size, err) < 0)
			return -1;
		if (*max_size <= 0)
			return md_error_set(err, 0, "max-size must be a positive number");
	}
	if (files) {
		if (parse_int(files, max_files, err) < 0)
			return -1;
		if (*max_files < 1)
			return md_error_set(err, 0, "max-file cannot be less than 1");
	}
	return 0;
}

/* "KEY=V" names key. */
static bool opt_is(const char *opt, size_t klen, const char *key)
{
	return strlen(key) == klen && strncmp(opt, key, klen) == 0;
}

/* dockerd's own options (mode, max-buffer-size) and the json-file ones;
 * the values of the last of each. compress, labels, env and tag are not
 * done here: refused. */
static int json_file_keys(char **opts, const char **size, const char **files, md_error *err)
{
	for (size_t i = 0; opts && opts[i]; i++) {
		size_t klen = strcspn(opts[i], "=");
		const char *v = opts[i][klen] ? opts[i] + klen + 1 : "";

		if (opt_is(opts[i], klen, "max-size"))
			*size = v;
		else if (opt_is(opts[i], klen, "max-file"))
			*files = v;
		else if (opt_is(opts[i], klen, "mode") && *v && strcmp(v, "blocking") != 0)
			return md_error_set(err, 0, "logger: logging mode not supported: %s", v);
		else if (opt_is(opts[i], klen, "max-buffer-size"))
			return md_error_set(err, 0,
					    "logger: max-buffer-size option is only supported "
					    "with 'mode=non-blocking'");
		else if (!opt_is(opts[i], klen, "mode"))
			return md_error_set(err, 0,
					    "unknown log opt '%.*s' for json-file log driver",
					    (int)klen, opts[i]);
	}
	return 0;
}

int logs_config_check(const struct run_lifecycle *l, md_error *err)
{
	const char *driver = l->log_driver && *l->log_driver ? l->log_driver : "json-file";
	const char *size = NULL, *files = NULL;
	long long max_size;
	int max_files;

	if (strcmp(driver, "none") == 0) {
		/* dockerd ignores them; a typo should not pass unseen. */
		if (l->log_opts && l->log_opts[0])
			return md_error_set(err, 0, "unknown log opt '%.*s' for none log driver",
					    (int)strcspn(l->log_opts[0], "="), l->log_opts[0]);
		return 0;
	}
	if (strcmp(driver, "json-file") != 0)
		return md_error_set(err, 0, "logger: no log driver named '%s' is registered",
				    driver);
	if (json_file_keys(l->log_opts, &size, &files, err) < 0)
		return -1;
	return json_file_opts(size, files, &max_size, &max_files, err);
}

char *logs_path(const char *root, const char *id)
{
	return xasprintf("%s/containers/%s/%s-json.log", root, id, id);
}

int logs_settings(json_object *host_config, long long *max_size, int *max_files, bool *enabled)
{
	json_object *lc = md_json_member_of(host_config, "LogConfig", json_type_object);
	json_object *cfg = lc ? md_json_member_of(lc, "Config", json_type_object) : NULL;
	const char *type = lc ? md_json_string(lc, "Type") : NULL;

	*max_size = 0;
	*max_files = 1;
	*enabled = !type || strcmp(type, "none") != 0;
	if (!*enabled)
		return 0;
	if (type && *type && strcmp(type, "json-file") != 0)
		return -1;
	return json_file_opts(cfg ? md_json_string(cfg, "max-size") : NULL,
			      cfg ? md_json_string(cfg, "max-file") : NULL, max_size, max_files,
			      NULL);
}

static bool two_digits(const char *p, int *v)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

/* "Z" or "+HH:MM"/"-HH:MM" and nothing after it: seconds east of UTC. */
static int zone_offset(const char *p, int64_t *offset)
{
	int h, m;

	*offset = 0;
	if ((*p == 'Z' || *p == 'z') && !p[1])
		return 0;
	if ((*p != '+' && *p != '-') || !two_digits(p + 1, &h) || p[3] != ':' ||
	    !two_digits(p + 4, &m) || p[6])
		return -1;
	*offset = (*p == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return 0;
}

int logs_parse_time(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t frac = 0, scale = NS_PER_S / 10, offset;

	if (!p)
		return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (zone_offset(p, &offset) < 0)
		return -1;
	*ns = ((int64_t)timegm(&tm) - offset) * NS_PER_S + frac;
	return 0;
}
