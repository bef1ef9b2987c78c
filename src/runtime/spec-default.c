/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/spec-default.h"
#include "util/cleanup.h"

#include <string.h>

static json_object *strings(const char *const *v)
{
	json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static json_object *mount_obj(const char *dest, const char *type, const char *src,
			      const char *const *opts)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "destination", json_object_new_string(dest));
	json_object_object_add(m, "type", json_object_new_string(type));
	json_object_object_add(m, "source", json_object_new_string(src));
	if (opts)
		json_object_object_add(m, "options", strings(opts));
	return m;
}

static json_object *default_caps(void)
{
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					    NULL };
	static const char *const sets[] = { "bounding", "effective", "permitted", NULL };
	json_object *c = json_object_new_object();

	for (size_t i = 0; sets[i]; i++)
		json_object_object_add(c, sets[i], strings(caps));
	return c;
}

static json_object *process_obj(void)
{
	static const char *const args[] = { "sh", NULL };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		NULL
	};
	json_object *p = json_object_new_object(), *u = json_object_new_object(),
		    *rl = json_object_new_object(), *rls = json_object_new_array();

	json_object_object_add(p, "terminal", json_object_new_boolean(1));
	json_object_object_add(u, "uid", json_object_new_int(0));
	json_object_object_add(u, "gid", json_object_new_int(0));
	json_object_object_add(p, "user", u);
	json_object_object_add(p, "args", strings(args));
	json_object_object_add(p, "env", strings(env));
	json_object_object_add(p, "cwd", json_object_new_string("/"));
	json_object_object_add(p, "capabilities", default_caps());
	json_object_object_add(rl, "type", json_object_new_string("RLIMIT_NOFILE"));
	json_object_object_add(rl, "hard", json_object_new_int(1024));
	json_object_object_add(rl, "soft", json_object_new_int(1024));
	json_object_array_add(rls, rl);
	json_object_object_add(p, "rlimits", rls);
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(1));
	return p;
}

json_object *spec_default_mounts(bool rootless)
{
	static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
					   NULL };
	static const char *const pts[] = { "nosuid",    "noexec", "newinstance", "ptmxmode=0666",
					   "mode=0620", "gid=5",  NULL };
	static const char *const pts_rootless[] = { "nosuid",        "noexec",    "newinstance",
						    "ptmxmode=0666", "mode=0620", NULL };
	static const char *const shm[] = { "nosuid",    "noexec",      "nodev",
					   "mode=1777", "size=65536k", NULL };
	static const char *const mq[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const sys_bind[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
	json_object *a = json_object_new_array();

	json_object_array_add(a, mount_obj("/proc", "proc", "proc", NULL));
	json_object_array_add(a, mount_obj("/dev", "tmpfs", "tmpfs", dev));
	json_object_array_add(
		a, mount_obj("/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts));
	json_object_array_add(a, mount_obj("/dev/shm", "tmpfs", "shm", shm));
	json_object_array_add(a, mount_obj("/dev/mqueue", "mqueue", "mqueue", mq));
	if (rootless) {
		json_object_array_add(a, mount_obj("/sys", "none", "/sys", sys_bind));
	} else {
		json_object_array_add(a, mount_obj("/sys", "sysfs", "sysfs", sys));
		json_object_array_add(a, mount_obj("/sys/fs/cgroup", "cgroup", "cgroup", cg));
	}
	return a;
}

static json_object *namespaces_array(bool rootless)
{
	static const char *const root_ns[] = { "pid",   "network", "ipc", "uts",
					       "mount", "cgroup",  NULL };
	static const char *const user_ns[] = {
		"pid", "ipc", "uts", "mount", "cgroup", "user", NULL
	};
	json_object *a = json_object_new_array();

	for (const char *const *n = rootless ? user_ns : root_ns; *n; n++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string(*n));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *id_map(unsigned host_id)
{
	json_object *a = json_object_new_array(), *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host_id));
	json_object_object_add(m, "size", json_object_new_int(1));
	json_object_array_add(a, m);
	return a;
}

json_object *spec_default_masked_paths(void)
{
	static const char *const masked[] = { "/proc/acpi",
					      "/proc/asound",
					      "/proc/kcore",
					      "/proc/keys",
					      "/proc/latency_stats",
					      "/proc/timer_list",
					      "/proc/timer_stats",
					      "/proc/sched_debug",
					      "/sys/firmware",
					      "/proc/scsi",
					      NULL };

	return strings(masked);
}

json_object *spec_default_readonly_paths(void)
{
	static const char *const readonly[] = { "/proc/bus",           "/proc/fs",
						"/proc/irq",           "/proc/sys",
						"/proc/sysrq-trigger", NULL };

	return strings(readonly);
}

static json_object *linux_obj(bool rootless, unsigned uid, unsigned gid)
{
	json_object *l = json_object_new_object();

	if (rootless) {
		json_object_object_add(l, "uidMappings", id_map(uid));
		json_object_object_add(l, "gidMappings", id_map(gid));
	} else {
		json_object *res = json_object_new_object(), *devs = json_object_new_array(),
			    *deny = json_object_new_object();

		json_object_object_add(deny, "allow", json_object_new_boolean(0));
		json_object_object_add(deny, "access", json_object_new_string("rwm"));
		json_object_array_add(devs, deny);
		json_object_object_add(res, "devices", devs);
		json_object_object_add(l, "resources", res);
	}
	json_object_object_add(l, "namespaces", namespaces_array(rootless));
	json_object_object_add(l, "maskedPaths", spec_default_masked_paths());
	json_object_object_add(l, "readonlyPaths", spec_default_readonly_paths());
	return l;
}

json_object *spec_default_json(bool rootless, unsigned uid, unsigned gid)
{
	json_object *c = json_object_new_object(), *root = json_object_new_object();

	json_object_object_add(c, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(c, "process", process_obj());
	json_object_object_add(root, "path", json_object_new_string("rootfs"));
	json_object_object_add(root, "readonly", json_object_new_boolean(1));
	json_object_object_add(c, "root", root);
	json_object_object_add(c, "hostname", json_object_new_string("mydocker"));
	json_object_object_add(c, "mounts", spec_default_mounts(rootless));
	json_object_object_add(c, "linux", linux_obj(rootless, uid, gid));
	return c;
}
