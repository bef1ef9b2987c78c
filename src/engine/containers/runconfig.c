/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/runconfig.h"
#include "engine/containers/rundevices.h"
#include "runtime/seccomp.h"
#include "runtime/spec-default.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CAP_BIT(c) (UINT64_C(1) << (c))

static json_object *str_array(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static bool env_has(char *const *env, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, kl) == 0 && env[i][kl] == '=')
			return true;
	return false;
}

static char *short_id(const struct run_request *r)
{
	return strndup(r->id, 12);
}

/* The default environment plus -e entries: PATH, HOSTNAME, HOME, TERM. */
static char **runconfig_env(const struct run_request *r)
{
	cleanup_free char *host = r->hostname ? xstrdup(r->hostname) : short_id(r);
	char **env = NULL;
	char *kv;

	/* Defaults, unless -e gives the same key (then -e wins, as in Docker). */
	if (!env_has(r->env, "PATH"))
		md_strv_push(&env, "PATH=" DEFAULT_PATH);
	if (!env_has(r->env, "HOSTNAME")) {
		kv = xasprintf("HOSTNAME=%s", host);
		md_strv_push(&env, kv);
		free(kv);
	}
	if (!env_has(r->env, "HOME")) {
		kv = xasprintf("HOME=%s", r->home && *r->home ? r->home : "/root");
		md_strv_push(&env, kv);
		free(kv);
	}
	if (r->tty && !env_has(r->env, "TERM"))
		md_strv_push(&env, "TERM=xterm");
	for (size_t i = 0; r->env && r->env[i]; i++)
		md_strv_push(&env, r->env[i]);
	return env;
}

/* Docker's default capabilities. */
static uint64_t default_caps(void)
{
	static const char *const names[] = {
		"CHOWN",   "DAC_OVERRIDE", "FSETID",           "FOWNER",
		"MKNOD",   "NET_RAW",      "SETGID",           "SETUID",
		"SETFCAP", "SETPCAP",      "NET_BIND_SERVICE", "SYS_CHROOT",
		"KILL",    "AUDIT_WRITE"
	};
	uint64_t mask = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		mask |= CAP_BIT(spec_cap_number(names[i]));
	return mask;
}

/* "CAP_NAME" for a number that libcap and the config's name table both
 * know, or NULL. Caller frees. */
