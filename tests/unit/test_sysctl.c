/* SPDX-License-Identifier: Apache-2.0 */
/* Which sysctls a container may set. */
#include "unit.h"

#include "runtime/spec.h"
#include "runtime/sysctl.h"

static struct spec *with_sysctl(const char *key, const char *namespaces)
{
	char text[1024];
	struct spec *s = NULL;
	md_error err;

	snprintf(text, sizeof(text),
		 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{"
		 "\"namespaces\":[%s],\"sysctl\":{\"%s\":\"1\"}}}",
		 namespaces, key);
	if (spec_from_string(text, &s, &err) < 0)
		return NULL;
	return s;
}

static int validate(const char *key, const char *namespaces)
{
	struct spec *s = with_sysctl(key, namespaces);
	md_error err;
	int r;

	if (!s)
		return -2;
	r = sysctl_validate(s, &err);
	spec_free(s);
	return r;
}

TEST(sysctl_namespaced_only)
{
	CHECK_INT(validate("kernel.shmmax", "{\"type\":\"ipc\"}"), 0);
	CHECK_INT(validate("fs.mqueue.msg_max", "{\"type\":\"ipc\"}"), 0);
	CHECK_INT(validate("net.ipv4.ip_forward", "{\"type\":\"network\"}"), 0);
	CHECK_INT(validate("kernel.hostname", "{\"type\":\"uts\"}"), 0);
	CHECK_INT(validate("kernel.shmmax", "{\"type\":\"network\"}"), -1);
	CHECK_INT(validate("net.ipv4.ip_forward", "{\"type\":\"ipc\"}"), -1);
	CHECK_INT(validate("vm.swappiness", "{\"type\":\"ipc\"},{\"type\":\"network\"}"), -1);
	CHECK_INT(validate("kernel.panic", "{\"type\":\"uts\"}"), -1);
	CHECK_INT(validate("net.ipv4/../../x", "{\"type\":\"network\"}"), -1);
}
