#include "log.h"

#include <errno.h>
#include <stdarg.h>

static FILE *log_file;
static const char *log_role = "parent";

void byoc_log_enable(FILE *f)
{
	log_file = f;
}

bool byoc_log_enabled(void)
{
	return log_file != NULL;
}

void byoc_log_set_role(const char *role)
{
	log_role = role;
}

void byoc_log(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!log_file)
		return;
	fprintf(log_file, "byoc[%s]: ", log_role);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
	errno = saved;
}
