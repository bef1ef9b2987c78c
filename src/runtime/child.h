/* The child half of rt_create: everything that runs between clone and the
 * user's execve, as a list of named steps. */
#ifndef MD_CHILD_H
#define MD_CHILD_H

#include <sys/types.h>

#include "container.h"
#include "spec.h"

struct child_ctx {
	const struct spec *spec;
	const struct rt_create_opts *opts;
	int sock;       /* child end of the sync socketpair */
};

/* Never returns: execs the user's program or _exits after reporting. */
__attribute__((noreturn)) void child_main(const struct child_ctx *cx);

#endif
