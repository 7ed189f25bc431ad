#include "engine/pacer.h"

#include "util/clock.h"

#include <math.h>
#include <stdbool.h>

#define PACER_WINDOW_US   1000000 /* the achieved rate is measured over */
#define PACER_MIN_SPAN_US 100000  /* ...but never less than 100 ms */
#define PACER_MIN_UP      0.05    /* growth floor, requests/s per second */

/* The calling thread's last admission (pacer_acquire): which pacer and
 * the slot, so a 429 can be matched to the request it answers. */
static _Thread_local const struct pacer *tl_pacer;
static _Thread_local int64_t tl_slot;
static _Thread_local int tl_flight = -1; /* its pacer_flight_begin handle */
static _Thread_local uint64_t tl_refused_waits;

static int64_t mono_now(void *ctx)
{
	(void)ctx;
	return clock_mono_us();
}

static void mono_sleep(void *ctx, int64_t us)
{
	(void)ctx;
	clock_sleep_ms((us + 999) / 1000);
}

void pacer_init(struct pacer *p, double max_rps)
{
	pthread_mutex_init(&p->lock, NULL);
	p->clock.now_us = mono_now;
	p->clock.sleep_us = mono_sleep;
	p->clock.ctx = NULL;
	p->max_rps = max_rps > 0 ? max_rps : 0;
	p->base = p->knee = p->fast_up = p->slow_up = p->refused_rps = 0;
	p->started_rps = 0;
	p->burst = p->max_rps > 0 ? 1 : PACER_BURST;
	p->tat_us = 0;
	p->paused_until_us = 0;
	p->ramp_start_us = 0;
	p->decreased_us = 0;
	p->pauses = 0;
	p->refusals = 0;
	p->epoch = 0;
	p->admitted = 0;
	p->hint_from_us = 0;
	p->hint_window_us = 0;
	p->hint_until_us = -1;
	p->hint_budget = -1;
	p->hint_limit = -1;
	p->hint_waits = 0;
	for (int i = 0; i < PACER_FLIGHTS; i++)
		p->flights[i] = -1;
	p->flight_max_us = 0;
}

void pacer_release(struct pacer *p)
{
	pthread_mutex_destroy(&p->lock);
}

void pacer_set_clock(struct pacer *p, const struct pacer_clock *clock)
{
	p->clock = *clock;
}

/* The rate in force at time t (0 = unlimited): without a learned rate
 * max_rps; else the learned rate growing from base at ramp_start_us, fast
 * up to the knee and slowly beyond, never above max_rps. Caller holds the
 * lock (or owns p). */
static double rate_at(const struct pacer *p, int64_t t)
{
	double dt, r, to_knee;

	if (p->base <= 0)
		return p->max_rps;
	dt = t > p->ramp_start_us ? (double)(t - p->ramp_start_us) / 1e6 : 0;
	if (p->base >= p->knee) {
		r = p->base + p->slow_up * dt;
	} else {
		to_knee = (p->knee - p->base) / p->fast_up;
		r = dt <= to_knee ? p->base + p->fast_up * dt
		                  : p->knee + p->slow_up * (dt - to_knee);
	}
	if (p->max_rps > 0 && r > p->max_rps)
		r = p->max_rps;
	return r;
}

/* Sets the learned rate: base at from_us, growing towards knee; the
 * slopes scale with ref, the rate the target refused (or the start rate),
 * so convergence takes the same time at any scale. */
static void set_rate(struct pacer *p, double base, double knee, double ref,
                     int64_t from_us)
{
	if (p->max_rps > 0 && base > p->max_rps)
		base = p->max_rps;
	p->base = base < PACER_MIN_RPS ? PACER_MIN_RPS : base;
	p->knee = knee;
	p->fast_up = PACER_FAST_UP * ref;
	if (p->fast_up < PACER_MIN_UP)
		p->fast_up = PACER_MIN_UP;
	p->slow_up = PACER_SLOW_UP * ref;
	if (p->slow_up < PACER_MIN_UP)
		p->slow_up = PACER_MIN_UP;
	p->ramp_start_us = from_us;
}

void pacer_start(struct pacer *p, double rate, int64_t now_us)
{
	if (rate <= 0)
		return;
	pthread_mutex_lock(&p->lock);
	set_rate(p, rate, rate, rate, now_us);
	p->started_rps = p->base;
	pthread_mutex_unlock(&p->lock);
}

