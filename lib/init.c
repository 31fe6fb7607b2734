#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: executable even under vm.memfd_noexec=1 */
#endif

/* The static init program (steps/init.c), linked in as bytes: the Makefile
 * builds it and names it in BYOC_INIT_PATH. */
__asm__(".pushsection .rodata\n"
	".balign 16\n"
	"byoc_init_image:\n"
	".incbin \"" BYOC_INIT_PATH "\"\n"
	"byoc_init_image_end:\n"
	".popsection\n");
extern const unsigned char byoc_init_image[], byoc_init_image_end[];

int byoc_init_load(struct byoc_error *err)
{
	const unsigned char *p = byoc_init_image;
	_cleanup_close_ int fd = -1;

	fd = memfd_create("byoc-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		fd = memfd_create("byoc-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return byoc_error_sys(err, errno,
				      "memfd_create(byoc-init): the sysctl vm.memfd_noexec=2 "
				      "forbids executable memfds");
	while (p < byoc_init_image_end) {
		ssize_t n = write(fd, p, (size_t)(byoc_init_image_end - p));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return byoc_error_sys(err, errno, "write(memfd byoc-init)");
		p += n;
	}
	/* Sealed, the copy can never change: not through /proc/1/exe, not by
	 * anyone. See memfd_create(2) and fcntl(2), "File Sealing". */
	if (BYOC_SYS(err,
		     fcntl(fd, F_ADD_SEALS,
			   F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
		     "fcntl(memfd byoc-init, F_ADD_SEALS)") < 0)
		return -1;
	return byoc_steal_fd(&fd);
}

int byoc_init_exec(int fd, pid_t command, char *const envp[], struct byoc_error *err)
{
	char pid[16];
	char *const argv[] = { "init", pid, NULL };

	snprintf(pid, sizeof(pid), "%d", (int)command);
	/* An ELF file runs from a close-on-exec fd; see execveat(2). */
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return byoc_error_sys(err, errno, "execveat(memfd byoc-init)");
}

int byoc_init_exec_command(int fd, int report_fd, char *const argv[], char *const envp[],
			   struct byoc_error *err)
{
	size_t n = 0;

	while (argv[n])
		n++;
	char report[16], *args[n + 4];
	snprintf(report, sizeof(report), "%d", report_fd);
	args[0] = "init";
	args[1] = "--exec";
	args[2] = report;
	for (size_t i = 0; i <= n; i++)
		args[3 + i] = argv[i];
	/* execvp() in the init searches the PATH of envp, its environment. */
	syscall(SYS_execveat, fd, "", args, envp, AT_EMPTY_PATH);
	return byoc_error_sys(err, errno, "execveat(memfd byoc-init)");
}
