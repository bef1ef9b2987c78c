/* SPDX-License-Identifier: Apache-2.0 */
/* container.json <-> struct container_record, and inspect's object. The
 * file holds what `docker container inspect` shows for the members the
 * engine keeps (Docker's names), so inspect adds only what is derived. */
#include "engine/containers/logs.h"
#include "engine/containers/records-internal.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <stddef.h>
#include <string.h>

/* Docker's time for "never". */
#define ZERO_TIME "0001-01-01T00:00:00Z"
/* State members of ours (container.json only). */
#define PID_START_KEY "MydockerPidStart"
#define MONITOR_PID_KEY "MydockerMonitorPid"
#define MANUAL_STOP_KEY "MydockerManualStop"

static const char *const status_names[] = { "created", "running", "exited" };

static json_object *str_or_empty(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* A NULL list is JSON null, as Docker shows an absent Entrypoint or Cmd. */
static json_object *strv_json(char *const *v)
{
	json_object *a;

	if (!v)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static char *get_str(json_object *o, const char *key)
{
	const char *s = md_json_string(o, key);

	return s && *s ? xstrdup(s) : NULL;
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *b = md_json_member_of(o, key, json_type_boolean);

	return b && json_object_get_boolean(b);
}

static int get_int(json_object *o, const char *key)
{
	json_object *i = md_json_member_of(o, key, json_type_int);

	return i ? json_object_get_int(i) : 0;
}

static json_object *labels_json(char *const *labels)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; labels && labels[i]; i++) {
		const char *eq = strchr(labels[i], '=');
		cleanup_free char *k =
			eq ? strndup(labels[i], (size_t)(eq - labels[i])) : xstrdup(labels[i]);

		json_object_object_add(o, k, json_object_new_string(eq ? eq + 1 : ""));
	}
	return o;
}

static char **get_labels(json_object *o)
{
	json_object *l = md_json_member_of(o, "Labels", json_type_object);
	char **v = NULL;

	json_object_object_foreach(l, k, val)
	{
		cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(val));
		md_strv_push(&v, kv);
	}
	return v;
}

static json_object *config_json(const struct container_record *c)
{
	const struct container_config *k = &c->config;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "Hostname", str_or_empty(k->hostname));
	json_object_object_add(o, "Domainname", json_object_new_string(""));
	json_object_object_add(o, "User", str_or_empty(k->user));
	json_object_object_add(o, "AttachStdin", json_object_new_boolean(k->open_stdin));
	json_object_object_add(o, "AttachStdout", json_object_new_boolean(true));
	json_object_object_add(o, "AttachStderr", json_object_new_boolean(true));
	json_object_object_add(o, "Tty", json_object_new_boolean(k->tty));
	json_object_object_add(o, "OpenStdin", json_object_new_boolean(k->open_stdin));
	json_object_object_add(o, "StdinOnce", json_object_new_boolean(k->open_stdin));
	json_object_object_add(o, "Env", strv_json(k->env));
	json_object_object_add(o, "Cmd", strv_json(k->cmd));
	json_object_object_add(o, "Image", str_or_empty(c->image_ref));
	json_object_object_add(o, "WorkingDir", str_or_empty(k->working_dir));
	json_object_object_add(o, "Entrypoint", strv_json(k->entrypoint));
	json_object_object_add(o, "Labels", labels_json(k->labels));
	if (k->stop_signal)
		json_object_object_add(o, "StopSignal", json_object_new_string(k->stop_signal));
	if (k->stop_timeout >= 0)
		json_object_object_add(o, "StopTimeout", json_object_new_int(k->stop_timeout));
	if (k->healthcheck)
		json_object_object_add(o, "Healthcheck", json_object_get(k->healthcheck));
	return o;
}

/* Members of a struct by their JSON names: strings (char *) and lists
 * (char **), at their offsets. */
struct member {
	const char *key;
	size_t off;
	bool list;
};

static void parse_members(json_object *o, void *base, const struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *field = (char *)base + m[i].off;

		if (m[i].list)
			*(char ***)field = md_json_strv(o, m[i].key);
		else
			*(char **)field = get_str(o, m[i].key);
	}
}

