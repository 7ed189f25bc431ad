#include "util/file_open.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "a special file";
}

/* Opens without blocking, fstats, and keeps the descriptor only when
 * accept(mode) holds; then back to blocking I/O. */
static int open_checked(const char *path, int flags, mode_t mode,
                        struct stat *st, int (*accept)(mode_t))
{
	int fd, fl, saved;

	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0)
		goto out_close;
	if (!accept(st->st_mode)) {
		errno = EINVAL;
		goto out_close;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto out_close;
	return fd;

out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int is_regular(mode_t mode)
{
	return S_ISREG(mode);
}

static int is_output(mode_t mode)
{
	return S_ISREG(mode) || S_ISFIFO(mode) || S_ISCHR(mode);
}

int file_open_regular(const char *path, int flags, mode_t mode, struct stat *st)
{
	return open_checked(path, flags, mode, st, is_regular);
}

int file_open_output(const char *path, int flags, mode_t mode, struct stat *st)
{
	return open_checked(path, flags, mode, st, is_output);
}

const char *file_open_why(int err, const struct stat *st)
{
	static const char *const refused[] = {
	        "not a regular file (it is a directory)",
	        "not a regular file (it is a socket)",
	        "not a regular file (it is a block device)",
	        "not a regular file (it is a FIFO)",
	        "not a regular file (it is a character device)",
	        "not a regular file",
	};

	if (err == ENXIO)
		return "it is a FIFO that no process is reading";
	if (err != EINVAL)
		return strerror(err);
	if (S_ISDIR(st->st_mode))
		return refused[0];
	if (S_ISSOCK(st->st_mode))
		return refused[1];
	if (S_ISBLK(st->st_mode))
		return refused[2];
	if (S_ISFIFO(st->st_mode))
		return refused[3];
	if (S_ISCHR(st->st_mode))
		return refused[4];
	return refused[5];
}
