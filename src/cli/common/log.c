/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/common/log.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {
	[RT_LOG_ERROR] = "error",
	[RT_LOG_WARN] = "warning",
	[RT_LOG_INFO] = "info",
	[RT_LOG_DEBUG] = "debug",
};

int cli_log_set_format(struct cli_log *l, const char *fmt, md_error *err)
{
	if (strcmp(fmt, "json") == 0)
		l->json = true;
	else if (strcmp(fmt, "text") == 0)
		l->json = false;
	else
		return md_error_set(err, EINVAL, "invalid log format `%s` (text or json)", fmt);
	return 0;
}

int cli_log_open(struct cli_log *l, const char *path, md_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0)
		return md_error_set(err, errno, "open log file `%s`", path);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	return 0;
}

static void emit(const struct cli_log *l, int fd, enum rt_log_level lvl, const char *msg)
{
	char line[2048], when[64];

	if (l->json) {
		json_object *o = json_object_new_object();

		md_rfc3339_now(when, sizeof(when));
		json_object_object_add(o, "level", json_object_new_string(level_names[lvl]));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(when));
		snprintf(line, sizeof(line), "%s\n",
			 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (lvl == RT_LOG_ERROR) {
		snprintf(line, sizeof(line), "%s: %s\n", l->prog, msg);
	} else {
		snprintf(line, sizeof(line), "%s: %s: %s\n", l->prog, level_names[lvl], msg);
	}
	(void)md_write_all(fd, line, strlen(line));
}

static void log_msg(const struct cli_log *l, enum rt_log_level lvl, const char *msg)
{
	bool to_file = l->fd >= 0;

	if (lvl > RT_LOG_WARN && !l->debug)
		return;
	emit(l, to_file ? l->fd : 2, lvl, msg);
	/* The user must see an error even when records go to a file. */
	if (to_file && lvl == RT_LOG_ERROR) {
		struct cli_log plain = { .fd = -1, .prog = l->prog };
		emit(&plain, 2, lvl, msg);
	}
}

int cli_fail(const struct cli_log *l, const md_error *err)
{
	char buf[1536];

	log_msg(l, RT_LOG_ERROR, md_error_text(err, buf, sizeof(buf)));
	return err->status ? err->status : MD_EXIT_FAILURE;
}

void cli_log_sink(void *ctx, enum rt_log_level lvl, const char *msg)
{
	log_msg(ctx, lvl, msg);
}
