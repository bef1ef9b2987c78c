/* SPDX-License-Identifier: Apache-2.0 */
/* libarchive and libcrypto, loaded when the images code first needs them.
 * Linked the usual way they would be loaded (with libarchive's own
 * dependencies: libxml2, ICU, libstdc++...) by every start of mydocker,
 * which costs some milliseconds twice a `run` (the binary re-executes
 * itself sealed): a host command and most commands never use them. So the
 * images code includes this header instead of <archive.h> and
 * <openssl/evp.h>, and its calls go through a table that dlopen() fills
 * (as the systemd cgroup driver loads libsystemd).
 *
 * The constructors (archive_read_new, archive_write_new,
 * archive_entry_new, EVP_MD_CTX_new) load the libraries first and return
 * NULL when they cannot, as when out of memory; every other function takes
 * an object that a constructor made, so the table is full by then.
 * images_libs_error() says why a load failed. */
#ifndef MD_IMAGES_LIBS_H
#define MD_IMAGES_LIBS_H

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdbool.h>

#define IMAGES_LIBARCHIVE "libarchive.so.13"
#define IMAGES_LIBCRYPTO "libcrypto.so.3"

/* clang-format off */
#define IMAGES_LA_FUNCS(X) \
	X(archive_read_new) X(archive_write_new) \
	X(archive_entry_new) X(archive_entry_atime) \
	X(archive_entry_atime_is_set) X(archive_entry_atime_nsec) \
	X(archive_entry_filetype) X(archive_entry_free) \
	X(archive_entry_gid) X(archive_entry_hardlink) \
	X(archive_entry_mtime) X(archive_entry_mtime_is_set) \
	X(archive_entry_mtime_nsec) X(archive_entry_pathname) \
	X(archive_entry_perm) X(archive_entry_rdev) \
	X(archive_entry_set_filetype) X(archive_entry_set_gid) \
	X(archive_entry_set_hardlink) X(archive_entry_set_mode) \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) X(archive_entry_set_rdev) \
	X(archive_entry_set_size) X(archive_entry_set_symlink) \
	X(archive_entry_set_uid) X(archive_entry_size) \
	X(archive_entry_symlink) X(archive_entry_uid) \
	X(archive_entry_xattr_add_entry) X(archive_entry_xattr_next) \
	X(archive_entry_xattr_reset) X(archive_error_string) \
	X(archive_read_data) X(archive_read_data_block) \
	X(archive_read_data_skip) X(archive_read_free) \
	X(archive_read_next_header) X(archive_read_open) \
	X(archive_read_open_fd) X(archive_read_support_filter_all) \
	X(archive_read_support_filter_gzip) X(archive_read_support_filter_zstd) \
	X(archive_read_support_format_raw) X(archive_read_support_format_tar) \
	X(archive_set_error) X(archive_write_close) \
	X(archive_write_data) X(archive_write_free) \
	X(archive_write_header) X(archive_write_open2) \
	X(archive_write_open_fd) X(archive_write_set_bytes_in_last_block) \
	X(archive_write_set_format_pax_restricted)
#define IMAGES_CRYPTO_FUNCS(X) \
	X(EVP_MD_CTX_new) X(EVP_DigestFinal_ex) \
	X(EVP_DigestInit_ex) X(EVP_DigestUpdate) \
	X(EVP_MD_CTX_free) X(EVP_sha256) \
	X(EVP_EncodeBlock) X(EVP_DecodeBlock)
/* clang-format on */

#define IMAGES_LIBS_FIELD(f) __typeof__(f) *f;
struct images_libs {
	IMAGES_LA_FUNCS(IMAGES_LIBS_FIELD)
	IMAGES_CRYPTO_FUNCS(IMAGES_LIBS_FIELD)
};
#undef IMAGES_LIBS_FIELD

extern struct images_libs images_libs;

/* Load a library once (each on its own: a run needs sha256, not tar);
 * false (and images_libs_error says why) when it cannot be. Thread-safe. */
bool images_libarchive_load(void);
bool images_libcrypto_load(void);
const char *images_libs_error(void);

