/* SPDX-License-Identifier: Apache-2.0 */
/* A container's /etc/hostname, /etc/hosts and /etc/resolv.conf, as Docker
 * makes them: files of the container's own directory in the store
 * (ROOT/containers/ID/), bind-mounted over the image's. */
#ifndef MD_ETCFILES_H
#define MD_ETCFILES_H

#include <json-c/json.h>
#include <stdbool.h>

#include "util/error.h"

/* /etc/hosts: localhost (IPv4 and IPv6), Docker's IPv6 names, and the
 * container's hostname (on 127.0.1.1: the container has only lo). Caller
 * frees. */
char *etc_hosts_text(const char *hostname);

/* /etc/resolv.conf from the host's text (NULL: none): its lines, without
 * the loopback nameservers, which do not answer in the container's network
 * namespace; with none left, Docker's defaults (8.8.8.8, 8.8.4.4). Caller
 * frees. */
char *etc_resolv_text(const char *host);

/* Write the three files in ROOT/containers/ID/. */
int etc_files_write(const char *root, const char *id, const char *hostname, md_error *err);

/* Their OCI mounts (a new array): binds on /etc/..., read-only with a
 * read-only rootfs, as Docker. */
json_object *etc_files_mounts(const char *root, const char *id, bool readonly);

#endif
