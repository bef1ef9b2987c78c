/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker run`'s mounts: -v/--volume, --mount and --tmpfs as Docker
 * reads them (its words in the errors), then, once the container's rootfs
 * is mounted, the host side of each (bind sources, volumes from
 * engine/volumes/, the first-use copy of the image's content into a new
 * volume) and the OCI runtime-spec mount objects the runtime core takes.
 * Targets are never resolved here on the host: the core opens each one
 * inside the rootfs; the first-use copy reads the image's directory
 * through a lookup confined to the rootfs. */
#ifndef MD_CONTAINERS_MOUNTS_H
#define MD_CONTAINERS_MOUNTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum run_mount_type { RUN_MOUNT_BIND, RUN_MOUNT_VOLUME, RUN_MOUNT_TMPFS };

struct run_mount {
	enum run_mount_type type;
	/* bind: the host path (absolute, cleaned); volume: its name, NULL for
	 * an anonymous one (run_mounts_prepare sets the name it gets); tmpfs:
	 * NULL. */
	char *source;
	char *target; /* absolute, cleaned, not "/" */
	bool readonly;
	/* Comma-separated. bind: a propagation (rprivate, rshared...);
	 * volume: "nocopy"; tmpfs: the mount's options as Docker passes them
	 * on (size=64m, mode=1777, exec, ro...). NULL for none. */
	char *options;
	/* -v makes a missing bind source (a directory); --mount refuses it. */
	bool create_source;
	/* -v's mode field as given ("ro,z", "" for none): Docker's Mounts
	 * show it. NULL for --tmpfs, which Docker keeps out of Mounts. */
	char *mode;
	/* A volume without a name given: run_mounts_name names it. */
	bool anonymous;
};

void run_mount_free(struct run_mount *m);
void run_mounts_free(struct run_mount *m, size_t n);

/* -v/--volume [SOURCE:]TARGET[:MODE]: SOURCE absolute is a bind, else a
 * volume's name; without it, an anonymous volume. MODE: ro|rw, z|Z,
 * nocopy, a propagation, comma-separated, each kind once. */
int run_mount_parse_volume(const char *arg, struct run_mount *out, md_error *err);

/* --mount type=bind|volume|tmpfs,source=|src=,target=|dst=|destination=,
 * readonly|ro[=BOOL],bind-propagation=,volume-nocopy[=BOOL],tmpfs-size=,
 * tmpfs-mode= (Docker's keys; type defaults to volume). */
int run_mount_parse_mount(const char *arg, struct run_mount *out, md_error *err);

/* --tmpfs TARGET[:OPTIONS] (OPTIONS as mount(8) takes them for tmpfs). */
int run_mount_parse_tmpfs(const char *arg, struct run_mount *out, md_error *err);

/* Docker's check of the whole set: one mount a target ("Duplicate mount
 * point: /x"). */
int run_mounts_check(const struct run_mount *m, size_t n, md_error *err);

/* The tmpfs options Docker gives the runtime: noexec, nosuid, nodev and
 * rprivate, then the mount's own, the last of each kind winning; an
 * unknown one is Docker's error "invalid tmpfs option [...]". Caller
 * frees with md_strv_free. */
int run_mount_tmpfs_options(const char *options, char ***out, md_error *err);

/* Make the host side of each mount, in order, and return the OCI mount
 * objects (a new array in *oci_mounts) and the names of the volumes used
 * (NULL-terminated, in *volume_names_used; either pointer may be NULL):
 *   - bind: a missing source made as a directory when create_source, else
 *     Docker's "bind source path does not exist";
 *   - volume: found or made under root (engine/volumes/), its name written
 *     back into m->source when anonymous; a volume that is empty when this
 *     container first mounts it gets a copy of what the image has at the
 *     target (looked up inside rootfs, never through a symlink out of it;
 *     owners, modes, times, symlinks kept), unless nocopy (as Docker);
 *   - tmpfs: options as run_mount_tmpfs_options.
 * rootfs may be NULL (a host command): nothing is copied. */
int run_mounts_prepare(const char *root, struct run_mount *m, size_t n, const char *rootfs,
		       json_object **oci_mounts, char ***volume_names_used, md_error *err);

/* Give each anonymous volume its random name now, before the container's
 * record is written: the record (run_mounts_inspect) then names every
 * volume it will use before prepare makes them, so that no prune or rm
 * can take one between its making and the record. Prepare gives such a
 * volume the anonymous label. */
int run_mounts_name(struct run_mount *m, size_t n, md_error *err);

/* Docker's "Mounts" of a container (inspect) for mounts that
 * run_mounts_prepare has set up: {Type, Name (volumes), Source,
 * Destination, Driver (volumes), Mode, RW, Propagation}. The volume
 * store reads the Type and Name of these (engine/volumes/volumes.h). */
json_object *run_mounts_inspect(const char *root, const struct run_mount *m, size_t n);

#endif
