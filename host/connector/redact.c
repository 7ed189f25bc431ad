#include "connector/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest secret tail we still treat as a cut-off secret at the very end
 * of a text (where a fixed buffer cut it). */
#define REDACT_MIN_TAIL 4

/* Shortest run of a secret we treat as a cut-off fragment at any other cut
 * boundary (before "...", after "...", at a line break): long enough that
 * ordinary words never match a random token by chance. */
#define REDACT_MIN_FRAGMENT 8

/* Length of the longest secret value starting at p (0 if none). */
static size_t match_at(const struct secret_set *secrets, const char *p,
                       size_t left)
{
	size_t best = 0;

	for (size_t i = 0; i < secrets->n; i++) {
		const struct secret *s = &secrets->items[i];

		if (s->len == 0 || s->len > left || s->len <= best)
			continue;
		if (memcmp(p, s->value, s->len) == 0)
			best = s->len;
	}
	return best;
}

/* Length of a cut marker starting at text[i] ("...", U+2026 "…", or a
 * line break), 0 if none. */
static size_t marker_at(const char *text, size_t len, size_t i)
{
	if (i + 3 <= len && memcmp(text + i, "...", 3) == 0)
		return 3;
	if (i + 3 <= len && memcmp(text + i, "\xe2\x80\xa6", 3) == 0)
		return 3;
	if (i < len && (text[i] == '\n' || text[i] == '\r'))
		return 1;
	return 0;
}

/* True when a cut may have ended a fragment just before text[i]. */
static int right_boundary(const char *text, size_t len, size_t i)
{
	return i == len || marker_at(text, len, i) > 0;
}

/* True when a cut may have started a fragment at text[i]. */
static int left_boundary(const char *text, size_t i)
{
	if (i == 0 || text[i - 1] == '\n' || text[i - 1] == '\r')
		return 1;
	if (i >= 3 && memcmp(text + i - 3, "...", 3) == 0)
		return 1;
	return i >= 3 && memcmp(text + i - 3, "\xe2\x80\xa6", 3) == 0;
}

/* Longest common prefix of a[0..alen) and b[0..blen). */
static size_t common_prefix(const char *a, size_t alen, const char *b,
                            size_t blen)
{
	size_t n = 0;

	while (n < alen && n < blen && a[n] == b[n])
		n++;
	return n;
}

/* The fragment of s found at text[i] with s->value[p..p+m): m when a cut
 * may have left it (its end is the secret's end or a cut boundary), else 0.
 * The caller has checked that its start is the secret's start or a cut
 * boundary. A whole-secret match is not a fragment. */
static size_t fragment_len(const struct secret *s, size_t p, const char *text,
                           size_t len, size_t i)
{
	size_t m = common_prefix(text + i, len - i, s->value + p, s->len - p);
	int to_end = p + m == s->len;
	size_t min = REDACT_MIN_FRAGMENT;

	if (p == 0 && to_end)
		return 0;
	if (p == 0 && i + m == len)
		min = REDACT_MIN_TAIL;
	if (m < min || !(to_end || right_boundary(text, len, i + m)))
		return 0;
	return m;
}

/* Length of the longest fragment of a secret at text[i] that a cut left
 * behind, 0 if none: at least REDACT_MIN_FRAGMENT bytes equal to a run of
 * the value, starting where the value starts or at a cut boundary, ending
 * where the value ends or at a cut boundary. A prefix of a secret that
 * runs to the very end of the text counts from REDACT_MIN_TAIL bytes. */
static size_t fragment_at(const struct secret_set *secrets, const char *text,
                          size_t len, size_t i)
{
	int left = left_boundary(text, i);
	size_t best = 0;

	for (size_t k = 0; k < secrets->n; k++) {
		const struct secret *s = &secrets->items[k];
		size_t m = s->len ? fragment_len(s, 0, text, len, i) : 0;

		if (m > best)
			best = m;
		if (!left || len - i < REDACT_MIN_FRAGMENT)
			continue;
		/* after a cut: any run of the value, found by its first bytes
		 */
		for (const char *v = s->value + 1;
		     v + REDACT_MIN_FRAGMENT <= s->value + s->len;) {
			const char *hit =
			        memmem(v, (size_t)(s->value + s->len - v),
			               text + i, REDACT_MIN_FRAGMENT);
			if (!hit)
				break;
			m = fragment_len(s, (size_t)(hit - s->value), text, len,
			                 i);
			if (m > best)
				best = m;
			v = hit + 1;
		}
	}
	return best;
}

char *redact_dup(const struct secret_set *secrets, const char *text)
{
	size_t len = strlen(text), cap, used = 0, i = 0;
	size_t mark = strlen(REDACTED_MARK);
	char *out;

	if (!secrets || secrets->n == 0)
		return strdup(text);
	/* worst case: every byte becomes a mark (1-byte secrets) */
	cap = len * (mark > 1 ? mark : 1) + 1;
	out = malloc(cap);
	if (!out)
		return NULL;
	while (i < len) {
		size_t m = match_at(secrets, text + i, len - i);

		if (m == 0)
			m = fragment_at(secrets, text, len, i);
		if (m) {
			memcpy(out + used, REDACTED_MARK, mark);
			used += mark;
			i += m;
		} else {
			out[used++] = text[i++];
		}
	}
	out[used] = '\0';
	return out;
}

void redact_into(const struct secret_set *secrets, const char *text, char *out,
                 size_t outlen)
{
	char *red;
	size_t n;

	if (outlen == 0)
		return;
	red = redact_dup(secrets, text);
	if (!red) {
		snprintf(out, outlen, "%s", REDACTED_MARK);
		return;
	}
	n = strlen(red);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, red, n);
	out[n] = '\0';
	free(red);
}
