#include "engine/pacer.h"

#include "util/clock.h"

#define PACER_DEFAULT_RAMP_US 5000000 /* 5 s back to full rate */

void pacer_init(struct pacer *p, double max_rps)
{
	pthread_mutex_init(&p->lock, NULL);
	p->max_rps = max_rps > 0 ? max_rps : 0;
	p->tat_us = 0;
	p->paused_until_us = 0;
	p->ramp_start_us = 0;
	p->ramp_us = PACER_DEFAULT_RAMP_US;
	p->pauses = 0;
}

void pacer_release(struct pacer *p)
{
	pthread_mutex_destroy(&p->lock);
}

/* The rate in force at time t: max_rps, or less while ramping after a
 * pause (half of max_rps at the pause's end, growing linearly). */
static double current_rate(const struct pacer *p, int64_t t)
{
	double frac;

	if (!p->ramp_start_us || t >= p->ramp_start_us + p->ramp_us)
		return p->max_rps;
	if (t < p->ramp_start_us)
		t = p->ramp_start_us;
	frac = (double)(t - p->ramp_start_us) / (double)p->ramp_us;
	return p->max_rps * (0.5 + 0.5 * frac);
}

int64_t pacer_reserve(struct pacer *p, int64_t now_us, int64_t deadline_us)
{
	int64_t slot;
	double rate;

	pthread_mutex_lock(&p->lock);
	slot = now_us;
	if (slot < p->paused_until_us)
		slot = p->paused_until_us;
	if (p->max_rps > 0 && slot < p->tat_us)
		slot = p->tat_us;
	if (deadline_us > 0 && slot > deadline_us) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	if (p->max_rps > 0) {
		rate = current_rate(p, slot);
		p->tat_us = slot + (int64_t)(1e6 / rate);
	}
	pthread_mutex_unlock(&p->lock);
	return slot;
}

int pacer_acquire(struct pacer *p, int64_t deadline_ms)
{
	int64_t now = clock_mono_us();
	int64_t slot =
	        pacer_reserve(p, now, deadline_ms ? deadline_ms * 1000 : 0);

	if (slot < 0)
		return -1;
	if (slot > now)
		clock_sleep_ms((slot - now + 999) / 1000);
	return 0;
}

void pacer_pause(struct pacer *p, int64_t now_us, int64_t pause_us)
{
	int64_t until = now_us + (pause_us > 0 ? pause_us : 0);

	pthread_mutex_lock(&p->lock);
	if (until > p->paused_until_us) {
		p->paused_until_us = until;
		p->ramp_start_us = until;
		p->pauses++;
	}
	if (p->tat_us < until)
		p->tat_us = until;
	pthread_mutex_unlock(&p->lock);
}
