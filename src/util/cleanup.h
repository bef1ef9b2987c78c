/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup (bubblewrap/systemd style) and one ownership-transfer
 * idiom: TAKE_PTR / TAKE_FD hand a resource out of a cleanup scope. */
#ifndef MD_CLEANUP_H
#define MD_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void md_freep(void *p)
{
	free(*(void **)p);
}

static inline void md_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void md_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void md_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

void md_strv_free(char **v);
static inline void md_strv_freep(char ***v)
{
	md_strv_free(*v);
}

#define cleanup_free __attribute__((cleanup(md_freep)))
#define cleanup_close __attribute__((cleanup(md_closep)))
#define cleanup_fclose __attribute__((cleanup(md_fclosep)))
#define cleanup_dir __attribute__((cleanup(md_closedirp)))
#define cleanup_strv __attribute__((cleanup(md_strv_freep)))

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
