/* SPDX-License-Identifier: Apache-2.0 */
/* The programs the engine runs beside containers (mydocker-monitor,
 * mydocker-init) and mydocker itself, found on the host. */
#ifndef MD_ENGINE_HELPERS_H
#define MD_ENGINE_HELPERS_H

#include "util/error.h"

/* The environment variable that names the mydocker binary on disk: set by
 * main before the sealed re-exec (util/sealed-exe.h), after which
 * /proc/self/exe is a memfd. */
#define ENGINE_SELF_ENV "MYDOCKER_SELF"
/* A directory to find the helper programs in first (tests, packagers). */
#define ENGINE_LIBEXEC_ENV "MYDOCKER_LIBEXEC_DIR"

/* Note where our binary is, once, before any re-exec. */
void engine_note_self(void);

/* The path of mydocker on disk. Caller frees; NULL with err. */
char *engine_self_path(md_error *err);

/* The helper program name: in $MYDOCKER_LIBEXEC_DIR, else beside the
 * mydocker binary (the build directory), else in MD_LIBEXECDIR (make
 * install). Caller frees; NULL with err (ENOENT) when none is there. */
char *engine_helper_path(const char *name, md_error *err);

#endif
