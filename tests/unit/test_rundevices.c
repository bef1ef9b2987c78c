/* SPDX-License-Identifier: Apache-2.0 */
/* rundevices.c: --device and --device-cgroup-rule as Docker reads them,
 * and the rules `mydocker run` puts in the config. */
#include "unit.h"
#include "engine/containers/rundevices.h"
#include "runtime/cgroup-devices.h"
#include "runtime/spec.h"
#include "util/util.h"

#include <stdlib.h>

/* "host ctr perms", or the error text. */
static char *device(const char *arg)
{
	struct rundev_device d;
	md_error err;
	char *s;

	if (rundev_parse_device(arg, &d, &err) < 0)
		s = xstrdup(err.msg);
	else
		s = xasprintf("%s %s %s", d.host, d.ctr, d.perms);
	rundev_device_free(&d);
	return s;
}

#define CHECK_DEVICE(arg, want)                                                                    \
	do {                                                                                       \
		char *_s = device(arg);                                                            \
		int _ok = strcmp(_s, want) == 0;                                                   \
		if (!_ok)                                                                          \
			fprintf(stderr, "  %s -> %s\n", arg, _s);                                  \
		free(_s);                                                                          \
		CHECK(_ok);                                                                        \
	} while (0)

TEST(rundev_device_forms)
{
	CHECK_DEVICE("/dev/loop0", "/dev/loop0 /dev/loop0 rwm");
	CHECK_DEVICE("/dev/loop0:r", "/dev/loop0 /dev/loop0 r");
	CHECK_DEVICE("/dev/loop0:/dev/disk", "/dev/loop0 /dev/disk rwm");
	CHECK_DEVICE("/dev/loop0:/dev/disk:rw", "/dev/loop0 /dev/disk rw");
	/* Not a mode: a (relative) container path, refused. */
	CHECK_DEVICE("/dev/loop0:rr",
		     "invalid --device `/dev/loop0:rr`: the container path `rr` is not absolute");
	CHECK_DEVICE("/dev/loop0:/d:rx",
		     "invalid --device `/dev/loop0:/d:rx`: expected HOST[:CONTAINER][:rwm]");
	CHECK_DEVICE("/a:/b:r:w", "invalid --device `/a:/b:r:w`: expected HOST[:CONTAINER][:rwm]");
	CHECK_DEVICE(":/b", "invalid --device `:/b`: expected HOST[:CONTAINER][:rwm]");
	CHECK_DEVICE("", "invalid --device ``: expected HOST[:CONTAINER][:rwm]");
}

static const char *rule(const char *arg)
{
	static char buf[256];
	json_object *o = NULL;
	md_error err;

	if (rundev_parse_cgroup_rule(arg, &o, &err) < 0)
		return "error";
	snprintf(buf, sizeof(buf), "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return buf;
}

TEST(rundev_cgroup_rules)
{
	CHECK_STR(rule("c 1:3 rwm"),
		  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}");
	CHECK_STR(rule("b 8:* r"), "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"}");
	CHECK_STR(rule("a *:* m"), "{\"allow\":true,\"access\":\"m\"}");
	CHECK_STR(rule("x 1:3 rwm"), "error");
	CHECK_STR(rule("c 1:3"), "error");
	CHECK_STR(rule("c 1 rwm"), "error");
	CHECK_STR(rule("c -1:3 rwm"), "error");
	CHECK_STR(rule("c 1:3 rwmm"), "error");
	CHECK_STR(rule("c 1:3 rwx"), "error");
	CHECK_STR(rule("c  1:3 rwm"), "error");
	CHECK_STR(rule("c 99999999999:3 rwm"), "error");
}

/* The rules a plain `mydocker run` gets, read back by the spec parser and
 * evaluated as the device cgroup will. */
static int policy_of(bool privileged, char **rules, struct cg_dev_policy *p)
{
	json_object *c = json_object_new_object(), *lnx = json_object_new_object(),
		    *res = json_object_new_object(), *process = json_object_new_object(),
		    *args = json_object_new_array(), *root = json_object_new_object();
	struct spec *s = NULL;
	md_error err;
	int r;

	json_object_array_add(args, json_object_new_string("/bin/true"));
	json_object_object_add(process, "args", args);
	json_object_object_add(process, "cwd", json_object_new_string("/"));
	json_object_object_add(c, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(c, "process", process);
	json_object_object_add(root, "path", json_object_new_string("/"));
	json_object_object_add(c, "root", root);
	json_object_object_add(lnx, "resources", res);
	json_object_object_add(c, "linux", lnx);
	r = rundev_add(privileged, NULL, rules, lnx, res, &err);
	if (r == 0)
		r = spec_from_json(c, &s, &err);
	if (r == 0)
		cg_dev_policy_of(s->linux.resources.devices, s->linux.resources.n_devices, p);
	if (r < 0)
		fprintf(stderr, "  %s\n", err.msg);
	spec_free(s);
	json_object_put(c);
	return r;
}

TEST(rundev_docker_defaults)
{
	char rule_b7[] = "b 7:* rw";
	char *rules[] = { rule_b7, NULL };
	struct cg_dev_policy p;

	CHECK_INT(policy_of(false, NULL, &p), 0);
	CHECK(!p.allow_all);
	CHECK(cg_dev_policy_allows(&p, 'c', 1, 1, CG_DEV_MKNOD));
	CHECK(!cg_dev_policy_allows(&p, 'c', 1, 1, CG_DEV_READ));                  /* /dev/mem */
	CHECK(!cg_dev_policy_allows(&p, 'b', 8, 0, CG_DEV_READ));                  /* a disk */
	CHECK(cg_dev_policy_allows(&p, 'c', 10, 200, CG_DEV_READ | CG_DEV_WRITE)); /* tun */
	CHECK(cg_dev_policy_allows(&p, 'c', 136, 7, CG_DEV_READ | CG_DEV_WRITE));  /* a pty */
	CHECK(cg_dev_policy_allows(&p, 'c', 5, 1, CG_DEV_WRITE));                  /* console */
	cg_dev_policy_free(&p);
	CHECK_INT(policy_of(false, rules, &p), 0);
	CHECK(cg_dev_policy_allows(&p, 'b', 7, 3, CG_DEV_READ | CG_DEV_WRITE));
	CHECK(!cg_dev_policy_allows(&p, 'b', 8, 0, CG_DEV_READ));
	cg_dev_policy_free(&p);
	CHECK_INT(policy_of(true, NULL, &p), 0);
	CHECK(cg_dev_policy_allows(&p, 'b', 8, 0, CG_DEV_READ | CG_DEV_WRITE | CG_DEV_MKNOD));
	cg_dev_policy_free(&p);
}
