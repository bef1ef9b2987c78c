/* SPDX-License-Identifier: Apache-2.0 */
/* engine_copy: a child of ours, in a mount namespace of its own, puts
 * the container's filesystem together (its rootfs overlay, its volumes
 * and binds, its /etc files) and copies; Docker's rules decide where
 * (copy-plan.c), tars carry the files (copy-tar.c, copy-untar.c). */
#include "engine/containers/copy.h"
#include "engine/containers/copy-internal.h"
#include "engine/containers/records.h"
#include "engine/containers/rootfs.h"
#include "engine/containers/run-internal.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Docker follows a destination that is a symlink this many times. */
#define DST_LINKS_MAX 10

/* The /etc files the engine binds in every container (etcfiles.c). */
static const char *const etc_files[] = { "hostname", "hosts", "resolv.conf" };

struct copy_job {
	const struct copy_request *r;
	const struct container_record *c;
	int rootfd; /* the container's root, in the child */
	int hostfd; /* the host's "/" */
};

/* ---- the container's filesystem, in the child ---- */

/* The rootfs is mounted while the container runs; else mount it here. */
static int mount_rootfs(const struct copy_job *j, const char *rootfs, md_error *err)
{
	cleanup_free char *parent = xasprintf("%s/..", rootfs);
	cleanup_strv char **layers = NULL;
	struct image_info img;
	struct stat a, b;
	int r;

	if (stat(rootfs, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev)
		return 0;
	r = run_image_layers(j->r->root, j->c->image, &img, &layers, err);
	image_info_free(&img);
	if (r < 0)
		return -1;
	return rootfs_overlay_mount(j->r->root, j->c->id, layers, err);
}

/* source bound on target when the container's filesystem has it (what
 * it lacks, the container never had mounted either). */
static int bind_one(int rootfd, const char *source, const char *target, bool ro, md_error *err)
{
	md_error none;
	cleanup_close int at = md_open_in_root(rootfd, target, O_PATH, MD_NO_CREATE, &none);
	cleanup_close int top = -1;
	char path[32];

	if (at < 0 || access(source, F_OK) < 0)
		return 0;
	if (mount(source, md_fd_path(at, path, sizeof(path)), NULL, MS_BIND | MS_REC, NULL) < 0)
		return md_error_set(err, errno, "bind `%s` on `%s`", source, target);
	if (!ro)
		return 0;
	/* Looked up again: the path now leads to the new mount's root. */
	top = md_open_in_root(rootfd, target, O_PATH, MD_NO_CREATE, err);
	if (top < 0 || mount(NULL, md_fd_path(top, path, sizeof(path)), NULL,
			     MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return md_error_set(err, errno, "make `%s` read-only", target);
	return 0;
}

/* Its /etc files, then its volumes and binds (record's Mounts, in order). */
static int bind_mounts(const struct copy_job *j, md_error *err)
{
	json_object *mounts = j->c->mounts;
	size_t n = mounts ? json_object_array_length(mounts) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
		cleanup_free char *src = records_path(j->r->root, j->c->id, etc_files[i]);
		cleanup_free char *dst = xasprintf("/etc/%s", etc_files[i]);

		if (bind_one(j->rootfd, src, dst, false, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(mounts, i), *rw = NULL;
		const char *type = md_json_string(m, "Type"), *src = md_json_string(m, "Source");
		const char *dst = md_json_string(m, "Destination");

		if (!type || !src || !dst || (strcmp(type, "bind") && strcmp(type, "volume")))
			continue;
		json_object_object_get_ex(m, "RW", &rw);
		if (bind_one(j->rootfd, src, dst, rw && !json_object_get_boolean(rw), err) < 0)
			return -1;
	}
	return 0;
}

/* ---- destinations ---- */

/* Docker's words for a path the container lacks. */
static int not_found(const struct copy_job *j, const char *path, md_error *err)
{
	if (err->errnum != ENOENT)
		return -1;
	return md_error_set(err, ENOENT, "Could not find the file %s in container %s", path,
			    j->r->container);
}

/* p's path becomes path, cleaned; what its end asserted stays. */
static void copy_path_reset(struct copy_path *p, const char *path)
{
	struct copy_path q;

	copy_path_parse(path, &q);
	free(p->clean);
	p->clean = q.clean;
}

/* The destination: whether it exists and is a directory. One that is a
 * symlink is read as its target (a relative one from the link's
 * directory), as Docker does, so that a file replaces the target. */
static int dst_stat(int rootfd, struct copy_path *dst, bool *exists, bool *is_dir, md_error *err)
{
	for (int i = 0; i < DST_LINKS_MAX; i++) {
		cleanup_close int fd =
			md_open_in_root(rootfd, dst->clean, O_PATH | O_NOFOLLOW, MD_NO_CREATE, err);
		cleanup_free char *dir = NULL, *next = NULL;
		char target[PATH_MAX];
		struct stat st;
		ssize_t n;

		*exists = *is_dir = false;
		if (fd < 0)
			return err->errnum == ENOENT ? 0 : -1;
		if (fstat(fd, &st) < 0)
			return md_error_set(err, errno, "stat `%s`", dst->clean);
		*exists = true;
		*is_dir = S_ISDIR(st.st_mode);
		if (!S_ISLNK(st.st_mode))
			return 0;
		n = readlinkat(fd, "", target, sizeof(target) - 1);
		if (n < 0)
			return md_error_set(err, errno, "read the link `%s`", dst->clean);
		target[n] = '\0';
		dir = copy_path_dir(dst->clean);
		next = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", dir, target);
		copy_path_reset(dst, next);
	}
	return md_error_set(err, ELOOP, "`%s`: too many levels of symbolic links", dst->clean);
}

/* A host path as Docker's client takes it: relative to the working
 * directory, its trailing "/" or "/." kept. */
static void host_path(const char *path, struct copy_path *out)
{
	char cwd[PATH_MAX];
	cleanup_free char *abs = NULL;

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		abs = xasprintf("%s/%s", cwd, path);
	copy_path_parse(abs ? abs : path, out);
}

/* ---- out: container -> host ---- */

static int copy_out_host(const struct copy_job *j, const struct copy_source *s, md_error *err)
{
	struct copy_path dst;
	cleanup_free char *dir = NULL, *from = NULL, *to = NULL, *parent = NULL;
	struct stat st;
	bool exists, is_dir;
	int r = -1;

	host_path(j->r->host, &dst);
	if (dst_stat(j->hostfd, &dst, &exists, &is_dir, err) < 0)
		goto out;
	parent = copy_path_dir(dst.clean);
	if (!exists && (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))) {
		md_error_set(err, 0, "invalid output path: directory \"%s\" does not exist",
			     parent);
		goto out;
	}
	if (copy_plan(s->name, S_ISDIR(s->st.st_mode), &dst, exists, is_dir, &dir, &from, &to,
		      err) == 0) {
		struct copy_extract x = { .rootfd = j->hostfd,
					  .dir = dir,
					  .confine = true,
					  .rebase_from = from,
					  .rebase_to = to,
					  .owner = COPY_OWNER_CALLER };

		r = copy_tar_pipe(s, &x, err);
	}
out:
	copy_path_free(&dst);
	return r;
}

static int copy_out(const struct copy_job *j, md_error *err)
{
	struct copy_path src;
	struct copy_source s = { .fd = -1 };
	int r;

	copy_path_parse(j->r->path, &src);
	r = copy_source_find(j->rootfd, &src, j->r->follow, &s, err);
	if (r < 0)
		r = not_found(j, j->r->path, err);
	else if (!strcmp(j->r->host, "-"))
		r = copy_tar_write(&s, j->r->out_fd, err);
	else
		r = copy_out_host(j, &s, err);
	copy_source_free(&s);
	copy_path_free(&src);
	return r;
}

/* ---- in: host -> container ---- */

/* The directory the tar goes into must be there (Docker's daemon). */
static int check_extraction_point(const struct copy_job *j, const char *dir, md_error *err)
{
	cleanup_close int fd =
		md_open_in_root(j->rootfd, dir, O_PATH | O_DIRECTORY, MD_NO_CREATE, err);

	if (fd >= 0)
		return 0;
	if (err->errnum == ENOTDIR)
		return md_error_set(err, 0, "extraction point is not a directory");
	return not_found(j, dir, err);
}

static int copy_in_file(const struct copy_job *j, const struct copy_path *dst, bool exists,
			bool is_dir, struct copy_extract *x, md_error *err)
{
	struct copy_path src;
	struct copy_source s = { .fd = -1 };
	cleanup_free char *dir = NULL, *from = NULL, *to = NULL;
	int r;

	host_path(j->r->host, &src);
	r = copy_source_find(j->hostfd, &src, j->r->follow, &s, err);
	if (r < 0 && err->errnum == ENOENT)
		md_error_set(err, ENOENT, "lstat %s: no such file or directory", src.clean);
	if (r == 0)
		r = copy_plan(s.name, S_ISDIR(s.st.st_mode), dst, exists, is_dir, &dir, &from, &to,
			      err);
	if (r == 0)
		r = check_extraction_point(j, dir, err);
	if (r == 0) {
		x->dir = dir;
		x->rebase_from = from;
		x->rebase_to = to;
		r = copy_tar_pipe(&s, x, err);
	}
	copy_source_free(&s);
	copy_path_free(&src);
	return r;
}

static int copy_in(const struct copy_job *j, md_error *err)
{
	struct copy_extract x = { .rootfd = j->rootfd,
				  .owner = j->r->archive ? COPY_OWNER_TAR : COPY_OWNER_ROOT };
	struct copy_path dst;
	bool exists, is_dir;
	int r;

	copy_path_parse(j->r->path, &dst);
	r = dst_stat(j->rootfd, &dst, &exists, &is_dir, err);
	if (r == 0 && strcmp(j->r->host, "-") != 0) {
		r = copy_in_file(j, &dst, exists, is_dir, &x, err);
	} else if (r == 0 && !is_dir) {
		r = md_error_set(err, 0, "destination \"%s:%s\" must be a directory",
				 j->r->container, j->r->path);
	} else if (r == 0) {
		x.dir = dst.clean;
		r = copy_tar_extract(j->r->in_fd, &x, err);
	}
	copy_path_free(&dst);
	return r;
}

/* ---- the child ---- */

/* A mount namespace of our own: whatever is mounted here goes with us. */
static int child_main(struct copy_job *j, md_error *err)
{
	cleanup_free char *rootfs = records_path(j->r->root, j->c->id, "rootfs");
	cleanup_close int rootfd = -1, hostfd = -1;

	signal(SIGPIPE, SIG_IGN); /* a reader gone: EPIPE, said as an error */
	if (unshare(CLONE_NEWNS) < 0)
		return md_error_set(err, errno, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return md_error_set(err, errno, "make the mounts private");
	if (mount_rootfs(j, rootfs, err) < 0)
		return -1;
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	hostfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || hostfd < 0)
		return md_error_set(err, errno, "open `%s`", rootfs);
	j->rootfd = rootfd;
	j->hostfd = hostfd;
	if (bind_mounts(j, err) < 0)
		return -1;
	return j->r->to_container ? copy_in(j, err) : copy_out(j, err);
}

/* Run child_main in a child that dies with us; its error comes back
 * through a pipe (one write, smaller than PIPE_BUF). */
static int run_child(struct copy_job *j, md_error *err)
{
	md_error cerr = { 0 };
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return md_error_set(err, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
			_exit(1);
		if (child_main(j, &cerr) == 0)
			_exit(0);
		md_write_all(fds[1], (const char *)&cerr, sizeof(cerr));
		_exit(1);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return md_error_set(err, errno, "fork");
	}
	while ((n = read(fds[0], &cerr, sizeof(cerr))) < 0 && errno == EINTR)
		;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(cerr)) {
		*err = cerr;
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return md_error_set(err, 0, "the copy process failed (status 0x%x)", status);
	return 0;
}

static bool readonly_rootfs(const struct container_record *c)
{
	json_object *v = NULL;

	return c->host_config && json_object_object_get_ex(c->host_config, "ReadonlyRootfs", &v) &&
	       json_object_get_boolean(v);
}

int engine_copy(const struct copy_request *r, md_error *err)
{
	struct container_record c = { 0 };
	struct copy_job j = { .r = r, .c = &c, .rootfd = -1, .hostfd = -1 };
	int ret;

	if (engine_container_find(r->root, r->container, &c, err) < 0)
		return -1;
	if (r->to_container && readonly_rootfs(&c))
		ret = md_error_set(err, 0, "container rootfs is marked read-only");
	else
		ret = run_child(&j, err);
	/* Only a volume or bind mounted ro is read-only here (Docker's words). */
	if (ret < 0 && r->to_container && err->errnum == EROFS)
		md_error_set(err, 0, "mounted volume is marked read-only");
	records_free(&c);
	return ret;
}
