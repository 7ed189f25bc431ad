/* Audit lines of `provhost reconcile` (same file and guarantees as
 * audit.h): one line per finding that is not ok, one per repair decision
 * made without a connector call (a link, a protected account, a held
 * deactivation), and one line with the run's counts. Connector calls of a
 * repair get the ordinary audit_write lines. */
#ifndef PROVHOST_AUDIT_RECONCILE_H
#define PROVHOST_AUDIT_RECONCILE_H

#include <jansson.h>

#include "engine/audit.h"

struct audit_reconcile {
	int64_t reconcile_run; /* the ledger's reconcile run id */
	const char *connection;
	const char *operation; /* "reconcile", "finding", "repair" */
	const char *cls;       /* finding class, or NULL */
	const char *account_id;
	const char *user_name;
	const char *employee_id;
	const char *outcome; /* repair: "linked", "protected", ... */
	const char *detail;
	const json_t *counts; /* operation "reconcile": the counts, borrowed */
	bool dry_run;
};

/* Appends r's line: 0 (also when auditing is off), or -1 with a message
 * naming the file; the file then holds no part of the line. */
int audit_write_reconcile(struct audit *a, const struct audit_reconcile *r,
                          char *err, size_t err_len);

#endif
