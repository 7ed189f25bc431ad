#include "util/path_error.h"

#include <stdio.h>

int path_error_set(struct path_error *err, const char *path, const char *fmt,
                   ...)
{
	va_list ap;

	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}
