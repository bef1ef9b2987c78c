/* SPDX-License-Identifier: Apache-2.0 */
/* engine_run: request -> checks -> store entry -> OCI config -> runtime core. */
#include "engine/containers/run.h"
#include "engine/containers/store.h"
#include "engine/containers/users.h"
#include "engine/paths.h"
#include "runtime/supervise.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static void log_msg(const struct engine_run_request *r, enum rt_log_level lvl, const char *msg)
{
	if (r->log)
		r->log(r->log_ctx, lvl, msg);
}

/* An error that does not stop the run: the caller sees it as any other. */
static void log_error(const struct engine_run_request *r, const md_error *err)
{
	char buf[1536];

	log_msg(r, RT_LOG_ERROR, md_error_text(err, buf, sizeof(buf)));
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

/* The user from the container root's own files, never through NSS. */
static int resolve_user(const char *user, struct run_request *cfg, struct run_user *u,
			md_error *err)
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
	uint64_t caps;

	*cfg = r->config;
	if (resolve_user(r->user, cfg, u, err) < 0 ||
	    runconfig_caps(cfg, runconfig_caps_available(), &caps, err) < 0)
		return -1;
	return check_limits(cfg, err);
}

int engine_run_check(const struct engine_run_request *r, md_error *err)
{
	struct run_request cfg;
	struct run_user u = { 0 };
	int ret = prepare(r, &cfg, &u, err);

	users_free(&u);
	return ret;
}

/* What a killed mydocker left: a leftover must not stop a new run. */
static void sweep(const struct engine_run_request *r)
{
	md_error err;

	md_error_clear(&err);
	if (store_sweep(NULL, NULL, &err) < 0)
		log_error(r, &err);
}

static void fill_console_size(struct run_request *cfg, int tty_fd)
{
	struct winsize ws;

	if (cfg->tty && tty_fd >= 0 && ioctl(tty_fd, TIOCGWINSZ, &ws) == 0) {
		cfg->console_rows = ws.ws_row;
		cfg->console_cols = ws.ws_col;
	}
}

static int make_spec(const struct run_request *cfg, struct spec **out, md_error *err)
{
	json_object *json = NULL;
	int ret;

	if (runconfig_build(cfg, &json, err) < 0)
		return -1;
	ret = spec_from_json(json, out, err);
	json_object_put(json);
	return ret;
}

static bool oom_killed(const struct engine_run_request *r, struct rt_container *c)
{
	long kills = 0;
	char msg[128];

	if (cgroup_oom_kills(c->cgroup, &kills, NULL) < 0 || kills <= 0)
		return false;
	snprintf(msg, sizeof(msg),
		 "container %.12s: killed by the OOM killer "
		 "(memory limit reached)",
		 c->id);
	log_msg(r, RT_LOG_ERROR, msg);
	return true;
}

/* Kill what is left, remove the cgroups. A failure is worth telling only
 * when the container ran: otherwise err already says what went wrong. */
static void remove_container(const struct engine_run_request *r, struct rt_container *c, bool ran)
{
	md_error err;

	if (rt_destroy(c, &err) < 0 && ran)
		log_error(r, &err);
	rt_container_free(c);
}

/* Create, start and supervise; fills res once the init has exited. */
static int run_container(const struct engine_run_request *r, const char *id,
			 const struct spec *spec, struct engine_run_result *res, md_error *err)
{
	struct rt_create_opts co = {
		.id = id,
		.stdio = { r->in_fd, r->out_fd, r->err_fd },
		.seccomp_cache_dir = ENGINE_SECCOMP_CACHE_DIR,
		.log = r->log,
		.log_ctx = r->log_ctx,
	};
	struct rt_supervise_opts so = { .in_fd = r->in_fd,
					.out_fd = r->out_fd,
					.tty_fd = r->tty_fd };
	struct rt_supervisor sup;
	struct rt_container *c = NULL;
	int ret = -1;

	if (rt_supervisor_init(&sup, err) < 0)
		goto out;
	if (rt_create(spec, &co, &c, err) < 0)
		goto out;
	if (rt_start(c, err) == 0 && rt_supervise(&sup, c, &so, err) == 0) {
		res->exit_status = rt_exit_code(c->wait_status);
		res->oom_killed = oom_killed(r, c);
		ret = 0;
	}
out:
	rt_supervisor_fini(&sup);
	if (c)
		remove_container(r, c, ret == 0);
	return ret;
}

int engine_run(const struct engine_run_request *r, struct engine_run_result *res, md_error *err)
{
	struct run_request cfg;
	struct run_user user = { 0 };
	struct store_entry entry = { .lock_fd = -1 };
	struct spec *spec = NULL;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (prepare(r, &cfg, &user, err) < 0)
		goto out;
	sweep(r);
	if (store_claim(&entry, err) < 0)
		goto out;
	memcpy(res->id, entry.id, sizeof(res->id));
	cfg.id = entry.id;
	fill_console_size(&cfg, r->tty_fd);
	if (make_spec(&cfg, &spec, err) == 0)
		ret = run_container(r, entry.id, spec, res, err);
	store_release(&entry);
	spec_free(spec);
out:
	users_free(&user);
	return ret;
}
