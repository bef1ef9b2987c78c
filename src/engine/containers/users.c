/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/users.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Split one line of a colon file into at most max fields, in place. */
static size_t split_line(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static bool parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Call fn on every well-formed line of a colon file until it returns true. */
static bool each_line(const char *text, size_t nfields, bool (*fn)(char **f, void *ctx), void *ctx)
{
	cleanup_free char *copy = xstrdup(text ? text : "");
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8];

		if (line[0] == '#' || split_line(line, f, nfields) < nfields)
			continue;
		if (fn(f, ctx))
			return true;
	}
	return false;
}

struct pw_query {
	const char *name; /* or NULL to match by uid */
	uint32_t uid;
	struct run_user *u;
	char *name_buf;
};

static bool match_passwd(char **f, void *ctx)
{
	struct pw_query *q = ctx;
	uint32_t uid, gid;

	if (!parse_id(f[2], &uid) || !parse_id(f[3], &gid))
		return false;
	if (q->name ? strcmp(f[0], q->name) != 0 : uid != q->uid)
		return false;
	q->u->uid = uid;
	q->u->gid = gid;
	q->u->home = xstrdup(f[5]);
	q->name_buf = xstrdup(f[0]);
	return true;
}

struct gr_query {
	const char *name; /* group name to find, or NULL */
	uint32_t gid;
	bool found;
	const char *member; /* collect groups listing this user */
	struct run_user *u;
};

static void add_group(struct run_user *u, uint32_t gid)
{
	for (size_t i = 0; i < u->n_groups; i++)
		if (u->groups[i] == gid)
			return;
	u->groups = xrealloc(u->groups, (u->n_groups + 1) * sizeof(uint32_t));
	u->groups[u->n_groups++] = gid;
}

static bool match_group(char **f, void *ctx)
{
	struct gr_query *q = ctx;
	uint32_t gid;
	char *save = NULL;

	if (!parse_id(f[2], &gid))
		return false;
	if (q->name) {
		if (strcmp(f[0], q->name) != 0)
			return false;
		q->gid = gid;
		q->found = true;
		return true;
	}
	for (char *m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, q->member) == 0)
			add_group(q->u, gid);
	return false;
}

static int resolve_user(const char *user, const char *passwd, struct run_user *u, char **name,
			md_error *err)
{
	struct pw_query q = { .u = u };
	bool numeric = parse_id(user, &q.uid);

	q.name = numeric ? NULL : user;
	if (each_line(passwd, 7, match_passwd, &q)) {
		*name = q.name_buf;
		return 0;
	}
	if (!numeric)
		return md_error_set(err, 0,
				    "unable to find user %s: no matching entries "
				    "in passwd file",
				    user);
	u->uid = q.uid; /* an unknown numeric uid is fine, with gid 0 */
	u->gid = 0;
	return 0;
}

static int resolve_group(const char *group, const char *gtext, struct run_user *u, md_error *err)
{
	struct gr_query q = { .name = group };

	if (parse_id(group, &u->gid))
		return 0;
	each_line(gtext, 4, match_group, &q);
	if (!q.found)
		return md_error_set(err, 0,
				    "unable to find group %s: no matching entries "
				    "in group file",
				    group);
	u->gid = q.gid;
	return 0;
}

int users_resolve(const char *spec, const char *passwd, const char *group, struct run_user *out,
		  md_error *err)
{
	cleanup_free char *user = xstrdup(spec), *name = NULL;
	char *colon = strchr(user, ':');

	memset(out, 0, sizeof(*out));
	if (colon)
		*colon = '\0';
	if (!*user || (colon && !colon[1]))
		return md_error_set(err, EINVAL, "invalid user `%s`", spec);
	if (resolve_user(user, passwd, out, &name, err) < 0 ||
	    (colon && resolve_group(colon + 1, group, out, err) < 0)) {
		users_free(out);
		return -1;
	}
	if (name) {
		struct gr_query q = { .member = name, .u = out };
		each_line(group, 4, match_group, &q);
	}
	return 0;
}

/* ROOT/PATH's text, looked up inside root: an image's /etc/passwd that is
 * a symlink leads nowhere outside it. NULL when missing or unreadable. */
static char *read_in_root(int rootfd, const char *path)
{
	cleanup_close int fd = md_open_in_root(rootfd, path, O_RDONLY, MD_NO_CREATE, NULL);
	char proc[64], *text = NULL;

	if (fd < 0 || md_read_file(md_fd_path(fd, proc, sizeof(proc)), &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

int users_resolve_in(const char *root, const char *spec, struct run_user *out, md_error *err)
{
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_free char *pw = NULL, *gr = NULL;

	if (rootfd < 0)
		return md_error_set(err, errno, "open `%s`", root);
	/* Missing files are like empty ones: numeric ids still work. */
	pw = read_in_root(rootfd, "/etc/passwd");
	gr = read_in_root(rootfd, "/etc/group");
	return users_resolve(spec, pw, gr, out, err);
}

void users_free(struct run_user *u)
{
	free(u->groups);
	free(u->home);
	u->groups = NULL;
	u->home = NULL;
	u->n_groups = 0;
}
