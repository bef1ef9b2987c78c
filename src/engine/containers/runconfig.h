/* SPDX-License-Identifier: Apache-2.0 */
/* Turns what `mydocker run` was asked for into an OCI runtime-spec config
 * (json-c object), which the runtime core then parses like any config.json:
 * one path starts every container. */
#ifndef MD_RUNCONFIG_H
#define MD_RUNCONFIG_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime/spec.h"
#include "util/error.h"

struct run_request {
	const char *id;
	char **args; /* the command and its arguments */
	char **env;  /* -e K=V, already resolved */
	bool tty;
	const char *hostname; /* NULL = short id */
	const char *workdir;  /* NULL = "/" */
	const char *rootfs;   /* "/" for a host command */
	bool readonly;        /* --read-only: root.readonly */
	/* More OCI mounts, after Docker's (the /etc files of a container
	 * from an image, volumes...); borrowed, NULL for none. */
	json_object *mounts;
	bool has_user;
	uint32_t uid, gid;
	const uint32_t *additional_gids; /* supplementary groups of -u NAME */
	size_t n_additional_gids;
	const char *home; /* HOME from passwd for -u */
	unsigned console_rows, console_cols;
	/* Limits; .set false = not asked for. */
	struct opt_i64 memory, memory_swap, cpu_shares, cpu_quota, cpu_period, pids;
	const char *cpuset_cpus, *cpuset_mems;
	/* --privileged: every capability, no seccomp. */
	bool privileged;
	/* --cap-add, --cap-drop as given (NULL-terminated, NULL = none). */
	char **cap_add, **cap_drop;
	/* Seccomp: Docker's default profile, unless seccomp_unconfined or
	 * seccomp_profile (the text of a profile in Docker's format). */
	bool seccomp_unconfined;
	const char *seccomp_profile;
	/* --device and --device-cgroup-rule as given (NULL = none); with
	 * neither, Docker's default device rules (rundevices.h). */
	char **devices, **device_cgroup_rules;
};

/* Capability sets below are bit masks over CAP_* numbers. */

/* What a container may be given here, and what --cap-add ALL means: the
 * capabilities that the kernel, libcap and the config's name table all know
 * and that mydocker holds (effective), as dockerd takes its own. */
uint64_t runconfig_caps_available(void);

/* The container's capabilities, as dockerd works them out: --privileged
 * gives all of available; --cap-add ALL gives available minus the drops;
 * --cap-drop ALL gives only the adds; otherwise Docker's default set minus
 * the drops, plus the adds. Names are case-insensitive, with or without
 * CAP_; each must be known and in available, even with --privileged. */
int runconfig_caps(const struct run_request *r, uint64_t available, uint64_t *out, md_error *err);

/* Build the config. Caller owns the returned object (json_object_put). */
int runconfig_build(const struct run_request *r, json_object **out, md_error *err);

#endif
