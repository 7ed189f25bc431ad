/* Fuzz target: the text escape and UTF-8 repair helpers
 * (util/text_escape.c, util/utf8.c).
 *
 * Invariants: an escaped text is valid UTF-8 with no control byte and no
 * unsafe code point, and escaping it again changes nothing; the fixed
 * buffer and in-place forms give a prefix of it; a repaired text is valid
 * UTF-8, equal to the input when that was valid; utf8_char_len agrees with
 * a reference decoder written from the RFC 3629 table. */
#include <string.h>

#include "fuzz_common.h"
#include "util/text_escape.h"
#include "util/utf8.h"

/* Reference: length of the well-formed character at s (RFC 3629 section 4
 * table), 0 when ill-formed; also its code point. */
static size_t ref_char_len(const unsigned char *s, size_t left, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	*cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	*cp = (*cp << 6) | (s[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

static int ref_valid(const char *s, size_t len)
{
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = ref_char_len((const unsigned char *)s + i, len - i,
		                       &cp)))
			return 0;
	return 1;
}

/* The code points text_escape.h promises never to show raw, written out
 * here again so the check does not trust text_unsafe_code_point. */
static int ref_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* s is valid UTF-8 and shows nothing unsafe. */
static void check_safe(const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n) {
		n = ref_char_len((const unsigned char *)s + i, len - i, &cp);
		FUZZ_ASSERT(n > 0, "invalid UTF-8 at %zu of escaped text", i);
		FUZZ_ASSERT(!ref_unsafe(cp) && !text_unsafe_code_point(cp),
		            "unsafe U+%04X at %zu of escaped text",
		            (unsigned)cp, i);
	}
	FUZZ_ASSERT(text_find_invisible(s, len, &cp) == len,
	            "invisible character left");
}

static void check_escape(const char *text, size_t cut)
{
	char *esc = text_escape_dup(text), *again, *buf;
	size_t elen;

	FUZZ_ASSERT(esc != NULL, "text_escape_dup failed");
	check_safe(esc);
	again = text_escape_dup(esc);
	FUZZ_ASSERT(again && !strcmp(again, esc), "escaping twice changed it");
	free(again);

	elen = strlen(esc);
	buf = malloc(cut + 1);
	if (!buf)
		abort();
	text_escape_into(text, buf, cut + 1);
	FUZZ_ASSERT(strlen(buf) <= cut && !strncmp(buf, esc, strlen(buf)),
	            "bounded escape is not a prefix");
	FUZZ_ASSERT(cut < elen || !strcmp(buf, esc), "room but cut short");
	free(buf);

	/* in place, in a buffer as large as the escaped text */
	buf = malloc(elen + strlen(text) + 1);
	if (!buf)
		abort();
	strcpy(buf, text);
	text_escape_into(buf, buf, elen + 1);
	FUZZ_ASSERT(!strcmp(buf, esc), "in-place escape differs");
	free(buf);
	free(esc);
}

static void check_repair(const char *text, size_t cut)
{
	size_t len = strlen(text);
	char *rep = utf8_repair_dup(text), *buf;
	int valid = ref_valid(text, len);
	json_t *js;

	FUZZ_ASSERT(rep != NULL, "utf8_repair_dup failed");
	FUZZ_ASSERT(utf8_valid(text, len) == valid, "utf8_valid says %d",
	            !valid);
	FUZZ_ASSERT(ref_valid(rep, strlen(rep)), "repaired text invalid");
	FUZZ_ASSERT(!valid || !strcmp(rep, text), "valid text was changed");

	/* in place, with cut bytes of room to grow */
	buf = malloc(len + 1 + cut);
	if (!buf)
		abort();
	strcpy(buf, text);
	utf8_repair_into(buf, len + 1 + cut);
	FUZZ_ASSERT(ref_valid(buf, strlen(buf)), "repaired buffer invalid");
	FUZZ_ASSERT(!strncmp(buf, rep, strlen(buf)),
	            "repaired buffer is not a prefix");
	free(buf);

	js = utf8_json_string(text);
	FUZZ_ASSERT(js && !strcmp(json_string_value(js), rep),
	            "utf8_json_string differs from the repair");
	json_decref(js);
	free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	size_t cut = size ? data[0] % 64 : 0;
	uint32_t cp, ref;

	for (size_t i = 0; i < size; i++) {
		size_t n = utf8_char_len(data + i, size - i);
		size_t r = ref_char_len(data + i, size - i, &ref);

		FUZZ_ASSERT(n == r, "utf8_char_len %zu, reference %zu at %zu",
		            n, r, i);
	}
	(void)text_find_invisible((const char *)data, size, &cp);
	check_escape(text, cut);
	check_repair(text, cut);
	free(text);
	return 0;
}
