#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

/* The file execvp() would have tried: `cmd` itself when it holds a '/',
 * else the first regular file of that name along $PATH. */
static bool find_file(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(cmd, '/')) {
		snprintf(out, len, "%s", cmd);
		return stat(out, &st) == 0 && S_ISREG(st.st_mode);
	}
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(out, len, "%.*s/%s", (int)n, p, cmd);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

int byoc_exec_error(const char *cmd, int errnum, struct byoc_error *err)
{
	char file[4096], head[128] = "";
	_cleanup_close_ int fd = -1;
	ssize_t n;

	byoc_error_sys(err, errnum, "execve(%s)", cmd);
	err->status =
		errnum == ENOENT || errnum == ENOTDIR ? BYOC_EXIT_NOT_FOUND : BYOC_EXIT_CANNOT_RUN;
	/* ENOENT for a file that exists: what is missing is what the kernel
	 * would load to run it; see execve(2), "Interpreter scripts" and ERRORS. */
	if (errnum != ENOENT || !find_file(cmd, file, sizeof(file)))
		return -errnum;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, head, sizeof(head) - 1);
	if (n < 0)
		return -errnum;
	head[n] = '\0';
	if (strncmp(head, "#!", 2) == 0) {
		const char *interp = head + 2 + strspn(head + 2, " \t");
		snprintf(err->msg, sizeof(err->msg),
			 "execve(%.100s): ENOENT: %.100s exists, but the interpreter its '#!' line "
			 "names, %.*s, does not exist inside the container: install it in the "
			 "rootfs or fix the '#!' line",
			 cmd, file, (int)strcspn(interp, " \t\n"), interp);
	} else if (n >= 4 && memcmp(head, "\177ELF", 4) == 0) {
		snprintf(
			err->msg, sizeof(err->msg),
			"execve(%.100s): ENOENT: %.100s exists, but the dynamic loader it asks for "
			"(its "
			"ELF interpreter) does not exist inside the container: link it statically, "
			"or put its loader and libraries in the rootfs",
			cmd, file);
	}
	return -errnum;
}
