/* Redaction: the safety net that keeps a connection's secret values out of
 * anything provhost prints, even when a connector put one in a message. */
#ifndef PROVHOST_REDACT_H
#define PROVHOST_REDACT_H

#include <stddef.h>

#include "config/secrets.h"

#define REDACTED_MARK "[REDACTED]"

/* Returns a new string (caller frees) equal to text with every occurrence
 * of any value in secrets replaced by "[REDACTED]"; the longest value wins
 * where several match. Fragments that a cut (a fixed buffer, an excerpt
 * ending in "..." or "…", a line split) left of a secret go too: a tail of
 * text that is the start of a secret (at least 4 bytes), and any run of at
 * least 8 bytes of a secret that touches a cut boundary — a prefix of the
 * secret before "...", "…", a line break or the end; a suffix of it at the
 * start, after "...", "…" or a line break; a middle run between two such
 * boundaries. Shorter runs stay, so ordinary text is left alone. NULL on
 * out of memory. secrets may be NULL or empty. */
char *redact_dup(const struct secret_set *secrets, const char *text);

/* Like redact_dup, but writes into out (always NUL-terminated, truncated at
 * outlen - 1 bytes). Works in place (out == text). On out of memory writes
 * "[REDACTED]" alone, so nothing leaks. */
void redact_into(const struct secret_set *secrets, const char *text, char *out,
                 size_t outlen);

#endif
