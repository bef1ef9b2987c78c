/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for layer extraction (src/engine/images/layer.c): an
 * image's layer tar, plain, gzip or zstd, which the image's author controls.
 *
 *   make fuzz && build-fuzz/fuzz_layer tests/fuzz/corpus/layer
 *
 * The input is the archive itself, or, when it starts with "#entries\n",
 * lines "T|NAME|ARG" that are written into a tar here (so that mutations
 * reach the path rules instead of dying on tar checksums): T is f (a
 * file, ARG its data), d, l (a symlink to ARG), h (a hard link to ARG),
 * c (a character device) or p (a fifo). Each run unpacks it into TOP/layer of a fresh
 * temporary TOP and aborts when anything but TOP/layer changed: TOP holds
 * one more entry, or its canary file is not as it was. Runs as root in CI
 * (chown, mknod); as another user most archives fail early, which is fine. */
#include "engine/images/layer.h"
#include "fuzz-util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CANARY "canary\n"
#define ENTRIES "#entries\n"

static void add_entry(struct archive *a, char *line)
{
	static const char types[] = "fdlhcp";
	static const mode_t modes[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFREG, S_IFCHR, S_IFIFO };
	char *name = strchr(line, '|'), *arg = NULL, *t = strchr(types, line[0]);
	struct archive_entry *e;

	if (!name || !line[0] || !t)
		return;
	*name++ = '\0';
	if ((arg = strchr(name, '|')))
		*arg++ = '\0';
	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, modes[t - types] | 0755);
	if (line[0] == 'l')
		archive_entry_set_symlink(e, arg);
	if (line[0] == 'h')
		archive_entry_set_hardlink(e, arg);
	if (line[0] == 'f' && arg)
		archive_entry_set_size(e, (la_int64_t)strlen(arg));
	archive_write_header(a, e);
	if (line[0] == 'f' && arg)
		archive_write_data(a, arg, strlen(arg));
	archive_entry_free(e);
}

/* The "#entries" lines as a pax tar into fd. */
static void write_entries(int fd, const uint8_t *data, size_t size)
{
	struct archive *a = archive_write_new();
	char *text = fuzz_text(data, size), *save = NULL;

	if (!a || !text)
		abort();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_fd(a, fd);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		add_entry(a, l);
	archive_write_close(a);
	archive_write_free(a);
	free(text);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		abort();
	while ((de = readdir(d)))
		n++;
	closedir(d);
	return n - 2; /* . and .. */
}

static void check_canary(const char *top)
{
	char path[64], buf[sizeof(CANARY) + 1];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/canary", top);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_nlink != 1 || (st.st_mode & 07777) != 0644)
		abort();
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != (ssize_t)strlen(CANARY) || memcmp(buf, CANARY, (size_t)n) != 0)
		abort();
	if (count_entries(top) != 2)
		abort();
}

static void make_top(char *top, size_t len)
{
	char path[64];
	int fd;

	snprintf(top, len, "/tmp/fuzz_layer.XXXXXX");
	if (!mkdtemp(top))
		abort();
	snprintf(path, sizeof(path), "%s/canary", top);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, CANARY, strlen(CANARY)) != (ssize_t)strlen(CANARY))
		abort();
	fchmod(fd, 0644);
	close(fd);
	snprintf(path, sizeof(path), "%s/layer", top);
	if (mkdir(path, 0755) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char top[64], layer[80];
	md_error err;

	if (size > 1 << 20)
		return 0;
	if (fd < 0 && (fd = memfd_create("layer", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	if (size >= strlen(ENTRIES) && !memcmp(data, ENTRIES, strlen(ENTRIES)))
		write_entries(fd, data, size);
	else if (pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	make_top(top, sizeof(top));
	snprintf(layer, sizeof(layer), "%s/layer", top);
	err.msg[0] = '\0';
	if (layer_unpack(fd, layer, NULL, &err) < 0 && !err.msg[0])
		abort(); /* a failure says why */
	check_canary(top);
	nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
