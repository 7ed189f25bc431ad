#include "util/clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static bool test_fixed;  /* PROVHOST_TEST_NOW is set */
static int64_t test_now; /* ... to this */
static pthread_once_t test_once = PTHREAD_ONCE_INIT;

/* Reads PROVHOST_TEST_NOW once: epoch seconds, "YYYY-MM-DD" (00:00 UTC)
 * or "YYYY-MM-DDThh:mm:ssZ". Anything else is reported and ignored. */
static void test_clock_init(void)
{
	const char *v = getenv("PROVHOST_TEST_NOW");
	struct tm tm = {0};
	long long epoch;
	char tail;

	if (!v || !v[0])
		return;
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	           &tail) == 6 ||
	    (strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d%c", &tm.tm_year,
	                               &tm.tm_mon, &tm.tm_mday, &tail) == 3)) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		test_now = (int64_t)timegm(&tm);
	} else if (sscanf(v, "%lld%c", &epoch, &tail) == 1) {
		test_now = (int64_t)epoch;
	} else {
		fprintf(stderr,
		        "provhost: PROVHOST_TEST_NOW \"%s\" is not a time "
		        "(epoch seconds, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ); "
		        "ignored\n",
		        v);
		return;
	}
	test_fixed = true;
}

int64_t clock_wall_s(void)
{
	pthread_once(&test_once, test_clock_init);
	return test_fixed ? test_now : (int64_t)time(NULL);
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
