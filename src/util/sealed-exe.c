/* SPDX-License-Identifier: Apache-2.0 */
#include "util/sealed-exe.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linux 6.3; newer than Debian 12's headers. */
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* No write, no resize, and no change to the seals themselves. */
#define MD_EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* The seals are kernel state of the file itself: unlike an environment
 * variable, nobody who starts us can claim them without having them. */
static bool is_sealed(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	return seals >= 0 && (seals & MD_EXE_SEALS) == MD_EXE_SEALS;
}

/* MFD_EXEC and vm.memfd_noexec came in together (Linux 6.3): the sysctl
 * tells whether the kernel takes the flag, without a failed call first. */
static unsigned memfd_exec_flag(void)
{
	if (access("/proc/sys/vm/memfd_noexec", F_OK) == 0)
		return MFD_EXEC;
	return errno == ENOENT && access("/proc/sys/vm", F_OK) == 0 ? 0 : MFD_EXEC;
}

static int new_memfd(md_error *err)
{
	/* MFD_EXEC says we mean to execute it (vm.memfd_noexec=1 would make
	 * the memfd non-executable otherwise); older kernels refuse the flag,
	 * and there every memfd is executable. */
	unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	unsigned exec = memfd_exec_flag();
	int fd = memfd_create("mydocker-sealed-exe", flags | exec);

	if (fd < 0 && errno == EINVAL && exec) /* no /proc to ask */
		fd = memfd_create("mydocker-sealed-exe", flags);
	if (fd < 0)
		return md_error_set(err, errno, "memfd_create");
	return fd;
}

/* The whole file, debug info too: ASan's symbolizer, gdb and perf read
 * /proc/self/exe, and a copy cut after the loaded segments makes ASan's
 * report crash instead of naming the line. */
static int copy_exe(int dst, int src, md_error *err)
{
	struct stat st;
	off_t done = 0;
	ssize_t n;

	if (fstat(src, &st) < 0)
		return md_error_set(err, errno, "stat /proc/self/exe");
	while (done < st.st_size) {
		n = sendfile(dst, src, &done, (size_t)(st.st_size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return md_error_set(err, errno, "copy /proc/self/exe");
		if (n == 0)
			return md_error_set(err, 0, "copy /proc/self/exe: it shrank");
	}
	return 0;
}

static int seal(int fd, md_error *err)
{
	/* F_SEAL_EXEC (6.3) keeps the mode bits as they are; older kernels
	 * refuse it, which costs nothing that matters here. It must come
	 * before F_SEAL_SEAL, after which no seal can be added. */
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC);
	if (fcntl(fd, F_ADD_SEALS, MD_EXE_SEALS) < 0)
		return md_error_set(err, errno, "seal the memfd");
	/* Checked as the new process will check it, so that a kernel that
	 * loses a seal cannot send us round in an exec loop. */
	if (!is_sealed(fd))
		return md_error_set(err, 0, "seal the memfd: the seals did not hold");
	return 0;
}

/* execveat names the process after the memfd ("memfd:mydocker-") or the fd
 * number; give it back the name that ps, pgrep and top know it by. */
static void restore_comm(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0)
		(void)prctl(PR_SET_NAME, slash ? slash + 1 : argv0);
}

int md_sealed_exe_ensure(char *const argv[], md_error *err)
{
	cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cleanup_close int copy = -1;

	if (exe < 0)
		return md_error_set(err, errno, "sealed copy of our binary: open /proc/self/exe");
	if (is_sealed(exe)) {
		restore_comm(argv[0]);
		return 0;
	}
	copy = new_memfd(err);
	if (copy < 0 || copy_exe(copy, exe, err) < 0 || seal(copy, err) < 0)
		return md_error_prefix(err, "sealed copy of our binary");
	/* execveat(AT_EMPTY_PATH): the memfd needs no path, and being
	 * close-on-exec it is gone from the new program's fd table. */
	fexecve(copy, argv, environ);
	return md_error_set(err, errno, "sealed copy of our binary: execute it");
}
