#include "util/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_sleep_ms(int64_t ms)
{
	struct timespec req, rem;

	if (ms <= 0)
		return;
	req.tv_sec = ms / 1000;
	req.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&req, &rem) == -1 && errno == EINTR)
		req = rem;
}

/* The test override: PROVHOST_TEST_NOW=SECONDS (since the epoch) fixes
 * the wall clock of one process, so tests can drive calendar logic (token
 * expiry, once-a-day notifications) without waiting for days. */
static int64_t test_now(void)
{
	const char *v = getenv("PROVHOST_TEST_NOW");
	char *end;
	long long t;

	if (!v || !*v)
		return -1;
	errno = 0;
	t = strtoll(v, &end, 10);
	return errno || *end || t < 0 ? -1 : (int64_t)t;
}

int64_t clock_wall_s(void)
{
	int64_t t = test_now();

	return t >= 0 ? t : (int64_t)time(NULL);
}

void clock_iso_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}
