#include "lifecycle/isodate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
	                             31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at s[*i] into *out and moves past them; on a
 * non-digit leaves *i at it and returns false. */
static bool digits(const char *s, size_t *i, int n, int *out)
{
	int v = 0;

	for (int k = 0; k < n; k++) {
		char c = s[*i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
		(*i)++;
	}
	*out = v;
	return true;
}

/* Moves past c at s[*i]; false (and *i unchanged) when it is not there. */
static bool sep(const char *s, size_t *i, char c)
{
	if (s[*i] != c)
		return false;
	(*i)++;
	return true;
}

static int fail_at(const char *s, size_t i, char *reason, size_t len)
{
	if (!s[i])
		snprintf(reason, len, "ends early after \"%s\"", s);
	else if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
		snprintf(reason, len, "unexpected byte at %zu", i + 1);
	else
		snprintf(reason, len, "unexpected character '%c' at %zu", s[i],
		         i + 1);
	return -1;
}

static int range(const char *what, int v, int lo, int hi, char *reason,
                 size_t len)
{
	if (v >= lo && v <= hi)
		return 0;
	snprintf(reason, len, "%s %02d out of range", what, v);
	return -1;
}

/* "hh:mm[:ss[.frac]]" then "Z" / "±hh:mm" from s[i]; adds to *t. */
static int parse_time(const char *s, size_t i, int64_t *t, char *reason,
                      size_t len)
{
	int hh, mm, ss = 0, oh, om;
	bool leap;
	int64_t off;

	if (!digits(s, &i, 2, &hh) || !sep(s, &i, ':') ||
	    !digits(s, &i, 2, &mm))
		return fail_at(s, i, reason, len);
	if (sep(s, &i, ':')) {
		if (!digits(s, &i, 2, &ss))
			return fail_at(s, i, reason, len);
		if (sep(s, &i, '.') || sep(s, &i, ',')) {
			if (s[i] < '0' || s[i] > '9')
				return fail_at(s, i, reason, len);
			while (s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (range("hour", hh, 0, 23, reason, len) ||
	    range("minute", mm, 0, 59, reason, len) ||
	    range("second", ss, 0, 60, reason, len))
		return -1;
	/* A leap second (23:59:60 UTC) is valid ISO 8601; POSIX time has no
	 * such second, so it counts as 23:59:59, before the next day begins. */
	leap = ss == 60;
	*t += (int64_t)hh * 3600 + mm * 60 + (leap ? 59 : ss);
	if (!s[i]) {
		snprintf(reason, len, "no UTC offset (add Z or +hh:mm)");
		return -1;
	}
	if (s[i] == 'Z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		bool neg = s[i++] == '-';

		if (!digits(s, &i, 2, &oh) || !sep(s, &i, ':') ||
		    !digits(s, &i, 2, &om))
			return fail_at(s, i, reason, len);
		if (range("offset hour", oh, 0, 23, reason, len) ||
		    range("offset minute", om, 0, 59, reason, len))
			return -1;
		off = (int64_t)oh * 3600 + om * 60;
		*t -= neg ? -off : off;
	} else {
		return fail_at(s, i, reason, len);
	}
	if (s[i])
		return fail_at(s, i, reason, len);
	if (leap && ((*t % 86400) + 86400) % 86400 != 86399) {
		snprintf(reason, len,
		         "second 60 out of range (only a leap second, "
		         "23:59:60 UTC, may have it)");
		return -1;
	}
	return 0;
}

int isodate_parse(const char *s, int64_t *out, char *reason, size_t reason_len)
{
	size_t i = 0;
	int y, m, d;
	int64_t t;

	if (!digits(s, &i, 4, &y) || !sep(s, &i, '-') ||
	    !digits(s, &i, 2, &m) || !sep(s, &i, '-') || !digits(s, &i, 2, &d))
		return fail_at(s, i, reason, reason_len);
	if (range("month", m, 1, 12, reason, reason_len))
		return -1;
	if (d < 1 || d > days_in_month(y, m)) {
		snprintf(reason, reason_len,
		         "day %02d out of range for %04d-%02d", d, y, m);
		return -1;
	}
	t = days_from_civil(y, m, d) * 86400;
	if (sep(s, &i, 'T')) {
		if (parse_time(s, i, &t, reason, reason_len))
			return -1;
	} else if (s[i]) {
		return fail_at(s, i, reason, reason_len);
	}
	*out = t;
	return 0;
}

char *isodate_format(int64_t t, char *buf, size_t len)
{
	int64_t days = t / 86400, secs = t % 86400;
	int64_t z, era, doe, yoe, y, doy, mp, d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* H. Hinnant's civil_from_days */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	         (long long)y, (long long)m, (long long)d,
	         (long long)(secs / 3600), (long long)(secs / 60 % 60),
	         (long long)(secs % 60));
	return buf;
}
