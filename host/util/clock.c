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

/* The test clocks, read once per process: $PROVHOST_TEST_NOW fixes the
 * wall clock at one moment (it does not move); $PROVHOST_TEST_CLOCK makes
 * it start at that moment and run on. Either takes "YYYY-MM-DD",
 * "YYYY-MM-DDThh:mm:ssZ" or epoch seconds; NOW wins when both are set. */
static bool test_fixed;
static int64_t test_at;     /* the fixed moment (test_fixed) */
static int64_t test_offset; /* running clock minus the real clock */
static pthread_once_t test_once = PTHREAD_ONCE_INIT;

/* Parses v as a moment into *at. Returns false when v is not one. */
static bool test_clock_parse(const char *v, int64_t *at)
{
	struct tm tm = {0};
	long long epoch;
	char tail;

	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	           &tail) == 6 ||
	    (strlen(v) == 10 && sscanf(v, "%4d-%2d-%2d%c", &tm.tm_year,
	                               &tm.tm_mon, &tm.tm_mday, &tail) == 3)) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		*at = (int64_t)timegm(&tm);
		return true;
	}
	if (sscanf(v, "%lld%c", &epoch, &tail) == 1 && epoch >= 0) {
		*at = (int64_t)epoch;
		return true;
	}
	return false;
}

static void test_clock_init(void)
{
	static const char *const names[] = {"PROVHOST_TEST_NOW",
	                                    "PROVHOST_TEST_CLOCK"};
	int64_t at;

	for (size_t i = 0; i < 2; i++) {
		const char *v = getenv(names[i]);

		if (!v || !v[0])
			continue;
		if (!test_clock_parse(v, &at)) {
			fprintf(stderr,
			        "provhost: %s \"%s\" is not a date "
			        "(YYYY-MM-DD, "
			        "YYYY-MM-DDThh:mm:ssZ or epoch seconds); "
			        "ignored\n",
			        names[i], v);
			continue;
		}
		if (i == 0) {
			test_fixed = true;
			test_at = at;
		} else {
			test_offset = at - (int64_t)time(NULL);
		}
		return;
	}
}

int64_t clock_wall_s(void)
{
	pthread_once(&test_once, test_clock_init);
	if (test_fixed)
		return test_at;
	return (int64_t)time(NULL) + test_offset;
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
