/* SPDX-License-Identifier: Apache-2.0 */
/* Verbs that describe rather than run: spec, features. */
#include "cli/oci/oci.h"
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

#define JSON_OUT                                                                                   \
	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB | JSON_C_TO_STRING_NOSLASHESCAPE)

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
		.options = opts,
		.shortopts = "b:h",
		.on_flag = spec_flag,
		.self = &o,
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

static void add_name(const char *name, void *array)
{
	json_object_array_add(array, json_object_new_string(name));
}

/* A list straight from one of the parser's tables (spec.h). */
static json_object *names(void (*each)(spec_name_fn fn, void *ctx))
{
	json_object *a = json_object_new_array();

	each(add_name, a);
	return a;
}

static json_object *enabled(bool on)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	return o;
}

static json_object *linux_features(void)
{
	json_object *l = json_object_new_object(), *cg = json_object_new_object(),
		    *ext = json_object_new_object();

	json_object_object_add(l, "namespaces", names(spec_each_namespace));
	json_object_object_add(l, "capabilities", names(spec_each_cap));
	json_object_object_add(cg, "v1", json_object_new_boolean(1));
	json_object_object_add(cg, "v2", json_object_new_boolean(1));
	json_object_object_add(cg, "systemd", json_object_new_boolean(1));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
	json_object_object_add(cg, "rdma", json_object_new_boolean(0));
	json_object_object_add(l, "cgroup", cg);
	json_object_object_add(l, "seccomp", rt_seccomp_features());
	/* process.apparmorProfile and selinuxLabel are applied (an error
	 * where the host lacks that LSM); Intel RDT and idmapped mounts are
	 * not supported. */
	json_object_object_add(l, "apparmor", enabled(true));
	json_object_object_add(l, "selinux", enabled(true));
	json_object_object_add(l, "intelRdt", enabled(false));
	json_object_object_add(ext, "idmap", enabled(false));
	json_object_object_add(l, "mountExtensions", ext);
	return l;
}

int oci_features(struct oci_ctx *ctx, int argc, char **argv)
{
	json_object *f = json_object_new_object();

	(void)argc;
	(void)argv;
	(void)ctx;
	json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(f, "ociVersionMax", json_object_new_string(MD_OCI_VERSION));
	json_object_object_add(f, "hooks", names(spec_each_hook));
	json_object_object_add(f, "mountOptions", names(spec_each_mount_option));
	json_object_object_add(f, "linux", linux_features());
	puts(json_object_to_json_string_ext(f, JSON_OUT));
	json_object_put(f);
	return 0;
}
