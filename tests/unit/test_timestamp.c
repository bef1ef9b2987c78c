/* SPDX-License-Identifier: Apache-2.0 */
/* cli/common/timestamp.c: Docker's GetTimestamp forms. */
#include "unit.h"

#include "cli/common/timestamp.h"

#include <stdlib.h>
#include <time.h>

TEST(timestamp_docker_forms)
{
	const int64_t now = 1714564800; /* 2024-05-01T12:00:00Z */
	static const struct {
		const char *s;
		int64_t want;
	} ok[] = {
		{ "10m", 1714564800 - 600 },
		{ "24h", 1714564800 - 86400 },
		{ "2024-05-01T12:00:00Z", 1714564800 },
		{ "2024-05-01T14:00:00+02:00", 1714564800 },
		{ "2024-05-01T12:00:00.5Z", 1714564800 },
		{ "1714564800", 1714564800 },
		{ "1714564800.25", 1714564800 },
		{ "0", 0 },
	};
	md_error err;
	int64_t t;
	char *tz = getenv("TZ");

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(cli_parse_timestamp(ok[i].s, now, &t, &err) == 0);
		CHECK_INT(t, ok[i].want);
	}
	/* Without a zone: local time (UTC here). */
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK(cli_parse_timestamp("2024-05-01", now, &t, &err) == 0);
	CHECK_INT(t, 1714521600);
	CHECK(cli_parse_timestamp("2024-05-01T12:00", now, &t, &err) == 0);
	CHECK_INT(t, 1714564800);
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	CHECK(cli_parse_timestamp("yesterday", now, &t, &err) < 0);
	CHECK_STR(err.msg, "failed to parse value as time or duration: \"yesterday\"");
	CHECK(cli_parse_timestamp("2024-13-45", now, &t, &err) < 0);
}
