/* `provhost run`: apply HR events to every configured connection.
 *
 * A run has two phases. Ingest reads the input (a JSON Lines file or stdin)
 * line by line: a bad line is rejected (reject file + ledger) with its line
 * number and reason; a good one is stored in the ledger, with one target row
 * per connection, before anything acts on it. Apply then walks, per
 * connection, every outstanding target in the ledger in input order (this
 * run's and any left by an earlier, interrupted run) and drives the
 * connector through a pool of workers. So the ledger, not the input, is the
 * queue: a crash at any moment is finished by running the same command
 * again, even when the input was stdin. */
#ifndef PROVHOST_RUN_H
#define PROVHOST_RUN_H

#include <stdbool.h>

struct run_options {
	const char *config_path; /* -c; NULL = default */
	const char *plugin_dir;  /* --plugin-dir; NULL = default rule */
	const char *connection;  /* --connection; NULL = all */
	const char *input;       /* a path or "-" (stdin) */
	const char *format;      /* --format jsonl|json|csv; NULL = decide */
	const char *input_name;  /* --input NAME (an "inputs" member; sync:
	                          * NULL = see run_sync) */
	const char *reject_file; /* --reject-file; NULL = none */
	const char *audit_file;  /* --audit; NULL = config's audit_file */
	bool dry_run;
	bool allow_mass_deprovision;
	int progress; /* 1 on, 0 off, -1 when stderr is a terminal */
	/* provhost sync: input is a whole-roster snapshot (run_sync.h) */
	bool snapshot;
	const char *as_of; /* --as-of YYYY-MM-DD; NULL = file name or today */
	/* the input's name in the ledger and the summary instead of input
	 * (reconcile --repair: "reconcile run N"); NULL = input */
	const char *source_label;
	/* reconcile --repair: the target drifted from what provhost last
	 * wrote, so an update equal to the last written state is sent anyway
	 * and the connector gets no last-state hints (it reads and converges)
	 */
	bool converge;
};

/* Runs and returns the exit code (exit_codes.h). */
int run_execute(const struct run_options *opt);

#endif
