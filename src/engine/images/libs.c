/* SPDX-License-Identifier: Apache-2.0 */
#define IMAGES_LIBS_NO_MACROS
#include "engine/images/libs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct images_libs images_libs;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_error[256];

/* Fill the table from one library; false (load_error set) on a miss. */
static bool load_one(const char *soname, void **handle)
{
	*handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!*handle)
		snprintf(load_error, sizeof(load_error), "cannot load %s: %s", soname, dlerror());
	return *handle != NULL;
}

#define IMAGES_LIBS_SYM(f)                                                                         \
	if (ok && !(images_libs.f = (__typeof__(images_libs.f))dlsym(h, #f))) {                    \
		snprintf(load_error, sizeof(load_error), "%s has no %s", lib, #f);                 \
		ok = false;                                                                        \
	}

static void load(void)
{
	const char *lib = IMAGES_LIBARCHIVE;
	void *h;
	bool ok = load_one(lib, &h);

	IMAGES_LA_FUNCS(IMAGES_LIBS_SYM)
	if (!ok)
		return;
	lib = IMAGES_LIBCRYPTO;
	ok = load_one(lib, &h);
	IMAGES_CRYPTO_FUNCS(IMAGES_LIBS_SYM)
	loaded = ok;
}

bool images_libs_load(void)
{
	pthread_once(&once, load);
	return loaded;
}

const char *images_libs_error(void)
{
	return load_error[0] ? load_error : "the image libraries are not loaded";
}
