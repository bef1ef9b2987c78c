/* SPDX-License-Identifier: Apache-2.0 */
/* engine_run: request -> checks -> store entry -> OCI config -> runtime core. */
#include "engine/containers/mounts.h"
#include "engine/containers/run-internal.h"
#include "engine/containers/store.h"
#include "engine/paths.h"
#include "runtime/supervise.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static void log_msg(const struct engine_io *io, enum rt_log_level lvl, const char *msg)
{
	if (io->log)
		io->log(io->log_ctx, lvl, msg);
}

void run_log_error(const struct engine_io *io, const md_error *err)
{
	char buf[1536];

	log_msg(io, RT_LOG_ERROR, md_error_text(err, buf, sizeof(buf)));
}

/* Docker's own checks of the limits (dockerd's, before anything is made). */
static int check_limits(const struct run_request *r, md_error *err)
{
	if (r->memory.set && r->memory.v < 6 * 1024 * 1024)
		return md_error_set(err, 0, "Minimum memory limit allowed is 6MB");
	if (r->memory_swap.set && r->memory_swap.v != -1) {
		if (!r->memory.set)
			return md_error_set(err, 0,
					    "You should always set the Memory limit "
					    "when using Memoryswap limit");
		if (r->memory_swap.v < r->memory.v)
			return md_error_set(err, 0,
					    "Minimum memoryswap limit should be larger "
					    "than memory limit");
	}
	if (r->cpu_shares.set && r->cpu_shares.v < 0)
		return md_error_set(err, 0, "invalid --cpu-shares %lld",
				    (long long)r->cpu_shares.v);
	return 0;
}

int run_check_config(const struct run_request *cfg, md_error *err)
{
	uint64_t caps;

	if (runconfig_caps(cfg, runconfig_caps_available(), &caps, err) < 0)
		return -1;
	return check_limits(cfg, err);
}

int run_resolve_user(const char *user, struct run_request *cfg, struct run_user *u, md_error *err)
{
	if (!user)
		return 0;
	if (users_resolve_in(cfg->rootfs, user, u, err) < 0)
		return -1;
	cfg->has_user = true;
	cfg->uid = u->uid;
	cfg->gid = u->gid;
	cfg->additional_gids = u->groups;
	cfg->n_additional_gids = u->n_groups;
	cfg->home = u->home;
	return 0;
}

/* cfg: r's config with the user's ids, which point into u (users_free). */
static int prepare(const struct engine_run_request *r, struct run_request *cfg, struct run_user *u,
		   md_error *err)
{
	*cfg = r->config;
	if (run_check_config(cfg, err) < 0)
		return -1;
	return r->image ? 0 : run_resolve_user(r->user, cfg, u, err);
}

int engine_run_check(const struct engine_run_request *r, md_error *err)
{
	struct run_request cfg;
	struct run_user u = { 0 };
	int ret = prepare(r, &cfg, &u, err);

	users_free(&u);
	return ret;
}

