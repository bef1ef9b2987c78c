/* SPDX-License-Identifier: Apache-2.0 */
/* engine_run for an image: image -> Config -> live entry -> record ->
 * rootfs -> /etc files, working directory, user -> OCI config -> run ->
 * state recorded -> rootfs unmounted (-> removed with --rm). */
#include "engine/containers/create.h"
#include "engine/containers/control.h"
#include "engine/containers/detach.h"
#include "engine/containers/etcfiles.h"
#include "engine/containers/health.h"
#include "engine/containers/init.h"
#include "engine/containers/logs.h"
#include "engine/containers/mounts.h"
#include "engine/containers/restart.h"
#include "engine/containers/rootfs.h"
#include "engine/containers/run-internal.h"
#include "engine/containers/store.h"
#include "engine/images/reference.h"
#include "engine/images/store.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static char **dup_or_null(char *const *v)
{
	return v ? md_strv_dup(v) : NULL;
}

static char *strdup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* The index of the variable named as kv's in env, or -1. */
static ssize_t env_find(char *const *env, const char *kv)
{
	size_t kl = strcspn(kv, "=");

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], kv, kl) == 0 && (env[i][kl] == '=' || env[i][kl] == '\0'))
			return (ssize_t)i;
	return -1;
}

static char **merge_env(char *const *image, char *const *user)
{
	char **env = md_strv_dup(image);

	for (size_t i = 0; user && user[i]; i++) {
		ssize_t at = env_find(env, user[i]);

		if (at < 0) {
			md_strv_push(&env, user[i]);
		} else {
			free(env[at]);
			env[at] = xstrdup(user[i]);
		}
	}
	return env;
}

static bool empty(char *const *v)
{
	return !v || !v[0];
}

static int merge_command(const struct image_config *img, const struct engine_run_request *r,
			 struct container_config *out, md_error *err)
{
	char *const *cmd = r->config.args;

	if (r->entrypoint_set) {
		/* Docker: a new Entrypoint drops the image's Cmd too. */
		if (*r->entrypoint)
			md_strv_push(&out->entrypoint, r->entrypoint);
		out->cmd = empty(cmd) ? NULL : md_strv_dup(cmd);
	} else {
		out->entrypoint = dup_or_null(img ? img->entrypoint : NULL);
		out->cmd = dup_or_null(empty(cmd) ? (img ? img->cmd : NULL) : cmd);
	}
	if (empty(out->entrypoint) && empty(out->cmd))
		return md_error_set(err, 0, "no command specified");
	return 0;
}

int create_config(const struct image_config *img, const struct engine_run_request *r,
		  struct container_config *out, md_error *err)
{
	memset(out, 0, sizeof(*out));
	if (health_config(img ? &img->health : NULL, &r->life.health, &out->healthcheck, err) < 0)
		return -1;
	out->env = merge_env(img ? img->env : NULL, r->config.env);
	out->working_dir = strdup_or_null(r->config.workdir ? r->config.workdir
							    : (img ? img->working_dir : NULL));
	out->user = strdup_or_null(r->user ? r->user : (img ? img->user : NULL));
	out->hostname = strdup_or_null(r->config.hostname);
	out->labels = merge_env(img ? img->labels : NULL, r->life.labels);
	out->stop_signal = strdup_or_null(r->life.stop_signal ? r->life.stop_signal
							      : (img ? img->stop_signal : NULL));
	out->stop_timeout = r->life.stop_timeout_set ? r->life.stop_timeout : -1;
	out->tty = r->config.tty;
	out->open_stdin = r->io.in_fd >= 0;
	return merge_command(img, r, out, err);
}

void create_command(const struct container_config *k, char **path, char ***args)
{
	char *const *first = empty(k->entrypoint) ? k->cmd : k->entrypoint;

	*path = xstrdup(first[0]);
	*args = md_strv_dup(first + 1);
	if (first == k->entrypoint)
		for (size_t i = 0; k->cmd && k->cmd[i]; i++)
			md_strv_push(args, k->cmd[i]);
}

/* "busybox" -> "busybox:latest", as Docker names an image it lacks. */
static char *familiar(const char *what)
{
	struct image_ref ref;
	char *s;

	if (ref_parse(what, &ref, NULL) < 0)
		return xstrdup(what);
	s = ref_string(&ref, REF_FAMILIAR);
	ref_free(&ref);
	return s;
}

