/* SPDX-License-Identifier: Apache-2.0 */
/* Shared verb-flag parsing for mydocker-runtime. */
#include "cli/oci/oci.h"
#include "runtime/userns.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int oci_parse_flags(const struct oci_flags *f, int argc, char **argv, md_error *err)
{
	char shortopts[64];
	int c, r;

	/* "+" stops at the first argument (exec's command must stay whole);
	 * otherwise flags may come after the id too, as runc allows. */
	snprintf(shortopts, sizeof(shortopts), "%s:%s", f->stop_at_arg ? "+" : "",
		 f->shortopts ? f->shortopts : "");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, f->options, NULL)) != -1) {
		if (c == '?')
			return md_error_set(err, EINVAL, "%s: unknown flag `%s`", argv[0],
					    argv[optind - 1]);
		if (c == ':')
			return md_error_set(err, EINVAL, "%s: flag `%s` needs a value", argv[0],
					    argv[optind - 1]);
		if (c == 'h') {
			fputs(f->usage, stdout);
			return 1;
		}
		r = f->on_flag ? f->on_flag(f->self, c, optarg, err) : 0;
		if (r)
			return r;
	}
	return 0;
}

int oci_need_id(int argc, char **argv, const char **id, md_error *err)
{
	if (optind >= argc)
		return md_error_set(err, EINVAL, "%s: a container id is required", argv[0]);
	if (optind + 1 < argc)
		return md_error_set(err, EINVAL, "%s: unexpected argument `%s`", argv[0],
				    argv[optind + 1]);
	*id = argv[optind];
	return 0;
}

int oci_parse_id(const struct oci_flags *f, int argc, char **argv, const char **id, md_error *err)
{
	int r = oci_parse_flags(f, argc, argv, err);

	if (r)
		return r;
	return oci_need_id(argc, argv, id, err);
}

/* runc's rule: a caller that is not the host's root (an unprivileged
 * user, or root of a user namespace such as `unshare -r`) keeps its state
 * in $XDG_RUNTIME_DIR, which it owns, rather than in /run. */
const char *oci_default_root(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!xdg || !*xdg || !userns_rootless())
		return MD_RUNTIME_DEFAULT_ROOT;
	snprintf(buf, sizeof(buf), "%s/mydocker-runtime", xdg);
	return buf;
}
