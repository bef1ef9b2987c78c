/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities of the container's process, set around the user switch in
 * runc's order, so that they come out exact whatever the uid:
 *   caps_before_user: drop from the bounding set all that the config does
 *     not list; keep the permitted set across setuid (PR_SET_KEEPCAPS).
 *   (setgroups, setgid, setuid)
 *   caps_after_user: effective, permitted and inheritable as listed; then
 *     the ambient set, cleared and raised one by one.
 * Without process.capabilities the process keeps what it has (everything,
 * for root), but never an inheritable or ambient capability it was not
 * given (CVE-2022-29162).
 *
 * keep_admin: keep CAP_SYS_ADMIN effective and permitted past the user
 * switch (but nowhere else), so that a seccomp filter can be loaded without
 * no_new_privs just before execve. execve then takes it away: a root
 * process gets its bounding and inheritable sets, another user its
 * ambient set (plus file capabilities), and neither holds it unless the
 * config lists it there. The permitted set a process had before execve
 * does not enter either rule. */
#ifndef MD_CAPS_H
#define MD_CAPS_H

#include <stdbool.h>

#include "util/error.h"
#include "runtime/spec.h"

int caps_before_user(const struct spec_caps *c, bool keep_admin, md_error *err);
int caps_after_user(const struct spec_caps *c, bool keep_admin, md_error *err);

#endif
