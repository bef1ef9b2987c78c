/* SPDX-License-Identifier: Apache-2.0 */
/* What every registry command (pull, push, login, logout, run's pull)
 * takes the same way: the global --insecure-registry list (and
 * /etc/mydocker/daemon.json's "insecure-registries"), podman's --authfile
 * and --cert-dir. */
#ifndef MD_DOCKER_REGISTRY_OPTS_H
#define MD_DOCKER_REGISTRY_OPTS_H
#include "engine/registry/registry.h"
#include "util/error.h"

/* --insecure-registry HOST[:PORT] (main.c). */
int cli_insecure_registry_add(const char *host, md_error *err);

/* Fill o from the globals and the command's flags (either may be NULL).
 * The strings stay owned by the CLI for the whole process. A daemon.json
 * that cannot be read is an error; a missing one is not. */
int cli_registry_opts(struct registry_opts *o, const char *auth_file, const char *cert_dir,
		      md_error *err);

#endif
