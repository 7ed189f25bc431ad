/*
 * stats: request counters for GET /__sim/stats. Lock-free (atomics).
 * Only /api/scim requests are counted; connections are all of them.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdatomic.h>
#include <stddef.h>

enum stats_method {
	STATS_GET,
	STATS_POST,
	STATS_PUT,
	STATS_PATCH,
	STATS_DELETE,
	STATS_OTHER,
	STATS_N_METHODS,
};

#define STATS_N_STATUS 600

struct stats {
	atomic_ulong total;
	atomic_ulong by_method[STATS_N_METHODS];
	atomic_ulong by_status[STATS_N_STATUS];
	atomic_ulong dropped;
	atomic_long connections;
	atomic_long max_connections;
};

void stats_init(struct stats *s);
void stats_count_request(struct stats *s, const char *method);
void stats_count_status(struct stats *s, unsigned status);
void stats_count_drop(struct stats *s);
void stats_connection_opened(struct stats *s);
void stats_connection_closed(struct stats *s);

/* Zeroes the counters; max connections restarts at the open ones. */
void stats_reset(struct stats *s);

/* The stats as a JSON object string (caller frees), NULL on OOM. */
char *stats_render(struct stats *s, size_t *len);

#endif
