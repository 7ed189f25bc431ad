#include "util/make_parents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int make_parents(const char *path, char *err, size_t err_len)
{
	char *dir = strdup(path);
	int rc = 0;

	if (!dir) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			snprintf(err, err_len,
			         "cannot create directory \"%s\": %s", dir,
			         strerror(errno));
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}
