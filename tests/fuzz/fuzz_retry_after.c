/* Fuzz target: the Retry-After header (scimclient/scim_status.c
 * scim_retry_after_ms).
 *
 * Invariants: never more than SCIM_RETRY_AFTER_MAX_MS; delta-seconds
 * (digits, surrounding blanks) give exactly min(seconds * 1000, cap), by a
 * reference computed here; an HTTP-date made from a time the input picks
 * (strftime's IMF-fixdate) parses back to that time, i.e. its distance from
 * "now" (0 when not in the future). */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"
#include "scimclient/scim_status.h"

#define NOW 1767225600LL /* 2026-01-01T00:00:00Z */

static int64_t ref_delta(const char *s)
{
	uint64_t secs = 0;
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if (secs <= SCIM_RETRY_AFTER_MAX_MS)
			secs = secs * 10 + (uint64_t)(*p - '0');
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		return -1;
	return secs * 1000 > SCIM_RETRY_AFTER_MAX_MS ? SCIM_RETRY_AFTER_MAX_MS
	                                             : (int64_t)(secs * 1000);
}

static void check_date(const uint8_t *data, size_t size)
{
	int64_t off = 0;
	char buf[64];
	struct tm tm;
	time_t when;
	uint32_t ms;
	int64_t want;

	for (size_t i = 0; i < size && i < 4; i++)
		off = off * 256 + data[i];
	/* -2^31 .. 2^31 seconds around NOW: before and after, past the cap */
	off -= 0x7fffffffLL;
	when = (time_t)(NOW + off);
	if (!gmtime_r(&when, &tm) || tm.tm_year < 70 || tm.tm_year > 8000)
		return;
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	ms = scim_retry_after_ms(buf, NOW);
	want = off <= 0                               ? 0
	       : off * 1000 > SCIM_RETRY_AFTER_MAX_MS ? SCIM_RETRY_AFTER_MAX_MS
	                                              : off * 1000;
	FUZZ_ASSERT(ms == want, "\"%s\" gave %u ms, not %lld", buf, ms,
	            (long long)want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	uint32_t ms = scim_retry_after_ms(s, NOW);
	int64_t ref = ref_delta(s);

	FUZZ_ASSERT(ms <= SCIM_RETRY_AFTER_MAX_MS, "%u ms over the cap", ms);
	if (ref >= 0)
		FUZZ_ASSERT(ms == ref, "\"%s\" gave %u ms, not %lld", s, ms,
		            (long long)ref);
	check_date(data, size);
	free(s);
	return 0;
}
