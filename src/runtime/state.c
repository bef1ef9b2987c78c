/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"
#include "runtime/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_JSON "state.json"
#define CONFIG_JSON "config.json"
#define LOCK_FILE "lock"
#define FIFO_FILE "exec.fifo"
#define OCI_VERSION "1.2.0"

static const char *const status_names[] = {
	[RT_STATUS_CREATING] = "creating", [RT_STATUS_CREATED] = "created",
	[RT_STATUS_RUNNING] = "running",   [RT_STATUS_PAUSED] = "paused",
	[RT_STATUS_STOPPED] = "stopped",
};

const char *rt_status_name(enum rt_status s)
{
	if ((size_t)s < ARRAY_SIZE(status_names))
		return status_names[s];
	return "unknown";
}

struct rt_state *state_new(const char *id)
{
	struct rt_state *st = xmalloc0(sizeof(*st));

	st->id = xstrdup(id);
	st->owner = xstrdup("");
	st->oci_version = xstrdup(OCI_VERSION);
	return st;
}

void state_free(struct rt_state *st)
{
	if (!st)
		return;
	free(st->id);
	free(st->oci_version);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	if (st->annotations)
		json_object_put(st->annotations);
	free(st->cgroup_path);
	md_strv_free(st->cgroup_owned);
	free(st->systemd_unit);
	free(st->status);
	free(st);
}

int state_check_id(const char *id, md_error *err)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return md_error_set(err, EINVAL, "invalid container id `%s`", id ? id : "");
	if (strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		       "0123456789_+-.") != n)
		return md_error_set(err, EINVAL,
				    "invalid container id `%s`: use letters, "
				    "digits and _+-.",
				    id);
	return 0;
}

char *state_dir(const char *root, const char *id)
{
	return xasprintf("%s/%s", root, id);
}

char *state_file(const char *root, const char *id, const char *name)
{
	return xasprintf("%s/%s/%s", root, id, name);
}

static int lock_file(const char *path, int *lock_fd, md_error *err)
{
	cleanup_close int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return md_error_set(err, errno, "open lock `%s`", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return md_error_set(err, errno, "lock `%s`", path);
	*lock_fd = TAKE_FD(fd);
	return 0;
}

int state_create_dir(const char *root, const char *id, int *lock_fd, md_error *err)
{
	cleanup_free char *dir = NULL, *lock = NULL;

	if (state_check_id(id, err) < 0)
		return -1;
	if (md_mkdir_p(root, 0700, err) < 0)
		return -1;
	dir = state_dir(root, id);
	/* mkdir is the atomic claim of the id between concurrent creates. */
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return md_error_set(err, EEXIST, "container with id `%s` already exists",
					    id);
		return md_error_set(err, errno, "mkdir `%s`", dir);
	}
	lock = state_file(root, id, LOCK_FILE);
	if (lock_file(lock, lock_fd, err) < 0) {
		rmdir(dir);
		return -1;
	}
	return 0;
}

/* A valid id whose directory exists under root; ENOENT "container `ID`
 * does not exist" when it is not there. */
static int check_exists(const char *root, const char *id, md_error *err)
{
	cleanup_free char *dir = NULL;
	struct stat sb;

	if (state_check_id(id, err) < 0)
		return -1;
	dir = state_dir(root, id);
	if (stat(dir, &sb) == 0)
		return 0;
	if (errno == ENOENT)
		return md_error_set(err, ENOENT, "container `%s` does not exist", id);
	return md_error_set(err, errno, "container `%s`", id);
}

int state_lock(const char *root, const char *id, int *lock_fd, md_error *err)
{
	cleanup_free char *lock = NULL;

	if (check_exists(root, id, err) < 0)
		return -1;
	lock = state_file(root, id, LOCK_FILE);
	return lock_file(lock, lock_fd, err);
}

int state_make_fifo(const char *root, const char *id, char **path, md_error *err)
{
	cleanup_free char *p = state_file(root, id, FIFO_FILE);

	if (mkfifo(p, 0622) < 0)
		return md_error_set(err, errno, "mkfifo `%s`", p);
	/* mkfifo obeys the umask: set the mode we need explicitly. */
	if (chmod(p, 0622) < 0) {
		int e = errno;
		unlink(p);
		return md_error_set(err, e, "chmod `%s`", p);
	}
	*path = TAKE_PTR(p);
	return 0;
}

