/* Escaping of untrusted text (HR input, what a target answered) wherever it
 * is echoed to a terminal, a log, a one-line comment in the reject file or
 * the ledger's reasons, so it can neither start a forged line, move the
 * cursor, nor reorder what a person reads.
 *
 * Contract: pure functions, thread-safe; results owned as stated. */
#ifndef PROVHOST_TEXT_ESCAPE_H
#define PROVHOST_TEXT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for code points that must never be shown raw: C0 controls and DEL,
 * C1 controls (U+0080-U+009F), and the bidirectional formatting characters
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069). */
bool text_unsafe_code_point(uint32_t cp);

/* A new string (caller frees): text with \n, \r, \t written as such, other
 * C0 controls, DEL and bytes that are not valid UTF-8 as \xHH, C1 and
 * bidirectional controls as \uXXXX; everything else (backslash included)
 * copied. Escaping an escaped text changes nothing. NULL on out of
 * memory; NULL text gives NULL. */
char *text_escape_dup(const char *text);

/* Like text_escape_dup into out (always NUL-terminated, cut before an
 * escape or a character that does not fit). Works in place (out == text).
 * On out of memory writes "(unprintable text)". */
void text_escape_into(const char *text, char *out, size_t outlen);

/* For identifiers: the first C1 or bidirectional control in s[0..len)
 * (C0 controls are the caller's own check). Returns its byte offset and
 * sets *cp, or returns len when there is none. */
size_t text_find_invisible(const char *s, size_t len, uint32_t *cp);

#endif
