/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/restart.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DELAY_FIRST_MS 100
#define DELAY_MAX_MS 60000
#define RAN_LONG_MS 10000

static const char *const kind_names[] = { "no", "always", "unless-stopped", "on-failure" };

static int parse_count(const char *s, int *out, md_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return md_error_set(err, 0,
				    "invalid restart policy format: maximum retry count "
				    "must be an integer");
	if (v < 0)
		return md_error_set(err, 0,
				    "invalid restart policy format: maximum retry count "
				    "cannot be negative");
	*out = v > 1000000 ? 1000000 : (int)v;
	return 0;
}

int restart_parse(const char *s, struct restart_policy *out, md_error *err)
{
	const char *colon = strchr(s ? s : "", ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s ? s : "");

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
		if (strlen(kind_names[i]) != len || strncmp(s, kind_names[i], len) != 0)
			continue;
		out->kind = (enum restart_kind)i;
		if (!colon)
			return 0;
		if (out->kind != RESTART_ON_FAILURE)
			return md_error_set(err, 0,
					    "invalid restart policy format: maximum retry count "
					    "cannot be used with restart policy '%s'",
					    kind_names[i]);
		return parse_count(colon + 1, &out->max_retries, err);
	}
	return md_error_set(err, 0, "invalid restart policy format: unknown policy '%.*s'",
			    (int)len, s);
}

json_object *restart_json(const struct run_lifecycle *l)
{
	struct restart_policy p;
	json_object *o = json_object_new_object();

	if (restart_parse(l->restart, &p, NULL) < 0)
		memset(&p, 0, sizeof(p));
	json_object_object_add(o, "Name", json_object_new_string(kind_names[p.kind]));
	json_object_object_add(o, "MaximumRetryCount", json_object_new_int(p.max_retries));
	return o;
}

void restart_from_host_config(json_object *host_config, struct restart_policy *out)
{
	json_object *rp = md_json_member_of(host_config, "RestartPolicy", json_type_object);
	const char *name = md_json_string(rp, "Name");
	json_object *n = md_json_member_of(rp, "MaximumRetryCount", json_type_int);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; name && i < ARRAY_SIZE(kind_names); i++)
		if (strcmp(name, kind_names[i]) == 0)
			out->kind = (enum restart_kind)i;
	out->max_retries = n ? json_object_get_int(n) : 0;
}

bool restart_wanted(const struct restart_policy *p, int exit_code, bool manual_stop,
		    int restart_count)
{
	if (manual_stop)
		return false;
	switch (p->kind) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return true;
	case RESTART_ON_FAILURE:
		return exit_code != 0 && (!p->max_retries || restart_count < p->max_retries);
	default:
		return false;
	}
}

long restart_delay_ms(long prev_ms, long ran_ms)
{
	long d;

	if (prev_ms <= 0 || ran_ms >= RAN_LONG_MS)
		return DELAY_FIRST_MS;
	d = prev_ms * 2;
	return d > DELAY_MAX_MS ? DELAY_MAX_MS : d;
}
