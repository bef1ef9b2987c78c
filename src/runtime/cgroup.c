/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups behind one small interface: a container's cgroup path, and its
 * directories in every hierarchy (cgroup-detect.c finds them): planned,
 * made or joined, opened again from the state record, and removed. The
 * cgroup is made and joined in the unified hierarchy too in hybrid mode,
 * for process tracking (as runc does). Limits are cgroup-apply.c's,
 * processes cgroup-procs.c's, control files cgroup-files.c's. */
#include "runtime/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* rmdir can see EBUSY for a moment after the last task left */
#define RMDIR_TRIES 50

bool cg_name_ok(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

bool cg_path_ok(const char *path)
{
	const char *s = path;

	if (!path || path[0] != '/' || path[1] == '\0')
		return false;
	while (*s == '/') {
		const char *e = strchrnul(s + 1, '/');
		size_t len = (size_t)(e - s - 1);

		if (len == 0 || (len == 1 && s[1] == '.') ||
		    (len == 2 && s[1] == '.' && s[2] == '.'))
			return false;
		s = e;
	}
	return true;
}

/* Append rel's components to *out, dropping empty and "." ones. */
static int append_components(char **out, const char *rel)
{
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *p;

		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return -1;
		p = xasprintf("%s/%s", *out, c);
		free(*out);
		*out = p;
	}
	return 0;
}

/* "slice:prefix:name": exactly two colons and no slash. */
static bool is_systemd_style(const char *s)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	return c2 && !strchr(c2 + 1, ':') && !strchr(s, '/');
}

/* We have no systemd driver, so the slice is dropped and the unit name
 * ("prefix-name", as systemd would call the scope) is kept under /mydocker. */
static char *from_systemd_style(const char *s)
{
	const char *prefix = strchr(s, ':') + 1, *name = strchr(prefix, ':') + 1;
	cleanup_free char *unit = NULL;

	if (name - prefix > 1)
		unit = xasprintf("%.*s-%s", (int)(name - prefix - 1), prefix, name);
	else
		unit = xstrdup(name);
	if (!cg_name_ok(unit) || !cg_name_ok(name))
		return NULL;
	return xasprintf(MD_CGROUP_PARENT "/%s", unit);
}

/* cgroupsPath -> our layout:
 *   NULL or ""          -> /mydocker/<id>
 *   "foo/bar"           -> /mydocker/foo/bar (relative: under our parent)
 *   "/a/b"              -> /a/b (absolute: as given)
 *   "slice:prefix:name" -> /mydocker/prefix-name (systemd driver syntax)
 * Empty and "." components are dropped. NULL for "..", for an id that is not
 * a plain name, and for a result that is the root or /mydocker itself. */
char *cgroup_path_for(const char *cgroups_path, const char *id)
{
	cleanup_free char *out = NULL;

	if (!cgroups_path || !*cgroups_path)
		return cg_name_ok(id) ? xasprintf(MD_CGROUP_PARENT "/%s", id) : NULL;
	if (is_systemd_style(cgroups_path))
		return from_systemd_style(cgroups_path);
	out = xstrdup(cgroups_path[0] == '/' ? "" : MD_CGROUP_PARENT);
	if (append_components(&out, cgroups_path) < 0 || !*out ||
	    strcmp(out, MD_CGROUP_PARENT) == 0)
		return NULL;
	return TAKE_PTR(out);
}

