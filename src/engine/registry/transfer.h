/* SPDX-License-Identifier: Apache-2.0 */
/* What a pull or a push reports as it goes, layer by layer, for the CLI's
 * progress display (the engine never prints). */
#ifndef MD_REGISTRY_TRANSFER_H
#define MD_REGISTRY_TRANSFER_H
#include <stdint.h>

enum xfer_state {
	XFER_WAITING,     /* pull: "Pulling fs layer"; push: "Preparing"/"Waiting" */
	XFER_EXISTS,      /* pull: "Already exists"; push: "Layer already exists" */
	XFER_DOWNLOADING, /* done/total bytes */
	XFER_VERIFYING,   /* "Verifying Checksum" */
	XFER_DOWNLOADED,  /* "Download complete" */
	XFER_EXTRACTING,  /* "Extracting" (layers unpack as they arrive) */
	XFER_PULLED,      /* "Pull complete" */
	XFER_PUSHING,     /* done/total bytes */
	XFER_PUSHED,      /* "Pushed" */
	XFER_MOUNTED,     /* "Mounted from REPO" (detail: REPO) */
	XFER_FAILED,      /* detail: the error's message */
};

struct xfer_event {
	const char *id; /* the blob's short id: 12 hex digits */
	enum xfer_state state;
	uint64_t done, total; /* bytes; total 0 when unknown */
	const char *detail;   /* see above, else NULL */
};

/* Called from the transfer threads, one call at a time (the engine holds a
 * lock around it), so the callback needs no locking of its own. */
typedef void (*xfer_report)(void *arg, const struct xfer_event *ev);

#endif
