/* Counters of one run for one connection, shared by its workers, and the
 * end-of-run summary and terminal progress line built from them. */
#ifndef PROVHOST_RUN_STATS_H
#define PROVHOST_RUN_STATS_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

enum run_count {
	STAT_TOTAL = 0, /* events of the run for this connection */
	STAT_REJECTED,  /* bad line, or could not be mapped */
	STAT_SKIPPED,   /* policy or "already processed" */
	STAT_UNCHANGED, /* target already as desired (incl. already absent) */
	STAT_CREATED,
	STAT_UPDATED,
	STAT_REACTIVATED,
	STAT_DEACTIVATED, /* deactivated or deleted */
	STAT_FAILED,      /* gave up: permanent error or retries exhausted */
	STAT_PENDING,     /* left for a re-run (stopped early) */
	STAT_NOT_YET,     /* effective date still in the future */
	STAT_HELD,        /* held for review: waits for a person */
	STAT_DISPUTED,    /* whose account it is is in dispute: nothing sent */
	STAT_RETRIES,     /* extra attempts made */
	STAT_REQUESTS,    /* calls into the connector */
	STAT_UNRECORDED,  /* of the finished: applied or decided, but the ledger
	                   * write failed (the ledger keeps the old state) */
	STAT_N
};

struct run_stats {
	pthread_mutex_t lock;
	int64_t count[STAT_N];
	int64_t started_us;
};

void run_stats_init(struct run_stats *s);
void run_stats_release(struct run_stats *s);
void run_stats_add(struct run_stats *s, enum run_count which, int64_t n);
int64_t run_stats_get(struct run_stats *s, enum run_count which);

/* Name of a counter as shown in the summary ("Created"). */
const char *run_count_name(enum run_count which);

/* Events that reached a final state (everything but pending/not yet). */
int64_t run_stats_finished(struct run_stats *s);

/* Prints the summary block for one connection to out:
 *   connection "NAME": Total 10 | Rejected 1 | ... */
void run_stats_print(struct run_stats *s, const char *connection, FILE *out);

/* A new JSON object with every counter (for the ledger's run row). */
json_t *run_stats_json(struct run_stats *s);

#endif