static void config_parse(json_object *o, struct container_config *k)
{
	static const struct member members[] = {
		{ "Hostname", offsetof(struct container_config, hostname), false },
		{ "User", offsetof(struct container_config, user), false },
		{ "WorkingDir", offsetof(struct container_config, working_dir), false },
		{ "StopSignal", offsetof(struct container_config, stop_signal), false },
		{ "Env", offsetof(struct container_config, env), true },
		{ "Cmd", offsetof(struct container_config, cmd), true },
		{ "Entrypoint", offsetof(struct container_config, entrypoint), true },
	};

	parse_members(o, k, members, ARRAY_SIZE(members));
	k->labels = get_labels(o);
	k->tty = get_bool(o, "Tty");
	k->open_stdin = get_bool(o, "OpenStdin");
	k->healthcheck = json_object_get(md_json_member_of(o, "Healthcheck", json_type_object));
	k->stop_timeout =
		md_json_member_of(o, "StopTimeout", json_type_int) ? get_int(o, "StopTimeout") : -1;
}

static json_object *state_json(const struct container_state *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "Status", json_object_new_string(records_status_name(s)));
	json_object_object_add(o, "Running",
			       json_object_new_boolean(s->status == CONTAINER_RUNNING));
	json_object_object_add(o, "Paused", json_object_new_boolean(s->paused));
	json_object_object_add(o, "Restarting", json_object_new_boolean(s->restarting));
	json_object_object_add(o, "OOMKilled", json_object_new_boolean(s->oom_killed));
	json_object_object_add(o, "Dead", json_object_new_boolean(false));
	json_object_object_add(o, "Pid", json_object_new_int(s->pid));
	json_object_object_add(o, "ExitCode", json_object_new_int(s->exit_code));
	json_object_object_add(o, "Error", str_or_empty(s->error));
	json_object_object_add(o, "StartedAt",
			       json_object_new_string(*s->started_at ? s->started_at : ZERO_TIME));
	json_object_object_add(
		o, "FinishedAt",
		json_object_new_string(*s->finished_at ? s->finished_at : ZERO_TIME));
	if (s->health)
		json_object_object_add(o, "Health", json_object_get(s->health));
	/* Ours, not Docker's: container_inspect_json leaves them out. */
	json_object_object_add(o, PID_START_KEY, json_object_new_uint64(s->pid_start));
	json_object_object_add(o, MONITOR_PID_KEY, json_object_new_int(s->monitor_pid));
	return o;
}

static void copy_time(char *dst, size_t len, json_object *o, const char *key)
{
	const char *t = md_json_string(o, key);

	if (t && strcmp(t, ZERO_TIME) != 0)
		snprintf(dst, len, "%s", t);
}

static void state_parse(json_object *o, struct container_state *s)
{
	const char *st = md_json_string(o, "Status");

	s->status = CONTAINER_CREATED;
	for (size_t i = 0; st && i < ARRAY_SIZE(status_names); i++)
		if (strcmp(st, status_names[i]) == 0)
			s->status = (enum container_status)i;
	/* Docker's Status has two more names: a paused container runs (its
	 * cgroup frozen); a restarting one exited and waits out its delay. */
	if (st && strcmp(st, "paused") == 0)
		s->status = CONTAINER_RUNNING;
	else if (st && strcmp(st, "restarting") == 0)
		s->status = CONTAINER_EXITED;
	s->pid = get_int(o, "Pid");
	s->exit_code = get_int(o, "ExitCode");
	s->oom_killed = get_bool(o, "OOMKilled");
	s->error = get_str(o, "Error");
	copy_time(s->started_at, sizeof(s->started_at), o, "StartedAt");
	copy_time(s->finished_at, sizeof(s->finished_at), o, "FinishedAt");
	s->paused = get_bool(o, "Paused");
	s->restarting = get_bool(o, "Restarting");
	s->pid_start = (unsigned long long)json_object_get_uint64(md_json_member(o, PID_START_KEY));
	s->monitor_pid = get_int(o, MONITOR_PID_KEY);
	s->health = json_object_get(md_json_member_of(o, "Health", json_type_object));
}

const char *records_status_name(const struct container_state *s)
{
	if (s->status == CONTAINER_RUNNING && s->paused)
		return "paused";
	if (s->restarting)
		return "restarting";
	return status_names[s->status];
}

