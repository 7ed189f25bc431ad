#include "util/append_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file_open.h"

#define TORN_MAX (16L << 20) /* longer torn tails are only terminated */

/* Writes all of buf at the file's end (O_APPEND); 0 or -1 (errno). A
 * regular file is cut back to start when not all of it got written. */
static int write_all(struct append_file *f, const char *buf, size_t len,
                     off_t start)
{
	size_t done = 0;
	ssize_t n;
	int err;

	while (done < len) {
		n = write(f->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		err = n < 0 ? errno : ENOSPC; /* 0 bytes: no room */
		if (f->regular && done > 0 && ftruncate(f->fd, start) != 0)
			err = errno; /* the file keeps a torn line */
		errno = err;
		return -1;
	}
	return 0;
}

/* Offset just after the last '\n' before size (0 when none). */
static int find_line_start(int fd, off_t size, off_t *start)
{
	char buf[4096];
	off_t end = size, from;
	ssize_t n;

	while (end > 0 && size - end < TORN_MAX) {
		from = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		n = pread(fd, buf, (size_t)(end - from), from);
		if (n != (ssize_t)(end - from))
			return -1;
		for (ssize_t i = n; i-- > 0;) {
			if (buf[i] == '\n') {
				*start = from + i + 1;
				return 0;
			}
		}
		end = from;
	}
	*start = end;
	return 0;
}

/* Replaces the torn tail [start, size) by repair(tail), in place; rfd
 * reads the same file. */
static int repair_tail(struct append_file *f, int rfd, off_t start, off_t size,
                       append_repair_fn repair)
{
	size_t len = (size_t)(size - start);
	char *frag = NULL, *text = NULL;
	int flags, rc = -1, err = 0;
	ssize_t n;

	if (size - start >= TORN_MAX || !repair)
		return write_all(f, "\n", 1, size);
	frag = malloc(len ? len : 1);
	if (!frag)
		goto out;
	n = pread(rfd, frag, len, start);
	if (n != (ssize_t)len) {
		if (n >= 0)
			errno = EIO;
		goto out;
	}
	text = repair(frag, len);
	if (!text) {
		errno = ENOMEM;
		goto out;
	}
	/* O_APPEND would make pwrite append: drop it for the one write */
	flags = fcntl(f->fd, F_GETFL);
	if (flags < 0 || fcntl(f->fd, F_SETFL, flags & ~O_APPEND) < 0)
		goto out;
	n = pwrite(f->fd, text, strlen(text), start);
	if (n == (ssize_t)strlen(text) && strlen(text) < len &&
	    ftruncate(f->fd, start + n))
		err = errno;
	else if (n != (ssize_t)strlen(text)) {
		err = n < 0 ? errno : ENOSPC;
		/* put the fragment back as it was: no new line lands on it */
		if (ftruncate(f->fd, size) ||
		    pwrite(f->fd, frag, len, start) < 0)
			err = errno;
	}
	if (fcntl(f->fd, F_SETFL, flags) < 0 && !err)
		err = errno;
	if (!err)
		rc = 0;
	errno = err;
out:
	err = errno;
	free(frag);
	free(text);
	errno = err;
	return rc;
}

/* A regular file's last line, when it lacks its '\n', is repaired. The
 * descriptor is write-only (opened like any output): the tail is read
 * through a second, read-only open of the same file. */
static int check_tail(struct append_file *f, const struct stat *st,
                      append_repair_fn repair, bool *repaired)
{
	struct stat rst;
	off_t start;
	char last;
	int rfd, rc = -1, err;

	if (st->st_size == 0)
		return 0;
	rfd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (rfd < 0)
		return -1;
	if (fstat(rfd, &rst))
		goto out;
	if (rst.st_dev != st->st_dev || rst.st_ino != st->st_ino) {
		errno = EAGAIN; /* replaced meanwhile */
		goto out;
	}
	if (pread(rfd, &last, 1, rst.st_size - 1) != 1)
		goto out;
	if (last == '\n') {
		rc = 0;
		goto out;
	}
	if (find_line_start(rfd, rst.st_size, &start) ||
	    repair_tail(f, rfd, start, rst.st_size, repair))
		goto out;
	if (repaired)
		*repaired = true;
	rc = 0;
out:
	err = errno;
	close(rfd);
	errno = err;
	return rc;
}

int append_file_open(struct append_file *f, const char *path,
                     append_repair_fn repair, bool *repaired, struct stat *st)
{
	int err;

	f->fd = -1;
	f->path = NULL;
	f->regular = false;
	pthread_mutex_init(&f->lock, NULL);
	if (repaired)
		*repaired = false;
	f->fd = file_open_output(path, O_WRONLY | O_CREAT | O_APPEND, 0600, st);
	if (f->fd < 0)
		return -1;
	f->regular = S_ISREG(st->st_mode);
	f->path = strdup(path);
	if (!f->path) {
		errno = ENOMEM;
		goto fail;
	}
	if (f->regular && check_tail(f, st, repair, repaired))
		goto fail;
	return 0;
fail:
	err = errno;
	close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
	errno = err;
	return -1;
}

int append_file_write2(struct append_file *f, const void *a, size_t alen,
                       const void *b, size_t blen)
{
	struct stat st;
	char *buf = NULL;
	const char *p = a;
	int rc = -1, err = 0;

	if (f->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (blen) {
		buf = malloc(alen + blen);
		if (!buf) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(buf, a, alen);
		memcpy(buf + alen, b, blen);
		p = buf;
	}
	pthread_mutex_lock(&f->lock);
	st.st_size = 0;
	if (f->regular && fstat(f->fd, &st))
		err = errno;
	else if (write_all(f, p, alen + blen, st.st_size))
		err = errno;
	else
		rc = 0;
	pthread_mutex_unlock(&f->lock);
	free(buf);
	errno = err;
	return rc;
}

int append_file_write(struct append_file *f, const void *data, size_t len)
{
	return append_file_write2(f, data, len, NULL, 0);
}

bool append_file_is_open(const struct append_file *f)
{
	return f->fd >= 0;
}

void append_file_close(struct append_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
	pthread_mutex_destroy(&f->lock);
}
