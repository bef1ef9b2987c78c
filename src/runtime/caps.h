/* Capabilities of the container's process, set around the user switch in
 * runc's order, so that they come out exact whatever the uid:
 *   caps_before_user: drop from the bounding set all that the config does
 *     not list; keep the permitted set across setuid (PR_SET_KEEPCAPS).
 *   (setgroups, setgid, setuid)
 *   caps_after_user: effective, permitted and inheritable as listed; then
 *     the ambient set, cleared and raised one by one.
 * Without process.capabilities the process keeps what it has (everything,
 * for root), but never an inheritable or ambient capability it was not
 * given (CVE-2022-29162). */
#ifndef MD_CAPS_H
#define MD_CAPS_H

#include "../util/error.h"
#include "spec.h"

int caps_before_user(const struct spec_caps *c, md_error *err);
int caps_after_user(const struct spec_caps *c, md_error *err);

#endif