/* process.consoleSize from our terminal, for a container with one. */
static void set_console_size(json_object *config, int tty_fd)
{
	json_object *p = md_json_member_of(config, "process", json_type_object), *cs;
	json_object *terminal = md_json_member_of(p, "terminal", json_type_boolean);
	struct winsize ws;

	if (!terminal || !json_object_get_boolean(terminal) || tty_fd < 0 ||
	    ioctl(tty_fd, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col)
		return;
	cs = json_object_new_object();
	json_object_object_add(cs, "height", json_object_new_int(ws.ws_row));
	json_object_object_add(cs, "width", json_object_new_int(ws.ws_col));
	json_object_object_add(p, "consoleSize", cs);
}

static bool oom_killed(const struct engine_io *io, struct rt_container *c)
{
	long kills = 0;
	char msg[128];

	if (cgroup_oom_kills(c->cgroup, &kills, NULL) < 0 || kills <= 0)
		return false;
	snprintf(msg, sizeof(msg),
		 "container %.12s: killed by the OOM killer "
		 "(memory limit reached)",
		 c->id);
	log_msg(io, RT_LOG_ERROR, msg);
	return true;
}

/* Kill what is left, remove the cgroups. A failure is worth telling only
 * when the container ran: otherwise err already says what went wrong. */
static void remove_container(const struct engine_io *io, struct rt_container *c, bool ran)
{
	md_error err;

	if (rt_destroy(c, &err) < 0 && ran)
		run_log_error(io, &err);
	rt_container_free(c);
}

/* Create, start and supervise; fills res once the init has exited. */
static int run_container(const struct engine_io *io, const char *id, const struct spec *spec,
			 const struct run_started *started, struct engine_run_result *res,
			 md_error *err)
{
	struct rt_create_opts co = {
		.id = id,
		.stdio = { io->in_fd, io->out_fd, io->err_fd },
		.seccomp_cache_dir = ENGINE_SECCOMP_CACHE_DIR,
		.log = io->log,
		.log_ctx = io->log_ctx,
	};
	struct rt_supervise_opts so = { .in_fd = io->in_fd,
					.out_fd = io->out_fd,
					.tty_fd = io->tty_fd };
	struct rt_supervisor sup;
	struct rt_container *c = NULL;
	int ret = -1;

	if (rt_supervisor_init(&sup, err) < 0)
		goto out;
	if (rt_create(spec, &co, &c, err) < 0)
		goto out;
	if (rt_start(c, err) < 0)
		goto out;
	if (started && started->fn)
		started->fn(started->ctx, c->pid);
	if (rt_supervise(&sup, c, &so, err) == 0) {
		res->exit_status = rt_exit_code(c->wait_status);
		res->oom_killed = oom_killed(io, c);
		ret = 0;
	}
out:
	rt_supervisor_fini(&sup);
	if (c)
		remove_container(io, c, ret == 0);
	return ret;
}

int run_oci_config(const struct engine_io *io, const char *id, json_object *config,
		   const struct run_started *started, struct engine_run_result *res, md_error *err)
{
	struct spec *spec = NULL;
	int ret;

	set_console_size(config, io->tty_fd);
	if (spec_from_json(config, &spec, err) < 0)
		return -1;
	ret = run_container(io, id, spec, started, res, err);
	spec_free(spec);
	return ret;
}

/* A host command's root is the host's own: a mount target it lacks would
 * be made on the host's filesystem, so only existing targets are taken. */
static int check_host_targets(const struct engine_run_request *r, md_error *err)
{
	struct stat st;

	for (size_t i = 0; i < r->n_mounts; i++) {
		if (lstat(r->mounts[i].target, &st) < 0)
			return md_error_set(err, 0,
					    "mount target %s does not exist: a command from the "
					    "host's root can only mount over what the host has "
					    "(run an image to make new paths)",
					    r->mounts[i].target);
	}
	return 0;
}

/* A host command: nothing of it is kept. */
static int run_host(const struct engine_run_request *r, struct engine_run_result *res,
		    md_error *err)
{
	struct run_request cfg;
	struct run_user user = { 0 };
	struct store_entry entry = { .lock_fd = -1 };
	json_object *config = NULL, *mounts = NULL;
	int ret = -1;

	if (prepare(r, &cfg, &user, err) < 0 || check_host_targets(r, err) < 0)
		goto out;
	engine_sweep(&r->io);
	if (store_claim(&entry, err) < 0)
		goto out;
	memcpy(res->id, entry.id, sizeof(res->id));
	cfg.id = entry.id;
	/* -v, --mount, --tmpfs: on the host's root (nothing to copy from). */
	if (r->n_mounts &&
	    run_mounts_prepare(r->root, r->mounts, r->n_mounts, NULL, &mounts, NULL, err) < 0)
		goto release;
	cfg.mounts = mounts;
	if (runconfig_build(&cfg, &config, err) == 0)
		ret = run_oci_config(&r->io, entry.id, config, NULL, res, err);
	json_object_put(config);
	json_object_put(mounts);
release:
	store_release(&entry);
out:
	users_free(&user);
	return ret;
}

int engine_run(const struct engine_run_request *r, struct engine_run_result *res, md_error *err)
{
	memset(res, 0, sizeof(*res));
	if (r->image)
		return engine_run_image(r, res, err);
	return run_host(r, res, err);
}
