/* SPDX-License-Identifier: Apache-2.0 */
/* Parsers for CLI values, Docker's forms. Pure; unit-tested. */
#ifndef MD_UNITS_H
#define MD_UNITS_H

#include <stdint.h>

#include "util/error.h"

/* "64m", "1g", "512k", "100" (bytes), "1.5g"; case-insensitive, an
 * optional trailing "b". */
int cli_parse_bytes(const char *s, int64_t *out, md_error *err);

/* "0.5" CPUs -> CFS quota in microseconds for period_us. */
int cli_parse_cpus(const char *s, int64_t period_us, long ncpus, int64_t *quota, md_error *err);

/* A decimal integer that must use the whole string. */
int cli_parse_int64(const char *s, int64_t *out, md_error *err);

#endif
