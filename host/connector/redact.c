#include "connector/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest secret tail we still treat as a cut-off secret. */
#define REDACT_MIN_TAIL 4

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

/* True when p[0..left) is a prefix of some secret (a truncated secret). */
static int secret_prefix_at(const struct secret_set *secrets, const char *p,
                            size_t left)
{
	if (left < REDACT_MIN_TAIL)
		return 0;
	for (size_t i = 0; i < secrets->n; i++) {
		const struct secret *s = &secrets->items[i];

		if (s->len > left && memcmp(p, s->value, left) == 0)
			return 1;
	}
	return 0;
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

		if (m == 0 && secret_prefix_at(secrets, text + i, len - i))
			m = len - i;
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
