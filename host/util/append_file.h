/* A line-oriented file provhost appends to (the audit trail, the reject
 * file): every line reaches the file whole or not at all, and a last line
 * left torn by an earlier process (power loss, an older provhost on a full
 * disk) is repaired before anything is appended, so no new line is ever
 * glued onto it. Thread-safe (one mutex per file). */
#ifndef PROVHOST_APPEND_FILE_H
#define PROVHOST_APPEND_FILE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct append_file {
	int fd;       /* -1: not open */
	bool regular; /* a regular file: torn lines can be undone */
	char *path;   /* owned */
	pthread_mutex_t lock;
};

/* Builds the text that replaces a torn last line (frag, len bytes, no
 * '\n'): a new malloc'd string, at least len bytes long and ending in
 * '\n', or NULL (out of memory). */
typedef char *(*append_repair_fn)(const char *frag, size_t len);

/* Opens path for appending (created 0600; a FIFO or character device is
 * accepted, see file_open_output). When a regular file does not end in
 * '\n', its last line is replaced by repair(fragment) (in place, one
 * write) and *repaired (may be NULL) is set. Returns 0, or -1 with errno
 * set and *st as file_open_output leaves it (for file_open_why). */
int append_file_open(struct append_file *f, const char *path,
                     append_repair_fn repair, bool *repaired, struct stat *st);

/* Appends len bytes (whole lines). On a failed or short write (ENOSPC,
 * EFBIG, EIO, ...) the bytes already written are cut off again (regular
 * files), so the file still ends with a whole line. Returns 0, or -1 with
 * errno set. */
int append_file_write(struct append_file *f, const void *data, size_t len);

/* Two pieces as one line (written together, undone together). */
int append_file_write2(struct append_file *f, const void *a, size_t alen,
                       const void *b, size_t blen);

bool append_file_is_open(const struct append_file *f);

void append_file_close(struct append_file *f);

#endif
