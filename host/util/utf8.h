/* Valid UTF-8 for everything that goes into JSON (the audit file, the
 * ledger's JSON, the records sent to connectors): jansson refuses invalid
 * UTF-8, so a target's or an input's bad bytes would otherwise make a field
 * (or a whole line) vanish. Invalid bytes become U+FFFD.
 *
 * Contract: pure functions, thread-safe; results owned as stated. */
#ifndef PROVHOST_UTF8_H
#define PROVHOST_UTF8_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define UTF8_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length (1..4) of the well-formed UTF-8 character at s[0..left) (RFC 3629:
 * no overlong forms, no surrogates, at most U+10FFFF), or 0 when s starts
 * with an invalid or incomplete sequence. left must be > 0. */
size_t utf8_char_len(const unsigned char *s, size_t left);

/* True when s[0..len) is well-formed UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* A new NUL-terminated copy of s (caller frees) in which every byte that
 * does not start a well-formed character is replaced by U+FFFD. NULL on out
 * of memory. */
char *utf8_repair_dup(const char *s);

/* Repairs text (NUL-terminated, in a buffer of size bytes) in place;
 * when the repaired text is longer than size - 1 it is cut at a character
 * boundary. */
void utf8_repair_into(char *text, size_t size);

/* The one way host code makes a JSON string out of text it did not write
 * itself: json_string(text) repaired first when it is not valid UTF-8.
 * NULL text gives JSON null. New reference; NULL on out of memory. */
json_t *utf8_json_string(const char *text);

#endif
