#include "engine/run_stats.h"

#include "util/clock.h"

static const char *const count_names[STAT_N] = {
        [STAT_TOTAL] = "Total",
        [STAT_REJECTED] = "Rejected",
        [STAT_SKIPPED] = "Skipped",
        [STAT_UNCHANGED] = "Unchanged",
        [STAT_CREATED] = "Created",
        [STAT_UPDATED] = "Updated",
        [STAT_REACTIVATED] = "Reactivated",
        [STAT_DEACTIVATED] = "Deactivated",
        [STAT_FAILED] = "Failed",
        [STAT_PENDING] = "Pending",
        [STAT_NOT_YET] = "Not yet effective",
        [STAT_HELD] = "Held",
        [STAT_DISPUTED] = "Disputed",
        [STAT_RETRIES] = "Retries",
        [STAT_REQUESTS] = "Calls",
        [STAT_UNRECORDED] = "Not recorded",
};

void run_stats_init(struct run_stats *s)
{
	int i;

	pthread_mutex_init(&s->lock, NULL);
	for (i = 0; i < STAT_N; i++)
		s->count[i] = 0;
	s->started_us = clock_mono_us();
}

void run_stats_release(struct run_stats *s)
{
	pthread_mutex_destroy(&s->lock);
}

void run_stats_add(struct run_stats *s, enum run_count which, int64_t n)
{
	pthread_mutex_lock(&s->lock);
	s->count[which] += n;
	pthread_mutex_unlock(&s->lock);
}

int64_t run_stats_get(struct run_stats *s, enum run_count which)
{
	int64_t v;

	pthread_mutex_lock(&s->lock);
	v = s->count[which];
	pthread_mutex_unlock(&s->lock);
	return v;
}

const char *run_count_name(enum run_count which)
{
	return which < STAT_N ? count_names[which] : "?";
}

int64_t run_stats_finished(struct run_stats *s)
{
	int64_t n = 0;
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = STAT_REJECTED; i <= STAT_FAILED; i++)
		n += s->count[i];
	pthread_mutex_unlock(&s->lock);
	return n;
}

void run_stats_print(struct run_stats *s, const char *connection, FILE *out)
{
	int64_t c[STAT_N];
	double secs;
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < STAT_N; i++)
		c[i] = s->count[i];
	pthread_mutex_unlock(&s->lock);
	secs = (double)(clock_mono_us() - s->started_us) / 1e6;
	fprintf(out, "connection \"%s\":\n ", connection);
	for (i = STAT_TOTAL; i <= STAT_FAILED; i++)
		fprintf(out, " %s %lld%s", count_names[i], (long long)c[i],
		        i < STAT_FAILED ? " |" : "\n");
	if (c[STAT_PENDING] || c[STAT_NOT_YET])
		fprintf(out, "  Pending %lld | Not yet effective %lld\n",
		        (long long)c[STAT_PENDING], (long long)c[STAT_NOT_YET]);
	if (c[STAT_HELD])
		fprintf(out, "  Held for review %lld\n",
		        (long long)c[STAT_HELD]);
	if (c[STAT_DISPUTED])
		fprintf(out,
		        "  Disputed %lld (nothing sent: whose account it is "
		        "must be settled in the HR data)\n",
		        (long long)c[STAT_DISPUTED]);
	if (c[STAT_UNRECORDED])
		fprintf(out,
		        "  Not recorded in the ledger %lld (counted above as "
		        "done; the next run applies them again)\n",
		        (long long)c[STAT_UNRECORDED]);
	fprintf(out, "  %.1f s, %lld connector calls, %lld retries\n", secs,
	        (long long)c[STAT_REQUESTS], (long long)c[STAT_RETRIES]);
}

json_t *run_stats_json(struct run_stats *s)
{
	json_t *obj = json_object();
	int i;

	if (!obj)
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < STAT_N; i++)
		if (i != STAT_UNRECORDED ||
		    s->count[i]) /* only when it happened */
			json_object_set_new(obj, count_names[i],
			                    json_integer(s->count[i]));
	pthread_mutex_unlock(&s->lock);
	return obj;
}
