/* In-place secret scrubbing; see scim_scrub.h. */
#include "scimclient/scim_scrub.h"

#include <string.h>

/* Bytes of text[0..left) that spell secret (slen bytes) from the start,
 * each '/' optionally written "\/"; 0 when it does not. */
static size_t spelled_at(const char *text, size_t left, const char *secret,
                         size_t slen)
{
	size_t t = 0;

	for (size_t s = 0; s < slen; s++) {
		if (secret[s] == '/' && t + 1 < left && text[t] == '\\' &&
		    text[t + 1] == '/') {
			t += 2;
			continue;
		}
		if (t >= left || text[t] != secret[s])
			return 0;
		t++;
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
