/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/commit.h"
#include "engine/containers/records.h"
#include "engine/images/store.h"
#include "engine/images/tarball.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel copies one page of mount data. */
#define MOUNT_DATA_MAX 4096

/* Files the engine puts in every container (bind-mounted over its own):
 * not the container's changes. */
static const char *const engine_files[] = { "etc/hostname", "etc/hosts", "etc/resolv.conf" };

/* The Config members that commit carries into the image, as Docker's. */
static const char *const config_members[] = { "Env",  "Cmd",    "Entrypoint", "WorkingDir",
					      "User", "Labels", "StopSignal" };

static char **commit_excludes(const struct container_record *c)
{
	char **out = NULL;
	size_t n = c->mounts ? json_object_array_length(c->mounts) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(engine_files); i++)
		md_strv_push(&out, engine_files[i]);
	for (size_t i = 0; i < n; i++) {
		const char *dst =
			md_json_string(json_object_array_get_idx(c->mounts, i), "Destination");

		if (dst)
			md_strv_push(&out, dst);
	}
	return out;
}

/* The container's Config members that an image keeps. */
static json_object *commit_config(const char *root, const struct container_record *c)
{
	cleanup_json json_object *inspect = container_inspect_json(root, c);
	json_object *config = md_json_member_of(inspect, "Config", json_type_object);
	json_object *out = json_object_new_object();

	for (size_t i = 0; config && i < ARRAY_SIZE(config_members); i++) {
		json_object *v = NULL;

		if (json_object_object_get_ex(config, config_members[i], &v))
			json_object_object_add(out, config_members[i], json_object_get(v));
	}
	return out;
}

/* What ran, for the history entry: Path and Args. */
static char *created_by(const struct container_record *c)
{
	char *s = xstrdup(c->path ? c->path : "");

	for (char **a = c->args; a && *a; a++) {
		char *old = s;

		s = xasprintf("%s %s", old, *a);
		free(old);
	}
	return s;
}

int engine_commit(const char *root, const char *what, const struct image_new_opts *o,
		  char out_id[BLOB_DIGEST_MAX], md_error *err)
{
	struct container_record c = { 0 };
	struct image_store *s = NULL;
	cleanup_free char *upper = NULL, *by = NULL;
	cleanup_strv char **exclude = NULL;
	cleanup_json json_object *config = NULL;
	int r = -1;

	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	upper = records_path(root, c.id, "upper");
	exclude = commit_excludes(&c);
	config = commit_config(root, &c);
	by = created_by(&c);
	s = image_store_open(root, err);
	if (s) {
		const struct image_commit_source src = {
			.image = c.image,
			.upper = upper,
			.exclude = exclude,
			.config = config,
			.created_by = by,
		};

		r = image_commit(s, &src, o, out_id, err);
		image_store_close(s);
	}
	records_free(&c);
	return r;
}

/* The layers of the container's image, highest first, relative to
 * ROOT/layers, under its upper dir: the read-only overlay's lowerdir. */
static int export_mount_data(const char *root, const struct container_record *c, char *buf,
			     md_error *err)
{
	cleanup_free char *layers_dir = xasprintf("%s/layers/", root);
	struct image_store *s = image_store_open(root, err);
	struct image_info info = { 0 };
	cleanup_strv char **dirs = NULL;
	size_t len, n;

	if (!s)
		return -1;
	if (image_store_find(s, c->image, &info, err) == 0)
		dirs = image_store_layer_dirs(s, &info, err);
	image_info_free(&info);
	image_store_close(s);
	if (!dirs)
		return -1;
	len = (size_t)snprintf(buf, MOUNT_DATA_MAX, "lowerdir=../containers/%s/upper", c->id);
	n = md_strv_len(dirs);
	for (size_t i = n; i > 0 && len < MOUNT_DATA_MAX; i--) {
		const char *d = dirs[i - 1];

		if (md_str_has_prefix(d, layers_dir))
			d += strlen(layers_dir);
		len += (size_t)snprintf(buf + len, MOUNT_DATA_MAX - len, ":%s", d);
	}
	if (len >= MOUNT_DATA_MAX)
		return md_error_set(err, E2BIG, "%zu layers are too many for one overlay mount", n);
	if (n == 0)
		return md_error_set(err, 0, "image %s has no layers", c->image);
	return 0;
}

struct export_job {
	const char *root;
	char *target; /* ROOT/containers/ID/rootfs */
	char data[MOUNT_DATA_MAX];
	int out;
};

/* In the child: a mount namespace of its own, where the overlay goes. */
static int export_child(struct export_job *j, md_error *err)
{
	cleanup_free char *layers_dir = xasprintf("%s/layers", j->root);

	signal(SIGPIPE, SIG_IGN); /* a closed reader: EPIPE, said as an error */
	if (unshare(CLONE_NEWNS) < 0)
		return md_error_set(err, errno, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return md_error_set(err, errno, "make the mounts private");
	if (chdir(layers_dir) < 0)
		return md_error_set(err, errno, "chdir `%s`", layers_dir);
	if (mount("overlay", j->target, "overlay", MS_RDONLY, j->data) < 0)
		return md_error_set(err, errno, "mount the container's filesystem");
	return tarball_write_fd(j->target, NULL, j->out, err);
}

/* Run export_child in a child that dies with us; its error comes back
 * through a pipe. */
static int run_export_child(struct export_job *j, md_error *err)
{
	int fds[2], status;
	md_error cerr = { 0 };
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return md_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return md_error_set(err, errno, "fork");
	}
	if (pid == 0) {
		close(fds[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
			_exit(1);
		if (export_child(j, &cerr) == 0)
			_exit(0);
		md_write_all(fds[1], (const char *)&cerr, sizeof(cerr));
		_exit(1);
	}
	close(fds[1]);
	do
		n = read(fds[0], &cerr, sizeof(cerr));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(cerr)) {
		*err = cerr;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return md_error_set(err, 0, "the export process failed (status 0x%x)", status);
	return 0;
}

int engine_export(const char *root, const char *what, int out, md_error *err)
{
	struct container_record c = { 0 };
	struct export_job j = { .root = root, .out = out };
	int r;

	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	r = export_mount_data(root, &c, j.data, err);
	if (r == 0) {
		j.target = records_path(root, c.id, "rootfs");
		r = run_export_child(&j, err);
		free(j.target);
	}
	records_free(&c);
	return r;
}
