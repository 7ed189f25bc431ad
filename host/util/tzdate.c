/* IANA time zones over ICU's ucal API; see tzdate.h. */
#include "util/tzdate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

void tzdate_cache_init(struct tzdate_cache *c)
{
	memset(c, 0, sizeof(*c));
}

void tzdate_cache_release(struct tzdate_cache *c)
{
	for (size_t i = 0; i < TZDATE_CACHE_SLOTS; i++)
		if (c->slot[i].cal)
			ucal_close(c->slot[i].cal);
	memset(c, 0, sizeof(*c));
}

/* zone as UTF-16 into buf; false when it does not fit or is not ASCII
 * (every tz database name is ASCII). */
static bool zone_uchars(const char *zone, UChar *buf, size_t cap)
{
	size_t n = strlen(zone);

	if (!n || n >= cap || n >= TZDATE_ZONE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)zone[i] < 0x21 ||
		    (unsigned char)zone[i] > 0x7e)
			return false;
		buf[i] = (UChar)zone[i];
	}
	buf[n] = 0;
	return true;
}

int tzdate_zone_check(const char *zone, char *reason, size_t len)
{
	UChar id[TZDATE_ZONE_MAX], canon[128];
	UErrorCode st = U_ZERO_ERROR;
	UBool is_system = 0;

	if (!zone_uchars(zone, id, TZDATE_ZONE_MAX))
		goto unknown;
	ucal_getCanonicalTimeZoneID(id, -1, canon, 128, &is_system, &st);
	if (U_FAILURE(st) || !is_system)
		goto unknown;
	return 0;
unknown:
	snprintf(reason, len,
	         "unknown time zone \"%.64s\" (expected an IANA name such as "
	         "\"Europe/Berlin\" or \"UTC\")",
	         zone);
	return -1;
}

static UCalendar *open_cal(const char *zone, char *reason, size_t len)
{
	UChar id[TZDATE_ZONE_MAX];
	UErrorCode st = U_ZERO_ERROR;
	UCalendar *cal;

	if (tzdate_zone_check(zone, reason, len) ||
	    !zone_uchars(zone, id, TZDATE_ZONE_MAX))
		return NULL;
	cal = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st)) {
		snprintf(reason, len, "time zone \"%s\": ICU: %s", zone,
		         u_errorName(st));
		return NULL;
	}
	/* skipped wall times: the offset before the gap; repeated: the
	 * first occurrence (ICU's defaults, set so they cannot change) */
	ucal_setAttribute(cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
	ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	return cal;
}

/* The calendar of zone: from the cache, or opened (into the cache when
 * there is one). *owned is set when the caller must close it. */
static UCalendar *get_cal(struct tzdate_cache *c, const char *zone, bool *owned,
                          char *reason, size_t len)
{
	UCalendar *cal;
	unsigned i;

	*owned = false;
	if (c)
		for (i = 0; i < TZDATE_CACHE_SLOTS; i++)
			if (c->slot[i].cal && !strcmp(c->slot[i].zone, zone))
				return c->slot[i].cal;
	cal = open_cal(zone, reason, len);
	if (!cal)
		return NULL;
	if (!c) {
		*owned = true;
		return cal;
	}
	i = c->next++ % TZDATE_CACHE_SLOTS;
	if (c->slot[i].cal)
		ucal_close(c->slot[i].cal);
	c->slot[i].cal = cal;
	snprintf(c->slot[i].zone, TZDATE_ZONE_MAX, "%s", zone);
	return cal;
}

int tzdate_local(struct tzdate_cache *c, const char *zone, int y, int mon,
                 int day, int hh, int mm, int ss, int64_t *out, char *reason,
                 size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	UCalendar *cal;
	UDate ms;
	bool owned;

	cal = get_cal(c, zone, &owned, reason, len);
	if (!cal)
		return -1;
	ucal_clear(cal);
	ucal_setDateTime(cal, y, mon - 1, day, hh, mm, ss, &st);
	ms = ucal_getMillis(cal, &st);
	if (owned)
		ucal_close(cal);
	if (U_FAILURE(st)) {
		snprintf(reason, len, "time zone \"%s\": ICU: %s", zone,
		         u_errorName(st));
		return -1;
	}
	*out = (int64_t)(ms / 1000.0);
	if ((double)*out * 1000.0 > ms) /* floor for dates before 1970 */
		(*out)--;
	return 0;
}

int tzdate_cache_check(struct tzdate_cache *c, const char *zone, char *reason,
                       size_t len)
{
	bool owned;
	UCalendar *cal = get_cal(c, zone, &owned, reason, len);

	if (!cal)
		return -1;
	if (owned)
		ucal_close(cal);
	return 0;
}
