/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for mydocker-runtime's verb flags (src/cli/oci/flags.c):
 * the argv that podman, containerd or a user pass to `create`, `exec`, `ps`...
 *
 *   make fuzz && build-fuzz/fuzz_oci_flags tests/fuzz/corpus/oci_flags
 *
 * The input's first byte picks the verb's shape (bit 0: stop at the first
 * argument, as exec and ps; bit 1: which short options); the rest is the
 * arguments after the verb, separated by NUL bytes. The flag table has the
 * three getopt argument kinds, as exec's and create's tables do. */
#include "cli/oci/oci.h"
#include "fuzz-util.h"

#define MAX_ARGS 64

enum { F_PRESERVE = 256, F_NO_PIVOT, F_OPTIONAL };

static const struct option options[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "process", required_argument, NULL, 'p' },
	{ "env", required_argument, NULL, 'e' },
	{ "tty", no_argument, NULL, 't' },
	{ "detach", no_argument, NULL, 'd' },
	{ "preserve-fds", required_argument, NULL, F_PRESERVE },
	{ "no-pivot", no_argument, NULL, F_NO_PIVOT },
	{ "optional", optional_argument, NULL, F_OPTIONAL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What a verb's on_flag may rely on: a value exactly when the flag takes
 * one, and only the flags of its table. */
static int on_flag(void *self, int c, const char *arg, md_error *err)
{
	int *count = self;

	switch (c) {
	case 'b':
	case 'p':
	case 'e':
	case F_PRESERVE:
		if (!arg)
			abort();
		/* A verb that refuses a value (--preserve-fds x). */
		if (strcmp(arg, "bad") == 0)
			return md_error_set(err, 0, "bad value");
		break;
	case 't':
	case 'd':
	case F_NO_PIVOT:
		if (arg)
			abort();
		break;
	case F_OPTIONAL:
		break;
	default:
		abort(); /* '?', ':', 'h' and strangers never reach a verb */
	}
	(*count)++;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_stdout();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const shortopts[] = { "b:p:e:tdh", "b:h" };
	static char verb[] = "verb";
	char *text, *argv[MAX_ARGS + 2] = { verb };
	struct oci_flags f = { .usage = "", .options = options, .on_flag = on_flag };
	const char *id = NULL;
	int argc, count = 0, r;
	md_error err;

	if (size == 0 || size > 4096 || !(text = fuzz_text(data + 1, size - 1)))
		return 0;
	f.stop_at_arg = data[0] & 1;
	f.shortopts = shortopts[(data[0] >> 1) & 1];
	f.self = &count;
	argc = 1 + (int)fuzz_split(text, size - 1, argv + 1, MAX_ARGS);
	argv[argc] = NULL;

	fuzz_reset_getopt();
	err.msg[0] = '\0';
	if (f.stop_at_arg) {
		/* exec: flags, then ID and the command, left whole. */
		r = oci_parse_flags(&f, argc, argv, &err);
		if (r == 0 && (optind < 1 || optind > argc))
			abort();
	} else {
		r = oci_parse_id(&f, argc, argv, &id, &err);
		if (r == 0 && (!id || optind != argc - 1 || id != argv[optind]))
			abort();
	}
	if (r < 0 && !err.msg[0])
		abort();
	if (r > 1 || r < -1)
		abort();
	free(text);
	return 0;
}
