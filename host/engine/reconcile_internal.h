/* Shared state of one `provhost reconcile` of one connection; private to
 * engine/reconcile*.c. One thread. */
#ifndef PROVHOST_RECONCILE_INTERNAL_H
#define PROVHOST_RECONCILE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "connector/instance.h"
#include "engine/audit.h"
#include "engine/reconcile.h"
#include "ledger/ledger_reconcile.h"
#include "util/input_seen.h"
#include "util/strset.h"

enum recon_class {
	RC_OK = 0,
	RC_DRIFT,
	RC_ORPHAN,
	RC_UNLINKED,
	RC_DISPUTED,
	RC_MISSING,
	RC_IGNORED,   /* the ignore filter: never touched */
	RC_PROTECTED, /* would be an orphan; protect list or the token's own */
	RC_COUNT
};

/* "ok", "drift", "orphan", "unlinked_match", "disputed", "missing",
 * "ignored", "protected". */
const char *recon_class_name(enum recon_class c);

/* Classes that need attention (exit 1 when any is left). */
bool recon_class_attention(enum recon_class c);

#define RECON_BUFFER 256 /* findings stored per ledger transaction */

struct recon_pending {
	enum recon_class cls;
	char *account_id, *user_name, *employee_id, *detail;
	int active;
	int64_t n;
};

struct recon {
	const struct reconcile_options *opt;
	const struct connection *conn;
	struct ledger *ledger;
	const char *ledger_path; /* the file (for the run lock) */
	struct ledger_recon *lr;
	struct audit *audit;
	struct instance *inst;
	int64_t run_id; /* ledger_recon_id */
	int64_t counts[RC_COUNT];
	int64_t accounts; /* listed */
	int64_t next_n;   /* last finding number given */
	/* employees whose account was listed (linked, or matched) */
	struct strset has_account;
	/* unlinked matches by employee: first = their finding, count */
	struct input_seen matched;
	struct recon_pending buf[RECON_BUFFER];
	int n_buf;
	bool failed; /* a ledger or audit write failed: stop */
	char error[1200];
};

/* reconcile_classify.c: the list op's emit callback (ctx = struct recon).
 * Classifies one account and stores its finding. */
void recon_account(void *ctx, const char *json, size_t len);

/* After the listing: every active person who should have an account and
 * has none on the target is missing. 0 or -1 (r->error). */
int recon_missing(struct recon *r);

/* Stores a finding (strings copied, NULL = none); returns its number, or
 * 0 after a failure (r->failed). Buffered; recon_flush writes. Counts it.
 */
int64_t recon_finding(struct recon *r, enum recon_class cls,
                      const char *account_id, const char *user_name,
                      const char *employee_id, int active, const char *detail);
int recon_flush(struct recon *r);
/* Frees the findings still buffered (a run that failed: never stored). */
void recon_discard(struct recon *r);

/* Marks the run failed with a message (first one kept); returns -1. */
int recon_fail(struct recon *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* reconcile_desired.c */
enum recon_want {
	WANT_NONE = 0, /* no opinion (leave ignored, policy skip, no record) */
	WANT_ACTIVE,   /* an account like *desired */
	WANT_INACTIVE, /* no active account */
};

/* What the mapping wants for a person (status and HR record, borrowed)
 * on conn: *desired (WANT_ACTIVE only; a new reference) is the mapped
 * record with the link's userName when the policy keeps it; why says why
 * (for WANT_NONE / WANT_INACTIVE). 0, or -1 out of memory. */
int recon_desired(const struct connection *conn, const char *status,
                  const json_t *record, const char *link_user_name,
                  bool has_link, enum recon_want *want, json_t **desired,
                  char *why, size_t why_len);

/* Compares the listed account with what is wanted: "attr: target X,
 * mapping wants Y; ..." into out; returns the number of differences. Only
 * attributes the list op reports are compared (userName, given and family
 * name, the primary email, active; roles when desired has them). */
int recon_diff(const json_t *account, const json_t *desired, bool want_active,
               char *out, size_t len);

/* The account's "active" (absent: true, SCIM's default). */
bool recon_account_active(const json_t *account);

/* reconcile_repair.c: turns the run's findings into work. Returns the
 * exit code of the repair: 0 everything repaired, 1 findings left, 3 a
 * failure, 4 held by the guard. */
int recon_repair(struct recon *r);

/* reconcile_report.c: the human summary (counts, first rows per class)
 * or, with --json, the connection's JSON object (first: no comma
 * before it), streamed: the findings are read back from the ledger. */
void recon_report_text(struct recon *r, FILE *out);
void recon_report_json(struct recon *r, FILE *out, bool first);
/* --json for a connection that could not be reconciled: its error. */
void recon_report_json_error(struct recon *r, FILE *out, bool first);

#endif