int run_image_layers(const char *root, const char *what, struct image_info *img, char ***layers,
		     md_error *err)
{
	struct image_store *s = image_store_open(root, err);
	int r;

	memset(img, 0, sizeof(*img));
	*layers = NULL;
	if (!s)
		return -1;
	image_store_trust_reads(s);
	r = image_store_find(s, what, img, err);
	if (r < 0 && err->errnum == ENOENT) {
		cleanup_free char *name = familiar(what);
		md_error_set(err, ENOENT, "Unable to find image '%s' locally", name);
	}
	if (r == 0) {
		*layers = image_store_layer_dirs(s, img, err);
		r = *layers ? 0 : -1;
	}
	image_store_close(s);
	return r;
}

static json_object *strv_or_null(char *const *v)
{
	json_object *a;

	if (empty(v))
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* --tmpfs PATH[:OPTIONS] as Docker's HostConfig.Tmpfs: {PATH: OPTIONS}. */
static json_object *tmpfs_json(char *const *tmpfs)
{
	json_object *o;

	if (empty(tmpfs))
		return NULL;
	o = json_object_new_object();
	for (size_t i = 0; tmpfs[i]; i++) {
		const char *colon = strchr(tmpfs[i], ':');
		cleanup_free char *path =
			colon ? strndup(tmpfs[i], (size_t)(colon - tmpfs[i])) : xstrdup(tmpfs[i]);

		json_object_object_add(o, path, json_object_new_string(colon ? colon + 1 : ""));
	}
	return o;
}

static void add_i64(json_object *o, const char *key, struct opt_i64 v)
{
	json_object_object_add(o, key, json_object_new_int64(v.set ? v.v : 0));
}

/* HostConfig.LogConfig: {Type, Config: {K: V}} (logs.c reads it). */
static json_object *log_config_json(const struct run_lifecycle *l)
{
	json_object *o = json_object_new_object(), *c = json_object_new_object();

	json_object_object_add(o, "Type",
			       json_object_new_string(l->log_driver ? l->log_driver : "json-file"));
	for (size_t i = 0; l->log_opts && l->log_opts[i]; i++) {
		const char *eq = strchr(l->log_opts[i], '=');
		cleanup_free char *k = strndup(l->log_opts[i], (size_t)(eq - l->log_opts[i]));

		json_object_object_add(c, k, json_object_new_string(eq + 1));
	}
	json_object_object_add(o, "Config", c);
	return o;
}

/* Docker's HostConfig, for the flags we take. */
static json_object *host_config(const struct engine_run_request *r)
{
	const struct run_request *c = &r->config;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "Binds", strv_or_null(r->binds));
	json_object_object_add(o, "NetworkMode", json_object_new_string("none"));
	json_object_object_add(o, "AutoRemove", json_object_new_boolean(r->auto_remove));
	json_object_object_add(o, "CapAdd", strv_or_null(c->cap_add));
	json_object_object_add(o, "CapDrop", strv_or_null(c->cap_drop));
	json_object_object_add(o, "Privileged", json_object_new_boolean(c->privileged));
	json_object_object_add(o, "ReadonlyRootfs", json_object_new_boolean(c->readonly));
	if (c->seccomp_unconfined) {
		json_object *sec = json_object_new_array();

		json_object_array_add(sec, json_object_new_string("seccomp=unconfined"));
		json_object_object_add(o, "SecurityOpt", sec);
	}
	json_object_object_add(o, "Tmpfs", tmpfs_json(r->tmpfs));
	add_i64(o, "CpuShares", c->cpu_shares);
	add_i64(o, "Memory", c->memory);
	add_i64(o, "CpuPeriod", c->cpu_period);
	add_i64(o, "CpuQuota", c->cpu_quota);
	json_object_object_add(o, "CpusetCpus", json_object_new_string(c->cpuset_cpus ?: ""));
	json_object_object_add(o, "CpusetMems", json_object_new_string(c->cpuset_mems ?: ""));
	json_object_object_add(o, "DeviceCgroupRules", strv_or_null(c->device_cgroup_rules));
	add_i64(o, "MemorySwap", c->memory_swap);
	json_object_object_add(o, "PidsLimit",
			       c->pids.set ? json_object_new_int64(c->pids.v) : NULL);
	json_object_object_add(o, "RestartPolicy", restart_json(&r->life));
	json_object_object_add(o, "LogConfig", log_config_json(&r->life));
	json_object_object_add(o, "Init", r->life.init ? json_object_new_boolean(true) : NULL);
	return o;
}

