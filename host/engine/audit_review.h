/* The audit line of a review action (provhost review approve, discard,
 * retry, link, unlink): one JSON object per action, in the same file as
 * the run's lines (engine/audit.h), with who took it and why:
 *   {"time", "operation": "review", "action", "items": [ids], "connection",
 *    "employee", "account_id", "who", "why", "result"}
 * Absent fields are null. Never holds a secret: only ids and the
 * reviewer's own text. */
#ifndef PROVHOST_AUDIT_REVIEW_H
#define PROVHOST_AUDIT_REVIEW_H

#include <stddef.h>

#include "engine/audit.h"

struct audit_review {
	const char *action; /* "approve", "discard", "retry", "link", ... */
	const char *const *items; /* ids ("SEQ:CONNECTION"), n_items of them */
	size_t n_items;
	const char *connection;
	const char *employee_id;
	const char *account_id;
	const char *who;
	const char *why;
	const char
	        *result; /* what became of it: "pending", "superseded", ... */
};

/* Appends r's line to a (nothing when auditing is off). 0, or -1 with a
 * message naming the file in err. */
int audit_review_write(struct audit *a, const struct audit_review *r, char *err,
                       size_t err_len);

#endif
