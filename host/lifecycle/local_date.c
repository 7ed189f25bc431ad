/* HR dates and their instants in a time zone; see local_date.h. */
#include "lifecycle/local_date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lifecycle/isodate.h"

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

static int check_ymd(int y, int m, int d, char *reason, size_t len)
{
	if (y < 1 || y > 9999) {
		snprintf(reason, len, "year %d out of range", y);
		return -1;
	}
	if (m < 1 || m > 12) {
		snprintf(reason, len, "month %d out of range", m);
		return -1;
	}
	if (d < 1 || d > days_in_month(y, m)) {
		snprintf(reason, len, "day %d out of range for %04d-%02d", d, y,
		         m);
		return -1;
	}
	return 0;
}

int local_date_format_check(const char *fmt, char *reason, size_t len)
{
	bool year = false, month = false, day = false;

	if (!strcmp(fmt, LOCAL_DATE_ISO))
		return 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		switch (*++p) {
		case 'Y':
		case 'y':
			year = true;
			break;
		case 'm':
		case 'b':
		case 'B':
		case 'h':
			month = true;
			break;
		case 'd':
		case 'e':
			day = true;
			break;
		case '%':
			break;
		case 'z':
		case 'Z':
		case 's':
		case 'c':
		case 'x':
		case 'X':
		case 'D':
		case 'F':
		case 'T':
		case 'H':
		case 'M':
		case 'S':
		case 'p':
		case 'r':
		case 'R':
		case 'j':
		case 'U':
		case 'W':
		case 'a':
		case 'A':
		case 'n':
		case 't':
		case 'C':
		case 'E':
		case 'O':
		case 'g':
		case 'G':
		case 'u':
		case 'V':
		case 'w':
		case 'I':
			snprintf(reason, len,
			         "date format \"%s\": %%%c is not supported (a "
			         "pattern reads a date: %%Y or %%y, %%m or "
			         "%%b, %%d, and literal characters)",
			         fmt, *p);
			return -1;
		default:
			snprintf(reason, len,
			         "date format \"%s\": unknown directive "
			         "\"%%%.1s\"",
			         fmt, p);
			return -1;
		}
		if (!*p)
			break;
	}
	if (year && month && day)
		return 0;
	snprintf(reason, len,
	         "date format \"%s\" must read a year (%%Y), a month (%%m) and "
	         "a day (%%d), or be \"iso8601\"",
	         fmt);
	return -1;
}

/* ISO 8601: a date, a date-time with an offset (isodate.c), or a local
 * date-time without one. 1 when text is not ISO 8601 at all. */
static int parse_iso(const char *text, struct local_date *out, char *reason,
                     size_t len)
{
	char why[128], tail;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (sscanf(text, "%4d-%2d-%2d%n", &out->y, &out->m, &out->d, &n) != 3 ||
	    n != 10)
		return 1;
	if (check_ymd(out->y, out->m, out->d, reason, len))
		return -1;
	if (!text[10])
		return 0;
	if (text[10] != 'T' && text[10] != ' ')
		return 1;
	out->has_time = true;
	if (!isodate_parse(text, &out->at, why, sizeof(why))) {
		out->absolute = true;
		return 0;
	}
	if (!strstr(why, "no UTC offset")) {
		snprintf(reason, len, "%s", why);
		return -1;
	}
	n = sscanf(text + 11, "%2d:%2d:%2d%c", &out->hh, &out->mm, &out->ss,
	           &tail);
	if (n == 2 || n == 3) {
		if (out->hh > 23 || out->mm > 59 || out->ss > 59) {
			snprintf(reason, len, "time out of range");
			return -1;
		}
		return 0;
	}
	return 1;
}

/* One strptime pattern: 0, 1 when it does not read all of text, -1 when
 * it reads an impossible date. */
static int parse_pattern(const char *text, const char *fmt,
                         struct local_date *out, char *reason, size_t len)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = -1;
	end = strptime(text, fmt, &tm);
	if (!end || *end || tm.tm_mday < 1)
		return 1;
	memset(out, 0, sizeof(*out));
	out->y = tm.tm_year + 1900;
	out->m = tm.tm_mon + 1;
	out->d = tm.tm_mday;
	return check_ymd(out->y, out->m, out->d, reason, len) ? -1 : 0;
}

int local_date_parse(const char *text, const char *const *formats, size_t n,
                     struct local_date *out, char *reason, size_t len)
{
	static const char *const iso_only[] = {LOCAL_DATE_ISO};
	char buf[128], tried[200];
	size_t b = 0, e = strlen(text), used = 0;
	int rc;

	if (!n) {
		formats = iso_only;
		n = 1;
	}
	while (b < e && text[b] == ' ')
		b++;
	while (e > b && text[e - 1] == ' ')
		e--;
	if (e - b >= sizeof(buf)) {
		snprintf(reason, len, "too long for a date");
		return -1;
	}
	memcpy(buf, text + b, e - b);
	buf[e - b] = '\0';
	tried[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(formats[i], LOCAL_DATE_ISO))
			rc = parse_iso(buf, out, reason, len);
		else
			rc = parse_pattern(buf, formats[i], out, reason, len);
		if (rc <= 0)
			return rc;
		if (used < sizeof(tried))
			used += (size_t)snprintf(tried + used,
			                         sizeof(tried) - used, "%s%s",
			                         i ? ", " : "", formats[i]);
	}
	snprintf(reason, len, "not a date in the expected format (%s)", tried);
	return -1;
}

int local_date_epoch(struct tzdate_cache *cache, const struct local_date *d,
                     const char *zone, enum day_edge edge, int64_t *out,
                     char *reason, size_t len)
{
	if (d->absolute) {
		*out = d->at;
		return 0;
	}
	if (!zone || !zone[0])
		zone = "UTC";
	if (d->has_time)
		return tzdate_local(cache, zone, d->y, d->m, d->d, d->hh, d->mm,
		                    d->ss, out, reason, len);
	return tzdate_local(cache, zone, d->y, d->m,
	                    d->d + (edge == DAY_END ? 1 : 0), 0, 0, 0, out,
	                    reason, len);
}

void local_date_ymd(const struct local_date *d, char *buf, size_t len)
{
	int v[3] = {d->y, d->m, d->d}, w[3] = {4, 2, 2};
	size_t k = 0;

	if (len < 11) {
		if (len)
			buf[0] = '\0';
		return;
	}
	for (int i = 0; i < 3; i++) { /* "%04d-%02d-%02d" without printf */
		for (int p = w[i] - 1; p >= 0; p--) {
			buf[k + (size_t)p] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		k += (size_t)w[i];
		buf[k++] = i < 2 ? '-' : '\0';
	}
}

int day_edge_from_name(const char *name, enum day_edge *out)
{
	if (!strcmp(name, "start_of_day"))
		*out = DAY_START;
	else if (!strcmp(name, "end_of_day"))
		*out = DAY_END;
	else
		return -1;
	return 0;
}

const char *day_edge_name(enum day_edge edge)
{
	return edge == DAY_END ? "end_of_day" : "start_of_day";
}
