#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/text_escape.h"

static int current_level = PROVHOST_LOG_WARN;

static int clamp_level(int level)
{
	if (level < PROVHOST_LOG_ERROR)
		return PROVHOST_LOG_ERROR;
	if (level > PROVHOST_LOG_DEBUG)
		return PROVHOST_LOG_DEBUG;
	return level;
}

void log_set_level(int level)
{
	current_level = clamp_level(level);
}

int log_level(void)
{
	return current_level;
}

int log_enabled(int level)
{
	return level <= current_level;
}

const char *log_level_name(int level)
{
	static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

	return names[clamp_level(level)];
}

void log_line(int level, const char *text)
{
	char *esc;

	if (!log_enabled(level))
		return;
	esc = text_escape_dup(text); /* one line, nothing a terminal obeys */
	flockfile(stderr);
	fprintf(stderr, "provhost: [%s] %s\n", log_level_name(level),
	        esc ? esc : "(out of memory)");
	funlockfile(stderr);
	free(esc);
}

void log_msg(int level, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_line(level, buf);
}
