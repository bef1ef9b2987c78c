/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/sysctl.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/util.h"
#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/vfs.h>
#include <unistd.h>

static const char *const ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static int namespace_of(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return CLONE_NEWIPC;
	if (md_str_has_prefix(key, "fs.mqueue."))
		return CLONE_NEWIPC;
	if (md_str_has_prefix(key, "net."))
		return CLONE_NEWNET;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return CLONE_NEWUTS;
	return 0;
}

int sysctl_validate(const struct spec *s, md_error *err)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++) {
		const char *key = s->linux.sysctl[i].key;
		int ns = namespace_of(key);

		if (strstr(key, "..") || strchr(key, '/'))
			return md_error_set(err, 0, "sysctl `%s`: invalid name", key);
		if (!ns)
			return md_error_set(err, EPERM,
					    "sysctl `%s` is not in a separate kernel "
					    "namespace: it would change the host",
					    key);
		if (!ns_plan_has(s, ns))
			return md_error_set(err, EPERM,
					    "sysctl `%s` needs a namespace of the "
					    "container's own",
					    key);
	}
	return 0;
}

static int write_one(int sysfd, const char *key, const char *value, md_error *err)
{
	cleanup_free char *rel = xstrdup(key);

	/* net.ipv4.ip_forward -> net/ipv4/ip_forward */
	for (char *p = rel; *p; p++)
		if (*p == '.')
			*p = '/';
	if (md_write_file_at(sysfd, rel, value, err) < 0)
		return md_error_prefix(err, "sysctl %s", key);
	return 0;
}

int sysctl_apply(const struct spec *s, md_error *err)
{
	cleanup_close int sysfd = -1;

	if (s->linux.n_sysctl == 0)
		return 0;
	if (sysctl_validate(s, err) < 0)
		return -1;
	sysfd = md_open_procfs("/proc/sys", O_DIRECTORY | O_RDONLY, err);
	if (sysfd < 0)
		return -1;
	for (size_t i = 0; i < s->linux.n_sysctl; i++)
		if (write_one(sysfd, s->linux.sysctl[i].key, s->linux.sysctl[i].value, err) < 0)
			return -1;
	return 0;
}

int personality_apply(const struct spec *s, md_error *err)
{
	json_object *p = s->linux.personality, *flags;
	unsigned long persona;
	const char *domain;

	if (!p)
		return 0;
	domain = md_json_string(p, "domain");
	if (!domain)
		return md_error_set(err, 0, "config: linux.personality.domain: expected a string");
	if (strcmp(domain, "LINUX") == 0)
		persona = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		persona = PER_LINUX32;
	else
		return md_error_set(err, 0, "config: linux.personality.domain: unknown `%s`",
				    domain);
	flags = md_json_member_of(p, "flags", json_type_array);
	if (flags && json_object_array_length(flags) > 0)
		return md_error_set(err, 0, "config: linux.personality.flags: not supported");
	if (personality(persona) < 0)
		return md_error_set(err, errno, "personality %s", domain);
	return 0;
}
