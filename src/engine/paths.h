/* SPDX-License-Identifier: Apache-2.0 */
/* Where the engine keeps its state on the host: root's, 0700 each. */
#ifndef MD_ENGINE_PATHS_H
#define MD_ENGINE_PATHS_H

/* The image and container store (images/store.h, containers/): the
 * default of mydocker's --root. */
#define ENGINE_DEFAULT_ROOT "/var/lib/mydocker"

#define ENGINE_STATE_DIR "/run/mydocker"
/* One directory per live container (containers/store.h). */
#define ENGINE_CONTAINERS_DIR ENGINE_STATE_DIR "/containers"
/* Compiled seccomp filters, shared by every container (runtime/seccomp.h). */
#define ENGINE_SECCOMP_CACHE_DIR ENGINE_STATE_DIR "/seccomp-cache"

#endif
