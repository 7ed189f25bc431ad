#include "config/secret_expiry.h"

#include <jansson.h>
#include <string.h>

#include "lifecycle/isodate.h"
#include "util/clock.h"

#define DAY_S 86400

/* Floor division: days before 1970 stay below zero. */
static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / DAY_S : -((-t + DAY_S - 1) / DAY_S);
}

int secret_read_expiry(const char *key, const json_t *spec, const char *path,
                       struct secret *s, struct path_error *err)
{
	const json_t *v = json_object_get(spec, "expires");
	char sub[600], reason[128];
	const char *text;
	int64_t t;

	s->expires[0] = '\0';
	s->expires_day = 0;
	if (!v)
		return 0;
	snprintf(sub, sizeof(sub), "%s.expires", path);
	text = json_string_value(v);
	if (!text || strlen(text) != 10)
		return path_error_set(err, sub,
		                      "secret \"%s\": \"expires\" must be a "
		                      "date \"YYYY-MM-DD\" (the first day the "
		                      "secret no longer works)",
		                      key);
	if (isodate_parse(text, &t, reason, sizeof(reason)))
		return path_error_set(
		        err, sub,
		        "secret \"%s\": \"expires\" \"%s\" is not "
		        "a date: %s",
		        key, text, reason);
	memcpy(s->expires, text, 11);
	s->expires_day = day_of(t);
	return 0;
}

int64_t secret_expiry_today(void)
{
	return day_of(clock_wall_s());
}

enum secret_expiry secret_expiry_check(const struct secret *s, int64_t today,
                                       int warn_days, int64_t *days_left)
{
	*days_left = 0;
	if (!s->expires[0])
		return SECRET_EXPIRY_NONE;
	*days_left = s->expires_day - today;
	if (*days_left <= 0)
		return SECRET_EXPIRY_EXPIRED;
	return *days_left <= warn_days ? SECRET_EXPIRY_DUE : SECRET_EXPIRY_OK;
}

const char *secret_expiry_name(enum secret_expiry e)
{
	switch (e) {
	case SECRET_EXPIRY_OK:
		return "ok";
	case SECRET_EXPIRY_DUE:
		return "expiring";
	case SECRET_EXPIRY_EXPIRED:
		return "expired";
	default:
		return NULL;
	}
}

void secret_expiry_message(const struct connection *conn,
                           const struct secret *s, enum secret_expiry e,
                           int64_t days_left, char *buf, size_t len)
{
	if (e == SECRET_EXPIRY_EXPIRED)
		snprintf(buf, len,
		         "connection \"%s\": secret %s (%s) expired on %s%s; "
		         "requests with it fail until it is replaced (create "
		         "a new token and update the secret and its "
		         "\"expires\")",
		         conn->name, s->key, s->source, s->expires,
		         days_left == 0 ? " (today)" : "");
	else
		snprintf(buf, len,
		         "connection \"%s\": secret %s (%s) expires on %s, in "
		         "%lld day%s: create a new token and update the secret "
		         "and its \"expires\" before then",
		         conn->name, s->key, s->source, s->expires,
		         (long long)days_left, days_left == 1 ? "" : "s");
}

int secret_expiry_each(const struct config *cfg, const char *only,
                       int64_t today,
                       void (*fn)(const struct connection *conn,
                                  const struct secret *s, enum secret_expiry e,
                                  int64_t days_left, void *ctx),
                       void *ctx)
{
	int count = 0;

	for (size_t i = 0; i < cfg->n_connections; i++) {
		const struct connection *conn = &cfg->connections[i];

		if (only && strcmp(only, conn->name))
			continue;
		for (size_t j = 0; j < conn->secrets.n; j++) {
			const struct secret *s = &conn->secrets.items[j];
			int64_t left;
			enum secret_expiry e = secret_expiry_check(
			        s, today, cfg->expiry_warn_days, &left);

			if (e != SECRET_EXPIRY_DUE &&
			    e != SECRET_EXPIRY_EXPIRED)
				continue;
			count++;
			if (fn)
				fn(conn, s, e, left, ctx);
		}
	}
	return count;
}

static void warn_one(const struct connection *conn, const struct secret *s,
                     enum secret_expiry e, int64_t days_left, void *ctx)
{
	char msg[1200];

	secret_expiry_message(conn, s, e, days_left, msg, sizeof(msg));
	fprintf((FILE *)ctx, "provhost: warning: %s\n", msg);
}

int secret_expiry_warn(const struct config *cfg, const char *only,
                       int64_t today, FILE *out)
{
	return secret_expiry_each(cfg, only, today, warn_one, out);
}