/* The record of a new container (State created). */
static void fill_record(const struct engine_run_request *r, const struct image_info *img,
			struct container_config *k, const char *id, struct container_record *rec)
{
	char now[40];

	memset(rec, 0, sizeof(*rec));
	memcpy(rec->id, id, sizeof(rec->id));
	md_rfc3339_now(now, sizeof(now));
	rec->name = strdup_or_null(r->name);
	rec->created = xstrdup(now);
	rec->image = xstrdup(img->id);
	rec->image_ref = xstrdup(r->image);
	if (!k->hostname)
		k->hostname = strndup(id, 12);
	create_command(k, &rec->path, &rec->args);
	rec->config = *k;
	memset(k, 0, sizeof(*k));
	rec->host_config = host_config(r);
	/* The volumes named before any is made (run_mounts_name): the store
	 * counts them in use from now on, so no prune takes one meanwhile. */
	rec->mounts = run_mounts_inspect(r->root, r->mounts, r->n_mounts);
}

/* The working directory, made in the rootfs when missing (as Docker), by
 * a lookup confined to it. */
static int make_workdir(const char *rootfs, const char *dir, md_error *err)
{
	cleanup_close int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (!dir)
		return 0;
	if (root < 0)
		return md_error_set(err, errno, "open `%s`", rootfs);
	fd = md_open_in_root(root, dir, O_PATH | O_DIRECTORY, MD_CREATE_DIR, err);
	if (fd < 0 && err->errnum == ENOTDIR)
		return md_error_set(err, 0, "Cannot mkdir: %s is not a directory", dir);
	return fd < 0 ? -1 : 0;
}

struct build_ctx {
	const struct engine_run_request *r;
	const struct container_record *rec;
};

/* Docker's argv: Path, then Args. */
static char **argv_of(const struct container_record *rec)
{
	char **argv = NULL;

	md_strv_push(&argv, rec->path);
	for (size_t i = 0; rec->args && rec->args[i]; i++)
		md_strv_push(&argv, rec->args[i]);
	return argv;
}

