/* provhost's own diagnostic log: one line per message on stderr,
 * "provhost: [LEVEL] message", filtered by a process-wide verbosity. */
#ifndef PROVHOST_LOG_H
#define PROVHOST_LOG_H

#include <provhost/connector.h>

/* Sets the highest level printed (PROVHOST_LOG_ERROR .. PROVHOST_LOG_DEBUG);
 * the default is PROVHOST_LOG_WARN. Out-of-range values are clamped. */
void log_set_level(int level);

/* The current verbosity. */
int log_level(void);

/* True when a message at level would be printed. */
int log_enabled(int level);

/* "ERROR", "WARN", "INFO" or "DEBUG" (clamped). */
const char *log_level_name(int level);

/* Prints one line at level (control characters escaped, see log_line). The text
 * must not contain secrets: use redact.h first when it may. Thread-safe. */
void log_msg(int level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Prints "provhost: [LEVEL] " + text as one line, text used verbatim apart
 * from control, C1 and bidi characters and invalid UTF-8, which are
 * escaped (text_escape.h: "\n", "\x1b", "\u202e"). Thread-safe. */
void log_line(int level, const char *text);

#endif
