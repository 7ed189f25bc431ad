/* In-place secret scrubbing; see scim_scrub.h. */
#include "scimclient/scim_scrub.h"

#include <string.h>

/* The value of 4 hex digits at p (left >= 4), or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Decodes one JSON string unit at text[0..left) (left > 0): a raw byte, a
 * two-character escape or \uXXXX (a surrogate pair as one code point) into
 * out as UTF-8; returns the bytes of text it took (*n the bytes of out),
 * never fewer than *n. A malformed escape is taken as its raw backslash. */
static size_t decode_unit(const char *text, size_t left, char out[4], size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	long cp, lo;
	size_t used = 6;

	*n = 1;
	out[0] = text[0];
	if (text[0] != '\\' || left < 2)
		return 1;
	if (text[1] && (e = strchr(from, text[1]))) {
		out[0] = to[e - from];
		return 2;
	}
	if (text[1] != 'u' || left < 6 || (cp = hex4(text + 2)) < 0)
		return 1;
	if (cp >= 0xd800 && cp <= 0xdbff && left >= 12 && text[6] == '\\' &&
	    text[7] == 'u' && (lo = hex4(text + 8)) >= 0xdc00 && lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		used = 12;
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		*n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		*n = 3;
	} else {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		*n = 4;
	}
	return used;
}

/* Bytes of text[0..left) that spell secret (slen bytes) from the start,
 * read as the inside of a JSON string (any byte may be escaped: "\/",
 * "\u0074", a surrogate pair...); 0 when it does not. */
static size_t spelled_at(const char *text, size_t left, const char *secret,
                         size_t slen)
{
	size_t t = 0, s = 0, n;
	char unit[4];

	while (s < slen) {
		if (t >= left)
			return 0;
		t += decode_unit(text + t, left - t, unit, &n);
		if (n > slen - s || memcmp(unit, secret + s, n) != 0)
			return 0;
		s += n;
	}
	return t;
}

size_t scim_scrub(char *text, size_t len, const char *secret)
{
	static const char mark[] = SCIM_SCRUB_MARK;
	size_t slen = secret ? strlen(secret) : 0, r = 0, w = 0;

	if (slen == 0 || !text)
		return len;
	while (r < len) {
		size_t m = 0;

		if (text[r] == secret[0] || text[r] == '\\')
			m = spelled_at(text + r, len - r, secret, slen);
		if (m == 0) {
			text[w++] = text[r++];
			continue;
		}
		/* m >= slen, so the replacement always fits behind r */
		if (slen >= sizeof mark - 1) {
			memcpy(text + w, mark, sizeof mark - 1);
			w += sizeof mark - 1;
		} else {
			memset(text + w, '*', slen);
			w += slen;
		}
		r += m;
	}
	text[w] = '\0';
	return w;
}