static int save_config(const char *root, const char *id, json_object *config, md_error *err)
{
	cleanup_free char *path = records_path(root, id, "config.json");
	const char *text = json_object_to_json_string_ext(
		config, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	return md_write_file_atomic(path, text, strlen(text), 0600, err);
}

static int set_mounts(struct container_record *c, void *ctx, md_error *err)
{
	md_json_putp(&c->mounts);
	c->mounts = json_object_get(ctx);
	return 0;
}

/* -v, --mount and --tmpfs (mounts.h): their host side made, their OCI
 * mounts appended to mounts, Docker's Mounts recorded (the volumes' names
 * then in the record, which tells the volume store they are in use). */
static int run_user_mounts(const struct engine_run_request *r, const char *id, const char *rootfs,
			   json_object *mounts, md_error *err)
{
	cleanup_json json_object *oci = NULL, *docker = NULL;

	if (!r->n_mounts)
		return 0;
	if (run_mounts_prepare(r->root, r->mounts, r->n_mounts, rootfs, &oci, NULL, err) < 0)
		return -1;
	for (size_t i = 0; i < json_object_array_length(oci); i++)
		json_object_array_add(mounts, json_object_get(json_object_array_get_idx(oci, i)));
	docker = run_mounts_inspect(r->root, r->mounts, r->n_mounts);
	return records_update(r->root, id, set_mounts, docker, err);
}

/* The OCI config of a new container, once its rootfs is mounted. */
static int build_config(void *ctx, json_object **out, md_error *err)
{
	const struct build_ctx *b = ctx;
	const struct engine_run_request *r = b->r;
	const struct container_record *rec = b->rec;
	const struct container_config *k = &rec->config;
	cleanup_free char *rootfs = records_path(r->root, rec->id, "rootfs");
	cleanup_strv char **argv = argv_of(rec);
	cleanup_json json_object *mounts = NULL;
	struct run_request cfg = r->config;
	struct run_user user = { 0 };
	int ret = -1;

	cfg.id = rec->id;
	cfg.env = k->env;
	cfg.workdir = k->working_dir;
	cfg.hostname = k->hostname;
	cfg.rootfs = rootfs;
	mounts = etc_files_mounts(r->root, rec->id, cfg.readonly);
	cfg.mounts = mounts;
	/* --init: mydocker-init is PID 1, the command its child. */
	if (r->life.init && init_wrap(&argv, mounts, err) < 0)
		goto out;
	cfg.args = argv;
	if (etc_files_write(r->root, rec->id, k->hostname, err) < 0 ||
	    make_workdir(rootfs, k->working_dir, err) < 0 ||
	    run_user_mounts(r, rec->id, rootfs, mounts, err) < 0 ||
	    run_resolve_user(k->user, &cfg, &user, err) < 0 || runconfig_build(&cfg, out, err) < 0)
		goto out;
	ret = save_config(r->root, rec->id, *out, err);
	if (ret < 0) {
		json_object_put(*out);
		*out = NULL;
	}
out:
	users_free(&user);
	return ret;
}

/* Docker's checks of the flags of a container's life. */
int run_check_life(const struct engine_run_request *r, md_error *err)
{
	struct restart_policy p;

	if (restart_parse(r->life.restart, &p, err) < 0)
		return -1;
	if (p.kind != RESTART_NO && r->auto_remove)
		return md_error_set(err, 0, "Conflicting options: --restart and --rm");
	if (logs_config_check(&r->life, err) < 0)
		return -1;
	if (r->life.detach_keys) {
		unsigned char keys[16];
		size_t n;

		if (attach_parse_keys(r->life.detach_keys, keys, &n, err) < 0)
			return -1;
	}
	return 0;
}

bool run_wants_monitor(const struct engine_run_request *r)
{
	struct restart_policy p;

	return r->life.detach ||
	       (restart_parse(r->life.restart, &p, NULL) == 0 && p.kind != RESTART_NO);
}

/* Under a monitor (-d, or a restart policy): the entry passes to it. */
static int run_detached(const struct engine_run_request *r, const struct container_record *rec,
			char *const *layers, struct store_entry *entry,
			struct engine_run_result *res, md_error *err)
{
	struct build_ctx b = { r, rec };
	struct detach_request d = { .root = r->root,
				    .id = rec->id,
				    .layers = layers,
				    .make = build_config,
				    .make_ctx = &b,
				    .attach = !r->life.detach,
				    .interactive = rec->config.open_stdin,
				    .tty_fd = r->io.tty_fd };
	struct engine_io io = r->io;
	bool detached = false;
	int fd = -1, code = 0;

	if (detach_start(&d, entry, &fd, err) < 0)
		return -1;
	if (fd < 0)
		return 0;
	int recorded = 0;

	if (attach_session(r->root, rec->id, fd, &io, rec->config.tty, r->life.detach_keys, &code,
			   &detached, err) == 0 &&
	    !detached)
		engine_wait(r->root, rec->id, &recorded, err);
	close(fd);
	res->exit_status = code < 0 ? recorded : code;
	res->detached = detached;
	return 0;
}

/* Made and recorded: run it, then clean up as asked. */
static int run_new(const struct engine_run_request *r, const struct container_record *rec,
		   char *const *layers, struct store_entry *entry, struct engine_run_result *res,
		   md_error *err)
{
	struct build_ctx b = { r, rec };
	int ret;

	if (run_wants_monitor(r) ||
	    health_interval_ms(rec->config.healthcheck, &(long){ 0 }, &(long){ 0 }) == 0)
		return run_detached(r, rec, layers, entry, res, err);
	ret = run_record(&r->io, r->root, rec->id, layers, build_config, &b, res, err);
	store_release(entry);
	if (r->auto_remove)
		run_remove(&r->io, r->root, rec->id);
	return ret;
}

int engine_run_image(const struct engine_run_request *r, struct engine_run_result *res,
		     md_error *err)
{
	struct image_info img;
	struct container_config k = { 0 };
	struct container_record rec = { 0 };
	struct store_entry entry = { .lock_fd = -1 };
	cleanup_strv char **layers = NULL;
	int ret = -1;

	if (run_check_config(&r->config, err) < 0 || run_check_life(r, err) < 0)
		return -1;
	engine_sweep(&r->io);
	if (run_image_layers(r->root, r->image, &img, &layers, err) < 0)
		goto out;
	if (create_config(img.config, r, &k, err) < 0 ||
	    run_mounts_name(r->mounts, r->n_mounts, err) < 0 || store_claim(&entry, err) < 0)
		goto out;
	memcpy(res->id, entry.id, sizeof(res->id));
	fill_record(r, &img, &k, entry.id, &rec);
	if (store_set_root(&entry, r->root, err) == 0 && records_create(r->root, &rec, err) == 0)
		ret = run_new(r, &rec, layers, &entry, res, err);
	else
		store_release(&entry);
out:
	records_free(&rec);
	records_config_free(&k);
	image_info_free(&img);
	return ret;
}
