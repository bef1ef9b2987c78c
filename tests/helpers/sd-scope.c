/* SPDX-License-Identifier: Apache-2.0 */
/* Drives the systemd cgroup driver (src/runtime/cgroup-systemd.h) for
 * tests/integration/test_systemd.sh. Errors go to stderr as one line, exit
 * status 1; usage errors exit 2.
 *
 *   sd-scope parse CGROUPS_PATH          "SLICE UNIT"
 *   sd-scope path SLICE UNIT             where systemd puts the unit
 *   sd-scope start SLICE UNIT PID [K=V...]
 *   sd-scope update UNIT [K=V...]
 *   sd-scope stop UNIT
 *   sd-scope available                   exit 0 when systemd can be used
 *
 * K=V are resources: memory, reservation, swap, shares, quota, period,
 * cpus, mems, pids, blkio-weight (numbers as in config.json). */
#include "runtime/cgroup-systemd.h"
#include "util/cleanup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const md_error *err)
{
	char buf[1400];

	fprintf(stderr, "sd-scope: %s\n", md_error_text(err, buf, sizeof(buf)));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: sd-scope parse|path|start|update|stop|available ...\n");
	return 2;
}

static void set(struct opt_i64 *o, const char *v)
{
	o->set = true;
	o->v = strtoll(v, NULL, 10);
}

static int parse_res(char **kv, int n, struct spec_resources *res)
{
	static const char *const keys[] = {
		"memory", "reservation", "swap", "shares",
		"quota",  "period",      "pids", "blkio-weight",
	};
	struct opt_i64 *opts[] = {
		&res->memory_limit, &res->memory_reservation, &res->memory_swap, &res->cpu_shares,
		&res->cpu_quota,    &res->cpu_period,         &res->pids_limit,  &res->blkio_weight,
	};

	for (int i = 0; i < n; i++) {
		char *eq = strchr(kv[i], '=');
		size_t k;

		if (!eq)
			return -1;
		*eq = '\0';
		if (strcmp(kv[i], "cpus") == 0) {
			res->cpuset_cpus = eq + 1;
			continue;
		}
		if (strcmp(kv[i], "mems") == 0) {
			res->cpuset_mems = eq + 1;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(keys) && strcmp(kv[i], keys[k]) != 0; k++)
			;
		if (k == ARRAY_SIZE(keys))
			return -1;
		set(opts[k], eq + 1);
	}
	return 0;
}

static int print_parse(const char *path)
{
	cleanup_free char *slice = NULL, *unit = NULL;
	md_error err;

	if (cgsd_parse_path(path, &slice, &unit, &err) < 0)
		return fail(&err);
	printf("%s %s\n", slice, unit);
	return 0;
}

static int print_path(const char *slice, const char *unit)
{
	cleanup_free char *p = cgsd_cgroup_path(slice, unit);

	if (!p) {
		fprintf(stderr, "sd-scope: invalid slice or unit name\n");
		return 1;
	}
	printf("%s\n", p);
	return 0;
}

int main(int argc, char **argv)
{
	struct spec_resources res = { 0 };
	const char *cmd = argc > 1 ? argv[1] : "";
	md_error err;

	if (strcmp(cmd, "available") == 0)
		return cgsd_available() ? 0 : 1;
	if (strcmp(cmd, "parse") == 0 && argc == 3)
		return print_parse(argv[2]);
	if (strcmp(cmd, "path") == 0 && argc == 4)
		return print_path(argv[2], argv[3]);
	if (strcmp(cmd, "start") == 0 && argc >= 5) {
		if (parse_res(argv + 5, argc - 5, &res) < 0)
			return usage();
		if (cgsd_start(argv[2], argv[3], (pid_t)atoi(argv[4]), &res, &err) < 0)
			return fail(&err);
		return print_path(argv[2], argv[3]);
	}
	if (strcmp(cmd, "update") == 0 && argc >= 3) {
		if (parse_res(argv + 3, argc - 3, &res) < 0)
			return usage();
		return cgsd_update(argv[2], &res, &err) < 0 ? fail(&err) : 0;
	}
	if (strcmp(cmd, "stop") == 0 && argc == 3)
		return cgsd_stop(argv[2], &err) < 0 ? fail(&err) : 0;
	return usage();
}
