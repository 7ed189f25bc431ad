/* The collector of "file:line:column: message" lines every configuration
 * check writes into (see config_report.h). */
#include "config/config_report.h"

#include <stdarg.h>
#include <stdio.h>

#include "config/config_locate.h"

void config_report_init(struct config_report *e, char *buf, size_t size)
{
	e->buf = buf;
	e->size = size;
	e->used = 0;
	e->count = 0;
	if (size)
		buf[0] = '\0';
}

void config_report_add_line(struct config_report *e, const char *line)
{
	int n;

	e->count++;
	if (e->used + 1 >= e->size)
		return;
	n = snprintf(e->buf + e->used, e->size - e->used, "%s%s",
	             e->used ? "\n" : "", line);
	if (n > 0)
		e->used += (size_t)n;
	if (e->used >= e->size)
		e->used = e->size - 1;
}

void config_report_add(struct config_report *e, const struct config_source *src,
                       const char *prefix, const char *rel, const char *fmt,
                       ...)
{
	char path[512], msg[1024], line[1600];
	int l, c;
	va_list ap;

	config_path_join(path, sizeof(path), prefix, rel);
	config_source_locate(src, path, &l, &c);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s:%d:%d: %s", src->path, l, c, msg);
	config_report_add_line(e, line);
}
