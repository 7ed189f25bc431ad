#include "util/unicode.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uclean.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* A pooled transliterator; free ones form a list under pool_lock. */
struct trans_slot {
	UTransliterator *trans;
	struct trans_slot *next;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;
static struct trans_slot *pool_free; /* idle transliterators */
static size_t pool_busy;             /* handed out, not yet returned */
static bool pool_closed;             /* unicode_cleanup ran */

static void register_cleanup(void)
{
	atexit(unicode_cleanup);
}

/* UTF-8 s[0..len) as a new UTF-16 buffer with extra spare units beyond its
 * length (and one for a NUL); NULL when invalid or out of memory. */
static UChar *to_utf16(const char *s, size_t len, int32_t *out_len,
                       int32_t *out_cap, int32_t extra)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, cap;
	UChar *u;

	if (len > INT32_MAX / 4)
		return NULL;
	u_strFromUTF8(NULL, 0, &n, s, (int32_t)len, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return NULL;
	if (n > INT32_MAX - extra - 1)
		return NULL;
	cap = n + extra + 1;
	u = malloc((size_t)cap * sizeof(*u));
	if (!u)
		return NULL;
	st = U_ZERO_ERROR;
	u_strFromUTF8(u, cap, &n, s, (int32_t)len, &st);
	if (U_FAILURE(st)) {
		free(u);
		return NULL;
	}
	*out_len = n;
	*out_cap = cap;
	return u;
}

/* u[0..n) as a new NUL-terminated UTF-8 string; NULL on failure. */
static char *to_utf8(const UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t len = 0;
	char *s;

	u_strToUTF8(NULL, 0, &len, u, n, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return NULL;
	s = malloc((size_t)len + 1);
	if (!s)
		return NULL;
	st = U_ZERO_ERROR;
	u_strToUTF8(s, len + 1, &len, u, n, &st);
	if (U_FAILURE(st)) {
		free(s);
		return NULL;
	}
	return s;
}

int unicode_casefold(const char *s, size_t len, char **out)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, cap, folded_len;
	UChar *u, *folded = NULL;
	char *res;
	int rc = -1;

	u = to_utf16(s, len, &n, &cap, 0);
	if (!u)
		return -1;
	/* Full folding expands a character to at most 3 UTF-16 units. */
	if (n > (INT32_MAX - 1) / 3)
		goto out_free;
	folded = malloc(((size_t)n * 3 + 1) * sizeof(*folded));
	if (!folded)
		goto out_free;
	folded_len = u_strFoldCase(folded, n * 3 + 1, u, n, U_FOLD_CASE_DEFAULT,
	                           &st);
	if (U_FAILURE(st))
		goto out_free;
	res = to_utf8(folded, folded_len);
	if (!res)
		goto out_free;
	*out = res;
	rc = 0;
out_free:
	free(folded);
	free(u);
	return rc;
}

/* Takes an idle transliterator from the pool, or opens a new one; NULL when
 * ICU cannot open it or the module was cleaned up. */
static struct trans_slot *slot_take(void)
{
	static const char id[] = UNICODE_ASCII_TRANSFORM;
	UChar uid[sizeof(id)];
	UErrorCode st = U_ZERO_ERROR;
	struct trans_slot *slot = NULL;

	pthread_once(&atexit_once, register_cleanup);
	pthread_mutex_lock(&pool_lock);
	if (pool_closed)
		goto out_unlock;
	if (pool_free) {
		slot = pool_free;
		pool_free = slot->next;
		pool_busy++;
		goto out_unlock;
	}
	slot = calloc(1, sizeof(*slot));
	if (!slot)
		goto out_unlock;
	u_uastrcpy(uid, id);
	/* Opened under the lock: opening is slow, but it happens once per
	 * concurrent thread, and ICU's registry is then built only once. */
	slot->trans = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st) || !slot->trans) {
		if (slot->trans)
			utrans_close(slot->trans);
		free(slot);
		slot = NULL;
		goto out_unlock;
	}
	pool_busy++;
out_unlock:
	pthread_mutex_unlock(&pool_lock);
	return slot;
}

/* Gives slot back (or closes it when cleanup already ran). */
static void slot_give(struct trans_slot *slot)
{
	pthread_mutex_lock(&pool_lock);
	pool_busy--;
	if (pool_closed) {
		utrans_close(slot->trans);
		free(slot);
	} else {
		slot->next = pool_free;
		pool_free = slot;
	}
	pthread_mutex_unlock(&pool_lock);
}

void unicode_cleanup(void)
{
	struct trans_slot *slot, *next;

	pthread_mutex_lock(&pool_lock);
	for (slot = pool_free; slot; slot = next) {
		next = slot->next;
		utrans_close(slot->trans);
		free(slot);
	}
	pool_free = NULL;
	pool_closed = true;
	if (!pool_busy)
		u_cleanup();
	pthread_mutex_unlock(&pool_lock);
}

/* Runs trans over u (n units in a buffer of cap), growing the buffer when
 * the result does not fit. Returns the result length, -1 on failure. */
static int32_t transliterate(const UTransliterator *trans, UChar **u, int32_t n,
                             int32_t cap)
{
	for (int tries = 0; tries < 4; tries++) {
		UErrorCode st = U_ZERO_ERROR;
		int32_t len = n, limit = n;
		UChar *copy = malloc((size_t)cap * sizeof(*copy));

		if (!copy)
			return -1;
		memcpy(copy, *u, (size_t)n * sizeof(*copy));
		utrans_transUChars(trans, copy, &len, cap, 0, &limit, &st);
		if (U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING &&
		    len < cap) {
			free(*u);
			*u = copy;
			return len;
		}
		free(copy);
		if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
			return -1;
		if (len > INT32_MAX / 2 - 1)
			return -1;
		cap = (len > cap ? len : cap) * 2 + 1;
	}
	return -1;
}

int unicode_ascii(const char *s, size_t len, char **out)
{
	struct trans_slot *slot;
	int32_t n, cap, res_len;
	UChar *u;
	char *res;
	size_t k = 0;

	/* Room for typical growth (a name's accents vanish, "李" -> "li ");
	 * more is retried with a bigger buffer. */
	if (len > INT32_MAX / 8)
		return -1;
	u = to_utf16(s, len, &n, &cap, (int32_t)len + 16);
	if (!u)
		return -1;
	slot = slot_take();
	if (!slot) {
		free(u);
		return -1;
	}
	res_len = transliterate(slot->trans, &u, n, cap);
	slot_give(slot);
	if (res_len < 0) {
		free(u);
		return -1;
	}
	res = malloc((size_t)res_len + 1);
	if (!res) {
		free(u);
		return -1;
	}
	/* Keep ASCII only: whatever ICU left (symbols, unassigned or
	 * unromanisable characters) is dropped. */
	for (int32_t i = 0; i < res_len; i++)
		if (u[i] < 0x80)
			res[k++] = (char)u[i];
	res[k] = '\0';
	free(u);
	*out = res;
	return 0;
}
