/* What a test may leave behind on the host, and removing a test's directory
 * without ever crossing into a mount. */
#pragma once

/* Sorted lines: "mount <point> <fstype>", "link <name>", "netns <name>",
 * "cgroup <path>" (directories whose name holds "byoc"), "state <name>"
 * (entries of /run/byoc), "floor <name>" (of /run/byoc-floor), "ipc-msg|sem|shm key K id N" (System V IPC objects).
 * The caller frees it. */
char *h_leak_snapshot(void);

/* h_leak_snapshot(), once no link is left that `before` lacks, or after 3 s:
 * the kernel removes a container's veth pair in a work queue, a moment after
 * the container's network namespace ends. */
char *h_leak_snapshot_settled(const char *before);

/* The lines of `after` missing from `before`, joined with "; ", or NULL. A
 * line that `after` holds more often than `before` counts once per extra. */
char *h_leak_diff(const char *before, const char *after);
/* The same, joined with `sep`. */
char *h_leak_added(const char *before, const char *after, const char *sep);

/* Unmount (lazily, deepest first) whatever is mounted at or below `dir`. */
void h_unmount_below(const char *dir);

/* Unmount whatever is mounted below `dir` (lazily, deepest first), then
 * remove `dir` without leaving its file system. */
void h_remove_tree(const char *dir);
