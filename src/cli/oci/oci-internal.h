/* Helpers shared by the mydocker-runtime verbs. */
#ifndef MD_OCI_INTERNAL_H
#define MD_OCI_INTERNAL_H

#include "oci.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/spec.h"
#include "runtime/state.h"

/* Report err (one line / one JSON record) and return runc's status 1. */
int oci_fail(struct oci_ctx *ctx, const md_error *err);

/* Pass the pty master to the caller's --console-socket (SCM_RIGHTS). */
int oci_send_console(const char *socket_path, int master, md_error *err);
int oci_write_pid_file(const char *path, pid_t pid, md_error *err);
/* --preserve-fds N: fds 3..3+N-1 must be open. */
int oci_check_preserve_fds(int n, md_error *err);

/* The config.json that create saved in the state dir. */
int oci_load_saved_config(struct oci_ctx *ctx, const char *id, struct spec **out,
			  md_error *err);
/* state_load with runc's "does not exist" message. */
int oci_load_state(struct oci_ctx *ctx, const char *id, struct rt_state **st, md_error *err);

/* poststart/poststop: failures are warnings (runtime-spec 1.x). */
void oci_run_hooks_warn(struct oci_ctx *ctx, const struct spec *spec, enum rt_hook_kind kind,
			const struct rt_state *st, enum rt_status status);

/* The prologue of a verb that acts on one container: its flags, the id,
 * the container's lock (when lock_fd is given) and its state. Returns 1
 * after --help, -1 with err on failure. */
int oci_open_one(struct oci_ctx *ctx, const struct oci_flags *f, int argc, char **argv,
		 int *lock_fd, struct rt_state **st, md_error *err);

char *oci_abs_bundle(const char *bundle, md_error *err);

/* Options of create and run. */
struct oci_create_opts {
	const char *bundle;
	const char *console_socket;
	const char *pid_file;
	bool no_pivot;
	bool detach;
	bool keep;
	int preserve_fds;
};

/* Create the container (fifo mode: it waits for `start`), save its state
 * and config, send the console, write the pid file. */
int oci_do_create(struct oci_ctx *ctx, const struct oci_create_opts *o, const char *id,
		  struct rt_container **out, struct spec **spec_out, md_error *err);

/* Kill what is left, remove cgroups, run poststop hooks, remove state. */
int oci_do_delete(struct oci_ctx *ctx, struct rt_state *st, md_error *err);

#endif