/* Requests/s admitted over the second before now, or over the time since
 * the first admission or the end of the last pause if that is shorter (but
 * at least 100 ms): the rate the target just refused. Caller holds the
 * lock. */
static double achieved_rate(const struct pacer *p, int64_t now)
{
	uint64_t n = p->admitted < PACER_HISTORY ? p->admitted : PACER_HISTORY;
	int64_t from = now - PACER_WINDOW_US, oldest = now, s;
	uint64_t i, count = 0;

	for (i = 0; i < n; i++) {
		s = p->history[(p->admitted - 1 - i) % PACER_HISTORY];
		if (s <= from)
			break;
		count++;
		if (s < oldest)
			oldest = s;
	}
	if (i == n && p->admitted <= PACER_HISTORY && oldest > from)
		from = oldest; /* the connection is younger than the window */
	if (p->paused_until_us > from)
		from = p->paused_until_us; /* a pause is no request rate */
	if (now - from < PACER_MIN_SPAN_US)
		from = now - PACER_MIN_SPAN_US;
	return (double)count * 1e6 / (double)(now - from);
}

/* The spacing of requests at rate r, rounded up so r is never exceeded. */
static int64_t interval_us(double r)
{
	return (int64_t)ceil(1e6 / r);
}

/* Requests admitted for a slot in [from, to) and not yet answered: they
 * may reach the target after anything admitted later. Caller holds the
 * lock. */
static int64_t in_flight_between(const struct pacer *p, int64_t from,
                                 int64_t to)
{
	int64_t count = 0;

	for (int i = 0; i < PACER_FLIGHTS; i++)
		if (p->flights[i] >= from && p->flights[i] < to)
			count++;
	return count;
}

static void hint_next_window(struct pacer *p)
{
	int64_t budget;

	p->hint_from_us = p->hint_until_us;
	if (p->hint_limit > 0 && p->hint_window_us > 0) {
		p->hint_until_us = p->hint_from_us + p->hint_window_us;
		/* requests admitted just before the reset (within the longest
		 * time an answer took) and still on their way may count in
		 * this window at the target */
		budget =
		        p->hint_limit -
		        in_flight_between(p, p->hint_from_us - p->flight_max_us,
		                          p->hint_from_us);
		p->hint_budget = budget > 0 ? budget : 0;
	} else {
		p->hint_until_us = -1; /* nothing known until the next hint */
		p->hint_budget = -1;
	}
}

/* The window budget from the target's headers (pacer_hint) for a request
 * that may start at t: t itself, or the window's reset when the budget is
 * spent. A window that ends without a newer hint is followed by one as
 * long as the longest reset seen, with the stated limit (or, without one,
 * by no budget until the next hint). Consumes one request of the budget.
 * Caller holds the lock. */
static int64_t hint_admit(struct pacer *p, int64_t t)
{
	if (t < p->hint_from_us)
		t = p->hint_from_us;
	while (p->hint_until_us >= 0 && t >= p->hint_until_us)
		hint_next_window(p); /* ended without news */
	if (p->hint_until_us < 0)
		return t;
	if (p->hint_budget == 0) {
		p->hint_waits++;
		hint_next_window(p);
		t = p->hint_from_us;
	}
	if (p->hint_budget > 0)
		p->hint_budget--;
	return t;
}

/* pacer_reserve with the lock held. The bucket is kept in its "virtual
 * scheduling" form: tat_us is when it will next hold a whole token with
 * every promised slot paid for; a request may start at tat_us minus the
 * saved-up burst, (burst - 1) intervals. Keeping the debt as a time (not a
 * token count) keeps promised slots valid while the rate changes. */
static int64_t reserve_locked(struct pacer *p, int64_t now_us,
                              int64_t deadline_us)
{
	int64_t t = now_us > p->paused_until_us ? now_us : p->paused_until_us;
	int64_t slot, interval;
	double r;

	int64_t saved[4] = {p->hint_from_us, p->hint_until_us, p->hint_budget,
	                    (int64_t)p->hint_waits};

	t = hint_admit(p, t);
	if (deadline_us > 0 && t > deadline_us) {
		/* the window's reset comes too late: nothing consumed */
		p->hint_from_us = saved[0];
		p->hint_until_us = saved[1];
		p->hint_budget = saved[2];
		p->hint_waits = (uint64_t)saved[3];
		return -1;
	}
	slot = t;
	r = rate_at(p, t);

	if (r > 0) {
		interval = interval_us(r);
		if (slot < p->tat_us - (int64_t)(p->burst - 1) * interval)
			slot = p->tat_us - (int64_t)(p->burst - 1) * interval;
	}
	if (deadline_us > 0 && slot > deadline_us)
		return -1;
	if (r > 0) {
		/* the interval in force when this request starts */
		r = rate_at(p, slot);
		interval = interval_us(r);
		p->tat_us = (slot > p->tat_us ? slot : p->tat_us) + interval;
	}
	p->history[p->admitted % PACER_HISTORY] = slot;
	p->admitted++;
	return slot;
}

