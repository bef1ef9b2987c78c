/* SPDX-License-Identifier: Apache-2.0 */
/* The attach protocol between a container's monitor (mydocker-monitor) and
 * its clients (attach, start -a): frames of an 8-byte header, Docker's
 * stdcopy header in shape (type, 3 zero bytes, big-endian length), then
 * the payload. Both ways over one unix stream socket. libc only: the
 * static monitor includes it too. */
#ifndef MD_MONITOR_PROTO_H
#define MD_MONITOR_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define MON_HDR_LEN 8
#define MON_FRAME_MAX 32768

enum mon_frame {
	/* monitor -> client */
	MON_STDOUT = 1, /* the container's output (all of it with a tty) */
	MON_STDERR = 2,
	MON_EXIT = 3, /* 4 bytes: the init's wait status, big-endian; last frame */
	/* client -> monitor */
	MON_STDIN = 4,  /* bytes for the container's stdin (or its terminal) */
	MON_EOF = 5,    /* no more stdin: the container's stdin is closed */
	MON_RESIZE = 6, /* 4 bytes: rows, cols (big-endian 16-bit each) */
};

static inline void mon_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t mon_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void mon_header(unsigned char h[MON_HDR_LEN], enum mon_frame type, size_t len)
{
	h[0] = (unsigned char)type;
	h[1] = h[2] = h[3] = 0;
	mon_put32(h + 4, (uint32_t)len);
}

#endif
