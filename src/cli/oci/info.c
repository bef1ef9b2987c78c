/* Verbs that describe rather than run: spec, features. */
#include "oci.h"
#include "runtime/seccomp.h"
#include "runtime/spec-default.h"
#include "runtime/spec.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSON_OUT (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | \
		  JSON_C_TO_STRING_NOSLASHESCAPE)

struct spec_opts {
	const char *bundle;
	bool rootless;
};

static int spec_flag(void *self, int c, const char *arg, md_error *err)
{
	struct spec_opts *o = self;

	if (c == 'b')
		o->bundle = arg;
	else if (c == 'r')
		o->rootless = true;
	return 0;
}

int oci_spec(struct oci_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct spec_opts o = { .bundle = "." };
	struct oci_flags f = {
		.usage = "Usage: mydocker-runtime spec [--bundle DIR] [--rootless]\n"
			 "Write a starter config.json into the bundle (default: .).\n",
		.options = opts, .shortopts = "b:h", .on_flag = spec_flag, .self = &o,
	};
	cleanup_free char *path = NULL;
	json_object *cfg;
	const char *text;
	md_error err;
	int r;

	md_error_clear(&err);
	r = oci_parse_flags(&f, argc, argv, &err);
	if (r)
		return r > 0 ? 0 : (cli_fail(&ctx->log, &err), 1);
	path = xasprintf("%s/config.json", o.bundle);
	if (access(path, F_OK) == 0) {
		md_error_set(&err, EEXIST, "spec: `%s` already exists", path);
		return cli_fail(&ctx->log, &err), 1;
	}
	cfg = spec_default_json(o.rootless, getuid(), getgid());
	text = json_object_to_json_string_ext(cfg, JSON_OUT);
	r = md_write_file_atomic(path, text, strlen(text), 0644, &err);
	json_object_put(cfg);
	if (r < 0)
		return cli_fail(&ctx->log, &err), 1;
	return 0;
}

static json_object *str_list(const char *const *v)
{
	json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static json_object *cap_list(void)
{
	json_object *a = json_object_new_array();
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
		"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
		"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
		"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
		"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
		"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE", NULL };

	for (const char *const *n = names; *n; n++)
		if (spec_cap_number(*n) >= 0)
			json_object_array_add(a, json_object_new_string(*n));
	return a;
}

static json_object *linux_features(void)
{
	static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "uts", NULL };
	json_object *l = json_object_new_object(), *cg = json_object_new_object(),
		    *off = json_object_new_object();

	json_object_object_add(l, "namespaces", str_list(ns));
	json_object_object_add(l, "capabilities", cap_list());
	json_object_object_add(cg, "v1", json_object_new_boolean(1));
	json_object_object_add(cg, "v2", json_object_new_boolean(1));
	json_object_object_add(cg, "systemd", json_object_new_boolean(0));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
	json_object_object_add(cg, "rdma", json_object_new_boolean(0));
	json_object_object_add(l, "cgroup", cg);
	json_object_object_add(off, "enabled", json_object_new_boolean(0));
	json_object_object_add(l, "seccomp", rt_seccomp_features());
	json_object_object_add(l, "apparmor", off);
	json_object_object_add(l, "selinux", json_object_get(off));
	json_object_object_add(l, "intelRdt", json_object_get(off));
	return l;
}

int oci_features(struct oci_ctx *ctx, int argc, char **argv)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop", NULL };
	static const char *const mount_opts[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
		"mand", "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime",
		"nostrictatime", "nosuid", "private", "rbind", "relatime", "remount", "ro",
		"rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave",
		"strictatime", "suid", "sync", "tmpcopyup", "unbindable", NULL };
	json_object *f = json_object_new_object();

	(void)argc;
	(void)argv;
	(void)ctx;
	json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(f, "ociVersionMax", json_object_new_string(MD_OCI_VERSION));
	json_object_object_add(f, "hooks", str_list(hooks));
	json_object_object_add(f, "mountOptions", str_list(mount_opts));
	json_object_object_add(f, "linux", linux_features());
	puts(json_object_to_json_string_ext(f, JSON_OUT));
	json_object_put(f);
	return 0;
}