static char *cap_config_name(cap_value_t cap)
{
	char *lower = cap_to_name(cap), *name = NULL;

	if (lower && spec_cap_number(lower) == cap) {
		name = xasprintf("CAP_%s", lower + strlen("cap_"));
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	cap_free(lower);
	return name;
}

uint64_t runconfig_caps_available(void)
{
	cap_t own = cap_get_proc();
	uint64_t mask = 0;

	for (cap_value_t cap = 0; own && cap < cap_max_bits() && cap < 64; cap++) {
		cleanup_free char *name = cap_config_name(cap);
		cap_flag_value_t v;

		if (name && cap_get_flag(own, cap, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			mask |= CAP_BIT(cap);
	}
	cap_free(own);
	return mask;
}

/* A --cap-add or --cap-drop value as Docker quotes it: "CAP_NAME". */
static int cap_flag_error(md_error *err, const char *flag, const char *why, const char *name)
{
	cleanup_free char *up = xasprintf("%s%s", strncasecmp(name, "CAP_", 4) ? "CAP_" : "", name);

	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return md_error_set(err, 0, "invalid %s: %s: \"%s\"", flag, why, up);
}

/* One flag's names as a mask; *all when one of them is ALL. */
static int cap_list(char *const *names, const char *flag, uint64_t available, uint64_t *mask,
		    bool *all, md_error *err)
{
	*mask = 0;
	*all = false;
	for (size_t i = 0; names && names[i]; i++) {
		int cap = spec_cap_number(names[i]);

		if (strcasecmp(names[i], "ALL") == 0) {
			*all = true;
			continue;
		}
		if (cap < 0 || cap >= 64)
			return cap_flag_error(err, flag, "unknown capability", names[i]);
		if (!(available & CAP_BIT(cap)))
			return cap_flag_error(err, flag,
					      "capability not supported by the kernel "
					      "or not available here",
					      names[i]);
		*mask |= CAP_BIT(cap);
	}
	return 0;
}

int runconfig_caps(const struct run_request *r, uint64_t available, uint64_t *out, md_error *err)
{
	uint64_t add, drop;
	bool add_all, drop_all;

	if (cap_list(r->cap_add, "--cap-add", available, &add, &add_all, err) < 0 ||
	    cap_list(r->cap_drop, "--cap-drop", available, &drop, &drop_all, err) < 0)
		return -1;
	if (r->privileged)
		*out = available;
	else if (add_all)
		*out = available & ~drop; /* an ALL among the drops drops nothing */
	else if (drop_all)
		*out = add;
	else
		*out = (default_caps() & ~drop) | add; /* a name in both stays */
	return 0;
}

/* The same names in bounding, effective and permitted; inheritable and
 * ambient stay empty. */
static json_object *caps_object(uint64_t mask)
{
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	json_object *caps = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		json_object *a = json_object_new_array();

		for (cap_value_t cap = 0; cap < 64; cap++) {
			cleanup_free char *name =
				(mask & CAP_BIT(cap)) ? cap_config_name(cap) : NULL;

			if (name)
				json_object_array_add(a, json_object_new_string(name));
		}
		json_object_object_add(caps, sets[i], a);
	}
	return caps;
}

static json_object *process_object(const struct run_request *r, uint64_t caps)
{
	json_object *p = json_object_new_object(), *user = json_object_new_object();
	cleanup_strv char **env = runconfig_env(r);

	json_object_object_add(p, "terminal", json_object_new_boolean(r->tty));
	if (r->tty && r->console_rows && r->console_cols) {
		json_object *cs = json_object_new_object();
		json_object_object_add(cs, "height", json_object_new_int(r->console_rows));
		json_object_object_add(cs, "width", json_object_new_int(r->console_cols));
		json_object_object_add(p, "consoleSize", cs);
	}
	json_object_object_add(user, "uid", json_object_new_int64(r->has_user ? r->uid : 0));
	json_object_object_add(user, "gid", json_object_new_int64(r->has_user ? r->gid : 0));
	if (r->n_additional_gids) {
		json_object *g = json_object_new_array();

		for (size_t i = 0; i < r->n_additional_gids; i++)
			json_object_array_add(g, json_object_new_int64(r->additional_gids[i]));
		json_object_object_add(user, "additionalGids", g);
	}
	json_object_object_add(p, "user", user);
	json_object_object_add(p, "args", str_array(r->args));
	json_object_object_add(p, "env", str_array(env));
	json_object_object_add(p, "cwd", json_object_new_string(r->workdir ? r->workdir : "/"));
	/* --privileged: none listed, so the process keeps all it has, and
	 * setuid programs work. Otherwise no_new_privs (SECURITY.md). */
	if (!r->privileged)
		json_object_object_add(p, "capabilities", caps_object(caps));
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(!r->privileged));
	return p;
}

static json_object *namespaces_array(void)
{
	static const char *const names[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		json_object *ns = json_object_new_object();

		/* Older kernels have no cgroup namespace: skip it there. */
		if (strcmp(names[i], "cgroup") == 0 && access("/proc/self/ns/cgroup", F_OK) < 0) {
			json_object_put(ns);
			continue;
		}
		json_object_object_add(ns, "type", json_object_new_string(names[i]));
		json_object_array_add(a, ns);
	}
	return a;
}

static void add_i64(json_object *o, const char *key, struct opt_i64 v)
{
	if (v.set)
		json_object_object_add(o, key, json_object_new_int64(v.v));
}

static json_object *resources_object(const struct run_request *r)
{
	json_object *res = json_object_new_object(), *mem = json_object_new_object(),
		    *cpu = json_object_new_object(), *pids = json_object_new_object();

	add_i64(mem, "limit", r->memory);
	add_i64(mem, "swap", r->memory_swap);
	add_i64(cpu, "shares", r->cpu_shares);
	add_i64(cpu, "quota", r->cpu_quota);
	add_i64(cpu, "period", r->cpu_period);
	if (r->cpuset_cpus)
		json_object_object_add(cpu, "cpus", json_object_new_string(r->cpuset_cpus));
	if (r->cpuset_mems)
		json_object_object_add(cpu, "mems", json_object_new_string(r->cpuset_mems));
	json_object_object_add(res, "memory", mem);
	json_object_object_add(res, "cpu", cpu);
	if (r->pids.set) {
		add_i64(pids, "limit", r->pids);
		json_object_object_add(res, "pids", pids);
	} else {
		json_object_put(pids);
	}
	return res;
}

/* Docker's mounts: a /dev of its own with the default devices, shm and
 * mqueue, sysfs and the cgroup tree read-only, and the masked and
 * read-only paths. --privileged keeps the host's /dev and gets /sys and
 * the cgroup tree writable, without masks, as with Docker. */
static json_object *privileged_mounts(void)
{
	json_object *all = spec_default_mounts(false), *kept = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *m = json_object_array_get_idx(all, i), *opts;
		const char *dest = json_object_get_string(json_object_object_get(m, "destination"));

		if (strncmp(dest, "/dev", 4) == 0)
			continue;
		if (strncmp(dest, "/sys", 4) == 0) {
			opts = json_object_new_array();
			json_object_array_add(opts, json_object_new_string("nosuid"));
			json_object_array_add(opts, json_object_new_string("noexec"));
			json_object_array_add(opts, json_object_new_string("nodev"));
			/* The cgroup mount is read-only unless asked "rw". */
			json_object_array_add(opts, json_object_new_string("rw"));
			json_object_object_add(m, "options", opts);
		}
		json_object_array_add(kept, json_object_get(m));
	}
	json_object_put(all);
	return kept;
}

