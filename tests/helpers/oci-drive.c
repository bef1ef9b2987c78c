/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for the runtime CLI in tests: load BUNDLE/config.json and run
 * it through the core (create, start, wait, destroy) with our stdio.
 * Exits with the container's status, or 125 after printing the error.
 * Usage: oci-drive BUNDLE */
#include "runtime/runtime.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fail(const md_error *err)
{
	char buf[1200];

	fprintf(stderr, "oci-drive: %s\n", md_error_text(err, buf, sizeof(buf)));
	return 125;
}

/* Until the container's side of the pty is closed (EIO). */
static void copy_console(int master)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
}

int main(int argc, char **argv)
{
	struct rt_create_opts o = { .stdio = { 0, 1, 2 } };
	struct rt_container *c = NULL;
	struct spec *spec = NULL;
	char id[33], *config;
	md_error err;
	int status = -1;

	md_error_clear(&err);
	if (argc != 2) {
		fprintf(stderr, "usage: oci-drive BUNDLE\n");
		return 2;
	}
	config = xasprintf("%s/config.json", argv[1]);
	if (md_random_hex(id, 16, &err) < 0 || spec_load_file(config, &spec, &err) < 0)
		return fail(&err);
	free(config);
	o.id = id;
	o.bundle = argv[1];
	if (rt_create(spec, &o, &c, &err) == 0) {
		if (rt_start(c, &err) == 0) {
			if (c->console_master >= 0)
				copy_console(c->console_master);
			if (rt_wait(c, &err) == 0)
				status = rt_exit_code(c->wait_status);
		}
		if (rt_destroy(c, status < 0 ? NULL : &err) < 0 && status >= 0)
			status = -1;
		rt_container_free(c);
	}
	spec_free(spec);
	return status >= 0 ? status : fail(&err);
}
