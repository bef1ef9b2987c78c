/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/rundevices.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Docker's allow-list: mknod of anything (the rules still guard its use),
 * the default devices, the console, the ptys and tun. */
static const struct {
	char type;
	int major, minor; /* -1: any */
} docker_allows[] = {
	{ 'c', -1, -1 }, { 'b', -1, -1 }, { 'c', 1, 3 },    { 'c', 1, 5 },
	{ 'c', 1, 7 },   { 'c', 1, 8 },   { 'c', 1, 9 },    { 'c', 5, 0 },
	{ 'c', 5, 1 },   { 'c', 5, 2 },   { 'c', 136, -1 }, { 'c', 10, 200 },
};

static json_object *rule(bool allow, char type, long long major, long long minor,
			 const char *access)
{
	json_object *o = json_object_new_object();
	char t[2] = { type, '\0' };

	json_object_object_add(o, "allow", json_object_new_boolean(allow));
	if (type != 'a')
		json_object_object_add(o, "type", json_object_new_string(t));
	if (major >= 0)
		json_object_object_add(o, "major", json_object_new_int64(major));
	if (minor >= 0)
		json_object_object_add(o, "minor", json_object_new_int64(minor));
	json_object_object_add(o, "access", json_object_new_string(access));
	return o;
}

/* r, w and m, each at most once (Docker's ValidDeviceMode). */
static bool valid_mode(const char *s)
{
	bool seen[3] = { false, false, false };

	if (!*s)
		return false;
	for (; *s; s++) {
		const char *at = strchr("rwm", *s);

		if (!at || seen[at - "rwm"])
			return false;
		seen[at - "rwm"] = true;
	}
	return true;
}

int rundev_parse_device(const char *arg, struct rundev_device *d, md_error *err)
{
	char *second, *third = NULL;

	memset(d, 0, sizeof(*d));
	d->buf = xstrdup(arg);
	d->host = d->ctr = d->buf;
	d->perms = "rwm";
	second = strchr(d->buf, ':');
	if (second) {
		*second++ = '\0';
		third = strchr(second, ':');
	}
	if (third) {
		*third++ = '\0';
		if (strchr(third, ':'))
			goto bad;
		d->perms = third;
	}
	if (second && !third && valid_mode(second))
		d->perms = second;
	else if (second)
		d->ctr = second;
	if (!*d->host || !*d->ctr || !valid_mode(d->perms))
		goto bad;
	if (d->ctr[0] != '/')
		return md_error_set(err, 0,
				    "invalid --device `%s`: the container path `%s` "
				    "is not absolute",
				    arg, d->ctr);
	return 0;
bad:
	return md_error_set(err, 0, "invalid --device `%s`: expected HOST[:CONTAINER][:rwm]", arg);
}

void rundev_device_free(struct rundev_device *d)
{
	free(d->buf);
	d->buf = NULL;
}

/* "*" or a number that fits a device number. */
static bool parse_number(const char *s, long long *v)
{
	char *end;

	if (strcmp(s, "*") == 0) {
		*v = -1;
		return true;
	}
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !*end && errno == 0 && *v <= 0xffffffffLL;
}

int rundev_parse_cgroup_rule(const char *arg, json_object **out, md_error *err)
{
	cleanup_free char *s = xstrdup(arg);
	char *numbers, *access, *minor;
	long long maj, min;

	numbers = strchr(s, ' ');
	access = numbers ? strchr(numbers + 1, ' ') : NULL;
	if (!access || s + 1 != numbers || !strchr("abc", s[0]))
		goto bad;
	*numbers++ = '\0';
	*access++ = '\0';
	minor = strchr(numbers, ':');
	if (!minor)
		goto bad;
	*minor++ = '\0';
	if (!parse_number(numbers, &maj) || !parse_number(minor, &min) || !valid_mode(access))
		goto bad;
	*out = rule(true, s[0], maj, min, access);
	return 0;
bad:
	return md_error_set(err, 0,
			    "invalid --device-cgroup-rule `%s`: expected "
			    "\"TYPE MAJOR:MINOR ACCESS\", e.g. \"c 1:3 rwm\"",
			    arg);
}

