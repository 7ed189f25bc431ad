#include "connector/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int trust_stat(const struct stat *st, const char *what, int allow_sticky,
               char *why, size_t why_len)
{
	uid_t me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		snprintf(why, why_len,
		         "%s is owned by uid %u, not by root or the running "
		         "user (uid %u)",
		         what, (unsigned)st->st_uid, (unsigned)me);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(allow_sticky && (st->st_mode & S_ISVTX))) {
		snprintf(why, why_len,
		         "%s is group- or world-writable (mode %04o)", what,
		         (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Checks the directory st of path; strict: the sticky bit does not help. */
static int check_dir(const char *path, const struct stat *st, int strict,
                     char *why, size_t why_len)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "directory \"%s\"", path);
	if (!S_ISDIR(st->st_mode)) {
		snprintf(why, why_len, "%s is not a directory", what);
		return -1;
	}
	return trust_stat(st, what, !strict, why, why_len);
}

int trust_dir_chain(const char *dir, char *why, size_t why_len)
{
	char path[PATH_MAX];
	int strict = 1;

	if (dir[0] != '/' || strlen(dir) >= sizeof(path)) {
		snprintf(why, why_len,
		         "directory \"%s\" is not an absolute path", dir);
		return -1;
	}
	strcpy(path, dir);
	for (;;) {
		struct stat st;
		char *slash;

		if (lstat(path, &st) < 0) {
			snprintf(why, why_len,
			         "cannot check directory \"%s\": %s", path,
			         strerror(errno));
			return -1;
		}
		if (check_dir(path, &st, strict, why, why_len))
			return -1;
		if (!strcmp(path, "/"))
			return 0;
		slash = strrchr(path, '/');
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
		strict = 0;
	}
}

/* Opens the file base in the checked directory dir; -1 with why. */
static int open_in_dir(const char *dir, const char *base, char *why,
                       size_t why_len)
{
	char inner[PATH_MAX + 200];
	struct stat st;
	int dfd, fd = -1;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(why, why_len, "cannot open directory \"%s\": %s", dir,
		         strerror(errno));
		return -1;
	}
	/* the directory actually opened, not just the one checked by name */
	if (fstat(dfd, &st) < 0) {
		snprintf(why, why_len, "cannot check directory \"%s\": %s", dir,
		         strerror(errno));
		goto out;
	}
	if (check_dir(dir, &st, 1, inner, sizeof(inner))) {
		snprintf(why, why_len, "%s; refusing to load it", inner);
		goto out;
	}
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		snprintf(why, why_len, "cannot read: %s", strerror(errno));
out:
	close(dfd);
	return fd;
}

int trust_open_file(const char *path, char **resolved, char *why,
                    size_t why_len)
{
	char *real = NULL, *slash, inner[PATH_MAX + 200];
	struct stat st;
	int fd = -1;

	*resolved = NULL;
	if (lstat(path, &st) < 0 || !(real = realpath(path, NULL))) {
		snprintf(why, why_len, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode))
		*resolved = strdup(real);
	slash = strrchr(real, '/');
	*slash = '\0';
	if (trust_dir_chain(real[0] ? real : "/", inner, sizeof(inner))) {
		snprintf(why, why_len, "%s; refusing to load it", inner);
		goto out;
	}
	fd = open_in_dir(real[0] ? real : "/", slash + 1, why, why_len);
	if (fd < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		snprintf(why, why_len, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "not a regular file");
		goto fail;
	}
	if (trust_stat(&st, "file", 0, inner, sizeof(inner))) {
		snprintf(why, why_len, "%s; refusing to load it", inner);
		goto fail;
	}
	goto out;
fail:
	close(fd);
	fd = -1;
out:
	free(real);
	return fd;
}
