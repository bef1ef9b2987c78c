/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MD_DOCKER_COMMANDS_H
#define MD_DOCKER_COMMANDS_H

#include "cli/common/log.h"
#include "engine/containers/run.h"

#include <stdio.h>

#define MYDOCKER_VERSION "0.1.0"

/* The image and container store: --root, else $MYDOCKER_ROOT, else
 * ENGINE_DEFAULT_ROOT (engine/paths.h). */
extern const char *mydocker_root;

/* Each returns the process exit status. argv[0] is the command name. */
int cmd_run(struct cli_log *log, int argc, char **argv);
/* -e K=V (K alone: the host's value, dropped when unset) and --env-file
 * FILE (Docker's format) into *env (run.c; exec takes them too). */
int cli_env_add(char ***env, const char *arg, md_error *err);
int cli_env_file(char ***env, const char *file, md_error *err);
/* exec.c: exec, and the monitor's health check (not a user's command). */
int cmd_exec(struct cli_log *log, int argc, char **argv);
int cmd_healthcheck(struct cli_log *log, int argc, char **argv);
/* ps.c */
int cmd_ps(struct cli_log *log, int argc, char **argv);
/* rename.c: rename; prune.c: container prune */
int cmd_rename(struct cli_log *log, int argc, char **argv);
int cmd_container_prune(struct cli_log *log, int argc, char **argv);
/* prune.c: Docker's "WARNING! <warning>\nAre you sure you want to
 * continue? [y/N] " on stdout, true for a y; and its report: "Deleted
 * <what>:", the names, a blank line (none when nothing was removed),
 * "Total reclaimed space: 1.234kB". */
bool cli_prune_confirm(const char *warning);
void cli_prune_report(const char *what, char *const *removed, uint64_t bytes);
/* containers.c */
int cmd_container(struct cli_log *log, int argc, char **argv);
/* inspect's -f/--format flag (cli_parse_flags' function): ctx is a
 * const char * that gets the template. */
int cli_inspect_format_flag(void *ctx, int c, const char *arg, md_error *err);
/* lifecycle.c */
int cmd_rm(struct cli_log *log, int argc, char **argv);
int cmd_start(struct cli_log *log, int argc, char **argv);
int cmd_stop(struct cli_log *log, int argc, char **argv);
int cmd_kill(struct cli_log *log, int argc, char **argv);
int cmd_wait(struct cli_log *log, int argc, char **argv);
int cmd_restart(struct cli_log *log, int argc, char **argv);
int cmd_attach(struct cli_log *log, int argc, char **argv);
/* logs.c */
int cmd_logs(struct cli_log *log, int argc, char **argv);
/* cp.c: cp and diff */
int cmd_cp(struct cli_log *log, int argc, char **argv);
int cmd_diff(struct cli_log *log, int argc, char **argv);
/* The monitor's hand-over (not a user's command). */
int cmd_monitor_exit(struct cli_log *log, int argc, char **argv);
/* `container inspect`'s object for what (a container), in *out; Docker's
 * "No such container" error (ENOENT) when there is none. For `inspect`,
 * which tries images too. */
int cli_container_inspect_one(const char *what, json_object **out, md_error *err);

/* cli_fail for the engine's errors that are in Docker's words: printed
 * without the strerror of their errnum. */
int cli_engine_fail(struct cli_log *log, md_error *err);

/* A container's stdio is ours (stdin with interactive); our terminal
 * too (raw mode, size). */
void cli_engine_io(struct engine_io *io, bool interactive, struct cli_log *log);
int cmd_import(struct cli_log *log, int argc, char **argv);
int cmd_export(struct cli_log *log, int argc, char **argv);
int cmd_commit(struct cli_log *log, int argc, char **argv);
/* ops.c */
/* fn for each container named in argv[first..argc-1], in turn; the name
 * as given printed when done (Docker's habit), the errors logged. 0 when
 * all went well, else 1. */
int cli_each_container(struct cli_log *log, int first, int argc, char **argv,
		       int (*fn)(const char *what, const void *ctx, md_error *err),
		       const void *ctx);
int cmd_pause(struct cli_log *log, int argc, char **argv);
int cmd_unpause(struct cli_log *log, int argc, char **argv);
int cmd_update(struct cli_log *log, int argc, char **argv);
int cmd_top(struct cli_log *log, int argc, char **argv);
int cmd_stats(struct cli_log *log, int argc, char **argv);
/* images.c */
int cmd_load(struct cli_log *log, int argc, char **argv);
int cmd_save(struct cli_log *log, int argc, char **argv);
int cmd_images(struct cli_log *log, int argc, char **argv);
int cmd_tag(struct cli_log *log, int argc, char **argv);
int cmd_rmi(struct cli_log *log, int argc, char **argv);
int cmd_history(struct cli_log *log, int argc, char **argv);
int cmd_inspect(struct cli_log *log, int argc, char **argv);
int cmd_image(struct cli_log *log, int argc, char **argv);
/* push.c */
int cmd_push(struct cli_log *log, int argc, char **argv);
/* login.c */
int cmd_login(struct cli_log *log, int argc, char **argv);
int cmd_logout(struct cli_log *log, int argc, char **argv);
/* pull.c: pull, and run's pull of an image it lacks (--pull), whose
 * output goes to stderr without the final name (to_stderr). */
struct cli_pull_opts {
	const char *platform, *auth_file, *cert_dir;
	bool quiet, to_stderr;
};
int cli_pull(const char *what, const struct cli_pull_opts *po, FILE *out, md_error *err);
int cmd_pull(struct cli_log *log, int argc, char **argv);
/* volume.c */
int cmd_volume(struct cli_log *log, int argc, char **argv);

#endif
