/* SPDX-License-Identifier: Apache-2.0 */
/* Passing a file descriptor over a unix socket (SCM_RIGHTS), with data. */
#ifndef MD_FDPASS_H
#define MD_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send len bytes of data, and fd with them when fd >= 0; retries on EINTR,
 * never raises SIGPIPE. 0, or -1 with errno. */
int md_send_fd(int sock, const void *data, size_t len, int fd);

/* Receive up to len bytes of data (recvmsg's result, retrying on EINTR).
 * A passed fd (close-on-exec) goes to *fd_out when fd_out is not NULL and
 * *fd_out < 0; any other is closed. */
ssize_t md_recv_fd(int sock, void *data, size_t len, int *fd_out);

#endif
