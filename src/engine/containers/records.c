/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/records-internal.h"
#include "engine/containers/rootfs.h"
#include "engine/containers/store.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/remove.h"
#include "util/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* A container being removed: ROOT/containers/REMOVING-ID. */
#define REMOVING ".removing-"
/* Docker retries a random name a few times before adding a digit. */
#define NAME_TRIES 10

char *records_dir(const char *root, const char *id)
{
	return xasprintf("%s/containers/%s", root, id);
}

char *records_path(const char *root, const char *id, const char *name)
{
	return xasprintf("%s/containers/%s/%s", root, id, name);
}

bool records_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
			return false;
	return i == RECORD_ID_LEN;
}

static bool name_char(char c, bool first)
{
	return isalnum((unsigned char)c) || (!first && (c == '_' || c == '.' || c == '-'));
}

bool records_name_valid(const char *name)
{
	if (*name == '/')
		name++;
	if (!name[0] || !name[1] || !name_char(name[0], true))
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!name_char(*p, false))
			return false;
	return true;
}

void records_config_free(struct container_config *k)
{
	free(k->hostname);
	free(k->user);
	free(k->working_dir);
	free(k->stop_signal);
	md_strv_free(k->env);
	md_strv_free(k->cmd);
	md_strv_free(k->entrypoint);
	md_strv_free(k->labels);
	md_json_putp(&k->healthcheck);
	memset(k, 0, sizeof(*k));
}

void records_free(struct container_record *c)
{
	free(c->name);
	free(c->created);
	free(c->image);
	free(c->image_ref);
	free(c->path);
	md_strv_free(c->args);
	records_config_free(&c->config);
	md_json_putp(&c->host_config);
	md_json_putp(&c->mounts);
	free(c->state.error);
	md_json_putp(&c->state.health);
	memset(c, 0, sizeof(*c));
}

void records_list_free(struct container_record *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		records_free(&list[i]);
	free(list);
}

/* flock()ed file at path (made if missing); the fd holds the lock. */
static int lock_path(const char *path, md_error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return md_error_set(err, e, "lock `%s`", path);
		}
	}
	return fd;
}

