/* SPDX-License-Identifier: Apache-2.0 */
/* The one parser of /proc/self/mountinfo (proc(5)):
 *   "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
 * Lines are split in place; the strings point into the caller's buffer. */
#ifndef MD_MOUNTINFO_H
#define MD_MOUNTINFO_H

#include <stddef.h>

#include "util/error.h"

struct md_mountinfo {
	char *dev;      /* "major:minor" */
	char *root;     /* the root of the mount in its filesystem */
	char *point;    /* the mount point */
	char *options;  /* per-mount options: "rw,noatime" */
	char *optional; /* "shared:1 master:2", or "" */
	char *fstype;
	char *source;
	char *super; /* super block options, or "" */
};

/* Undo the kernel's \ooo escapes (space, tab, newline, backslash), in place. */
void md_unescape_octal(char *s);

/* Split one line in place (root, point and source unescaped): 0, or -1 when
 * the line is malformed. */
int md_mountinfo_parse(char *line, struct md_mountinfo *m);

/* Read /proc/self/mountinfo and split every well-formed line; *buf owns the
 * strings, *out the array (both freed by the caller, also on failure). */
int md_mountinfo_read(struct md_mountinfo **out, size_t *n, char **buf, md_error *err);

#endif