static void add_node(json_object *nodes, json_object *rules, const char *ctr, const struct stat *st,
		     const char *perms)
{
	char type = S_ISBLK(st->st_mode) ? 'b' : 'c';
	json_object *n = json_object_new_object();
	char t[2] = { type, '\0' };

	json_object_object_add(n, "path", json_object_new_string(ctr));
	json_object_object_add(n, "type", json_object_new_string(t));
	json_object_object_add(n, "major", json_object_new_int64(major(st->st_rdev)));
	json_object_object_add(n, "minor", json_object_new_int64(minor(st->st_rdev)));
	json_object_object_add(n, "fileMode", json_object_new_int(st->st_mode & 07777));
	json_object_object_add(n, "uid", json_object_new_int64(st->st_uid));
	json_object_object_add(n, "gid", json_object_new_int64(st->st_gid));
	json_object_array_add(nodes, n);
	json_object_array_add(rules,
			      rule(true, type, major(st->st_rdev), minor(st->st_rdev), perms));
}

/* A host device, or every device below a host directory (as Docker does
 * for --device /dev/snd), at the same place below ctr. */
static int add_host_path(json_object *nodes, json_object *rules, const char *host, const char *ctr,
			 const char *perms, int depth, md_error *err)
{
	struct stat st;
	cleanup_dir DIR *d = NULL;
	struct dirent *e;

	if (stat(host, &st) < 0)
		return md_error_set(err, errno, "--device %s", host);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		add_node(nodes, rules, ctr, &st, perms);
		return 0;
	}
	if (!S_ISDIR(st.st_mode) || depth > 8)
		return md_error_set(err, 0, "--device %s: not a device node", host);
	d = opendir(host);
	if (!d)
		return md_error_set(err, errno, "--device %s", host);
	while ((e = readdir(d))) {
		cleanup_free char *h = NULL, *c = NULL;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		h = xasprintf("%s/%s", host, e->d_name);
		c = xasprintf("%s/%s", ctr, e->d_name);
		if (stat(h, &st) < 0 ||
		    !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISDIR(st.st_mode)))
			continue;
		if (add_host_path(nodes, rules, h, c, perms, depth + 1, err) < 0)
			return -1;
	}
	return 0;
}

static void default_rules(bool privileged, json_object *rules)
{
	if (privileged) {
		json_object_array_add(rules, rule(true, 'a', -1, -1, "rwm"));
		return;
	}
	json_object_array_add(rules, rule(false, 'a', -1, -1, "rwm"));
	for (size_t i = 0; i < ARRAY_SIZE(docker_allows); i++)
		json_object_array_add(rules, rule(true, docker_allows[i].type,
						  docker_allows[i].major, docker_allows[i].minor,
						  docker_allows[i].major < 0 ? "m" : "rwm"));
}

int rundev_add(bool privileged, char *const *devices, char *const *cgroup_rules, json_object *lnx,
	       json_object *res, md_error *err)
{
	json_object *nodes = json_object_new_array(), *rules = json_object_new_array();
	int r = 0;

	json_object_object_add(lnx, "devices", nodes);
	json_object_object_add(res, "devices", rules);
	default_rules(privileged, rules);
	for (size_t i = 0; r == 0 && devices && devices[i]; i++) {
		struct rundev_device d;

		r = rundev_parse_device(devices[i], &d, err);
		if (r == 0)
			r = add_host_path(nodes, rules, d.host, d.ctr, d.perms, 0, err);
		rundev_device_free(&d);
	}
	for (size_t i = 0; r == 0 && cgroup_rules && cgroup_rules[i]; i++) {
		json_object *one;

		r = rundev_parse_cgroup_rule(cgroup_rules[i], &one, err);
		if (r == 0)
			json_object_array_add(rules, one);
	}
	return r;
}
