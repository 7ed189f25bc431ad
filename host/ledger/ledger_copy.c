/* A private copy of a ledger for dry runs. */
#include "ledger/ledger_copy.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int ledger_copy(const char *src, const char *dst, char *err, size_t errlen)
{
	sqlite3 *from = NULL, *to = NULL;
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
		         sqlite3_errmsg(from));
		goto out_close;
	}
	if (sqlite3_open_v2(dst, &to,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create \"%s\": %s", dst,
		         sqlite3_errmsg(to));
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
	sqlite3_close(to);
	return rc;
}
