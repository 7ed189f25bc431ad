/* UTF-8 validation and repair; see utf8.h. */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_char_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xe0) {
		n = 2;
	} else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlong 3-byte forms */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c < 0xf5) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* no overlong 4-byte forms */
		else if (c == 0xf4)
			hi = 0x8f; /* at most U+10FFFF */
	} else {
		return 0;
	}
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(p + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

char *utf8_repair_dup(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	char *out = malloc(len * 3 + 1); /* each bad byte grows to 3 */

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(p + i, len - i);

		if (n == 0) {
			memcpy(out + o, UTF8_REPLACEMENT, 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return out;
}

void utf8_repair_into(char *text, size_t size)
{
	char *fixed;
	size_t n;

	if (size == 0 || utf8_valid(text, strlen(text)))
		return;
	fixed = utf8_repair_dup(text);
	if (!fixed) { /* out of memory: keep only the valid start */
		size_t len = strlen(text), i = 0;

		while (i < len && (n = utf8_char_len((unsigned char *)text + i,
		                                     len - i)) > 0)
			i += n;
		text[i] = '\0';
		return;
	}
	n = strlen(fixed);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)fixed[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(text, fixed, n);
	text[n] = '\0';
	free(fixed);
}

json_t *utf8_json_string(const char *text)
{
	char *fixed;
	json_t *j;

	if (!text)
		return json_null();
	if (utf8_valid(text, strlen(text)))
		return json_string(text);
	fixed = utf8_repair_dup(text);
	if (!fixed)
		return NULL;
	j = json_string(fixed);
	free(fixed);
	return j;
}
