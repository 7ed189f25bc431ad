/* Redaction: the safety net that keeps a connection's secret values out of
 * anything provhost prints, even when a connector put one in a message. */
#ifndef PROVHOST_REDACT_H
#define PROVHOST_REDACT_H

#include <stddef.h>

#include "config/secrets.h"

#define REDACTED_MARK "[REDACTED]"

/* Returns a new string (caller frees) equal to text with every occurrence
 * of any value in secrets replaced by "[REDACTED]"; the longest value wins
 * where several match. A tail of text that is the start of a secret (at
 * least 4 bytes: a secret cut off by truncation) is redacted too. NULL on
 * out of memory. secrets may be NULL or empty. */
char *redact_dup(const struct secret_set *secrets, const char *text);

/* Like redact_dup, but writes into out (always NUL-terminated, truncated at
 * outlen - 1 bytes). Works in place (out == text). On out of memory writes
 * "[REDACTED]" alone, so nothing leaks. */
void redact_into(const struct secret_set *secrets, const char *text, char *out,
                 size_t outlen);

#endif
