/* ISO 8601 dates and date-times with a UTC offset, as epoch seconds. */
#ifndef PROVHOST_ISODATE_H
#define PROVHOST_ISODATE_H

#include <stddef.h>
#include <stdint.h>

/* Parses "YYYY-MM-DD" (00:00 UTC of that day) or
 * "YYYY-MM-DDThh:mm[:ss[.frac]]" followed by "Z" or "+hh:mm" / "-hh:mm"
 * (fraction truncated). Years 0000..9999. Returns 0 and *out, or -1 with a
 * short reason ("no UTC offset", "month 13 out of range",
 * "day 30 out of range for 2026-02", "unexpected character 'x' at 11"). */
int isodate_parse(const char *s, int64_t *out, char *reason, size_t reason_len);

/* Formats t as "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes). Returns
 * buf. */
char *isodate_format(int64_t t, char *buf, size_t len);

#endif
