/* SPDX-License-Identifier: Apache-2.0 */
/* What the child does to become the user's process: stdio or console,
 * rlimits, user switch, cwd, and finding the program. Runs in the child. */
#ifndef MD_PROCESS_H
#define MD_PROCESS_H

#include <stdbool.h>

#include "util/error.h"
#include "runtime/spec.h"

/* Find args[0] the way execvp would, but with the container's PATH (from
 * env), after the root is entered. Sets err->status to 127 (not found) or
 * 126 (not executable). Caller frees *out. */
int process_find_executable(const char *file, char *const *env, char **out, md_error *err);

/* Open a pty in the container's /dev, make its peer our stdio and
 * controlling terminal, and return the master fd (close-on-exec). */
int process_setup_console(const struct spec_process *p, int *master, md_error *err);

/* Make stdio[0..2] (or /dev/null for -1) the fds 0, 1, 2. */
int process_setup_stdio(const int stdio[3], md_error *err);

int process_apply_rlimits(const struct spec_process *p, md_error *err);
int process_apply_oom_score(const struct spec_process *p, md_error *err);
/* LSM label, capabilities, groups and ids, umask, no_new_privs.
 * keep_admin: see caps.h (for a seccomp filter loaded after this without
 * no_new_privs). */
int process_set_user(const struct spec_process *p, bool keep_admin, md_error *err);
int process_chdir(const struct spec_process *p, md_error *err);

/* Mark every fd >= 3 + preserve close-on-exec, clear it on the preserved. */
int process_prepare_fds(int preserve, md_error *err);
/* Close (or with cloexec, mark close-on-exec) the fds first..last:
 * close_range(2), or a walk of /proc/self/fd where the kernel lacks it or
 * a seccomp filter refuses it. */
int process_close_range(unsigned first, unsigned last, bool cloexec, md_error *err);

/* Reset the signal mask and dispositions the parent had. */
void process_reset_signals(void);

#endif
