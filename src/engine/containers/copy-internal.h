/* SPDX-License-Identifier: Apache-2.0 */
/* The pieces of cp (copy.h): paths as Docker reads them, where a copy
 * lands (copy-plan.c), and the tar streams both ways (copy-tar.c). */
#ifndef MD_CONTAINERS_COPY_INTERNAL_H
#define MD_CONTAINERS_COPY_INTERNAL_H

#include <stdbool.h>
#include <sys/stat.h>

#include "util/error.h"

/* A path cleaned as Go's filepath.Clean does, from "/" (".." taken
 * lexically, never above "/"), with what its end asserted. */
struct copy_path {
	char *clean;   /* "/", "/etc", "/etc/passwd" */
	bool dir;      /* it ended with "/" or "/.": a directory is meant */
	bool contents; /* it ended with "/.": the directory's contents */
};

void copy_path_parse(const char *path, struct copy_path *out);
void copy_path_free(struct copy_path *p);
/* The last component ("" for "/") and the parent ("/" for "/x"). */
const char *copy_path_base(const char *clean);
char *copy_path_dir(const char *clean);

/* What a copy's source is. */
struct copy_source {
	int fd;         /* O_PATH; the link itself when a symlink is not followed */
	struct stat st; /* of fd */
	/* The name of the tar's top entry: the source's last component
	 * (that of the path given, even when a symlink was followed), or
	 * "." for a directory's contents (path/.) and for "/". */
	char *name;
};

/* Find the source path (absolute, inside rootfd) as Docker does: the
 * directories on the way are followed inside the root; the last
 * component is not unless follow (-L) or the path ends with "/"; a path
 * that ends with "/" or "/." must be a directory (ENOTDIR). ENOENT when
 * there is nothing there. */
int copy_source_find(int rootfd, const struct copy_path *path, bool follow, struct copy_source *out,
		     md_error *err);
void copy_source_free(struct copy_source *s);

/* The source as a tar on out, as Docker streams it: the top entry (a
 * directory as "name/") then, for a directory, everything in it below
 * "name/", in sorted order (images/tarball.h: owners, modes, times,
 * security.capability and user.* xattrs, hard links, symlinks as they
 * are; nothing below followed). A socket gives an empty tar. */
int copy_tar_write(const struct copy_source *s, int out, md_error *err);

/* Whose the files extracted are. */
enum copy_owner {
	COPY_OWNER_ROOT,   /* 0:0, Docker's default into a container */
	COPY_OWNER_TAR,    /* the tar's uid/gid (cp -a) */
	COPY_OWNER_CALLER, /* no chown: the host's side, as Docker's client */
};

/* Where a tar goes. Entry names are cleaned (a leading "/" and "."
 * components dropped, ".." refused) and renamed: an entry whose first
 * component is rebase_from becomes rebase_to; with rebase_from "" every
 * name gets rebase_to in front ("" itself becoming rebase_to). */
struct copy_extract {
	int rootfd;      /* nothing is made or followed outside it */
	const char *dir; /* in rootfd, the directory the entries go into */
	/* The host's side: the entries resolve inside dir itself (a symlink
	 * the tar made cannot lead elsewhere); else inside rootfd (the
	 * container's root, as Docker extracts in a chroot). */
	bool confine;
	const char *rebase_from, *rebase_to; /* NULL: names as they are */
	enum copy_owner owner;
};

/* Extract the tar (plain or compressed) read from in. Missing parent
 * directories are made (0755); a directory over a directory merges; a
 * file replaces a file; one kind over the other is Docker's "cannot
 * overwrite" error. Modes (setuid included), mtimes, security.capability
 * and user.* xattrs are kept. */
int copy_tar_extract(int in, const struct copy_extract *x, md_error *err);

/* copy_tar_write of s, extracted as x says (a thread writes, this one
 * extracts). */
int copy_tar_pipe(const struct copy_source *s, const struct copy_extract *x, md_error *err);

/* Docker's PrepareArchiveCopy: where a tar of a source named src_name
 * (a directory or not) lands, given the destination (clean path; whether
 * it exists, is a directory, was written as one). *dir: the directory to
 * extract in; *from, *to: the rebase (both NULL: none). Errors as
 * Docker's: "cannot copy directory" (a directory onto a file), "no such
 * directory" (a file onto a missing "dst/"). */
int copy_plan(const char *src_name, bool src_is_dir, const struct copy_path *dst, bool exists,
	      bool is_dir, char **dir, char **from, char **to, md_error *err);

#endif
