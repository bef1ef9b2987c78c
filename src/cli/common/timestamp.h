/* SPDX-License-Identifier: Apache-2.0 */
/* Times as Docker's command line takes them (--filter until=, and the
 * since/until of logs and events). Pure; unit-tested. */
#ifndef MD_TIMESTAMP_H
#define MD_TIMESTAMP_H

#include <stdint.h>

#include "util/error.h"

/* Docker's GetTimestamp, in unix seconds: a Go duration before now
 * ("10m", health_parse_duration),
 * an RFC 3339 time ("2024-05-01T12:00:00Z", "...+02:00", fractions
 * allowed), a date or a time without a zone (the host's local time:
 * "2024-05-01", "2024-05-01T12:00", "2024-05-01T12:00:00"), or unix
 * seconds ("1714564800", "1714564800.5": the fraction dropped). Docker's
 * error: failed to parse value as time or duration: "X". */
int cli_parse_timestamp(const char *s, int64_t now, int64_t *out, md_error *err);

#endif