static int cg_new(const char *path, struct cgroup **out, md_error *err)
{
	struct cgroup *cg;

	if (!cg_path_ok(path))
		return md_error_set(err, EINVAL, "invalid cgroup path `%s`", path ? path : "");
	/* opening the parent would let destroy kill every container */
	if (strcmp(path, MD_CGROUP_PARENT) == 0)
		return md_error_set(err, EINVAL, "refusing to use %s itself as a cgroup", path);
	cg = xmalloc0(sizeof(*cg));
	cg->path = xstrdup(path);
	if (cg_find_hierarchies(cg, err) < 0) {
		cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

/* The directories from the first component of cg->path down to the leaf,
 * in h ("/sys/fs/cgroup/memory/mydocker", ".../mydocker/ID"). */
static char **dir_chain(const struct cgroup *cg, const struct cg_hier *h)
{
	char **v = xmalloc0(sizeof(char *));

	for (const char *e = cg->path; *e;) {
		cleanup_free char *dir = NULL;

		e = strchrnul(e + 1, '/');
		dir = xasprintf("%s%.*s", h->mount, (int)(e - cg->path), cg->path);
		md_strv_push(&v, dir);
	}
	return v;
}

static void forget_made(struct cg_hier *h)
{
	h->created = false;
	md_strv_free(h->made);
	h->made = NULL;
}

/* Note dir (the i-th of chain) as ours. /mydocker is never noted: it is
 * shared by every container and stays. */
static void note_made(struct cg_hier *h, char *const *chain, size_t i)
{
	if (!chain[i + 1])
		h->created = true;
	else if (strcmp(chain[i] + strlen(h->mount), MD_CGROUP_PARENT) != 0)
		md_strv_push(&h->made, chain[i]);
}

/* A name that exists is joined, if it is a directory (a cgroup). */
static int join_existing(const char *dir, md_error *err)
{
	struct stat sb;

	if (stat(dir, &sb) < 0)
		return md_error_set(err, errno, "stat `%s`", dir);
	if (!S_ISDIR(sb.st_mode))
		return md_error_set(err, ENOTDIR, "cgroup `%s` is not a directory", dir);
	return 0;
}

/* mkdir each missing component of the path in h, noting what was made. An
 * existing leaf is joined, as runc and crun do: a cgroup made by a pod, a
 * slice or an admin, whose limits stay unless the config sets others. */
static int make_dirs(struct cgroup *cg, struct cg_hier *h, md_error *err)
{
	cleanup_strv char **chain = NULL;

	forget_made(h);
	/* Usually the parents exist: one mkdir then. */
	if (mkdir(h->dir, 0755) == 0) {
		h->created = true;
		return 0;
	}
	if (errno == EEXIST)
		return join_existing(h->dir, err);
	if (errno != ENOENT)
		return md_error_set(err, errno, "mkdir `%s`", h->dir);
	chain = dir_chain(cg, h);
	for (size_t i = 0; chain[i]; i++) {
		if (mkdir(chain[i], 0755) == 0)
			note_made(h, chain, i);
		else if (errno != EEXIST)
			return md_error_set(err, errno, "mkdir `%s`", chain[i]);
		else if (!chain[i + 1])
			return join_existing(chain[i], err);
	}
	return 0;
}

/* What make_dirs would make in h: the components missing now. */
static void plan_dirs(struct cgroup *cg, struct cg_hier *h)
{
	cleanup_strv char **chain = NULL;
	bool missing = false;

	forget_made(h);
	if (access(h->dir, F_OK) == 0)
		return;
	chain = dir_chain(cg, h);
	for (size_t i = 0; chain[i]; i++) {
		/* below a missing directory, everything is missing */
		missing = missing || access(chain[i], F_OK) < 0;
		if (missing)
			note_made(h, chain, i);
	}
}

/* The parents we made, innermost first. One that another container still
 * uses (a pod's) is busy and stays: it is not empty, so not ours alone. */
static void remove_made_parents(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cg_hier *h = &cg->hiers[i];

		for (size_t j = md_strv_len(h->made); j > 0; j--)
			rmdir(h->made[j - 1]);
	}
}

static void undo_create(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hiers; i++)
		if (cg->hiers[i].created)
			rmdir(cg->hiers[i].dir);
	remove_made_parents(cg);
}

int cgroup_plan(const char *path, struct cgroup **out, md_error *err)
{
	if (cg_new(path, out, err) < 0)
		return -1;
	for (size_t i = 0; i < (*out)->n_hiers; i++)
		plan_dirs(*out, &(*out)->hiers[i]);
	return 0;
}

int cgroup_make(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	/* a failure must undo only what this call made, not what was planned */
	for (size_t i = 0; i < cg->n_hiers; i++)
		forget_made(&cg->hiers[i]);
	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (make_dirs(cg, &cg->hiers[i], err) < 0)
			goto fail;
	}
	if (cg_setup(cg, res, err) < 0)
		goto fail;
	return 0;
fail:
	undo_create(cg);
	return -1;
}

/* Without a record (an older state file, the engine's sweep) the leaf is
 * ours wherever it exists: before joining existed, we made every one. */
