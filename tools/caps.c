/* caps: root inside a container may lack capabilities the lab needs; make doctor asks which.
 * Prints "NAME yes|no" per capability; exit 0 if all are effective, 1 if not, 2 on error. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

static const struct {
	cap_value_t cap;
	const char *name;
} wanted[] = {
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	{ CAP_SYS_CHROOT, "CAP_SYS_CHROOT" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
};

static int die_with_errno(const char *call)
{
	int saved = errno;
	const char *name = strerrorname_np(saved);

	fprintf(stderr, "caps: %s: %s: %s\n", call, name ? name : "E?", strerror(saved));
	return 2;
}

int main(void)
{
	cap_t caps = cap_get_proc();
	int missing = 0;

	if (caps == NULL)
		return die_with_errno("cap_get_proc");
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		cap_flag_value_t value;

		if (cap_get_flag(caps, wanted[i].cap, CAP_EFFECTIVE, &value) < 0) {
			int status = die_with_errno("cap_get_flag");

			cap_free(caps);
			return status;
		}
		printf("%s %s\n", wanted[i].name, value == CAP_SET ? "yes" : "no");
		missing |= value != CAP_SET;
	}
	cap_free(caps);
	return missing ? 1 : 0;
}
