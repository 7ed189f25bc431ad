/* A connection's secrets: values read at load time from an environment
 * variable or a private file (never inline in the configuration), kept in
 * memory provhost owns and wiped when freed. */
#ifndef PROVHOST_SECRETS_H
#define PROVHOST_SECRETS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/path_error.h"

/* Largest secret value we read (a bearer token is far smaller). */
#define SECRET_MAX_LEN 65536

struct secret {
	char *key;    /* the connector's secret key, e.g. "access_token" */
	char *value;  /* NUL-terminated; wiped by secret_set_release */
	size_t len;   /* strlen(value) */
	char *source; /* for people: "environment variable PROMAPP_TOKEN" or
	                 "file /etc/provhost/token" — never the value */
	/* "expires": "YYYY-MM-DD" beside env/file (secret_expiry.h): the
	 * first day the secret no longer works; "" = not stated */
	char expires[11];
	int64_t expires_day; /* days since 1970-01-01 (UTC), when stated */
};

struct secret_set {
	struct secret *items;
	size_t n;
};

/* Reads the secret key from spec ({"env": "VAR"} or {"file": "path"},
 * optionally with "expires": "YYYY-MM-DD"; a relative path is resolved
 * against base_dir) and appends it to set. On
 * error returns -1 with err->path "secrets.KEY" (or a member below it) and a
 * message naming the secret; set is unchanged. Refuses: inline strings,
 * unknown members, unset or empty variables, missing or unreadable files,
 * files readable by group or others, empty values, NUL bytes, CR, LF and
 * other control characters (tab aside; a file's one trailing newline is
 * stripped first) and, for a key ending in "token" (any case), a "Bearer "
 * prefix, spaces and tabs. Messages never quote the value. */
int secret_set_load(struct secret_set *set, const char *key, const json_t *spec,
                    const char *base_dir, struct path_error *err);

/* secret_set_load with the spec's location given as path (e.g.
 * "notify.webhooks[0].url") instead of "secrets.KEY". */
int secret_set_load_at(struct secret_set *set, const char *key,
                       const json_t *spec, const char *base_dir,
                       const char *path, struct path_error *err);

/* secret_expiry.c: reads spec's optional "expires" ("YYYY-MM-DD") into
 * s->expires and s->expires_day. Returns 0, or -1 with err at path
 * ".expires". */
int secret_read_expiry(const char *key, const json_t *spec, const char *path,
                       struct secret *s, struct path_error *err);

/* The secret named key, or NULL. Borrowed from set. */
const struct secret *secret_set_find(const struct secret_set *set,
                                     const char *key);

/* Wipes (explicit_bzero) and frees every value, then the array; set is
 * left empty and may be reused. */
void secret_set_release(struct secret_set *set);

/* Reads the whole file at path (regular file, mode & 077 == 0, at most
 * SECRET_MAX_LEN bytes) into a new NUL-terminated buffer (*out, wipe and
 * free it), strips one trailing newline, stores the length in *len. On error
 * returns -1 and a one-line reason in why (without the path). */
int secret_read_file(const char *path, char **out, size_t *len, char *why,
                     size_t whylen);

#endif
