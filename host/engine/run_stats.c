#include "engine/run_stats.h"

#include "util/clock.h"

static const char *const count_names[RC_N] = {
        [RC_TOTAL] = "Total",
        [RC_REJECTED] = "Rejected",
        [RC_SKIPPED] = "Skipped",
        [RC_UNCHANGED] = "Unchanged",
        [RC_CREATED] = "Created",
        [RC_UPDATED] = "Updated",
        [RC_REACTIVATED] = "Reactivated",
        [RC_DEACTIVATED] = "Deactivated",
        [RC_FAILED] = "Failed",
        [RC_PENDING] = "Pending",
        [RC_NOT_YET] = "Not yet effective",
        [RC_HELD] = "Held",
        [RC_DISPUTED] = "Disputed",
        [RC_RETRIES] = "Retries",
        [RC_REQUESTS] = "Calls",
        [RC_UNRECORDED] = "Not recorded",
};

void run_stats_init(struct run_stats *s)
{
	int i;

	pthread_mutex_init(&s->lock, NULL);
	for (i = 0; i < RC_N; i++)
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
	return which < RC_N ? count_names[which] : "?";
}

int64_t run_stats_finished(struct run_stats *s)
{
	int64_t n = 0;
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = RC_REJECTED; i <= RC_FAILED; i++)
		n += s->count[i];
	pthread_mutex_unlock(&s->lock);
	return n;
}

void run_stats_print(struct run_stats *s, const char *connection, FILE *out)
{
	int64_t c[RC_N];
	double secs;
	int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < RC_N; i++)
		c[i] = s->count[i];
	pthread_mutex_unlock(&s->lock);
	secs = (double)(clock_mono_us() - s->started_us) / 1e6;
	fprintf(out, "connection \"%s\":\n ", connection);
	for (i = RC_TOTAL; i <= RC_FAILED; i++)
		fprintf(out, " %s %lld%s", count_names[i], (long long)c[i],
		        i < RC_FAILED ? " |" : "\n");
	if (c[RC_PENDING] || c[RC_NOT_YET])
		fprintf(out, "  Pending %lld | Not yet effective %lld\n",
		        (long long)c[RC_PENDING], (long long)c[RC_NOT_YET]);
	if (c[RC_HELD])
		fprintf(out, "  Held for review %lld\n", (long long)c[RC_HELD]);
	if (c[RC_DISPUTED])
		fprintf(out,
		        "  Disputed %lld (nothing sent: whose account it is "
		        "must be settled in the HR data)\n",
		        (long long)c[RC_DISPUTED]);
	if (c[RC_UNRECORDED])
		fprintf(out,
		        "  Not recorded in the ledger %lld (counted above as "
		        "done; the next run applies them again)\n",
		        (long long)c[RC_UNRECORDED]);
	fprintf(out, "  %.1f s, %lld connector calls, %lld retries\n", secs,
	        (long long)c[RC_REQUESTS], (long long)c[RC_RETRIES]);
}

json_t *run_stats_json(struct run_stats *s)
{
	json_t *obj = json_object();
	int i;

	if (!obj)
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < RC_N; i++)
		if (i != RC_UNRECORDED ||
		    s->count[i]) /* only when it happened */
			json_object_set_new(obj, count_names[i],
			                    json_integer(s->count[i]));
	pthread_mutex_unlock(&s->lock);
	return obj;
}