int64_t pacer_reserve(struct pacer *p, int64_t now_us, int64_t deadline_us)
{
	int64_t slot;

	pthread_mutex_lock(&p->lock);
	slot = reserve_locked(p, now_us, deadline_us);
	pthread_mutex_unlock(&p->lock);
	return slot;
}

int pacer_acquire(struct pacer *p, int64_t deadline_ms)
{
	int64_t now, slot, deadline = deadline_ms ? deadline_ms * 1000 : 0;
	uint64_t epoch;
	int again;

	pacer_thread_done(p); /* this thread's last request is over */
	do {
		now = p->clock.now_us(p->clock.ctx);
		pthread_mutex_lock(&p->lock);
		slot = reserve_locked(p, now, deadline);
		epoch = p->epoch;
		pthread_mutex_unlock(&p->lock);
		if (slot < 0) {
			tl_refused_waits++;
			return -1;
		}
		if (slot > now)
			p->clock.sleep_us(p->clock.ctx, slot - now);
		/* a pause that began while we waited moves us behind it */
		pthread_mutex_lock(&p->lock);
		again = p->epoch != epoch && p->paused_until_us > slot;
		pthread_mutex_unlock(&p->lock);
	} while (again);
	tl_pacer = p;
	tl_slot = slot;
	tl_flight = pacer_flight_begin(p, slot);
	return 0;
}

int pacer_flight_begin(struct pacer *p, int64_t slot)
{
	int handle = -1;

	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < PACER_FLIGHTS; i++)
		if (p->flights[i] < 0) {
			p->flights[i] = slot;
			handle = i;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	return handle;
}

/* The longest a request took from its slot to its answer (or end), at
 * most a window. Caller holds the lock. */
static void note_flight_time(struct pacer *p, int64_t slot, int64_t now_us)
{
	int64_t took = now_us - slot;

	if (slot < 0 || took <= p->flight_max_us)
		return;
	p->flight_max_us = p->hint_window_us > 0 && took > p->hint_window_us
	                           ? p->hint_window_us
	                           : took;
}

void pacer_flight_end(struct pacer *p, int handle)
{
	if (handle < 0 || handle >= PACER_FLIGHTS)
		return;
	pthread_mutex_lock(&p->lock);
	note_flight_time(p, p->flights[handle], p->clock.now_us(p->clock.ctx));
	p->flights[handle] = -1;
	pthread_mutex_unlock(&p->lock);
}

void pacer_thread_done(struct pacer *p)
{
	if (tl_pacer != p || tl_flight < 0)
		return;
	pacer_flight_end(p, tl_flight);
	tl_flight = -1;
}

/* Lowers the rate after a fresh 429 at now_us; the new rate starts at
 * from_us (the pause's end). Caller holds the lock. */
static void decrease(struct pacer *p, int64_t now_us, int64_t from_us)
{
	double a = achieved_rate(p, now_us), cur = rate_at(p, now_us);
	double drop = p->base <= 0 ? PACER_FIRST_DROP
	              : p->decreased_us > 0 &&
	                              now_us - p->decreased_us < PACER_QUICK_US
	                      ? PACER_QUICK_DROP
	                      : PACER_DROP;

	if (a <= 0 || (cur > 0 && cur < a))
		a = cur > 0 ? cur : PACER_MIN_RPS; /* nothing sent lately */
	set_rate(p, drop * a, PACER_KNEE * a, a, from_us);
	p->refused_rps = a;
	p->decreased_us = now_us;
	p->pauses++;
}

