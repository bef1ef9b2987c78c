/* SPDX-License-Identifier: Apache-2.0 */
/* The foreground supervisor (crun's wait_for_process in spirit): signals
 * are blocked before the container is made and read from a signalfd in one
 * poll loop, together with the init's pidfd and the console. Everything
 * but the synchronous faults is forwarded to the container's init. */
#ifndef MD_SUPERVISE_H
#define MD_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "util/error.h"
#include "runtime/container.h"

struct rt_supervisor {
	int sigfd;
	sigset_t old_mask;
	int raw_fd; /* tty put in raw mode, -1 if none */
	struct termios saved_tio;
};

struct rt_supervise_opts {
	int in_fd;  /* copied to the console master; -1 for none */
	int out_fd; /* console output goes here */
	int tty_fd; /* our terminal: raw mode and window size; -1 for none */
	/* Input that ends the session with the process still running
	 * (Docker's detach keys, for exec -ti): held back while it matches,
	 * passed on when the sequence breaks. NULL or 0 bytes: none. */
	const unsigned char *detach_keys;
	size_t n_detach_keys;
};

/* Call before rt_create so that no signal is lost in between. */
int rt_supervisor_init(struct rt_supervisor *s, md_error *err);

/* Run until the init exits (0; c->wait_status is then set), or the
 * detach keys came (1; nothing waited for, the console left open). */
int rt_supervise(struct rt_supervisor *s, struct rt_container *c, const struct rt_supervise_opts *o,
		 md_error *err);

/* Restore the terminal and the signal mask. Safe to call twice. */
void rt_supervisor_fini(struct rt_supervisor *s);

#endif
