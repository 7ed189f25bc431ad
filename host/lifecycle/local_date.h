/* Dates as HR systems write them ("03/01/2026", "2026-03-01",
 * "01.03.2026") and what they mean in time: a date without a time is a
 * calendar day in a time zone, starting at that zone's local midnight.
 *
 * Formats: "iso8601" (YYYY-MM-DD, or a date-time: with a UTC offset it is
 * an instant, without one a local wall time) or a strptime(3) pattern
 * that reads a whole date ("%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d %b %Y";
 * month names in English). Pure functions except for the calendars a
 * tzdate_cache opens (see util/tzdate.h for its thread rule). */
#ifndef PROVHOST_LOCAL_DATE_H
#define PROVHOST_LOCAL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/tzdate.h"

#define LOCAL_DATE_ISO "iso8601"

enum day_edge {
	DAY_START = 0, /* 00:00 local of the day */
	DAY_END,       /* 00:00 local of the next day: the whole day counts */
};

struct local_date {
	int y, m, d;    /* the calendar date (always set) */
	bool has_time;  /* the text had a time of day */
	bool absolute;  /* ... with a UTC offset: at is the instant */
	int hh, mm, ss; /* the local time when has_time && !absolute */
	int64_t at;     /* epoch seconds when absolute */
};

/* 0 when fmt is "iso8601" or a strptime pattern with a year (%Y or %y), a
 * month (%m, %b or %B) and a day (%d or %e) and no time zone directive;
 * -1 with a reason. */
int local_date_format_check(const char *fmt, char *reason, size_t len);

/* Reads text (surrounding spaces ignored) with the first of the n formats
 * that reads all of it; a format that reads an impossible date (02/30) is
 * an error, not a reason to try the next. Returns 0 and *out, or -1 with a
 * reason naming the formats tried. */
int local_date_parse(const char *text, const char *const *formats, size_t n,
                     struct local_date *out, char *reason, size_t len);

/* The instant d means in zone: an absolute date-time as given; a local
 * date-time in zone; a date alone at the start of the day, or for
 * edge DAY_END at the start of the next one. cache may be NULL. Returns 0
 * and *out, or -1 with a reason. */
int local_date_epoch(struct tzdate_cache *cache, const struct local_date *d,
                     const char *zone, enum day_edge edge, int64_t *out,
                     char *reason, size_t len);

/* "YYYY-MM-DD" of d's calendar date into buf (at least 11 bytes). */
void local_date_ymd(const struct local_date *d, char *buf, size_t len);

/* "start_of_day" / "end_of_day" <-> edge; 0, or -1 when unknown. */
int day_edge_from_name(const char *name, enum day_edge *out);
const char *day_edge_name(enum day_edge edge);

#endif
