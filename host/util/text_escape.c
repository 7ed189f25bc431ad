/* Escaping untrusted text for people; see text_escape.h. */
#include "util/text_escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

bool text_unsafe_code_point(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point of the n-byte well-formed character at s. */
static uint32_t decode(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = s[0] & lead_mask[n];

	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Writes the escape of the character at s (n bytes, 0 = one invalid byte)
 * into buf (at least 8 bytes); returns its length. */
static size_t escape_one(const unsigned char *s, size_t n, char *buf)
{
	uint32_t cp;

	if (n == 0)
		return (size_t)snprintf(buf, 8, "\\x%02x", s[0]);
	cp = decode(s, n);
	if (!text_unsafe_code_point(cp)) {
		memcpy(buf, s, n);
		return n;
	}
	if (cp == '\n' || cp == '\r' || cp == '\t') {
		buf[0] = '\\';
		buf[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		return 2;
	}
	if (cp < 0x80)
		return (size_t)snprintf(buf, 8, "\\x%02x", (unsigned)cp);
	return (size_t)snprintf(buf, 8, "\\u%04x", (unsigned)cp);
}

/* Escapes text into out (outlen > 0), stopping before an escape that does
 * not fit. out may not overlap text. */
static void escape(const char *text, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text), o = 0;
	char buf[8];

	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(p + i, len - i);
		size_t e = escape_one(p + i, n, buf);

		if (o + e >= outlen)
			break;
		memcpy(out + o, buf, e);
		o += e;
		i += n ? n : 1;
	}
	out[o] = '\0';
}

char *text_escape_dup(const char *text)
{
	size_t cap;
	char *out;

	if (!text)
		return NULL;
	cap = strlen(text) * 6 + 1; /* worst case: "\u0085" for 2 bytes, */
	out = malloc(cap);          /* "\x1b" for 1 */
	if (!out)
		return NULL;
	escape(text, out, cap);
	return out;
}

void text_escape_into(const char *text, char *out, size_t outlen)
{
	char *copy;

	if (outlen == 0)
		return;
	copy = strdup(text); /* out may be text */
	if (!copy) {
		snprintf(out, outlen, "(unprintable text)");
		return;
	}
	escape(copy, out, outlen);
	free(copy);
}

size_t text_find_invisible(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(p + i, len - i);

		if (n == 0) {
			i++;
			continue;
		}
		*cp = decode(p + i, n);
		if (*cp >= 0x80 && text_unsafe_code_point(*cp))
			return i;
		i += n;
	}
	return len;
}
