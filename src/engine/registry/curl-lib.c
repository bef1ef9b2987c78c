/* SPDX-License-Identifier: Apache-2.0 */
#define REGISTRY_CURL_NO_MACROS
#include "engine/registry/curl-lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct registry_curl registry_curl;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_loaded;
static char load_error[256];

#define REGISTRY_CURL_SYM(f)                                                                       \
	if (ok && !(registry_curl.f = (__typeof__(registry_curl.f))dlsym(h, #f))) {                \
		snprintf(load_error, sizeof(load_error), "%s has no %s", REGISTRY_LIBCURL, #f);    \
		ok = false;                                                                        \
	}

static void load_curl(void)
{
	void *h = dlopen(REGISTRY_LIBCURL, RTLD_NOW | RTLD_LOCAL);
	bool ok = h != NULL;

	if (!h)
		snprintf(load_error, sizeof(load_error), "cannot load %s: %s", REGISTRY_LIBCURL,
			 dlerror());
	REGISTRY_CURL_FUNCS(REGISTRY_CURL_SYM)
	if (ok && registry_curl.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(load_error, sizeof(load_error), "libcurl's global init failed");
		ok = false;
	}
	curl_loaded = ok;
}

int registry_curl_load(md_error *err)
{
	pthread_once(&curl_once, load_curl);
	return curl_loaded ? 0 : md_error_set(err, 0, "%s", load_error);
}
