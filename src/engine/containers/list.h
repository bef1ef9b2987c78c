/* SPDX-License-Identifier: Apache-2.0 */
/* `ps` and `container prune`: the store's containers chosen as Docker's
 * daemon chooses them (filters, -a, -n, sizes), and the removal of the
 * stopped ones. Nothing here prints. */
#ifndef MD_CONTAINERS_LIST_H
#define MD_CONTAINERS_LIST_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/containers/records.h"
#include "util/error.h"

/* ps's --filter KEY=VALUE, Docker's keys: status, name (a regular
 * expression on the name, with or without its '/'), id (a prefix),
 * label (KEY or KEY=VALUE), ancestor (an image: name, id or prefix),
 * exited (an exit code, of containers that ran), health (starting,
 * healthy, unhealthy, none). Values of one key are alternatives, keys all
 * apply; label is the exception: every value must match (Docker's
 * MatchKVList). */
struct list_filter {
	char **status; /* "status=X" and "health=X", as given */
	char **name, **id, **label, **ancestor;
	int *exited;
	size_t n_exited;
	regex_t *name_re; /* name's, compiled; name_ok[i]: it compiled */
	bool *name_ok;
	/* list_filter_resolve: the image ids ancestor= names (none found:
	 * no container matches). */
	char **ancestor_ids;
};

/* Add "KEY=VALUE", checked as Docker does: "bad format of filter
 * (expected name=value)", "invalid filter 'KEY'", "invalid filter
 * 'status=VALUE'", strconv's words for a bad exited=. */
int list_filter_add(struct list_filter *f, const char *kv, md_error *err);
void list_filter_free(struct list_filter *f);

/* Look up ancestor= in root's image store. */
int list_filter_resolve(struct list_filter *f, const char *root, md_error *err);

/* Whether c passes every filter of f. */
bool list_filter_match(const struct list_filter *f, const struct container_record *c);

/* Whether every label of want ("K" or "K=V") is among labels ("K=V"). */
bool list_labels_match(char *const *want, char *const *labels);

/* Docker's Running: up, paused, or waiting out a restart delay. */
bool list_running(const struct container_record *c);

struct list_request {
	const char *root;
	bool all; /* -a (status= implies it) */
	int last; /* -n: the newest N that match, any state; <= 0: no limit */
	const struct list_filter *filter; /* resolved; NULL: none */
};

/* The containers r asks for, newest first (records_list_free). A record
 * removed between the listing and its load is left out. */
int engine_list(const struct list_request *r, struct container_record **out, size_t *n,
		md_error *err);

/* Docker's SizeRw (the files of its upper layer) and SizeRootFs (those
 * and its image's layers) of each of list, into rw[] and rootfs[]. */
int engine_list_sizes(const char *root, const struct container_record *list, size_t n, int64_t *rw,
		      int64_t *rootfs, md_error *err);

/* container prune's --filter: label=, label!= (Docker: a container is
 * kept when it has every label of label_not), until= (kept when created
 * at or after it). */
struct prune_filter {
	char **label, **label_not;
	char until[24]; /* "YYYY-MM-DDTHH:MM:SS" in UTC; "": none */
};

/* Remove every container that does not run (created or exited) and
 * passes f. The ids removed (md_strv_free) and the bytes their upper
 * layers held. One that cannot be removed (it started meanwhile) is
 * left. */
int engine_containers_prune(const char *root, const struct prune_filter *f, char ***removed,
			    uint64_t *reclaimed, md_error *err);

#endif
