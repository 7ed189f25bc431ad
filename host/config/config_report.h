/* A report of configuration problems: "file:line:column: message" lines
 * collected into a caller's buffer. Used by every configuration check (the
 * loader, the connection parser, the connector binding). Not thread-safe:
 * one report belongs to one check. */
#ifndef PROVHOST_CONFIG_REPORT_H
#define PROVHOST_CONFIG_REPORT_H

#include <stddef.h>

#include "config/config.h"

/* Collects "file:line:column: message" lines into a caller's buffer. */
struct config_report {
	char *buf;
	size_t size;
	size_t used;
	int count;
};

void config_report_init(struct config_report *e, char *buf, size_t size);

/* Adds one line for the value at path (prefix and rel joined) in src. */
void config_report_add(struct config_report *e, const struct config_source *src,
                       const char *prefix, const char *rel, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

/* Adds one line verbatim. */
void config_report_add_line(struct config_report *e, const char *line);

#endif
