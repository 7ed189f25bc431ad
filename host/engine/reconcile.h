/* `provhost reconcile`: read every account of a connection through the
 * connector's list op (ABI 1.1) and classify it against the ledger's links
 * and person records — ok, drift, orphan, unlinked match, disputed,
 * missing (and ignored / protected accounts) — store the findings as a
 * reconcile run in the ledger, write audit lines, print counts and the
 * first findings of each class (all with --json). With --repair, turn the
 * findings into work (engine/reconcile_repair.c); --dry-run only shows
 * that plan. The listing is streamed: memory grows with the number of
 * persons and findings kept in flight, not with the target's size. */
#ifndef PROVHOST_RECONCILE_H
#define PROVHOST_RECONCILE_H

#include <stdbool.h>

struct reconcile_options {
	const char *config_path; /* -c; NULL = default */
	const char *plugin_dir;  /* --plugin-dir; NULL = default rule */
	const char *connection;  /* --connection; NULL = all */
	const char *audit_file;  /* --audit; NULL = config's audit_file */
	bool json;
	bool repair;
	bool dry_run; /* with repair: plan only, no write, ledger unchanged */
	bool allow_mass_deprovision;
};

/* Runs and returns the exit code: 0 every account ok (or repaired), 1
 * something needs attention, 2 usage or configuration error, 3 a
 * connection could not be listed (or the ledger / audit file failed), 4
 * repairs wait for a person (held by the guard). */
int reconcile_execute(const struct reconcile_options *opt);

#endif
