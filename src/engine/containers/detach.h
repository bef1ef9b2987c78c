/* SPDX-License-Identifier: Apache-2.0 */
/* Detached containers: a container of the store started under its own
 * monitor (src/monitor/monitor.c), which outlives the mydocker command
 * that started it.
 *
 *   mydocker (run -d, start)       forks M, waits for M's report, returns
 *   M: setsid, subreaper,          rt_create + rt_start (the init is M's
 *      record running              child), then execs mydocker-monitor
 *   mydocker-monitor (same pid)    log, attach, health checks; reaps the
 *                                  init, then execs
 *   mydocker __monitor-exit        cgroups and rootfs cleaned, State
 *      (same pid)                  exited recorded, restart policy: start
 *                                  again under the same pid, or release
 *
 * The live lock (store.h) passes along that chain: it is held for as long
 * as the container is up or restarting, and a kill -9 of any link frees it
 * for the sweep (lifecycle.h: engine_sweep) of the next command. */
#ifndef MD_DETACH_H
#define MD_DETACH_H

#include <stdbool.h>

#include "engine/containers/run-internal.h"
#include "engine/containers/store.h"

struct detach_request {
	const char *root;
	const char *id;
	char *const *layers; /* the image's layer dirs (run_image_layers) */
	run_config_fn make;  /* the OCI config, once the rootfs is mounted */
	void *make_ctx;
	bool attach;      /* give back a client of the monitor (client_fd) */
	bool interactive; /* keep the container's stdin open (-i) */
	int tty_fd;       /* the caller's terminal (console size), or -1 */
};

/* Start the container under a monitor. The entry (locked by the caller)
 * passes to the monitor: on return it is closed in the caller either way,
 * never removed by it. 0 once the init runs, *client_fd (with attach)
 * connected to the monitor; -1 with err (the record then tells the
 * error; the rootfs is unmounted and the entry released by M). */
int detach_start(const struct detach_request *r, struct store_entry *entry, int *client_fd,
		 md_error *err);

/* `mydocker __monitor-exit`: the init of id ended with wait_status after
 * running ran_ms; lock_fd is the live lock the monitor passed on. Cleans
 * up, records, restarts per the policy (not returning then), else
 * releases the entry. */
int engine_monitor_exited(const char *root, const char *id, int wait_status, int lock_fd,
			  long long ran_ms, long long prev_delay_ms, md_error *err);

#endif
