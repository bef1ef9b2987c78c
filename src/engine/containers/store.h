/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's record of the containers it runs. Each live container owns
 * a 0700 directory /run/mydocker/containers/ID (engine/paths.h) holding a
 * `lock` file that its mydocker process keeps flock()ed for its whole
 * life, and, for a container of the store (records.h), a `root` file
 * naming that store. A directory whose lock can be taken has lost its
 * owner (kill -9, crash): the sweep then removes what the owner left, its
 * cgroups included, after its caller has cleaned up the store's side
 * (the rootfs mount, the record's state). */
#ifndef MD_STORE_H
#define MD_STORE_H

#include <stdbool.h>

#include "util/error.h"

struct store_entry {
	char id[65];
	int lock_fd;
};

/* A new random 64-hex id; the entry directory is made and locked. */
int store_claim(struct store_entry *e, md_error *err);

/* The entry of a known id (`start` of a stopped container); EBUSY when a
 * live process holds it. */
int store_claim_id(struct store_entry *e, const char *id, md_error *err);

/* Note in the entry which store the container belongs to. */
int store_set_root(const struct store_entry *e, const char *root, md_error *err);

/* Whether a live process holds the entry of id. */
bool store_live(const char *id);

/* Remove the entry's directory and drop the lock. */
void store_release(struct store_entry *e);

/* Called for an entry whose owner is gone, with the store it named (NULL
 * for a host-root container), before its cgroups and entry go. */
typedef void (*store_gone_fn)(const char *id, const char *root, void *ctx);

/* Clean up every entry whose owner is gone. Returns how many. */
int store_sweep(store_gone_fn gone, void *ctx, md_error *err);

#endif
