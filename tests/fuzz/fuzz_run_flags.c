/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for `mydocker run`'s flags (parse_run in
 * src/cli/docker/run.c): getopt, the values (sizes, --cpus), then the
 * engine's checks that engine_run makes first (engine_run_check: --cap-add
 * names, -u against the host's /etc/passwd, Docker's limits).
 *
 *   make fuzz && build-fuzz/fuzz_run_flags tests/fuzz/corpus/run_flags
 *
 * The input is the arguments after `run`, separated by NUL bytes. parse_run
 * is static, so this file includes run.c (and links the rest from the fuzz
 * archive, whose run.o is then never pulled in). The cleanup below is
 * cmd_run's (run_opts_free). */
#include "cli/docker/run.c"
#include "fuzz-util.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_stdout();
	return 0;
}

/* --security-opt seccomp=FILE and --env-file FILE (or a prefix of it, as
 * getopt takes) read FILE: a fuzzer must not open host paths (/dev/zero
 * never ends). The profile's parser has fuzz_seccomp. */
static bool reads_a_file(char *const *argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (strncmp(s, "--env-", 6) == 0)
			return true;
		while ((s = strstr(s, "seccomp")) != NULL) {
			s += strlen("seccomp");
			if ((*s == '=' || *s == ':') && strcmp(s + 1, "unconfined") != 0 &&
			    strcmp(s + 1, "builtin") != 0)
				return true;
		}
	}
	return false;
}

static void check_request(const struct engine_run_request *q)
{
	const struct run_request *r = &q->config;

	/* What runconfig_build and the runtime take for granted: a host
	 * command is absolute; an image's command may be empty (the image's). */
	if (!q->image && (!r->args || !r->args[0] || r->args[0][0] != '/' || !r->rootfs))
		abort();
	if (r->memory.set && r->memory.v < 6 * 1024 * 1024)
		abort();
	if (r->memory_swap.set && r->memory_swap.v != -1 &&
	    (!r->memory.set || r->memory_swap.v < r->memory.v))
		abort();
	if (r->cpu_quota.set && (r->cpu_quota.v <= 0 || !r->cpu_period.set))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char verb[] = "run";
	char *text, *argv[MAX_ARGS + 2] = { verb };
	struct run_opts o = { 0 };
	int argc, r;
	md_error err;

	if (size > 4096 || !(text = fuzz_text(data, size)))
		return 0;
	argc = 1 + (int)fuzz_split(text, size, argv + 1, MAX_ARGS);
	argv[argc] = NULL;
	if (reads_a_file(argv, argc)) {
		free(text);
		return 0;
	}

	fuzz_reset_getopt();
	md_error_clear(&err);
	r = parse_run(&o, argc, argv, &err);
	if (r == 0)
		r = engine_run_check(&o.req, &err);
	if (r == 0)
		check_request(&o.req);
	else if (r < 0 && !err.msg[0])
		abort(); /* a failure says why */

	run_opts_free(&o);
	free(text);
	return 0;
}