/* ---- state.json ---- */

static void put_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

static json_object *annotations_copy(const struct rt_state *st)
{
	json_object *copy = NULL;

	if (!st->annotations || json_object_deep_copy(st->annotations, &copy, NULL) < 0)
		return json_object_new_object();
	return copy;
}

static json_object *strv_json(char *const *v)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static json_object *state_to_json(const struct rt_state *st)
{
	json_object *o = json_object_new_object();

	put_str(o, "id", st->id);
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(o, "startTime", json_object_new_uint64(st->start_time));
	put_str(o, "ociVersion", st->oci_version);
	put_str(o, "bundle", st->bundle);
	put_str(o, "rootfs", st->rootfs);
	put_str(o, "created", st->created);
	put_str(o, "owner", st->owner);
	json_object_object_add(o, "annotations", annotations_copy(st));
	put_str(o, "cgroupPath", st->cgroup_path);
	if (st->cgroup_owned)
		json_object_object_add(o, "cgroupOwned", strv_json(st->cgroup_owned));
	if (st->systemd_unit)
		put_str(o, "systemdUnit", st->systemd_unit);
	put_str(o, "status", st->status);
	return o;
}

static char *get_str(json_object *o, const char *key)
{
	return xstrdup(md_json_string(o, key));
}

static int state_from_json(json_object *o, struct rt_state *st, md_error *err)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object))
		return md_error_set(err, EINVAL, "state of `%s` is not a JSON object", st->id);
	if (json_object_object_get_ex(o, "pid", &v))
		st->pid = (pid_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "startTime", &v))
		st->start_time = json_object_get_uint64(v);
	free(st->oci_version);
	st->oci_version = get_str(o, "ociVersion");
	st->bundle = get_str(o, "bundle");
	st->rootfs = get_str(o, "rootfs");
	st->created = get_str(o, "created");
	free(st->owner);
	st->owner = get_str(o, "owner");
	st->cgroup_path = get_str(o, "cgroupPath");
	st->cgroup_owned = md_json_strv(o, "cgroupOwned");
	st->systemd_unit = get_str(o, "systemdUnit");
	st->status = get_str(o, "status");
	if (json_object_object_get_ex(o, "annotations", &v) &&
	    json_object_is_type(v, json_type_object))
		st->annotations = json_object_get(v);
	if (st->pid < 0)
		return md_error_set(err, EINVAL, "state of `%s`: bad pid", st->id);
	return 0;
}

int state_save(const char *root, const struct rt_state *st, md_error *err)
{
	cleanup_json json_object *o = state_to_json(st);
	cleanup_free char *path = state_file(root, st->id, STATE_JSON);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	return md_write_file_atomic(path, text, strlen(text), 0600, err);
}

int state_save_config(const char *root, const char *id, const char *config_json, md_error *err)
{
	cleanup_free char *path = state_file(root, id, CONFIG_JSON);

	return md_write_file_atomic(path, config_json, strlen(config_json), 0600, err);
}

/* A dir without state.json, or with the record create writes before it
 * makes the cgroup: create is at work, or died half-way. */
static void status_from_lock(const char *root, struct rt_state *st)
{
	cleanup_free char *lock = state_file(root, st->id, LOCK_FILE);
	cleanup_close int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool held = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;

	free(st->status);
	st->status = xstrdup(held ? "creating" : "stopped");
}

int state_load(const char *root, const char *id, struct rt_state **out, md_error *err)
{
	cleanup_free char *path = NULL, *text = NULL;
	cleanup_json json_object *o = NULL;
	struct rt_state *st;
	md_error rerr;

	if (check_exists(root, id, err) < 0)
		return -1;
	st = state_new(id);
	path = state_file(root, id, STATE_JSON);
	if (md_read_file(path, &text, NULL, &rerr) < 0) {
		if (rerr.errnum != ENOENT) {
			state_free(st);
			if (err)
				*err = rerr;
			return -1;
		}
		status_from_lock(root, st);
		*out = st;
		return 0;
	}
	o = json_tokener_parse(text);
	if (!o) {
		state_free(st);
		return md_error_set(err, EINVAL, "state of `%s` is not valid JSON", id);
	}
	if (state_from_json(o, st, err) < 0) {
		state_free(st);
		return -1;
	}
	if (st->pid <= 0 && st->status && strcmp(st->status, "creating") == 0)
		status_from_lock(root, st);
	*out = st;
	return 0;
}

