/* The end-of-run summary: counts per connection, why a connection stopped,
 * and the first failures and rejections with their reasons. */
#include <string.h>

#include "engine/run_internal.h"
#include "engine/run_rate.h"
#include "util/text_escape.h"

void run_problem_add(struct run_problems *p, const char *what, const char *why)
{
	pthread_mutex_lock(&p->lock);
	if (p->n < RUN_MAX_LISTED) {
		text_escape_into(what, p->items[p->n].what,
		                 sizeof(p->items[p->n].what));
		text_escape_into(why, p->items[p->n].why,
		                 sizeof(p->items[p->n].why));
		p->n++;
	} else {
		p->more++;
	}
	pthread_mutex_unlock(&p->lock);
}

void run_problems_print(struct run_problems *p, FILE *out)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		fprintf(out, "    %s: %s\n", p->items[i].what, p->items[i].why);
	if (p->more)
		fprintf(out, "    ... and %lld more (see provhost history)\n",
		        (long long)p->more);
	pthread_mutex_unlock(&p->lock);
}

/* ", N duplicate(s) in input" on the first line when the input repeated
 * an event: counted in every run of the same file alike (item 7). */
static void print_duplicates_count(struct run *run, FILE *out)
{
	int64_t n;

	pthread_mutex_lock(&run->dup_problems.lock);
	n = run->dup_problems.n + run->dup_problems.more;
	pthread_mutex_unlock(&run->dup_problems.lock);
	if (n)
		fprintf(out, ", %lld duplicate%s in input", (long long)n,
		        n == 1 ? "" : "s");
}

void run_print_summary(struct run *run, FILE *out)
{
	size_t i;

	/* a dry run has no run number (run numbers are real runs') */
	if (run->opt->dry_run)
		fprintf(out, "dry run: ");
	else
		fprintf(out, "run %lld: ", (long long)run->run_id);
	fprintf(out, "%lld %s read from %s, %lld rejected",
	        (long long)run->lines, run->unit ? run->unit : "lines",
	        run->source, (long long)run->bad_lines);
	if (run->blank_lines)
		fprintf(out, ", %lld blank", (long long)run->blank_lines);
	if (run->plan.kind == INPUT_KIND_ROSTER)
		fprintf(out, ", %lld unchanged", (long long)run->unchanged);
	print_duplicates_count(run, out);
	fprintf(out, "\n");
	if (run->rescheduled)
		fprintf(out,
		        "  %lld scheduled terminate%s cancelled or moved (the "
		        "termination date changed)\n",
		        (long long)run->rescheduled,
		        run->rescheduled == 1 ? "" : "s");
	if (run->line_problems.n) {
		fprintf(out, "  rejected %s:\n",
		        run->unit ? run->unit : "lines");
		run_problems_print(&run->line_problems, out);
	}
	if (run->dup_problems.n) {
		fprintf(out, "  Skipped (duplicate in input):\n");
		run_problems_print(&run->dup_problems, out);
	}
	if (run->held_problems.n) {
		fprintf(out, "  held for review (not applied until a person "
		             "decides):\n");
		run_problems_print(&run->held_problems, out);
	}
	for (i = 0; i < run->n_conns; i++) {
		struct run_conn *conn_run = &run->conns[i];
		int64_t held_other;

		run_stats_print(&conn_run->stats, conn_run->conn->name, out);
		run_rate_print(conn_run, out);
		if (conn_run->guard_held)
			fprintf(out,
			        "  HELD: %lld deprovision%s on connection %s "
			        "wait%s for review: provhost review\n",
			        (long long)conn_run->guard_held,
			        conn_run->guard_held == 1 ? "" : "s",
			        conn_run->conn->name,
			        conn_run->guard_held == 1 ? "s" : "");
		run_review_print(conn_run, out);
		held_other = conn_run->held_left - conn_run->guard_held -
		             run_review_held(conn_run);
		if (held_other > 0)
			fprintf(out,
			        "  HELD: %lld event%s wait%s for review in the "
			        "ledger (provhost review, provhost history "
			        "EMPLOYEE_ID); no run applies them, and the "
			        "person's later events wait behind them (a "
			        "deprovision does not)\n",
			        (long long)held_other,
			        held_other == 1 ? "" : "s",
			        held_other == 1 ? "s" : "");
		if (conn_run->stopped)
			fprintf(out, "  STOPPED: %s\n", conn_run->stop_reason);
		if (conn_run->problems.n) {
			fprintf(out, "  failed or rejected:\n");
			run_problems_print(&conn_run->problems, out);
		}
	}
	if (run->opt->dry_run)
		fprintf(out, "dry run: nothing was sent to any target and the "
		             "ledger is unchanged\n");
}
