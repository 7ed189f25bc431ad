/* Opening files named by the operator without hanging: a FIFO (or a
 * device) given where provhost expects a regular file would block open()
 * until some other process opens its other end. */
#ifndef PROVHOST_FILE_OPEN_H
#define PROVHOST_FILE_OPEN_H

#include <sys/stat.h>
#include <sys/types.h>

/* "a FIFO", "a directory", "a socket", "a character device", "a block
 * device", "a regular file", or "a special file". Static string. */
const char *file_kind(mode_t mode);

/* Opens path with flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY (mode for
 * O_CREAT), so the open itself never blocks, fstats it into *st, refuses
 * anything but a regular file, then clears O_NONBLOCK. Returns the
 * descriptor, or -1 with errno set: from open/fstat, or EINVAL for a file
 * that is not regular (then *st tells what it is: use file_kind). */
int file_open_regular(const char *path, int flags, mode_t mode,
                      struct stat *st);

/* Like file_open_regular for a file provhost writes (audit, rejects):
 * regular files are created as usual; a FIFO or character device (e.g.
 * /dev/stderr, a log shipper's FIFO) is accepted, but opening a FIFO that
 * no process reads fails with ENXIO instead of blocking. Directories,
 * sockets and block devices are refused with EINVAL. */
int file_open_output(const char *path, int flags, mode_t mode, struct stat *st);

/* Why a file_open_* call failed, for "cannot open X: <why>": names the
 * kind of file for EINVAL, says "a FIFO no process is reading" for ENXIO,
 * else strerror(err). Static or strerror's string. */
const char *file_open_why(int err, const struct stat *st);

#endif