json_object *records_to_json(const struct container_record *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "Id", json_object_new_string(c->id));
	json_object_object_add(o, "Created", str_or_empty(c->created));
	json_object_object_add(o, "Path", str_or_empty(c->path));
	json_object_object_add(o, "Args", strv_json(c->args ? c->args : (char *[]){ NULL }));
	json_object_object_add(o, "State", state_json(&c->state));
	json_object_object_add(o, "Image", str_or_empty(c->image));
	json_object_object_add(o, "ImageRef", str_or_empty(c->image_ref));
	json_object_object_add(o, "Name", json_object_new_string(c->name ? c->name : ""));
	json_object_object_add(o, "HostConfig",
			       c->host_config ? json_object_get(c->host_config)
					      : json_object_new_object());
	json_object_object_add(o, "Mounts",
			       c->mounts ? json_object_get(c->mounts) : json_object_new_array());
	json_object_object_add(o, "Config", config_json(c));
	json_object_object_add(o, "RestartCount", json_object_new_int(c->restart_count));
	json_object_object_add(o, MANUAL_STOP_KEY, json_object_new_boolean(c->manual_stop));
	return o;
}

static const struct member record_members[] = {
	{ "Name", offsetof(struct container_record, name), false },
	{ "Created", offsetof(struct container_record, created), false },
	{ "Image", offsetof(struct container_record, image), false },
	{ "ImageRef", offsetof(struct container_record, image_ref), false },
	{ "Path", offsetof(struct container_record, path), false },
	{ "Args", offsetof(struct container_record, args), true },
};

int records_from_json(json_object *o, struct container_record *c, md_error *err)
{
	const char *id = md_json_string(o, "Id");

	memset(c, 0, sizeof(*c));
	if (!json_object_is_type(o, json_type_object) || !id || !records_id_valid(id))
		return md_error_set(err, 0, "not a container record");
	memcpy(c->id, id, sizeof(c->id));
	parse_members(o, c, record_members, ARRAY_SIZE(record_members));
	state_parse(md_json_member_of(o, "State", json_type_object), &c->state);
	config_parse(md_json_member_of(o, "Config", json_type_object), &c->config);
	c->host_config = json_object_get(md_json_member_of(o, "HostConfig", json_type_object));
	c->mounts = json_object_get(md_json_member_of(o, "Mounts", json_type_array));
	c->restart_count = get_int(o, "RestartCount");
	c->manual_stop = get_bool(o, MANUAL_STOP_KEY);
	return 0;
}

static json_object *graph_driver(const char *root, const char *id)
{
	json_object *g = json_object_new_object(), *d = json_object_new_object();
	static const char *const dirs[][2] = { { "MergedDir", "rootfs" },
					       { "UpperDir", "upper" },
					       { "WorkDir", "work" } };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = records_path(root, id, dirs[i][1]);
		json_object_object_add(d, dirs[i][0], json_object_new_string(p));
	}
	json_object_object_add(g, "Data", d);
	json_object_object_add(g, "Name", json_object_new_string("overlay"));
	return g;
}

static void add_path(json_object *o, const char *key, const char *root, const char *id,
		     const char *name)
{
	cleanup_free char *p = records_path(root, id, name);

	json_object_object_add(o, key, json_object_new_string(p));
}

/* Docker's LogPath: the json-file log, "" with another driver. */
static json_object *log_path(const char *root, const struct container_record *c)
{
	cleanup_free char *path = logs_path(root, c->id);
	long long max_size;
	int max_files;
	bool enabled;

	logs_settings(c->host_config, &max_size, &max_files, &enabled);
	return json_object_new_string(enabled ? path : "");
}

json_object *container_inspect_json(const char *root, const struct container_record *c)
{
	json_object *o = records_to_json(c);
	cleanup_free char *name = xasprintf("/%s", c->name ? c->name : "");
	json_object *state = md_json_member_of(o, "State", json_type_object);

	json_object_object_del(o, "ImageRef");
	json_object_object_del(o, MANUAL_STOP_KEY);
	json_object_object_del(state, PID_START_KEY);
	json_object_object_del(state, MONITOR_PID_KEY);
	json_object_object_add(o, "Name", json_object_new_string(name));
	add_path(o, "ResolvConfPath", root, c->id, "resolv.conf");
	add_path(o, "HostnamePath", root, c->id, "hostname");
	add_path(o, "HostsPath", root, c->id, "hosts");
	json_object_object_add(o, "LogPath", log_path(root, c));
	json_object_object_add(o, "Driver", json_object_new_string("overlay"));
	json_object_object_add(o, "Platform", json_object_new_string("linux"));
	json_object_object_add(o, "GraphDriver", graph_driver(root, c->id));
	return o;
}
