/* Person records: merging events onto the last known HR record. */
#include "lifecycle/person.h"
#include "util/unicode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int person_merge(enum event_kind kind, const json_t *stored,
                 const json_t *attrs, json_t **merged)
{
	const char *key;
	json_t *rec, *val;

	if (kind == EVENT_HIRE || kind == EVENT_REHIRE || !stored)
		rec = json_object();
	else
		rec = json_deep_copy(stored);
	if (!rec)
		return -1;
	json_object_foreach((json_t *)attrs, key, val)
	{
		int rc;

		if (json_is_null(val) && kind != EVENT_HIRE &&
		    kind != EVENT_REHIRE && stored) {
			json_object_del(rec, key);
			continue;
		}
		if (json_is_null(val))
			continue; /* a replaced record keeps no null */
		rc = json_object_set(rec, key, val);
		if (rc) {
			json_decref(rec);
			return -1;
		}
	}
	*merged = rec;
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define MORE "; ..." /* marks a cut changes line */

/* Appends "key: old -> new" to buf (at *used of len), leaving room for
 * MORE unless last; false (nothing appended) when it does not fit. */
static bool append_change(char *buf, size_t len, size_t *used, const char *key,
                          const json_t *old, const json_t *new, bool last)
{
	char *o = old ? json_dumps(old, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	char *n = new ? json_dumps(new, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	const char *sep = *used ? "; " : "";
	size_t room = len - *used - (last ? 0 : strlen(MORE));
	int w;

	w = snprintf(NULL, 0, "%s%s: %s -> %s", sep, key, o ? o : "(none)",
	             n ? n : "(none)");
	if (w >= 0 && (size_t)w < room) {
		snprintf(buf + *used, len - *used, "%s%s: %s -> %s", sep, key,
		         o ? o : "(none)", n ? n : "(none)");
		*used += (size_t)w;
	} else {
		w = -1;
	}
	free(o);
	free(n);
	return w >= 0;
}

void person_changes(const json_t *before, const json_t *after, char *buf,
                    size_t len)
{
	size_t n = 0, m = 0, used = 0, i;
	const char **keys;
	const char *key;
	json_t *val;

	if (!len)
		return;
	buf[0] = '\0';
	if (!before || !after || len <= strlen(MORE))
		return;
	keys = malloc((json_object_size(before) + json_object_size(after) + 1) *
	              sizeof(*keys));
	if (!keys)
		return;
	json_object_foreach((json_t *)before, key, val) keys[n++] = key;
	json_object_foreach((json_t *)after, key, val)
	{
		if (!json_object_get(before, key))
			keys[n++] = key;
	}
	qsort(keys, n, sizeof(*keys), by_string);
	for (i = 0; i < n; i++) { /* keep the keys that changed */
		const json_t *o = json_object_get(before, keys[i]);
		const json_t *a = json_object_get(after, keys[i]);

		if (!(o && a && json_equal(o, a)))
			keys[m++] = keys[i];
	}
	for (i = 0; i < m; i++) {
		if (!append_change(buf, len, &used, keys[i],
		                   json_object_get(before, keys[i]),
		                   json_object_get(after, keys[i]),
		                   i + 1 == m)) {
			strcat(buf, used ? MORE : &MORE[2]);
			break;
		}
	}
	free(keys);
}

void person_email_key(const json_t *record, char *buf, size_t len)
{
	const json_t *v = json_object_get(record, "email");
	const char *s, *e;
	char *folded = NULL;
	size_t n, i;

	if (!len)
		return;
	buf[0] = '\0';
	if (!json_is_string(v))
		return;
	s = json_string_value(v);
	e = s + json_string_length(v);
	while (s < e && strchr(" \t\r\n\f\v", *s))
		s++;
	while (e > s && strchr(" \t\r\n\f\v", e[-1]))
		e--;
	n = (size_t)(e - s);
	if (n && unicode_casefold(s, n, &folded) == 0) {
		snprintf(buf, len, "%s", folded);
		free(folded);
		return;
	}
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	buf[n] = '\0';
}

const char *person_status_after(enum event_kind kind)
{
	switch (kind) {
	case EVENT_HIRE:
	case EVENT_REHIRE:
	case EVENT_RETURN:
		return "active";
	case EVENT_TERMINATE:
		return "terminated";
	case EVENT_LEAVE:
		return "on_leave";
	default:
		return NULL;
	}
}