void pacer_refused(struct pacer *p, int64_t now_us, int64_t pause_us,
                   int64_t sent_us)
{
	int64_t until = now_us + (pause_us > 0 ? pause_us : 0);
	bool fresh;
	double r;

	pthread_mutex_lock(&p->lock);
	p->refusals++;
	fresh = sent_us >= 0 ? p->pauses == 0 || sent_us >= p->decreased_us
	                     : now_us >= p->paused_until_us;
	if (fresh)
		decrease(p, now_us,
		         until > p->paused_until_us ? until
		                                    : p->paused_until_us);
	if (until > p->paused_until_us) {
		p->paused_until_us = until;
		if (p->ramp_start_us < until && p->base > 0)
			p->ramp_start_us = until; /* no growth while paused */
		p->epoch++;
		/* one token at the pause's end, nothing saved up: the next
		 * requests follow at the rate; slots already promised past the
		 * end stay owed */
		r = rate_at(p, until);
		if (r > 0) {
			int64_t at = until +
			             (int64_t)(p->burst - 1) * interval_us(r);
			if (p->tat_us < at)
				p->tat_us = at;
		}
	}
	pthread_mutex_unlock(&p->lock);
}

void pacer_pause(struct pacer *p, int64_t now_us, int64_t pause_us)
{
	pacer_refused(p, now_us, pause_us, tl_pacer == p ? tl_slot : -1);
}

/* Admissions after the slot sent_us (at most the remembered ones): the
 * requests that may not have reached the target when it counted. Caller
 * holds the lock. */
static int64_t admitted_after(const struct pacer *p, int64_t sent_us)
{
	uint64_t n = p->admitted < PACER_HISTORY ? p->admitted : PACER_HISTORY;
	uint64_t i;
	int64_t count = 0;

	for (i = 0; i < n; i++)
		if (p->history[(p->admitted - 1 - i) % PACER_HISTORY] > sent_us)
			count++;
	return count;
}

void pacer_hint(struct pacer *p, int64_t now_us, int64_t limit,
                int64_t remaining, int64_t reset_us, int64_t sent_us)
{
	int64_t end, budget;

	if (reset_us < 0 || remaining < 0)
		return;
	pthread_mutex_lock(&p->lock);
	if (limit > 0)
		p->hint_limit = limit;
	if (reset_us > p->hint_window_us)
		p->hint_window_us = reset_us; /* the longest reset seen */
	end = now_us + reset_us;
	note_flight_time(p, sent_us, now_us);
	budget = remaining - (sent_us >= 0
	                              ? admitted_after(p, sent_us) +
	                                        in_flight_between(p, 0, sent_us)
	                              : 0);
	if (budget < 0)
		budget = 0;
	if (p->hint_until_us < 0 || now_us >= p->hint_until_us) {
		p->hint_until_us = end; /* a new window */
		p->hint_budget = budget;
	} else if (sent_us < 0 || sent_us >= p->hint_from_us) {
		/* the same window: news only ever lowers the budget, and a
		 * reset announced later (rounded up) is no earlier */
		if (end < p->hint_until_us)
			p->hint_until_us = end;
		if (p->hint_budget < 0 || budget < p->hint_budget)
			p->hint_budget = budget;
	}
	/* else a late answer to a request admitted before this window began:
	 * it speaks of the last window (the one it was charged to), so it
	 * neither moves this window's end nor spends its budget */
	pthread_mutex_unlock(&p->lock);
}

void pacer_hint_thread(struct pacer *p, int64_t now_us, int64_t limit,
                       int64_t remaining, int64_t reset_us)
{
	pacer_thread_done(p); /* answered: no longer on its way */
	pacer_hint(p, now_us, limit, remaining, reset_us,
	           tl_pacer == p ? tl_slot : -1);
}

double pacer_rate(struct pacer *p, int64_t now_us)
{
	double r;

	pthread_mutex_lock(&p->lock);
	r = rate_at(p, now_us);
	pthread_mutex_unlock(&p->lock);
	return r;
}

double pacer_learned(struct pacer *p, int64_t now_us)
{
	double r;

	pthread_mutex_lock(&p->lock);
	r = rate_at(p, now_us);
	if (p->base <= 0)
		r = 0;
	else if (p->refused_rps > 0 && r > p->refused_rps)
		r = p->refused_rps; /* probing above it proves nothing yet */
	else if (r < p->knee)
		r = p->max_rps > 0 && p->knee > p->max_rps ? p->max_rps
		                                           : p->knee;
	pthread_mutex_unlock(&p->lock);
	return r;
}

uint64_t pacer_thread_refused_waits(void)
{
	return tl_refused_waits;
}
