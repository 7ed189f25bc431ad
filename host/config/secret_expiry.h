/* Token lifetime: a secret may state when it stops working
 * ({"env": "PROMAPP_TOKEN", "expires": "2027-11-01"}); test, status and
 * every run warn from expiry_warn_days before that day (default 30), and
 * say "expired" on and after it. Days are UTC calendar days. */
#ifndef PROVHOST_SECRET_EXPIRY_H
#define PROVHOST_SECRET_EXPIRY_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

#define SECRET_EXPIRY_WARN_DAYS_DEFAULT 30

enum secret_expiry {
	SECRET_EXPIRY_NONE,    /* no "expires" stated */
	SECRET_EXPIRY_OK,      /* more than warn_days left */
	SECRET_EXPIRY_DUE,     /* 1..warn_days days left: warn */
	SECRET_EXPIRY_EXPIRED, /* the day itself or later */
};

/* Today as days since 1970-01-01 (UTC), from clock_wall_s(). */
int64_t secret_expiry_today(void);

/* The state of s on day today; *days_left = expires_day - today. */
enum secret_expiry secret_expiry_check(const struct secret *s, int64_t today,
                                       int warn_days, int64_t *days_left);

/* "ok", "expiring", "expired" (NONE: NULL). */
const char *secret_expiry_name(enum secret_expiry e);

/* One line for people (no trailing newline) about s of conn in state e:
 * 'connection "X": secret access_token (environment variable T) expires
 * on 2027-11-01, in 30 days: ...' or '... expired on 2027-11-01 ...'. */
void secret_expiry_message(const struct connection *conn,
                           const struct secret *s, enum secret_expiry e,
                           int64_t days_left, char *buf, size_t len);

/* Calls fn for every secret of cfg's connections (only the one named
 * only, when not NULL) that is due or expired on day today. Returns how
 * many there were. */
int secret_expiry_each(const struct config *cfg, const char *only,
                       int64_t today,
                       void (*fn)(const struct connection *conn,
                                  const struct secret *s, enum secret_expiry e,
                                  int64_t days_left, void *ctx),
                       void *ctx);

/* Writes one "provhost: warning: <message>" line per due or expired
 * secret to out. Returns how many. */
int secret_expiry_warn(const struct config *cfg, const char *only,
                       int64_t today, FILE *out);

#endif
