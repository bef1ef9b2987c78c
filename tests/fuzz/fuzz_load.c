/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for image_load (src/engine/images/archive.c): an image
 * archive (docker save, old or new layout, or an OCI layout; any
 * compression), which whoever made the archive controls.
 *
 *   make fuzz && build-fuzz/fuzz_load tests/fuzz/corpus/load
 *
 * Each run loads the input into the store TOP/store of a fresh temporary
 * TOP (on /dev/shm: the store fsyncs) and aborts when anything but the
 * store changed (TOP holds one more entry, or its canary is not as it
 * was), or a failure has no message, or a success names no image. */
#include "engine/images/archive.h"
#include "fuzz-util.h"
#include "util/cleanup.h"
#include "util/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CANARY "canary\n"

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void check_top(const char *top)
{
	char path[96], buf[sizeof(CANARY) + 1];
	DIR *d = opendir(top);
	struct dirent *de;
	size_t n = 0;
	ssize_t len;
	int fd;

	if (!d)
		abort();
	while ((de = readdir(d)))
		n++;
	closedir(d);
	if (n != 4) /* ., .., canary, store */
		abort();
	snprintf(path, sizeof(path), "%s/canary", top);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		abort();
	len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len != (ssize_t)strlen(CANARY) || memcmp(buf, CANARY, (size_t)len) != 0)
		abort();
}

static void make_top(char *top, size_t len)
{
	char path[96];
	int fd;

	snprintf(top, len, "/dev/shm/fuzz_load.XXXXXX");
	if (!mkdtemp(top))
		abort();
	snprintf(path, sizeof(path), "%s/canary", top);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, CANARY, strlen(CANARY)) != (ssize_t)strlen(CANARY))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct image_store *s;
	char top[64], root[96];
	char **loaded = NULL;
	md_error err;
	int r;

	if (size > 4 << 20)
		return 0;
	if (fd < 0 && (fd = memfd_create("archive", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	make_top(top, sizeof(top));
	snprintf(root, sizeof(root), "%s/store", top);
	err.msg[0] = '\0';
	s = image_store_open(root, &err);
	if (!s)
		abort();
	r = image_load(s, fd, &loaded, &err);
	if (r < 0 && !err.msg[0])
		abort(); /* a failure says why */
	if (r == 0 && (!loaded || !loaded[0]))
		abort(); /* a success loaded something */
	md_strv_free(loaded);
	image_store_close(s);
	check_top(top);
	nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
