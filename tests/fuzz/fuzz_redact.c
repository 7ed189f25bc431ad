/* Fuzz target: redaction of a connection's secrets (connector/redact.c)
 * with a fixed secret.
 *
 * The input is a program that builds a text: plain bytes (never one of
 * the secret's bytes, so the secret only enters where the program puts it),
 * cut markers ("...", U+2026, line breaks), the whole secret, and pieces of
 * it as a cut leaves them (a prefix before a marker or at the end, a suffix
 * at the start or after a marker, a middle run between markers).
 * Invariant: no 8-byte run of the secret survives redact_dup, nor the
 * bounded and in-place redact_into; and redacting again changes nothing. */
#include <string.h>

#include "config/secrets.h"
#include "connector/redact.h"
#include "fuzz_common.h"

/* distinct bytes, none of them in "[REDACTED]", ".", "\n", "\r" or "…" */
static char SECRET[] = "q7w2e9r4t6y1u8i3o5p0asdfgh";
static char OTHER[] = "zxcvbnm";
static char KEY_TOKEN[] = "token", KEY_OTHER[] = "other";
#define RUN 8

static const char *const MARKERS[] = {"...", "\xe2\x80\xa6", "\n", "\r"};

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void put_marker(struct text *t, uint8_t sel)
{
	const char *m = MARKERS[sel % 4];

	put(t, m, strlen(m));
}

static void check_clean(const char *what, const char *s)
{
	size_t slen = sizeof(SECRET) - 1;

	for (size_t i = 0; i + RUN <= slen; i++)
		FUZZ_ASSERT(!memmem(s, strlen(s), SECRET + i, RUN),
		            "%s keeps \"%.8s\" of the secret: %s", what,
		            SECRET + i, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret items[2] = {
	        {.key = KEY_TOKEN, .value = SECRET, .len = sizeof(SECRET) - 1},
	        {.key = KEY_OTHER, .value = OTHER, .len = sizeof(OTHER) - 1},
	};
	struct secret_set set = {.items = items, .n = 2};
	size_t slen = sizeof(SECRET) - 1;
	struct text t = {0};
	char *red, *again, *buf;
	size_t i = 0, cut;

	put(&t, "", 0);
	while (i < size) {
		uint8_t op = data[i++];
		uint8_t a = i < size ? data[i] : 0;
		uint8_t b = i + 1 < size ? data[i + 1] : 0;
		uint8_t m = i + 2 < size ? data[i + 2] : 0;
		size_t from = a % slen, to = from + 1 + b % (slen - from);

		switch (op % 8) {
		case 0: /* the whole secret */
			put(&t, SECRET, slen);
			break;
		case 1: /* a cut marker */
			put_marker(&t, a);
			i++;
			break;
		case 2: /* a piece of the secret, cut at both ends */
			if (from > 0)
				put_marker(&t, m);
			put(&t, SECRET + from, to - from);
			if (to < slen)
				put_marker(&t, m >> 2);
			i += 3;
			break;
		case 3: /* a prefix of the secret, at the end of the text */
			put(&t, SECRET, 1 + a % slen);
			i = size;
			break;
		default: /* a plain byte that is not in the secret */
			if (op && !memchr(SECRET, op, slen))
				put(&t, (const char *)&op, 1);
			break;
		}
	}

	red = redact_dup(&set, t.s);
	FUZZ_ASSERT(red != NULL, "redact_dup failed");
	check_clean("redact_dup", red);
	again = redact_dup(&set, red);
	FUZZ_ASSERT(again && !strcmp(again, red), "redacting twice changed it");
	free(again);

	cut = size ? data[size - 1] % 48 : 0;
	buf = malloc(cut + 1);
	if (!buf)
		abort();
	redact_into(&set, t.s, buf, cut + 1);
	FUZZ_ASSERT(!strncmp(buf, red, strlen(buf)) && strlen(buf) <= cut,
	            "bounded redaction is not a prefix");
	free(buf);

	redact_into(&set, t.s, t.s, t.len + 1);
	check_clean("redact_into in place", t.s);
	FUZZ_ASSERT(!strncmp(t.s, red, t.len), "in-place redaction differs");
	free(red);
	free(t.s);
	return 0;
}
