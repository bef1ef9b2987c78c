/* SPDX-License-Identifier: Apache-2.0 */
/* `mydocker run`'s flags for a container's life around its command:
 * detached mode, restart policy, stop, --init, labels, log, health. They
 * fill engine_run_request.life (engine/containers/run.h); the engine checks
 * their values. */
#ifndef MD_DOCKER_RUN_LIFE_H
#define MD_DOCKER_RUN_LIFE_H

#include <getopt.h>

#include "engine/containers/run.h"

enum {
	OPT_LIFE_FIRST = 512,
	OPT_DETACH_KEYS = OPT_LIFE_FIRST,
	OPT_RESTART,
	OPT_STOP_SIGNAL,
	OPT_STOP_TIMEOUT,
	OPT_INIT,
	OPT_LABEL_FILE,
	OPT_LOG_DRIVER,
	OPT_LOG_OPT,
	OPT_HEALTH_CMD,
	OPT_HEALTH_INTERVAL,
	OPT_HEALTH_TIMEOUT,
	OPT_HEALTH_RETRIES,
	OPT_HEALTH_START_PERIOD,
	OPT_NO_HEALTHCHECK,
	OPT_LIFE_LAST,
};

/* Their getopt entries (-d and -l are short options of run's own). */
#define RUN_LIFE_OPTIONS                                                                           \
	{ "detach", no_argument, NULL, 'd' }, { "label", required_argument, NULL, 'l' },           \
		{ "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },                       \
		{ "restart", required_argument, NULL, OPT_RESTART },                               \
		{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },                       \
		{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },                     \
		{ "init", no_argument, NULL, OPT_INIT },                                           \
		{ "label-file", required_argument, NULL, OPT_LABEL_FILE },                         \
		{ "log-driver", required_argument, NULL, OPT_LOG_DRIVER },                         \
		{ "log-opt", required_argument, NULL, OPT_LOG_OPT },                               \
		{ "health-cmd", required_argument, NULL, OPT_HEALTH_CMD },                         \
		{ "health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL },               \
		{ "health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT },                 \
		{ "health-retries", required_argument, NULL, OPT_HEALTH_RETRIES },                 \
		{ "health-start-period", required_argument, NULL, OPT_HEALTH_START_PERIOD },       \
	{                                                                                          \
		"no-healthcheck", no_argument, NULL, OPT_NO_HEALTHCHECK                            \
	}

#define RUN_LIFE_USAGE                                                                             \
	"  -d, --detach              run in the background and print the container's id\n"         \
	"      --detach-keys KEYS    the keys that detach from the container\n"                    \
	"                            (default: ctrl-p,ctrl-q)\n"                                   \
	"      --restart POLICY      no, on-failure[:N], always or unless-stopped\n"               \
	"      --stop-signal SIG     the signal that stops the container\n"                        \
	"      --stop-timeout N      seconds before stop kills the container (default 10)\n"       \
	"      --init                run an init inside that reaps zombies and forwards\n"         \
	"                            signals\n"                                                    \
	"  -l, --label K=V           set a label\n"                                                \
	"      --label-file FILE     read labels from FILE (K=V lines)\n"                          \
	"      --log-driver DRIVER   json-file (default) or none\n"                                \
	"      --log-opt K=V         max-size=SIZE, max-file=N (json-file)\n"                      \
	"      --health-cmd CMD      a command that checks the container's health\n"               \
	"      --health-interval T   time between checks (default 30s)\n"                          \
	"      --health-timeout T    time a check may take (default 30s)\n"                        \
	"      --health-retries N    failures in a row that make it unhealthy (default 3)\n"       \
	"      --health-start-period T  time to start before failures count\n"                     \
	"      --no-healthcheck      disable the image's health check\n"

/* One of these flags (c, its value arg) into l. 0, or -1 with err. */
int run_life_flag(struct run_lifecycle *l, int c, const char *arg, md_error *err);

/* After all flags: --label-file's labels, then --label's, which win. */
int run_life_finish(struct run_lifecycle *l, md_error *err);

void run_life_free(struct run_lifecycle *l);

#endif
