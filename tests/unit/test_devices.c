/* SPDX-License-Identifier: Apache-2.0 */
/* devices.c: the linux.devices parser, and the bind-mount fallback that a
 * user namespace (where mknod is refused) takes. */
#include "unit.h"
#include "runtime/devices.h"
#include "runtime/mounts-internal.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* Parse a JSON text; the error message, or "" when it parsed. */
static const char *parse(const char *text, struct dev_node **v, size_t *n)
{
	static md_error err;
	json_object *o = json_tokener_parse(text);
	int r;

	md_error_clear(&err);
	r = devices_parse(o, v, n, &err);
	json_object_put(o);
	return r == 0 ? "" : err.msg;
}

TEST(devices_parse_fields_and_defaults)
{
	struct dev_node *v = NULL;
	size_t n = 0;

	CHECK_STR(parse("[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
			"\"fileMode\":384,\"uid\":5,\"gid\":6},"
			"{\"path\":\"/dev/f\",\"type\":\"p\"}]",
			&v, &n),
		  "");
	CHECK_INT(n, 2);
	CHECK_STR(v[0].path, "/dev/fuse");
	CHECK_INT(v[0].type, 'c');
	CHECK_INT(v[0].major, 10);
	CHECK_INT(v[0].minor, 229);
	CHECK_INT(v[0].mode, 0600);
	CHECK_INT(v[0].uid, 5);
	CHECK_INT(v[0].gid, 6);
	CHECK_INT(v[1].type, 'p');
	CHECK_INT(v[1].mode, 0666);
	CHECK_INT(v[1].uid, 0);
	devices_free(v, n);
	CHECK_STR(parse("[]", &v, &n), "");
	CHECK_INT(n, 0);
	devices_free(v, n);
}

TEST(devices_parse_errors_name_the_field)
{
	struct dev_node *v = NULL;
	size_t n = 0;

	CHECK_STR(parse("{}", &v, &n), "linux.devices: expected an array");
	CHECK_STR(parse("[1]", &v, &n), "linux.devices[0]: expected an object");
	CHECK_STR(parse("[{\"type\":\"c\",\"major\":1,\"minor\":3}]", &v, &n),
		  "linux.devices[0].path: missing or not a string");
	CHECK_STR(parse("[{\"path\":\"dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]", &v, &n),
		  "linux.devices[0].path: not an absolute path: dev/x");
	CHECK_STR(
		parse("[{\"path\":\"/dev/../x\",\"type\":\"c\",\"major\":1,\"minor\":3}]", &v, &n),
		"linux.devices[0].path: \"..\" is not allowed: /dev/../x");
	CHECK_STR(parse("[{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":3}]", &v, &n),
		  "linux.devices[0].type: must be \"c\", \"b\", \"u\" or \"p\", not x");
	CHECK_STR(parse("[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":3}]", &v, &n),
		  "linux.devices[0].major: missing");
	CHECK_STR(parse("[{\"path\":\"/dev/x\",\"type\":\"b\",\"major\":-1,\"minor\":3}]", &v, &n),
		  "linux.devices[0].major: out of range: -1");
	CHECK_STR(
		parse("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":\"3\"}]", &v, &n),
		"linux.devices[0].minor: expected an integer, got \"3\"");
	CHECK_STR(parse("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,"
			"\"fileMode\":65535}]",
			&v, &n),
		  "linux.devices[0].fileMode: out of range: 65535");
}

static int write_to(const char *path, const char *s)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	return fd >= 0 && md_write_all(fd, s, strlen(s)) == 0 ? 0 : -1;
}

/* In a new user and mount namespace: mknod fails with EPERM, so the
 * nodes must come out as binds of the host's, and be the right devices.
 * Exit 0 on success, 77 when user namespaces are not available. */
static int fallback_child(const char *top)
{
	cleanup_free char *dev = xasprintf("%s/dev", top), *null = xasprintf("%s/dev/null", top);
	cleanup_free char *tty = xasprintf("%s/dev/tty", top);
	struct spec spec = { 0 };
	struct mount_ctx cx = { .spec = &spec };
	struct stat st;
	md_error err;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return 77;
	if (write_to("/proc/self/setgroups", "deny") < 0 ||
	    write_to("/proc/self/uid_map", "0 0 1") < 0 ||
	    write_to("/proc/self/gid_map", "0 0 1") < 0)
		return 77;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", dev, "tmpfs", 0, NULL) < 0)
		return 2;
	cx.rootfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	md_error_clear(&err);
	if (cx.rootfd < 0 || devices_setup(&cx, &err) < 0) {
		fprintf(stderr, "  devices_setup: %s\n", err.msg);
		return 3;
	}
	if (stat(null, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return 4;
	if (stat(tty, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 0))
		return 5;
	return 0;
}

TEST(devices_bind_fallback_in_user_namespace)
{
	char top[] = "/tmp/mddev.XXXXXX";
	cleanup_free char *dev = NULL, *cmd = NULL;
	int status = -1;
	pid_t pid;

	CHECK(mkdtemp(top));
	dev = xasprintf("%s/dev", top);
	cmd = xasprintf("rm -rf '%s'", top);
	CHECK(mkdir(dev, 0755) == 0);
	pid = fork();
	if (pid == 0)
		_exit(fallback_child(top));
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(system(cmd) == 0);
	CHECK(pid > 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "  (no user namespaces here: fallback not exercised)\n");
		return;
	}
	CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}
