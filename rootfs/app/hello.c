/* The app layer's program (rootfs/app-layer.sh): prints its layer's config
 * file, /etc/app.conf, which the same layer adds to the image. */
#include <stdio.h>

int main(void)
{
	FILE *f = fopen("/etc/app.conf", "re");
	char line[256];

	if (!f) {
		perror("hello: /etc/app.conf");
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		printf("hello: %s", line);
	fclose(f);
	return 0;
}
