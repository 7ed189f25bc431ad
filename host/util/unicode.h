/* Unicode text operations that need ICU: full case folding (for stored,
 * case-insensitive keys: SQLite's NOCASE folds ASCII only) and
 * transliteration to ASCII (for user names built from HR names).
 *
 * Thread contract: unicode_casefold and unicode_ascii may be called from any
 * number of threads at once. ICU transliterators are safe only per instance,
 * so unicode_ascii takes one from a small pool under a mutex, uses it alone,
 * and gives it back: the pool grows to the number of threads that ever
 * transliterated at the same time (the run's workers), never more. The first
 * use registers unicode_cleanup with atexit(). */
#ifndef PROVHOST_UNICODE_H
#define PROVHOST_UNICODE_H

#include <stddef.h>

/* The ICU transform unicode_ascii applies (then drops what is still not
 * ASCII). */
#define UNICODE_ASCII_TRANSFORM "Any-Latin; Latin-ASCII"

/* Full case folding (u_strFoldCase, U_FOLD_CASE_DEFAULT) of the UTF-8 text
 * s[0..len): "Straße" -> "strasse", "ΣΊΣΥΦΟΣ" -> "σίσυφοσ", "İ" -> "i̇"
 * (i + U+0307: default folding, not Turkish). Returns 0 and a new
 * NUL-terminated UTF-8 string in *out (caller frees), or -1 when s is not
 * well-formed UTF-8 or memory runs out (*out untouched). */
int unicode_casefold(const char *s, size_t len, char **out);

/* Transliterates the UTF-8 text s[0..len) with ICU's "Any-Latin;
 * Latin-ASCII" and then removes every character that is still not ASCII
 * (ICU leaves a few symbols and unassigned characters as they are), so the
 * result is always ASCII: "Zoë Ångström" -> "Zoe Angstrom", "李小龙" -> "li
 * xiao long", "Jürgen Weiß" -> "Jurgen Weiss" (no German "ue"). Returns 0
 * and a new NUL-terminated string in *out (caller frees), or -1 when s is
 * not well-formed UTF-8, ICU fails, or memory runs out (*out untouched). */
int unicode_ascii(const char *s, size_t len, char **out);

/* Closes the pooled transliterators and releases ICU's caches
 * (u_cleanup), so that leak checkers see nothing. Registered with atexit()
 * by the first use; calling it again is harmless. After it, unicode_ascii
 * fails (-1): call it only when the process is done with templates. When a
 * transliterator is still in use by another thread (a process exiting while
 * workers run), ICU's caches are left alone instead of being freed under that
 * thread. */
void unicode_cleanup(void);

#endif
