/* SPDX-License-Identifier: Apache-2.0 */
/* Prints the linux.seccomp, process.capabilities, maskedPaths and
 * readonlyPaths that `mydocker run` gives a container (Docker's defaults),
 * as one JSON object, for bench/oci-run's "Docker's defaults" variant.
 * Built by bench/oci-run against build/libmdruntime.a. */
#include "engine/containers/runconfig.h"

#include <stdio.h>

int main(void)
{
	char *args[] = { "/bin/true", NULL };
	struct run_request r = { .id = "bench", .args = args, .rootfs = "rootfs" };
	json_object *cfg = NULL, *out = json_object_new_object(), *lnx, *proc;
	md_error err;

	md_error_clear(&err);
	if (runconfig_build(&r, &cfg, &err) < 0) {
		fprintf(stderr, "docker-config: %s\n", err.msg);
		return 1;
	}
	lnx = json_object_object_get(cfg, "linux");
	proc = json_object_object_get(cfg, "process");
	json_object_object_add(out, "seccomp",
			       json_object_get(json_object_object_get(lnx, "seccomp")));
	json_object_object_add(out, "maskedPaths",
			       json_object_get(json_object_object_get(lnx, "maskedPaths")));
	json_object_object_add(out, "readonlyPaths",
			       json_object_get(json_object_object_get(lnx, "readonlyPaths")));
	json_object_object_add(out, "capabilities",
			       json_object_get(json_object_object_get(proc, "capabilities")));
	puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	json_object_put(cfg);
	return 0;
}
