/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks (runtime-spec config.md, "POSIX-platform Hooks").
 *
 * Each hook runs with the container's state JSON on stdin, its args and env
 * exactly as given (no env at all when the config has none; args default to
 * [path]), stdout to /dev/null, stderr captured. A hook that exits non-zero,
 * is killed, or outlives its timeout fails; the error names the hook kind,
 * its path and the tail of its stderr. On timeout the hook's whole process
 * group is killed.
 *
 * Where each kind runs in mydocker (the spec's order is kept: prestart,
 * createRuntime, createContainer, startContainer, poststart, poststop):
 *   prestart, createRuntime  by rt_create in the runtime's namespaces, once
 *                            the child has made its namespaces and before it
 *                            pivots (the sync step SYNC_HOOKS)
 *   createContainer          by the child, in the container's namespaces,
 *                            before pivot_root (the path still resolves in
 *                            the runtime's root, as the spec says)
 *   startContainer           by the child, in the container, after start was
 *                            asked for and just before execve
 *   poststart                by the caller after start (hooks_run)
 *   poststop                 by the caller's delete (hooks_run)
 * A failing prestart/createRuntime/createContainer hook fails rt_create (the
 * container is killed and its cgroup removed); a failing startContainer
 * hook fails the start and the init exits. What a poststart or poststop
 * failure means is the caller's choice: runtime-spec 1.1 says warn and go
 * on (poststop: always); newer drafts stop the container on poststart. */
#ifndef MD_HOOKS_H
#define MD_HOOKS_H

#include <json-c/json.h>
#include <stddef.h>

#include "util/error.h"
#include "runtime/spec.h"

enum rt_hook_kind {
	RT_HOOK_PRESTART,
	RT_HOOK_CREATE_RUNTIME,
	RT_HOOK_CREATE_CONTAINER,
	RT_HOOK_START_CONTAINER,
	RT_HOOK_POSTSTART,
	RT_HOOK_POSTSTOP,
};

/* How many hooks of this kind the config has. */
size_t hooks_count(const struct spec_hooks *hooks, enum rt_hook_kind kind);

/* Run the hooks of one kind in order; stop at the first failure. state is
 * the OCI state object (state_oci_json) given to each on stdin. */
int hooks_run(const struct spec_hooks *hooks, enum rt_hook_kind kind, json_object *state,
	      md_error *err);

/* A sealed memfd holding state_json, at offset 0, close-on-exec: the
 * hooks' stdin, and how rt_create hands the state to its child. */
int hooks_state_memfd(const char *state_json, md_error *err);

/* The same with the state already serialized (used in the child). */
int hooks_run_text(const struct spec_hooks *hooks, enum rt_hook_kind kind, const char *state_json,
		   md_error *err);

#endif