#ifndef IMAGES_LIBS_NO_MACROS
/* clang-format off */
#define archive_read_new() (images_libarchive_load() ? images_libs.archive_read_new() : NULL)
#define archive_write_new() (images_libarchive_load() ? images_libs.archive_write_new() : NULL)
#define archive_entry_new() (images_libarchive_load() ? images_libs.archive_entry_new() : NULL)
#define EVP_MD_CTX_new() (images_libcrypto_load() ? images_libs.EVP_MD_CTX_new() : NULL)
#define archive_entry_atime (images_libs.archive_entry_atime)
#define archive_entry_atime_is_set (images_libs.archive_entry_atime_is_set)
#define archive_entry_atime_nsec (images_libs.archive_entry_atime_nsec)
#define archive_entry_filetype (images_libs.archive_entry_filetype)
#define archive_entry_free (images_libs.archive_entry_free)
#define archive_entry_gid (images_libs.archive_entry_gid)
#define archive_entry_hardlink (images_libs.archive_entry_hardlink)
#define archive_entry_mtime (images_libs.archive_entry_mtime)
#define archive_entry_mtime_is_set (images_libs.archive_entry_mtime_is_set)
#define archive_entry_mtime_nsec (images_libs.archive_entry_mtime_nsec)
#define archive_entry_pathname (images_libs.archive_entry_pathname)
#define archive_entry_perm (images_libs.archive_entry_perm)
#define archive_entry_rdev (images_libs.archive_entry_rdev)
#define archive_entry_set_filetype (images_libs.archive_entry_set_filetype)
#define archive_entry_set_gid (images_libs.archive_entry_set_gid)
#define archive_entry_set_hardlink (images_libs.archive_entry_set_hardlink)
#define archive_entry_set_mode (images_libs.archive_entry_set_mode)
#define archive_entry_set_mtime (images_libs.archive_entry_set_mtime)
#define archive_entry_set_pathname (images_libs.archive_entry_set_pathname)
#define archive_entry_set_perm (images_libs.archive_entry_set_perm)
#define archive_entry_set_rdev (images_libs.archive_entry_set_rdev)
#define archive_entry_set_size (images_libs.archive_entry_set_size)
#define archive_entry_set_symlink (images_libs.archive_entry_set_symlink)
#define archive_entry_set_uid (images_libs.archive_entry_set_uid)
#define archive_entry_size (images_libs.archive_entry_size)
#define archive_entry_symlink (images_libs.archive_entry_symlink)
#define archive_entry_uid (images_libs.archive_entry_uid)
#define archive_entry_xattr_add_entry (images_libs.archive_entry_xattr_add_entry)
#define archive_entry_xattr_next (images_libs.archive_entry_xattr_next)
#define archive_entry_xattr_reset (images_libs.archive_entry_xattr_reset)
#define archive_error_string (images_libs.archive_error_string)
#define archive_read_data (images_libs.archive_read_data)
#define archive_read_data_block (images_libs.archive_read_data_block)
#define archive_read_data_skip (images_libs.archive_read_data_skip)
#define archive_read_free (images_libs.archive_read_free)
#define archive_read_next_header (images_libs.archive_read_next_header)
#define archive_read_open (images_libs.archive_read_open)
#define archive_read_open_fd (images_libs.archive_read_open_fd)
#define archive_read_support_filter_all (images_libs.archive_read_support_filter_all)
#define archive_read_support_filter_gzip (images_libs.archive_read_support_filter_gzip)
#define archive_read_support_filter_zstd (images_libs.archive_read_support_filter_zstd)
#define archive_read_support_format_raw (images_libs.archive_read_support_format_raw)
#define archive_read_support_format_tar (images_libs.archive_read_support_format_tar)
#define archive_set_error (images_libs.archive_set_error)
#define archive_write_close (images_libs.archive_write_close)
#define archive_write_data (images_libs.archive_write_data)
#define archive_write_free (images_libs.archive_write_free)
#define archive_write_header (images_libs.archive_write_header)
#define archive_write_open2 (images_libs.archive_write_open2)
#define archive_write_open_fd (images_libs.archive_write_open_fd)
#define archive_write_set_bytes_in_last_block (images_libs.archive_write_set_bytes_in_last_block)
#define archive_write_set_format_pax_restricted (images_libs.archive_write_set_format_pax_restricted)
#define EVP_DigestFinal_ex (images_libs.EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (images_libs.EVP_DigestInit_ex)
#define EVP_DigestUpdate (images_libs.EVP_DigestUpdate)
#define EVP_MD_CTX_free (images_libs.EVP_MD_CTX_free)
#define EVP_sha256 (images_libs.EVP_sha256)
#define EVP_EncodeBlock (images_libs.EVP_EncodeBlock)
#define EVP_DecodeBlock (images_libs.EVP_DecodeBlock)
/* clang-format on */
#endif

#endif