/* Only files live in the dir; anything else is not ours to remove. */
int state_delete(const char *root, const char *id, md_error *err)
{
	cleanup_free char *dir = NULL;

	if (state_check_id(id, err) < 0)
		return -1;
	dir = state_dir(root, id);
	return md_remove_dir_files(dir, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_state_file(int root_fd, const char *id)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/" STATE_JSON, id);
	return faccessat(root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int state_list(const char *root, char ***ids, md_error *err)
{
	cleanup_dir DIR *d = opendir(root);
	char **v = xmalloc0(sizeof(char *));
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT) {
			*ids = v;
			return 0;
		}
		free(v);
		return md_error_set(err, errno, "open `%s`", root);
	}
	while ((e = readdir(d))) {
		/* a caller's own dot-directory (a cache) is no container */
		if (e->d_name[0] == '.' && !has_state_file(dirfd(d), e->d_name))
			continue;
		if (e->d_type == DT_DIR && state_check_id(e->d_name, NULL) == 0)
			md_strv_push(&v, e->d_name);
	}
	qsort(v, md_strv_len(v), sizeof(char *), cmp_str);
	*ids = v;
	return 0;
}

/* ---- status ---- */

int state_proc_start_time(pid_t pid, unsigned long long *start, bool *zombie, md_error *err)
{
	char path[64];
	cleanup_free char *text = NULL;
	char *p, state;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (md_read_file(path, &text, NULL, err) < 0)
		return -1;
	/* The command name (field 2) may hold spaces and parentheses: start
	 * after its last ')'. Then field 3 is the state. */
	p = strrchr(text, ')');
	if (!p || sscanf(p + 1, " %c", &state) != 1)
		return md_error_set(err, EINVAL, "cannot parse %s", path);
	p += 2;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", start) != 1)
		return md_error_set(err, EINVAL, "cannot parse %s", path);
	if (zombie)
		*zombie = state == 'Z' || state == 'X' || state == 'x';
	return 0;
}

bool state_init_alive(const struct rt_state *st)
{
	unsigned long long start;
	bool zombie;

	if (st->pid <= 0)
		return false;
	if (state_proc_start_time(st->pid, &start, &zombie, NULL) < 0)
		return false;
	return !zombie && start == st->start_time;
}

static bool cgroup_frozen(const char *path)
{
	struct cgroup *cg = NULL;
	int r;

	if (!path || !*path || cgroup_open(path, &cg, NULL) < 0)
		return false;
	r = cgroup_is_frozen(cg, NULL);
	cgroup_free(cg);
	return r == 1;
}

enum rt_status state_status(const char *root, const struct rt_state *st)
{
	cleanup_free char *fifo = NULL;

	if (st->pid <= 0)
		return st->status && strcmp(st->status, "stopped") == 0 ? RT_STATUS_STOPPED
									: RT_STATUS_CREATING;
	if (!state_init_alive(st))
		return RT_STATUS_STOPPED;
	if (st->status && strcmp(st->status, "creating") == 0)
		return RT_STATUS_CREATING;
	fifo = state_file(root, st->id, FIFO_FILE);
	if (access(fifo, F_OK) == 0)
		return RT_STATUS_CREATED;
	if (cgroup_frozen(st->cgroup_path))
		return RT_STATUS_PAUSED;
	return RT_STATUS_RUNNING;
}

json_object *state_oci_json(const struct rt_state *st, enum rt_status status)
{
	json_object *o = json_object_new_object();
	pid_t pid = status == RT_STATUS_STOPPED ? 0 : st->pid;

	put_str(o, "ociVersion", st->oci_version ? st->oci_version : OCI_VERSION);
	put_str(o, "id", st->id);
	put_str(o, "status", rt_status_name(status));
	json_object_object_add(o, "pid", json_object_new_int64(pid));
	put_str(o, "bundle", st->bundle);
	put_str(o, "rootfs", st->rootfs);
	put_str(o, "created", st->created);
	put_str(o, "owner", st->owner);
	json_object_object_add(o, "annotations", annotations_copy(st));
	return o;
}

char *state_now_rfc3339(void)
{
	char buf[64];

	md_rfc3339_now(buf, sizeof(buf));
	return xstrdup(buf);
}