static int lock_store(const char *root, md_error *err)
{
	cleanup_free char *dir = xasprintf("%s/containers", root);
	cleanup_free char *path = xasprintf("%s/containers.lock", root);

	if (md_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return lock_path(path, err);
}

static int save(const char *root, const struct container_record *c, md_error *err)
{
	cleanup_free char *path = records_path(root, c->id, "container.json");
	json_object *o = records_to_json(c);
	const char *text = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int r = md_write_file_atomic(path, text, strlen(text), 0600, err);

	json_object_put(o);
	return r;
}

int records_load(const char *root, const char *id, struct container_record *out, md_error *err)
{
	cleanup_free char *path = NULL, *text = NULL;
	cleanup_json json_object *o = NULL;

	memset(out, 0, sizeof(*out));
	if (!records_id_valid(id))
		return md_error_set(err, ENOENT, "No such container: %s", id);
	path = records_path(root, id, "container.json");
	if (md_read_file(path, &text, NULL, err) < 0)
		return -1;
	o = json_tokener_parse(text);
	if (records_from_json(o, out, err) < 0 || strcmp(out->id, id) != 0) {
		records_free(out);
		return md_error_set(err, 0, "`%s`: not a container record", path);
	}
	return 0;
}

/* The ids in ROOT/containers (directories named by a valid id). */
static int list_ids(const char *root, char ***ids, md_error *err)
{
	cleanup_free char *dir = xasprintf("%s/containers", root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	*ids = xmalloc0(sizeof(char *));
	if (!d)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "open `%s`", dir);
	while ((de = readdir(d)))
		if (records_id_valid(de->d_name))
			md_strv_push(ids, de->d_name);
	return 0;
}

static int by_newest(const void *a, const void *b)
{
	const struct container_record *x = a, *y = b;

	return strcmp(y->created ? y->created : "", x->created ? x->created : "");
}

/* After a reboot, no container runs, whatever the records say (their live
 * entries were on /run, a tmpfs): one that said running or restarting
 * is exited 137, as the sweep records a container whose owner was killed.
 * ROOT/boot-id names the boot the records were last true for. */
static int mark_rebooted(struct container_record *c, void *ctx, md_error *err)
{
	if (c->state.status != CONTAINER_RUNNING && !c->state.restarting)
		return -1;
	c->state.status = CONTAINER_EXITED;
	c->state.restarting = c->state.paused = false;
	c->state.pid = c->state.monitor_pid = 0;
	c->state.pid_start = 0;
	c->state.exit_code = 128 + 9;
	md_rfc3339_now(c->state.finished_at, sizeof(c->state.finished_at));
	return 0;
}

void records_boot_check(const char *root)
{
	cleanup_free char *path = xasprintf("%s/boot-id", root), *now = NULL, *was = NULL;
	cleanup_free char *lock = xasprintf("%s/boot-id.lock", root);
	cleanup_strv char **ids = NULL;
	md_error err;
	int fd;

	if (md_read_file("/proc/sys/kernel/random/boot_id", &now, NULL, &err) < 0 ||
	    (md_read_file(path, &was, NULL, &err) == 0 && strcmp(now, was) == 0))
		return;
	/* A lock of its own: the callers may hold containers.lock. */
	if (access(root, F_OK) < 0 || (fd = lock_path(lock, &err)) < 0)
		return;
	if (list_ids(root, &ids, &err) == 0)
		for (size_t i = 0; ids[i]; i++)
			if (!store_live(ids[i]))
				records_update(root, ids[i], mark_rebooted, NULL, &err);
	free(was);
	was = NULL;
	if (md_read_file(path, &was, NULL, &err) < 0 || strcmp(now, was) != 0)
		md_write_file_atomic(path, now, strlen(now), 0600, &err);
	close(fd);
}

int records_list(const char *root, struct container_record **out, size_t *n, md_error *err)
{
	cleanup_strv char **ids = NULL;
	md_error ignored;

	*out = NULL;
	*n = 0;
	records_boot_check(root);
	if (list_ids(root, &ids, err) < 0)
		return -1;
	*out = xmalloc0((md_strv_len(ids) + 1) * sizeof(**out));
	for (size_t i = 0; ids[i]; i++)
		if (records_load(root, ids[i], &(*out)[*n], &ignored) == 0)
			(*n)++;
	qsort(*out, *n, sizeof(**out), by_newest);
	return 0;
}

/* The id of the container called name, in buf; 0 when there is none. */
static int id_of_name(const char *root, const char *name, char buf[RECORD_ID_LEN + 1],
		      md_error *err)
{
	struct container_record *list;
	size_t n;
	int found = 0;

	if (*name == '/')
		name++;
	if (records_list(root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !found; i++)
		if (list[i].name && strcmp(list[i].name, name) == 0) {
			memcpy(buf, list[i].id, RECORD_ID_LEN + 1);
			found = 1;
		}
	records_list_free(list, n);
	return found;
}

static void random_name(char *buf, size_t len, unsigned try)
{
	/* Our own words; Docker's lists are longer. */
	static const char *const adjectives[] = {
		"amber", "brave",  "calm",   "clever", "cosy",  "crisp", "daring", "eager",
		"fancy", "gentle", "happy",  "humble", "jolly", "keen",  "lively", "lucky",
		"merry", "mellow", "nimble", "plucky", "proud", "quiet", "rapid",  "serene",
		"shiny", "steady", "sunny",  "swift",  "tidy",  "vivid", "witty",  "zesty",
	};
	static const char *const nouns[] = {
		"badger", "beaver", "bison",  "crane",  "dingo",  "dolphin", "eagle",  "falcon",
		"ferret", "gecko",  "heron",  "ibis",   "jackal", "koala",   "lemur",  "lynx",
		"marmot", "newt",   "ocelot", "otter",  "panda",  "puffin",  "quokka", "raven",
		"salmon", "tapir",  "toucan", "urchin", "vole",   "walrus",  "yak",    "zebra",
	};
	unsigned char r[3] = { 0 };

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		r[0] = r[1] = (unsigned char)try;
	snprintf(buf, len, "%s_%s", adjectives[r[0] % ARRAY_SIZE(adjectives)],
		 nouns[r[1] % ARRAY_SIZE(nouns)]);
	if (try >= NAME_TRIES)
		snprintf(buf + strlen(buf), len - strlen(buf), "%u", r[2] % 10);
}

/* c->name checked, or a free random one given. Under the store's lock. */
static int pick_name(const char *root, struct container_record *c, md_error *err)
{
	char other[RECORD_ID_LEN + 1], buf[64];
	int r;

	if (c->name) {
		if (!records_name_valid(c->name))
			return md_error_set(err, 0,
					    "Invalid container name (%s), only "
					    "[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
					    c->name);
		if (c->name[0] == '/')
			memmove(c->name, c->name + 1, strlen(c->name));
		r = id_of_name(root, c->name, other, err);
		if (r > 0)
			return md_error_set(err, EEXIST,
					    "Conflict. The container name \"/%s\" is already in "
					    "use by container \"%s\". You have to remove (or "
					    "rename) that container to be able to reuse that name.",
					    c->name, other);
		return r;
	}
	for (unsigned try = 0;; try++) {
		random_name(buf, sizeof(buf), try);
		r = id_of_name(root, buf, other, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			c->name = xstrdup(buf);
			return 0;
		}
	}
}

static int make_dirs(const char *root, const char *id, md_error *err)
{
	static const struct {
		const char *name;
		mode_t mode;
	} dirs[] = { { "upper", 0755 }, { "work", 0700 }, { "rootfs", 0755 } };
	cleanup_free char *dir = records_dir(root, id);

	if (mkdir(dir, 0700) < 0)
		return md_error_set(err, errno, "mkdir `%s`", dir);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_free char *p = records_path(root, id, dirs[i].name);

		if (mkdir(p, dirs[i].mode) < 0 || chmod(p, dirs[i].mode) < 0)
			return md_error_set(err, errno, "mkdir `%s`", p);
	}
	return 0;
}

/* What a removal killed half-way left (records_remove). Under the lock. */
static void sweep_removing(const char *root)
{
	cleanup_free char *dir = xasprintf("%s/containers", root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		cleanup_free char *path = NULL;

		if (!md_str_has_prefix(de->d_name, REMOVING))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		md_remove_tree(path, NULL);
	}
}

int records_create(const char *root, struct container_record *c, md_error *err)
{
	cleanup_close int lock = lock_store(root, err);
	int r;

	if (lock < 0)
		return -1;
	sweep_removing(root);
	if (!records_id_valid(c->id))
		return md_error_set(err, 0, "invalid container id `%s`", c->id);
	if (pick_name(root, c, err) < 0)
		return -1;
	r = make_dirs(root, c->id, err);
	if (r == 0)
		r = save(root, c, err);
	if (r < 0) {
		md_error ignored;
		cleanup_free char *dir = records_dir(root, c->id);

		md_remove_tree(dir, &ignored);
	}
	return r;
}

int records_update(const char *root, const char *id, records_update_fn fn, void *ctx, md_error *err)
{
	cleanup_free char *lock_file = records_path(root, id, "lock");
	cleanup_close int lock = -1;
	struct container_record c;
	int r;

	if (!records_id_valid(id))
		return md_error_set(err, ENOENT, "No such container: %s", id);
	lock = lock_path(lock_file, err);
	if (lock < 0)
		return -1;
	if (records_load(root, id, &c, err) < 0)
		return -1;
	r = fn(&c, ctx, err);
	if (r == 0)
		r = save(root, &c, err);
	records_free(&c);
	return r;
}

struct state_change {
	enum container_status status;
	int pid, exit_code;
	bool oom_killed;
	const char *error;
};

static int apply_state(struct container_record *c, void *ctx, md_error *err)
{
	const struct state_change *s = ctx;
	struct container_state *st = &c->state;

	if (s->error) {
		free(st->error);
		st->error = xstrdup(s->error);
		st->exit_code = s->exit_code;
		return 0;
	}
	st->status = s->status;
	st->pid = s->pid;
	st->paused = false;
	st->restarting = false;
	st->pid_start = 0;
	if (s->status == CONTAINER_RUNNING) {
		state_proc_start_time(s->pid, &st->pid_start, NULL, NULL);
		md_rfc3339_now(st->started_at, sizeof(st->started_at));
		st->finished_at[0] = '\0';
		st->exit_code = 0;
		st->oom_killed = false;
		free(st->error);
		st->error = NULL;
	} else {
		md_rfc3339_now(st->finished_at, sizeof(st->finished_at));
		st->exit_code = s->exit_code;
		st->oom_killed = s->oom_killed;
	}
	return 0;
}

int records_set_running(const char *root, const char *id, int pid, md_error *err)
{
	struct state_change s = { .status = CONTAINER_RUNNING, .pid = pid };

	return records_update(root, id, apply_state, &s, err);
}

int records_set_exited(const char *root, const char *id, int exit_code, bool oom_killed,
		       md_error *err)
{
	struct state_change s = { .status = CONTAINER_EXITED,
				  .exit_code = exit_code,
				  .oom_killed = oom_killed };

	return records_update(root, id, apply_state, &s, err);
}

int records_set_failed(const char *root, const char *id, int exit_code, const char *error,
		       md_error *err)
{
	struct state_change s = { .exit_code = exit_code, .error = error };

	return records_update(root, id, apply_state, &s, err);
}

bool records_live(const char *id)
{
	return store_live(id);
}

/* The one id that starts with prefix: 1 found, 0 none; -1 ambiguous. */
static int id_of_prefix(const char *root, const char *prefix, char buf[RECORD_ID_LEN + 1],
			md_error *err)
{
	cleanup_strv char **ids = NULL;
	int found = 0;

	if (list_ids(root, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		if (!md_str_has_prefix(ids[i], prefix))
			continue;
		if (found)
			return md_error_set(err, 0, "Multiple IDs found with provided prefix: %s",
					    prefix);
		memcpy(buf, ids[i], RECORD_ID_LEN + 1);
		found = 1;
	}
	return found;
}

int engine_container_find(const char *root, const char *what, struct container_record *out,
			  md_error *err)
{
	char id[RECORD_ID_LEN + 1];
	md_error ignored;
	int r;

	memset(out, 0, sizeof(*out));
	if (!*what)
		return md_error_set(err, ENOENT, "No such container: %s", what);
	records_boot_check(root);
	if (records_load(root, what, out, &ignored) == 0)
		return 0;
	r = id_of_name(root, what, id, err);
	if (r == 0 && *what != '/')
		r = id_of_prefix(root, what, id, err);
	if (r < 0)
		return -1;
	if (r == 0 || records_load(root, id, out, err) < 0)
		return md_error_set(err, ENOENT, "No such container: %s", what);
	return 0;
}

int engine_containers_using_image(const char *root, const char *image_id, char ***ids,
				  md_error *err)
{
	struct container_record *list;
	size_t n;

	*ids = xmalloc0(sizeof(char *));
	if (records_list(root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (list[i].image && strcmp(list[i].image, image_id) == 0)
			md_strv_push(ids, list[i].id);
	records_list_free(list, n);
	return 0;
}

int records_remove(const char *root, const char *id, md_error *err)
{
	cleanup_free char *dir = NULL, *gone = NULL;
	cleanup_close int lock = -1;

	if (!records_id_valid(id))
		return md_error_set(err, ENOENT, "No such container: %s", id);
	if (rootfs_overlay_unmount(root, id, err) < 0)
		return -1;
	lock = lock_store(root, err);
	if (lock < 0)
		return -1;
	/* Out of sight first, so that no lookup finds half a container. */
	dir = records_dir(root, id);
	gone = xasprintf("%s/containers/" REMOVING "%s", root, id);
	if (rename(dir, gone) < 0)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "rename `%s`", dir);
	return md_remove_tree(gone, err);
}
