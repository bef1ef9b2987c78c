/* SPDX-License-Identifier: Apache-2.0 */
#define IMAGES_LIBS_NO_MACROS
#include "engine/images/libs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct images_libs images_libs;

static pthread_once_t archive_once = PTHREAD_ONCE_INIT, crypto_once = PTHREAD_ONCE_INIT;
static bool archive_loaded, crypto_loaded;
static char load_error[256];

/* Open one library; false (load_error set) when it cannot be. */
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

static void load_archive(void)
{
	const char *lib = IMAGES_LIBARCHIVE;
	void *h;
	bool ok = load_one(lib, &h);

	IMAGES_LA_FUNCS(IMAGES_LIBS_SYM)
	archive_loaded = ok;
}

static void load_crypto(void)
{
	const char *lib = IMAGES_LIBCRYPTO;
	void *h;
	bool ok = load_one(lib, &h);

	IMAGES_CRYPTO_FUNCS(IMAGES_LIBS_SYM)
	crypto_loaded = ok;
}

bool images_libarchive_load(void)
{
	pthread_once(&archive_once, load_archive);
	return archive_loaded;
}

bool images_libcrypto_load(void)
{
	pthread_once(&crypto_once, load_crypto);
	return crypto_loaded;
}

const char *images_libs_error(void)
{
	return load_error[0] ? load_error : "the image libraries are not loaded";
}
