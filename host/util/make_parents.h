/* mkdir -p of a file's parent directories, for files that hold HR data
 * (the audit file): new directories are mode 0700; existing ones are left
 * as they are. */
#ifndef PROVHOST_MAKE_PARENTS_H
#define PROVHOST_MAKE_PARENTS_H

#include <stddef.h>

/* Creates every missing parent directory of path (not path itself), mode
 * 0700. Returns 0, or -1 with a line naming the directory and the error in
 * err ("cannot create directory \"/x\": Permission denied"). */
int make_parents(const char *path, char *err, size_t err_len);

#endif
