/* SPDX-License-Identifier: Apache-2.0 */
/* Docker's local volumes, under ROOT (mydocker's --root, default
 * /var/lib/mydocker):
 *
 *   ROOT/volumes.lock               flock: held while a volume is created,
 *                                   filled (first-use copy) or removed
 *   ROOT/volumes/NAME/_data         what the volume holds: its Mountpoint
 *   ROOT/volumes/NAME/volume.json   {Name, Driver "local", Mountpoint,
 *                                   CreatedAt, Labels, Scope "local",
 *                                   Options}, as `docker volume inspect`
 *
 * A volume exists when its volume.json does: it is written last (atomic
 * rename) and removed first, so a half-made or half-removed directory is
 * no volume (create completes it, rm and prune finish it).
 *
 * "In use" follows Docker: a volume is in use while a container record
 * names it, running or not. This module reads the records itself, under
 * one assumption about what containers/records.c writes:
 * ROOT/containers/ID/container.json has a "Mounts" array (Docker's), whose
 * entries for volumes are {"Type": "volume", "Name": NAME, ...}. A record
 * that cannot be read is skipped.
 *
 * Names follow Docker's rule for local volumes, [a-zA-Z0-9][a-zA-Z0-9_.-]+;
 * an anonymous volume gets a random 64-hex name and the label
 * com.docker.volume.anonymous, which `prune` without --all looks for (as
 * Docker 23 and later). Errors carry Docker's words ("get NAME: no such
 * volume", errnum ENOENT; "remove NAME: volume is in use - [ID]", errnum
 * EBUSY). Nothing here prints. */
#ifndef MD_VOLUMES_H
#define MD_VOLUMES_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define VOLUME_ANON_LABEL "com.docker.volume.anonymous"
#define VOLUME_NAME_MAX 255

/* A volume as create or find returns it. */
struct volume {
	char *name;
	char *mountpoint; /* ROOT/volumes/NAME/_data */
	bool created;     /* made by this call */
	json_object *doc; /* volume.json's object (owned) */
};
void volume_free(struct volume *v);

/* Docker's checks of a local volume's name, with its errors ("create
 * NAME: ..."). */
int volume_name_check(const char *name, md_error *err);

/* ROOT/volumes.lock, exclusive, blocking: returns the fd that holds it
 * (close it to unlock). */
int volumes_lock(const char *root, md_error *err);

/* Find the volume name, or make it (name NULL: an anonymous one) with the
 * labels given ("K=V" or "K", NULL-terminated; may be NULL). The caller
 * holds volumes_lock. */
int volume_ensure_locked(const char *root, const char *name, char *const *labels,
			 struct volume *out, md_error *err);
/* `volume create`: the same under the lock (an existing one is fine);
 * Labels and Options are {} when none, as Docker shows them. */
int volume_create(const char *root, const char *name, char *const *labels, struct volume *out,
		  md_error *err);

/* Docker's first use of a volume: when the volume (found or made by
 * volume_ensure_locked, the lock still held) is empty, copy the tree of
 * the directory srcfd into it (files, directories, symlinks, device
 * nodes; owners, modes, times; no symlink followed) and give its top the
 * owner and mode of srcfd. A failed copy leaves it empty again. Sets
 * *copied when it copied. */
int volume_fill_locked(const struct volume *v, int srcfd, bool *copied, md_error *err);

/* Read volume.json of name; ENOENT "get NAME: no such volume". */
int volume_load(const char *root, const char *name, json_object **out, md_error *err);

/* The names of every volume, sorted as Docker's `volume ls` (natural
 * order). Caller frees with md_strv_free. */
int volume_list(const char *root, char ***names, md_error *err);

/* The ids of the container records that name the volume (see above).
 * Caller frees with md_strv_free; an empty list when none. */
int volume_users(const char *root, const char *name, char ***ids, md_error *err);

/* Remove a volume and what it holds, unless a container uses it (EBUSY).
 * ENOENT when there is none. */
int volume_remove(const char *root, const char *name, md_error *err);

/* Remove every volume no container uses: the anonymous ones only, unless
 * all. The names removed (caller frees with md_strv_free) and the bytes
 * their files held (Docker's count: sizes of files, a hard link once). */
int volume_prune(const char *root, bool all, char ***removed, uint64_t *reclaimed, md_error *err);

/* The bytes held under dir, counted as above. */
uint64_t volume_dir_size(const char *dir);

#endif
