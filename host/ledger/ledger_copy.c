/* A snapshot of a ledger copied into another SQLite database: how a dry
 * run gets its private, in-memory ledger (see ledger_open_copy). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/ledger_internal.h"

int ledger_copy_into(const char *src, sqlite3 *to, char *err, size_t errlen)
{
	sqlite3 *from = NULL;
	sqlite3_backup *bk;
	struct stat st;
	int rc = -1;

	if (stat(src, &st) != 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot read ledger \"%s\": %s", src,
		         strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open ledger \"%s\": %s", src,
		         from ? sqlite3_errmsg(from) : "out of memory");
		goto out_close;
	}
	sqlite3_busy_timeout(from, 5000);
	bk = sqlite3_backup_init(to, "main", from, "main");
	if (!bk) {
		snprintf(err, errlen, "cannot copy ledger \"%s\": %s", src,
		         sqlite3_errmsg(to));
		goto out_close;
	}
	sqlite3_backup_step(bk, -1);
	if (sqlite3_backup_finish(bk) != SQLITE_OK) {
		snprintf(err, errlen, "cannot copy ledger \"%s\": %s", src,
		         sqlite3_errmsg(to));
		goto out_close;
	}
	rc = 0;
out_close:
	sqlite3_close(from);
	return rc;
}
