#ifndef PROVHOST_LEDGER_COPY_H
#define PROVHOST_LEDGER_COPY_H

#include <stddef.h>

/* Copies the SQLite ledger at src (a consistent snapshot, WAL included)
 * into a new file dst, for a dry run to work on. Returns 0, 1 when src does
 * not exist (nothing copied), or -1 with a message in err. */
int ledger_copy(const char *src, const char *dst, char *err, size_t errlen);

#endif
