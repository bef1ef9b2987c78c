/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/userns.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "0 100000 65536\n..." for a uid_map or gid_map file; NULL if n is 0. */
static char *userns_map_text(const struct spec_id_mapping *m, size_t n)
{
	size_t cap = n * 36 + 1, used = 0;
	char *buf;

	if (n == 0)
		return NULL;
	buf = xmalloc0(cap);
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, cap - used, "%u %u %u\n", m[i].container_id,
					 m[i].host_id, m[i].size);
	return buf;
}

/* The kernel takes a map in one write(2) only. */
static int write_map(pid_t pid, const char *file, const char *text, md_error *err)
{
	char path[64];
	cleanup_close int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return md_error_set(err, errno, "open %s", path);
	if (write(fd, text, len) != (ssize_t)len)
		return md_error_set(err, errno, "write %s", path);
	return 0;
}

int userns_write_maps(pid_t pid, const struct spec *s, md_error *err)
{
	const struct spec_linux *l = &s->linux;
	cleanup_free char *uids = userns_map_text(l->uid_mappings, l->n_uid_mappings);
	cleanup_free char *gids = userns_map_text(l->gid_mappings, l->n_gid_mappings);

	if (!uids || !gids)
		return md_error_set(err, EINVAL,
				    "a new user namespace needs linux.uidMappings "
				    "and linux.gidMappings");
	if (write_map(pid, "uid_map", uids, err) < 0)
		return md_error_prefix(err, "linux.uidMappings");
	if (write_map(pid, "gid_map", gids, NULL) == 0)
		return 0;
	/* Without CAP_SETGID over our own namespace (an unprivileged caller
	 * mapping itself) the kernel wants setgroups denied first. */
	if (write_map(pid, "setgroups", "deny", err) < 0 ||
	    write_map(pid, "gid_map", gids, err) < 0)
		return md_error_prefix(err, "linux.gidMappings");
	return 0;
}

bool userns_setgroups_allowed(void)
{
	char buf[16] = "";
	cleanup_close int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		return true; /* no such file: no user namespaces at all */
	return strncmp(buf, "deny", 4) != 0;
}

int userns_become_root(md_error *err)
{
	if (userns_setgroups_allowed() && setgroups(0, NULL) < 0)
		return md_error_set(err, errno, "setgroups in the user namespace");
	/* EINVAL: 0 is not mapped; stay who we are, the config's user
	 * switch decides later. */
	if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
		return md_error_set(err, errno, "setgid 0 in the user namespace");
	if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
		return md_error_set(err, errno, "setuid 0 in the user namespace");
	return 0;
}

/* True when we run inside a user namespace that does not map the whole
 * uid range 1:1 (`unshare -r`, rootless podman): we are not the host's
 * root, whatever our uid says. */
static bool userns_nested(void)
{
	char buf[128] = "";
	unsigned a, b, n;
	cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return false;
	if (sscanf(buf, "%u %u %u", &a, &b, &n) != 3)
		return true;
	return !(a == 0 && b == 0 && n == 4294967295U);
}

bool userns_rootless(void)
{
	return geteuid() != 0 || userns_nested();
}
