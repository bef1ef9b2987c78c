/* SPDX-License-Identifier: Apache-2.0 */
#include "engine/containers/rename.h"
#include "engine/containers/records.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* ROOT/containers.lock, the lock records_create holds while it checks a
 * name: held, no other container takes the name meanwhile. */
static int lock_names(const char *root, md_error *err)
{
	cleanup_free char *path = xasprintf("%s/containers.lock", root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return md_error_set(err, errno, "open `%s`", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			md_error_set(err, errno, "lock `%s`", path);
			close(fd);
			return -1;
		}
	return fd;
}

/* The id of the container called name into owner: 1; 0 when none. */
static int name_owner(const char *root, const char *name, char owner[RECORD_ID_LEN + 1],
		      md_error *err)
{
	struct container_record *list;
	size_t n;
	int found = 0;

	if (records_list(root, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !found; i++)
		if (list[i].name && strcmp(list[i].name, name) == 0) {
			memcpy(owner, list[i].id, RECORD_ID_LEN + 1);
			found = 1;
		}
	records_list_free(list, n);
	return found;
}

static int set_name(struct container_record *c, void *ctx, md_error *err)
{
	free(c->name);
	c->name = xstrdup(ctx);
	return 0;
}

/* Under the lock: Docker's checks, in its order, then the change. */
static int rename_locked(const char *root, const char *what, const char *id, const char *name,
			 md_error *err)
{
	char owner[RECORD_ID_LEN + 1];
	cleanup_free char *copy = xstrdup(name);
	struct container_record c;
	int same, r;

	if (records_load(root, id, &c, NULL) < 0) /* removed meanwhile */
		return md_error_set(err, ENOENT, "No such container: %s", what);
	same = c.name && strcmp(c.name, name) == 0;
	records_free(&c);
	if (same)
		return md_error_set(err, 0,
				    "Renaming a container with the same name as its current name");
	if (!records_name_valid(name))
		return md_error_set(err, 0,
				    "Error when allocating new name: Invalid container name (/%s), "
				    "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
				    name);
	r = name_owner(root, name, owner, err);
	if (r < 0)
		return -1;
	if (r > 0)
		return md_error_set(err, 0,
				    "Error when allocating new name: Conflict. The container name "
				    "\"/%s\" is already in use by container \"%s\". You have to "
				    "remove (or rename) that container to be able to reuse that "
				    "name.",
				    name, owner);
	return records_update(root, id, set_name, copy, err);
}

int engine_container_rename(const char *root, const char *what, const char *new_name, md_error *err)
{
	const char *name = *new_name == '/' ? new_name + 1 : new_name;
	char id[RECORD_ID_LEN + 1];
	struct container_record c;
	cleanup_close int lock = -1;

	if (!*what || !*new_name)
		return md_error_set(err, 0, "Neither old nor new names may be empty");
	/* Found before the lock: the lookup may take it itself. */
	if (engine_container_find(root, what, &c, err) < 0)
		return -1;
	memcpy(id, c.id, sizeof(id));
	records_free(&c);
	lock = lock_names(root, err);
	if (lock < 0)
		return -1;
	return rename_locked(root, what, id, name, err);
}
