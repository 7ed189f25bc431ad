/* Local calendar dates in IANA time zones ("Europe/Berlin"), as epoch
 * seconds, over ICU's calendar API (ucal) and the system tz database:
 * daylight saving and historical offsets come from the zone's rules, never
 * from a fixed offset, and the process time zone (TZ) is neither read nor
 * set.
 *
 * Threads: a struct tzdate_cache holds open ICU calendars and belongs to
 * one thread at a time (an ICU calendar is not shareable); calls with a
 * NULL cache open and close a calendar each time and are thread-safe. */
#ifndef PROVHOST_TZDATE_H
#define PROVHOST_TZDATE_H

#include <stddef.h>
#include <stdint.h>

#define TZDATE_CACHE_SLOTS 8
#define TZDATE_ZONE_MAX    64 /* bytes of a zone name, NUL included */

struct tzdate_cache {
	struct {
		char zone[TZDATE_ZONE_MAX];
		void *cal; /* UCalendar *, owned */
	} slot[TZDATE_CACHE_SLOTS];
	unsigned next; /* slot replaced next when all are used */
};

void tzdate_cache_init(struct tzdate_cache *c);
void tzdate_cache_release(struct tzdate_cache *c);

/* 0 when zone names a zone of the system tz database ("UTC",
 * "Pacific/Auckland", links such as "US/Pacific" included); -1 with a
 * reason ("unknown time zone \"Mars/Base\"") otherwise. */
int tzdate_zone_check(const char *zone, char *reason, size_t len);

/* tzdate_zone_check through the cache: a zone already open in c is known
 * without asking ICU again (a per-person zone column checks every row). */
int tzdate_cache_check(struct tzdate_cache *c, const char *zone, char *reason,
                       size_t len);

/* Epoch seconds of the local wall time y-mon-day hh:mm:ss in zone (mon
 * 1..12; day may be one past the month's end: the next day). A wall time
 * that does not exist (a daylight saving gap) is read with the offset
 * before the gap; one that occurs twice takes the first. Returns 0 and
 * *out, or -1 with a reason (an unknown zone, ICU failing). */
int tzdate_local(struct tzdate_cache *c, const char *zone, int y, int mon,
                 int day, int hh, int mm, int ss, int64_t *out, char *reason,
                 size_t len);

#endif
