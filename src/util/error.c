/* SPDX-License-Identifier: Apache-2.0 */
#include "util/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void md_error_clear(md_error *err)
{
	if (!err)
		return;
	err->errnum = 0;
	err->status = MD_EXIT_FAILURE;
	err->msg[0] = '\0';
}

int md_error_set(md_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->errnum = errnum;
	err->status = MD_EXIT_FAILURE;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int md_error_prefix(md_error *err, const char *fmt, ...)
{
	char ctx[512];
	size_t cl, ml, room = sizeof(err->msg) - 1;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	cl = strlen(ctx) + 2; /* "ctx: " */
	ml = strlen(err->msg);
	if (cl + ml > room) /* keep the context, cut the tail of the old text */
		ml = room - cl;
	memmove(err->msg + cl, err->msg, ml);
	memcpy(err->msg, ctx, cl - 2);
	memcpy(err->msg + cl - 2, ": ", 2);
	err->msg[cl + ml] = '\0';
	return -1;
}

const char *md_error_text(const md_error *err, char *buf, size_t len)
{
	if (err->errnum) {
		/* Lower-case like Go's errors: callers (podman, containerd)
		 * match "no such file or directory", "permission denied". */
		char e[128];

		snprintf(e, sizeof(e), "%s", strerror(err->errnum));
		e[0] = (char)tolower((unsigned char)e[0]);
		snprintf(buf, len, "%s: %s", err->msg, e);
	} else {
		snprintf(buf, len, "%s", err->msg);
	}
	return buf;
}
