/* SPDX-License-Identifier: Apache-2.0 */
/* Run from a sealed copy of our own binary (CVE-2019-5736, CVE-2016-9962).
 *
 * There is no internal `init` command: the runtime clones, and the child
 * sets up the container and execve's the user's program. Until then the
 * child's /proc/PID/exe is our binary, so a process in the container that
 * reaches it (through ptrace or /proc/PID/exe) could open it for writing and
 * replace the host's runtime. The verbs that create or enter a container
 * therefore first re-execute themselves from a sealed memfd copy: what
 * /proc/PID/exe then names cannot be written, grown or shrunk by anyone. */
#ifndef MD_SEALED_EXE_H
#define MD_SEALED_EXE_H

#include "util/error.h"

/* If /proc/self/exe is already a sealed memfd (the copy, after the
 * re-exec), return 0. Otherwise copy the binary into a memfd, seal it and
 * execve it with argv and environ: on success this does not return; on
 * failure it returns -1 and fills err. Call it early in main: the new
 * image starts main over, and the fds opened before it are close-on-exec. */
int md_sealed_exe_ensure(char *const argv[], md_error *err);

#endif
