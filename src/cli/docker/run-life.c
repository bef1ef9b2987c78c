/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/docker/run-life.h"
#include "cli/common/units.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* --label-file FILE and --label values are gathered here, then merged. */
static char **label_files;

static int set_stop_timeout(struct run_lifecycle *l, const char *arg, md_error *err)
{
	int64_t v;

	if (cli_parse_int64(arg, &v, err) < 0 || v < -1 || v > 1000000)
		return md_error_set(err, 0, "invalid argument \"%s\" for \"--stop-timeout\" flag",
				    arg);
	l->stop_timeout = (int)v;
	l->stop_timeout_set = true;
	return 0;
}

static int health_flag(struct run_health_flags *h, int c, const char *arg)
{
	switch (c) {
	case OPT_HEALTH_CMD:
		h->cmd = arg;
		return 0;
	case OPT_HEALTH_INTERVAL:
		h->interval = arg;
		return 0;
	case OPT_HEALTH_TIMEOUT:
		h->timeout = arg;
		return 0;
	case OPT_HEALTH_RETRIES:
		h->retries = arg;
		return 0;
	case OPT_HEALTH_START_PERIOD:
		h->start_period = arg;
		return 0;
	case OPT_NO_HEALTHCHECK:
		h->none = true;
		return 0;
	default:
		return 1;
	}
}

int run_life_flag(struct run_lifecycle *l, int c, const char *arg, md_error *err)
{
	switch (c) {
	case 'd':
		l->detach = true;
		return 0;
	case 'l':
		if (!*arg || *arg == '=')
			return md_error_set(err, 0, "invalid label '%s': empty name", arg);
		md_strv_push(&l->labels, arg);
		return 0;
	case OPT_DETACH_KEYS:
		l->detach_keys = arg;
		return 0;
	case OPT_RESTART:
		l->restart = arg;
		return 0;
	case OPT_STOP_SIGNAL:
		l->stop_signal = arg;
		return 0;
	case OPT_STOP_TIMEOUT:
		return set_stop_timeout(l, arg, err);
	case OPT_INIT:
		l->init = true;
		return 0;
	case OPT_LABEL_FILE:
		md_strv_push(&label_files, arg);
		return 0;
	case OPT_LOG_DRIVER:
		l->log_driver = arg;
		return 0;
	case OPT_LOG_OPT:
		if (!strchr(arg, '='))
			return md_error_set(err, 0, "invalid key value pair format in log-opt: %s",
					    arg);
		md_strv_push(&l->log_opts, arg);
		return 0;
	default:
		return health_flag(&l->health, c, arg) == 0
			       ? 0
			       : md_error_set(err, 0, "flag %d is not a run flag", c);
	}
}

/* A label file's lines as Docker reads them: blank lines and # comments
 * skipped, "K" alone is "K=". */
static int read_label_file(char ***labels, const char *file, md_error *err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (md_read_file(file, &text, NULL, err) < 0)
		return md_error_prefix(err, "open %s", file);
	for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		l += strspn(l, " \t");
		if (!*l || *l == '#')
			continue;
		if (strchr(l, '=')) {
			md_strv_push(labels, l);
		} else {
			cleanup_free char *kv = xasprintf("%s=", l);
			md_strv_push(labels, kv);
		}
	}
	return 0;
}

int run_life_finish(struct run_lifecycle *l, md_error *err)
{
	char **labels = NULL;
	int ret = 0;

	for (size_t i = 0; label_files && label_files[i] && ret == 0; i++)
		ret = read_label_file(&labels, label_files[i], err);
	for (size_t i = 0; l->labels && l->labels[i]; i++) {
		if (strchr(l->labels[i], '=')) {
			md_strv_push(&labels, l->labels[i]);
		} else {
			cleanup_free char *kv = xasprintf("%s=", l->labels[i]);
			md_strv_push(&labels, kv);
		}
	}
	md_strv_free(l->labels);
	l->labels = labels;
	md_strv_free(label_files);
	label_files = NULL;
	return ret;
}

void run_life_free(struct run_lifecycle *l)
{
	md_strv_free(l->labels);
	md_strv_free(l->log_opts);
	md_strv_free(label_files);
	label_files = NULL;
	memset(l, 0, sizeof(*l));
}
