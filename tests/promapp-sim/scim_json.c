/* SCIM errors, replies and JSON helpers (see scim_json.h). */
#include "scim_json.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void scim_error_set(struct scim_error *e, unsigned status,
                    const char *scim_type, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->scim_type = scim_type;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

void reply_init(struct sim_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void reply_release(struct sim_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

void reply_body(struct sim_reply *r, unsigned status, char *body, size_t len)
{
	free(r->body);
	r->status = status;
	r->body = body;
	r->body_len = len;
	if (!body && len) {
		r->status = 500;
		r->body_len = 0;
	}
}

void reply_json(struct sim_reply *r, unsigned status, const json_t *json)
{
	char *s = json_dumps(json, JSON_COMPACT);

	reply_body(r, s ? status : 500, s, s ? strlen(s) : 0);
}

void reply_error(struct sim_reply *r, const struct scim_error *e)
{
	char status[8], safe[sizeof(e->detail)];
	json_t *body, *detail;

	snprintf(status, sizeof(status), "%u", e->status);
	/* details may quote client input: if it is not valid UTF-8 (or was
	 * cut mid-character), fall back to printable ASCII */
	detail = json_string(e->detail);
	if (!detail) {
		ascii_sanitize(safe, sizeof(safe), e->detail);
		detail = json_string(safe);
	}
	body = json_pack("{s:[s],s:s}", "schemas", SCIM_ERROR_SCHEMA, "status",
	                 status);
	if (body && e->scim_type)
		json_object_set_new(body, "scimType",
		                    json_string(e->scim_type));
	if (body && detail)
		json_object_set_new(body, "detail", detail);
	else
		json_decref(detail);
	if (!body) {
		reply_body(r, 500, NULL, 0);
		return;
	}
	reply_json(r, e->status, body);
	json_decref(body);
}

void reply_errorf(struct sim_reply *r, unsigned status, const char *scim_type,
                  const char *fmt, ...)
{
	struct scim_error e;
	va_list ap;

	e.status = status;
	e.scim_type = scim_type;
	va_start(ap, fmt);
	vsnprintf(e.detail, sizeof(e.detail), fmt, ap);
	va_end(ap);
	reply_error(r, &e);
}

void scim_timestamp_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
}

json_t *json_object_get_ci(const json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (v)
		return v;
	json_object_foreach((json_t *)obj, k, v)
	{
		if (strcasecmp(k, key) == 0)
			return v;
	}
	return NULL;
}

char *ascii_lower_dup(const char *s)
{
	size_t i, n = strlen(s);
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[n] = '\0';
	return d;
}

void ascii_sanitize(char *dst, size_t n, const char *s)
{
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i + 1 < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}
