/* Scrubbing a connector's own secret out of what a target answered, before
 * anything is parsed, cut into an excerpt or copied into a message: a
 * secret cut in half by an excerpt can no longer be recognised, so it must
 * go while the text is whole.
 *
 * Contract: works in place and never grows the text; no allocation.
 */
#ifndef SCIM_SCRUB_H
#define SCIM_SCRUB_H

#include <stddef.h>

#define SCIM_SCRUB_MARK "[redacted]"

/* Replaces every occurrence of secret in text[0..len) with
 * SCIM_SCRUB_MARK (with as many '*' as the secret has bytes when the
 * secret is shorter than the mark). An occurrence may also be JSON-escaped
 * in any of its bytes, as a target echoing it in a JSON string may write
 * it: "\/" for '/', and \uXXXX (hex digits in either case, surrogate
 * pairs included) for any character ("\u0074" for 't'), so it is caught
 * in the text as sent, before anything unescapes it.
 * text must have room for len + 1 bytes: a NUL is written at the new
 * length. Returns the new length. A NULL or empty secret changes nothing. */
size_t scim_scrub(char *text, size_t len, const char *secret);

#endif
