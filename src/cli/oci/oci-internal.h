/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the mydocker-runtime verbs. */
#ifndef MD_OCI_INTERNAL_H
#define MD_OCI_INTERNAL_H

#include "cli/oci/oci.h"
#include "runtime/runtime.h"

/* The core's view of the global flags (--root, --systemd-cgroup, --log). */
struct rt_oci oci_rt(struct oci_ctx *ctx);

/* Report err (one line / one JSON record) and return runc's status 1. */
int oci_fail(struct oci_ctx *ctx, const md_error *err);

/* Pass the pty master to the caller's --console-socket (SCM_RIGHTS). */
int oci_send_console(const char *socket_path, int master, md_error *err);
int oci_write_pid_file(const char *path, pid_t pid, md_error *err);
/* --preserve-fds N: fds 3..3+N-1 must be open. */
int oci_check_preserve_fds(int n, md_error *err);

#endif