int cgroup_open(const char *path, struct cgroup **out, md_error *err)
{
	struct cgroup *cg;
	bool found = false;

	if (cg_new(path, &cg, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		cg->hiers[i].created = true;
		found = found || access(cg->hiers[i].dir, F_OK) == 0;
	}
	if (found) {
		*out = cg;
		return 0;
	}
	cgroup_free(cg);
	return md_error_set(err, ENOENT, "cgroup %s does not exist", path);
}

char **cgroup_owned_dirs(const struct cgroup *cg)
{
	char **v = xmalloc0(sizeof(char *));

	for (size_t i = 0; i < cg->n_hiers; i++) {
		const struct cg_hier *h = &cg->hiers[i];

		for (size_t j = 0; h->made && h->made[j]; j++)
			md_strv_push(&v, h->made[j]);
		if (h->created)
			md_strv_push(&v, h->dir);
	}
	return v;
}

/* A recorded directory is ours if it is the leaf or one of its parents
 * (below /mydocker) in a hierarchy mounted now; anything else (a hierarchy
 * since unmounted, an edited record) is left alone. */
static void claim_dir(struct cgroup *cg, const char *dir)
{
	for (size_t i = 0; i < cg->n_hiers; i++) {
		struct cg_hier *h = &cg->hiers[i];
		size_t ml = strlen(h->mount), rl;
		const char *rel = dir + ml;

		if (strncmp(dir, h->mount, ml) != 0 || rel[0] != '/')
			continue;
		if (strcmp(rel, cg->path) == 0) {
			h->created = true;
			return;
		}
		rl = strlen(rel);
		if (strncmp(cg->path, rel, rl) == 0 && cg->path[rl] == '/' &&
		    strcmp(rel, MD_CGROUP_PARENT) != 0) {
			md_strv_push(&h->made, dir);
			return;
		}
	}
}

int cgroup_open_owned(const char *path, char *const *owned, struct cgroup **out, md_error *err)
{
	if (!owned)
		return cgroup_open(path, out, err);
	if (cg_new(path, out, err) < 0)
		return -1;
	for (size_t i = 0; owned[i]; i++)
		claim_dir(*out, owned[i]);
	return 0;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *res, md_error *err)
{
	if (!res)
		return 0;
	return cg_setup(cg, res, err);
}

static int rmdir_retry(const char *dir, md_error *err)
{
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || i == RMDIR_TRIES)
			return md_error_set(err, errno, "rmdir `%s`", dir);
		md_sleep_ms(10);
	}
}

/* Nested cgroups first, then dir; only directories, which cgroupfs lets
 * rmdir remove along with their control files. */
static int remove_tree(const char *dir, md_error *err)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : md_error_set(err, errno, "opendir `%s`", dir);
	while ((e = readdir(d))) {
		cleanup_free char *sub = NULL;

		if (e->d_type != DT_DIR || !cg_name_ok(e->d_name))
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if (remove_tree(sub, err) < 0)
			return -1;
	}
	return rmdir_retry(dir, err);
}

/* The common case after a container's init was reaped: every leaf is
 * ours, empty and has no children, so a plain rmdir each is enough. */
static bool remove_leaves_fast(struct cgroup *cg)
{
	bool all = true;

	for (size_t i = 0; i < cg->n_hiers; i++) {
		if (!cg->hiers[i].created)
			all = false; /* joined: what runs in it must still die */
		else if (rmdir(cg->hiers[i].dir) < 0 && errno != ENOENT)
			all = false;
	}
	return all;
}

int cgroup_destroy(struct cgroup *cg, md_error *err)
{
	if (!remove_leaves_fast(cg)) {
		if (cg_kill_and_wait(cg, err) < 0)
			return -1;
		for (size_t i = 0; i < cg->n_hiers; i++)
			if (cg->hiers[i].created && remove_tree(cg->hiers[i].dir, err) < 0)
				return md_error_prefix(err, "remove cgroup %s", cg->path);
	}
	remove_made_parents(cg);
	return 0;
}

const char *cgroup_get_path(const struct cgroup *cg)
{
	return cg->path;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hiers; i++) {
		free(cg->hiers[i].mount);
		free(cg->hiers[i].dir);
		md_strv_free(cg->hiers[i].controllers);
		md_strv_free(cg->hiers[i].made);
	}
	free(cg->hiers);
	free(cg->path);
	free(cg);
}
