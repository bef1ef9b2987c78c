/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI runtime-spec configuration as C structures. spec.c converts a
 * json-c object (config.json, or one built in memory by `mydocker run`) into
 * these; the rest of the runtime reads only these structures. */
#ifndef MD_SPEC_H
#define MD_SPEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* An optional integer field: set tells whether the config had it. */
struct opt_i64 {
	bool set;
	int64_t v;
};

struct spec_mount {
	char *destination;
	char *type;
	char *source;
	char **options;            /* as written in the config */
	unsigned long flags;       /* MS_* derived from options */
	unsigned long clear;       /* MS_* flags that options clear (rw, suid...) */
	unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC] */
	char *data;                /* options the kernel takes as data (size=, mode=) */
	bool bind;                 /* bind or rbind */
	bool tmpcopyup;
	/* MOUNT_ATTR_* from the recursive options (rro, rnosuid, rrw...), for
	 * mount_setattr(AT_RECURSIVE) after the mount; the kernel's mount(2)
	 * flags apply to the top mount only. */
	uint64_t rec_attr_set, rec_attr_clear;
};

struct spec_namespace {
	int type;   /* CLONE_NEW* */
	char *path; /* join this one instead of creating */
};

struct spec_rlimit {
	int resource;
	uint64_t soft, hard;
};

struct spec_id_mapping {
	uint32_t container_id, host_id, size;
};

struct spec_device_rule {
	bool allow;
	char type;     /* 'a', 'c' or 'b' */
	int64_t major; /* -1 for any */
	int64_t minor;
	char access[4]; /* subset of "rwm" */
};

struct spec_hugepage {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

/* linux.resources.blockIO.weightDevice[] */
struct spec_blkio_weight_device {
	int64_t major, minor;
	struct opt_i64 weight, leaf_weight;
};

/* linux.resources.blockIO.throttle{Read,Write}{Bps,IOPS}Device[] */
struct spec_blkio_throttle {
	int64_t major, minor;
	uint64_t rate;
};

struct spec_unified {
	char *key, *value;
};

/* linux.resources.network.priorities[]: net_prio.ifpriomap lines */
struct spec_net_priority {
	char *name; /* an interface name */
	uint32_t priority;
};

struct spec_resources {
	struct opt_i64 memory_limit, memory_reservation, memory_swap;
	struct opt_i64 memory_swappiness;
	bool disable_oom_killer;
	struct opt_i64 cpu_shares, cpu_quota, cpu_period;
	struct opt_i64 cpu_rt_runtime, cpu_rt_period, cpu_idle;
	char *cpuset_cpus, *cpuset_mems;
	struct opt_i64 pids_limit;
	struct opt_i64 blkio_weight;
	struct spec_hugepage *hugepages;
	size_t n_hugepages;
	struct spec_device_rule *devices;
	size_t n_devices;
	struct spec_unified *unified;
	size_t n_unified;
	struct opt_i64 cpu_burst;
	struct opt_i64 blkio_leaf_weight;
	struct spec_blkio_weight_device *blkio_weight_devices;
	size_t n_blkio_weight_devices;
	struct spec_blkio_throttle *blkio_read_bps, *blkio_write_bps, *blkio_read_iops,
		*blkio_write_iops;
	size_t n_blkio_read_bps, n_blkio_write_bps, n_blkio_read_iops, n_blkio_write_iops;
	struct opt_i64 net_class_id; /* net_cls.classid, 0..UINT32_MAX */
	struct spec_net_priority *net_priorities;
	size_t n_net_priorities;
};

struct spec_user {
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	struct opt_i64 umask;
	char *username; /* informational (Windows field), unused on Linux */
};

/* Capability sets as bit masks over CAP_* numbers. */
struct spec_caps {
	bool set;
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct spec_process {
	bool terminal;
	unsigned console_height, console_width;
	struct spec_user user;
	char **args;
	char **env;
	char *cwd;
	struct spec_caps caps;
	bool no_new_privileges;
	struct opt_i64 oom_score_adj;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	char *apparmor_profile;
	char *selinux_label;
};

struct spec_hook {
	char *path;
	char **args;
	char **env;
	int timeout; /* seconds, 0 = none */
};

struct spec_hooks {
	struct spec_hook *prestart, *create_runtime, *create_container, *start_container,
		*poststart, *poststop;
	size_t n_prestart, n_create_runtime, n_create_container, n_start_container, n_poststart,
		n_poststop;
};

struct spec_sysctl {
	char *key, *value;
};

struct spec_linux {
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	char *cgroups_path;
	struct spec_resources resources;
	unsigned long rootfs_propagation; /* 0 = default (rslave) */
	char **masked_paths;
	char **readonly_paths;
	struct spec_sysctl *sysctl;
	size_t n_sysctl;
	char *mount_label;
	json_object *seccomp; /* kept as JSON; seccomp.c compiles it */
	json_object *devices; /* linux.devices, kept as JSON for devices.c */
	json_object *personality;
	json_object *time_offsets;
};

struct spec_annotation {
	char *key, *value;
};

struct spec {
	char *oci_version;
	struct spec_process *process; /* NULL when the config has none */
	char *root_path;
	bool root_readonly;
	char *hostname;
	char *domainname;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_hooks hooks;
	struct spec_annotation *annotations;
	size_t n_annotations;
	struct spec_linux linux;
};

/* Parse a config object. Errors name the offending field. */
int spec_from_json(json_object *obj, struct spec **out, md_error *err);
int spec_from_string(const char *text, struct spec **out, md_error *err);
int spec_load_file(const char *path, struct spec **out, md_error *err);
void spec_free(struct spec *s);

/* Parse a "process" object alone (runc exec --process FILE). */
int spec_process_from_json(json_object *obj, struct spec_process **out, md_error *err);
void spec_process_free(struct spec_process *p);

/* Parse a linux.resources object alone (runc update --resources FILE). */
int spec_resources_from_json(json_object *obj, struct spec_resources *r, md_error *err);
void spec_resources_free(struct spec_resources *r);

/* Parse the mount option list of one mount into flags/data. */
int spec_mount_parse_options(struct spec_mount *m, md_error *err);

/* True when the config has a namespace of this CLONE_NEW* type. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, int type);

/* Name <-> number helpers used by the parser and the CLIs. */
int spec_namespace_type(const char *name);  /* CLONE_NEW*, or -1 */
int spec_rlimit_resource(const char *name); /* RLIMIT_*, or -1 */
int spec_cap_number(const char *name);      /* CAP_* number, or -1 */
int spec_signal_number(const char *name);   /* "TERM", "SIGTERM", "15" */

/* Every name the config parser takes, one call of fn each, in the tables'
 * order (for `features`, so that it cannot drift from the parser):
 * namespace types, capabilities ("CAP_CHOWN"), mount options (flags,
 * recursive attributes, propagation with and without "r", tmpcopyup) and
 * hook lists. */
typedef void (*spec_name_fn)(const char *name, void *ctx);
void spec_each_namespace(spec_name_fn fn, void *ctx);
void spec_each_cap(spec_name_fn fn, void *ctx);
void spec_each_mount_option(spec_name_fn fn, void *ctx);
void spec_each_hook(spec_name_fn fn, void *ctx);

#endif