static void add_mounts(json_object *c, json_object *lnx, const struct run_request *r)
{
	json_object *all = r->privileged ? privileged_mounts() : spec_default_mounts(false);

	for (size_t i = 0; r->mounts && i < json_object_array_length(r->mounts); i++)
		json_object_array_add(all,
				      json_object_get(json_object_array_get_idx(r->mounts, i)));
	json_object_object_add(c, "mounts", all);
	if (r->privileged)
		return;
	json_object_object_add(lnx, "maskedPaths", spec_default_masked_paths());
	json_object_object_add(lnx, "readonlyPaths", spec_default_readonly_paths());
}

/* The bounding set, which dockerd checks a profile's caps against; with
 * no capabilities in the config, the process keeps all of root's. */
static uint64_t bounding_caps(json_object *process)
{
	json_object *caps = md_json_member_of(process, "capabilities", json_type_object);
	json_object *list = md_json_member_of(caps, "bounding", json_type_array);
	uint64_t mask = 0;

	if (!list)
		return UINT64_MAX;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		int c = spec_cap_number(json_object_get_string(json_object_array_get_idx(list, i)));

		if (c >= 0 && c < 64)
			mask |= UINT64_C(1) << c;
	}
	return mask;
}

/* linux.seccomp: the profile evaluated for this container, as dockerd
 * does (its rules that depend on capabilities and the architecture). */
static int add_seccomp(json_object *lnx, json_object *process, const struct run_request *r,
		       md_error *err)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_object *profile, *sc = NULL;
	int ret;

	if (r->privileged || r->seccomp_unconfined)
		return 0;
	profile = r->seccomp_profile ? json_tokener_parse_verbose(r->seccomp_profile, &jerr)
				     : rt_seccomp_default_profile();
	if (!profile)
		return md_error_set(err, 0, "seccomp profile: invalid JSON: %s",
				    json_tokener_error_desc(jerr));
	ret = rt_seccomp_from_docker(profile, bounding_caps(process), &sc, err);
	json_object_put(profile);
	if (sc)
		json_object_object_add(lnx, "seccomp", sc);
	return ret;
}

int runconfig_build(const struct run_request *r, json_object **out, md_error *err)
{
	json_object *c, *root, *lnx;
	cleanup_free char *host = NULL;
	uint64_t caps;

	if (!r->args || !r->args[0])
		return md_error_set(err, EINVAL, "no command given");
	if (runconfig_caps(r, runconfig_caps_available(), &caps, err) < 0)
		return -1;
	host = r->hostname ? xstrdup(r->hostname) : short_id(r);
	c = json_object_new_object();
	root = json_object_new_object();
	lnx = json_object_new_object();
	json_object_object_add(c, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(c, "process", process_object(r, caps));
	json_object_object_add(root, "path", json_object_new_string(r->rootfs));
	if (r->readonly)
		json_object_object_add(root, "readonly", json_object_new_boolean(true));
	json_object_object_add(c, "root", root);
	json_object_object_add(c, "hostname", json_object_new_string(host));
	add_mounts(c, lnx, r);
	json_object_object_add(lnx, "namespaces", namespaces_array());
	json_object_object_add(lnx, "resources", resources_object(r));
	json_object_object_add(c, "linux", lnx);
	if (rundev_add(r->privileged, r->devices, r->device_cgroup_rules, lnx,
		       json_object_object_get(lnx, "resources"), err) < 0 ||
	    add_seccomp(lnx, json_object_object_get(c, "process"), r, err) < 0) {
		json_object_put(c);
		return -1;
	}
	*out = c;
	return 0;
}
