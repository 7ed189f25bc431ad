/* Fault injection: rate limit, 503s, drops, latency (see faults.h). */
#include "faults.h"

#include <math.h>
#include <string.h>
#include <time.h>

static double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int faults_init(struct faults *f, const struct sim_options *o)
{
	memset(f, 0, sizeof(*f));
	if (pthread_mutex_init(&f->mu, NULL) != 0)
		return -1;
	f->rps = o->rate_rps;
	f->burst = o->rate_burst;
	f->tokens = o->rate_burst;
	f->last_refill = monotonic_seconds();
	f->rng = o->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	f->latency_ms = o->latency_ms;
	f->jitter_ms = o->jitter_ms;
	f->fail_every = o->fail_every;
	f->fail_from = o->fail_from;
	f->drop_every = o->drop_every;
	f->fail_retry_after = o->fail_retry_after;
	atomic_init(&f->seq, 0);
	f->window_limit = o->window_limit;
	f->window_s = o->window_s;
	f->window_start = f->last_refill;
	return 0;
}

void faults_destroy(struct faults *f)
{
	pthread_mutex_destroy(&f->mu);
}

/* Takes one token; returns 0 or the seconds until one is available. */
static unsigned bucket_take(struct faults *f)
{
	double now, wait;
	unsigned retry = 0;

	pthread_mutex_lock(&f->mu);
	now = monotonic_seconds();
	f->tokens += (now - f->last_refill) * f->rps;
	if (f->tokens > f->burst)
		f->tokens = f->burst;
	f->last_refill = now;
	if (f->tokens >= 1.0) {
		f->tokens -= 1.0;
	} else {
		wait = ceil((1.0 - f->tokens) / f->rps);
		retry = wait < 1.0 ? 1 : wait > 86400 ? 86400 : (unsigned)wait;
	}
	pthread_mutex_unlock(&f->mu);
	return retry;
}

enum fault_verdict faults_check(struct faults *f, unsigned *retry_after)
{
	unsigned long n = atomic_fetch_add(&f->seq, 1) + 1;

	*retry_after = 0;
	if (f->drop_every && n % f->drop_every == 0)
		return FAULT_DROP;
	if ((f->fail_every && n % f->fail_every == 0) ||
	    (f->fail_from && n >= f->fail_from)) {
		*retry_after = f->fail_retry_after;
		return FAULT_FAIL;
	}
	if (f->rps > 0) {
		*retry_after = bucket_take(f);
		if (*retry_after)
			return FAULT_RATE_LIMITED;
	}
	return FAULT_NONE;
}

/* xorshift64*: a small deterministic generator for the jitter. */
static uint64_t next_random(struct faults *f)
{
	uint64_t x;

	pthread_mutex_lock(&f->mu);
	x = f->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	f->rng = x;
	pthread_mutex_unlock(&f->mu);
	return x * 0x2545F4914F6CDD1DULL;
}

void faults_delay(struct faults *f)
{
	unsigned long ms = f->latency_ms;
	struct timespec ts;

	if (f->jitter_ms)
		ms += next_random(f) % ((uint64_t)f->jitter_ms + 1);
	if (!ms)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

void faults_reset(struct faults *f)
{
	atomic_store(&f->seq, 0);
	pthread_mutex_lock(&f->mu);
	f->tokens = f->burst;
	f->last_refill = monotonic_seconds();
	f->window_start = f->last_refill;
	f->window_used = 0;
	pthread_mutex_unlock(&f->mu);
}

bool faults_window(struct faults *f, long *limit, long *remaining, long *reset)
{
	double now, left;
	bool ok;

	*limit = 0;
	if (!f->window_limit)
		return true;
	pthread_mutex_lock(&f->mu);
	now = monotonic_seconds();
	if (now >= f->window_start + f->window_s) {
		/* whole windows since the start: they stay aligned */
		f->window_start +=
		        floor((now - f->window_start) / f->window_s) *
		        f->window_s;
		f->window_used = 0;
	}
	ok = f->window_used < f->window_limit;
	if (ok)
		f->window_used++;
	*limit = (long)f->window_limit;
	*remaining = (long)(f->window_limit - f->window_used);
	left = ceil(f->window_start + f->window_s - now);
	*reset = left < 1 ? 1 : (long)left;
	pthread_mutex_unlock(&f->mu);
	return ok;
}
