/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for `mydocker run`'s mount specs
 * (src/engine/containers/mounts.c): -v, --mount, --tmpfs and the tmpfs
 * options Docker passes on.
 *
 *   make fuzz && build-fuzz/fuzz_mounts tests/fuzz/corpus/mounts
 *
 * Byte 0 picks the parser (-v, --mount, --tmpfs, tmpfs options); the rest
 * is the value as typed. A refused spec says why and leaves nothing; a
 * taken one has a clean absolute target other than "/", a source of its
 * kind (an absolute clean host path, a volume name Docker takes, none for
 * tmpfs) and tmpfs options that Docker's merge takes. */
#include "engine/containers/mounts.h"
#include "engine/volumes/volumes.h"
#include "fuzz-util.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdbool.h>

typedef int (*parse_fn)(const char *, struct run_mount *, md_error *);

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* Absolute, not "/", no empty, "." or ".." name, no trailing slash. */
static bool clean_abs(const char *p)
{
	if (!p || p[0] != '/' || !p[1] || ends_with(p, "/"))
		return false;
	return !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") && !ends_with(p, "/.") &&
	       !ends_with(p, "/..");
}

static void check_tmpfs_options(const char *options)
{
	char **v = NULL;
	md_error err = { 0 };

	if (run_mount_tmpfs_options(options, &v, &err) < 0) {
		if (!err.msg[0] || err.errnum != 0 || v)
			abort();
		return;
	}
	/* Docker's defaults first, each kept unless the options override it. */
	if (!v || md_strv_len(v) > 4 + (options ? strlen(options) : 0))
		abort();
	md_strv_free(v);
}

static void check_taken(const struct run_mount *m)
{
	md_error err = { 0 };

	if (!clean_abs(m->target))
		abort();
	switch (m->type) {
	case RUN_MOUNT_BIND:
		if (!clean_abs(m->source) && strcmp(m->source ? m->source : "", "/") != 0)
			abort();
		break;
	case RUN_MOUNT_VOLUME:
		if (m->source && volume_name_check(m->source, &err) < 0)
			abort();
		if (m->options && strcmp(m->options, "nocopy") != 0)
			abort();
		break;
	case RUN_MOUNT_TMPFS:
		if (m->source)
			abort();
		check_tmpfs_options(m->options);
		break;
	default:
		abort();
	}
}

static void check(parse_fn fn, const char *s)
{
	struct run_mount m;
	md_error err = { 0 };

	if (fn(s, &m, &err) < 0) {
		if (!err.msg[0] || err.errnum != 0 || m.source || m.target || m.options || m.mode)
			abort();
		return;
	}
	check_taken(&m);
	run_mount_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const parse_fn parsers[] = { run_mount_parse_volume, run_mount_parse_mount,
					    run_mount_parse_tmpfs };
	char *s;

	if (size == 0 || size > 4096 || !(s = fuzz_text(data + 1, size - 1)))
		return 0;
	if (data[0] % 4 < 3)
		check(parsers[data[0] % 4], s);
	else
		check_tmpfs_options(s);
	free(s);
	return 0;
}
