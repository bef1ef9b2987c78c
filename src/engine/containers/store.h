/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's record of the containers it runs. Each live container owns
 * a 0700 directory /run/mydocker/containers/ID (engine/paths.h) holding a
 * `lock` file that its mydocker process keeps flock()ed for its whole
 * life. A directory whose lock can be taken has lost its owner (kill -9,
 * crash): the sweep then removes what the owner left, its cgroups
 * included. */
#ifndef MD_STORE_H
#define MD_STORE_H

#include "util/error.h"

struct store_entry {
	char id[65];
	int lock_fd;
};

/* A new random 64-hex id; the entry directory is made and locked. */
int store_claim(struct store_entry *e, md_error *err);

/* Remove the entry's directory and drop the lock. */
void store_release(struct store_entry *e);

/* Clean up every entry whose owner is gone. Returns how many. */
int store_sweep(md_error *err);

#endif
