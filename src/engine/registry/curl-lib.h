/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl, loaded when a registry is first opened (registry_open). Linked
 * normally, libcurl and what it needs (nghttp2, libssh2, LDAP, Kerberos,
 * libpsl...) would be mapped by every start of mydocker, a `run` of a
 * local image included, which never talks to a registry; so the registry
 * code includes this header instead of <curl/curl.h> alone and its calls
 * go through a table that dlopen() fills, as src/engine/images/libs.h does
 * for libarchive. */
#ifndef MD_REGISTRY_CURL_LIB_H
#define MD_REGISTRY_CURL_LIB_H
#include <curl/curl.h>

#include "util/error.h"

#define REGISTRY_LIBCURL "libcurl.so.4"

/* clang-format off */
#define REGISTRY_CURL_FUNCS(X) \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) \
	X(curl_easy_perform) X(curl_easy_getinfo) X(curl_easy_cleanup) \
	X(curl_easy_strerror) X(curl_easy_escape) X(curl_free) \
	X(curl_slist_append) X(curl_slist_free_all) \
	X(curl_share_init) X(curl_share_setopt) X(curl_share_cleanup)
/* clang-format on */

#define REGISTRY_CURL_FIELD(f) __typeof__(f) *f;
struct registry_curl {
	REGISTRY_CURL_FUNCS(REGISTRY_CURL_FIELD)
};
#undef REGISTRY_CURL_FIELD
extern struct registry_curl registry_curl;

/* Load libcurl and run its global init, once (thread-safe). Every other
 * call below needs it done. */
int registry_curl_load(md_error *err);

#ifndef REGISTRY_CURL_NO_MACROS
/* clang-format off */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#define curl_global_init (registry_curl.curl_global_init)
#define curl_easy_init (registry_curl.curl_easy_init)
#define curl_easy_setopt (registry_curl.curl_easy_setopt)
#define curl_easy_perform (registry_curl.curl_easy_perform)
#define curl_easy_getinfo (registry_curl.curl_easy_getinfo)
#define curl_easy_cleanup (registry_curl.curl_easy_cleanup)
#define curl_easy_strerror (registry_curl.curl_easy_strerror)
#define curl_easy_escape (registry_curl.curl_easy_escape)
#define curl_free (registry_curl.curl_free)
#define curl_slist_append (registry_curl.curl_slist_append)
#define curl_slist_free_all (registry_curl.curl_slist_free_all)
#define curl_share_init (registry_curl.curl_share_init)
#define curl_share_setopt (registry_curl.curl_share_setopt)
#define curl_share_cleanup (registry_curl.curl_share_cleanup)
/* clang-format on */
#endif
#endif
