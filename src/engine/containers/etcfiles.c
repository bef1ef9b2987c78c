/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/etcfiles.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#define HOST_RESOLV_CONF "/etc/resolv.conf"

static const char *const etc_files[] = { "hostname", "hosts", "resolv.conf" };

char *etc_hosts_text(const char *hostname)
{
	return xasprintf("127.0.0.1\tlocalhost\n"
			 "::1\tlocalhost ip6-localhost ip6-loopback\n"
			 "fe00::0\tip6-localnet\n"
			 "ff00::0\tip6-mcastprefix\n"
			 "ff02::1\tip6-allnodes\n"
			 "ff02::2\tip6-allrouters\n"
			 "127.0.1.1\t%s\n",
			 hostname);
}

/* The address of a "nameserver ADDR" line, or NULL for another line. */
static char *nameserver_of(const char *line)
{
	const char *p = line;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "nameserver", 10) != 0 || !isspace((unsigned char)p[10]))
		return NULL;
	p += 10;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t\r#;");
	return strndup(p, n);
}

static bool loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

char *etc_resolv_text(const char *host)
{
	cleanup_free char *copy = xstrdup(host ? host : "");
	char *out = xstrdup(""), *save = NULL, *tmp;
	bool any = false;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cleanup_free char *ns = nameserver_of(line);

		if (ns && loopback(ns))
			continue;
		any |= ns != NULL;
		tmp = xasprintf("%s%s\n", out, line);
		free(out);
		out = tmp;
	}
	if (any)
		return out;
	tmp = xasprintf("%snameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	free(out);
	return tmp;
}

static int write_one(const char *root, const char *id, const char *name, const char *text,
		     md_error *err)
{
	cleanup_free char *path = records_path(root, id, name);

	return md_write_file_atomic(path, text, strlen(text), 0644, err);
}

int etc_files_write(const char *root, const char *id, const char *hostname, md_error *err)
{
	cleanup_free char *host_resolv = NULL, *name = xasprintf("%s\n", hostname);
	cleanup_free char *hosts = etc_hosts_text(hostname), *resolv = NULL;

	if (md_read_file(HOST_RESOLV_CONF, &host_resolv, NULL, NULL) < 0)
		host_resolv = NULL;
	resolv = etc_resolv_text(host_resolv);
	if (write_one(root, id, etc_files[0], name, err) < 0 ||
	    write_one(root, id, etc_files[1], hosts, err) < 0 ||
	    write_one(root, id, etc_files[2], resolv, err) < 0)
		return -1;
	return 0;
}

json_object *etc_files_mounts(const char *root, const char *id, bool readonly)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
		cleanup_free char *src = records_path(root, id, etc_files[i]);
		cleanup_free char *dst = xasprintf("/etc/%s", etc_files[i]);
		json_object *m = json_object_new_object(), *opts = json_object_new_array();

		json_object_array_add(opts, json_object_new_string("rbind"));
		json_object_array_add(opts, json_object_new_string("rprivate"));
		if (readonly)
			json_object_array_add(opts, json_object_new_string("ro"));
		json_object_object_add(m, "destination", json_object_new_string(dst));
		json_object_object_add(m, "type", json_object_new_string("bind"));
		json_object_object_add(m, "source", json_object_new_string(src));
		json_object_object_add(m, "options", opts);
		json_object_array_add(a, m);
	}
	return a;
}
