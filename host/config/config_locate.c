#include "config/config_locate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting we walk; deeper documents are reported at 1:1. */
#define LOCATE_MAX_DEPTH 256

struct scanner {
	const char *p, *end;
	int line, col;
};

struct position {
	int line, col;
};

static int at_end(const struct scanner *s)
{
	return s->p >= s->end;
}

/* Moves past one byte, counting lines and (UTF-8) characters. */
static void advance(struct scanner *s)
{
	char c = *s->p++;

	if (c == '\n') {
		s->line++;
		s->col = 1;
	} else if (s->p < s->end && ((unsigned char)*s->p & 0xC0) != 0x80) {
		s->col++;
	} else if (s->p >= s->end) {
		s->col++;
	}
}

static void skip_ws(struct scanner *s)
{
	while (!at_end(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' ||
	                      *s->p == '\r'))
		advance(s);
}

/* Scans a string starting at '"'; when out is given, stores its raw
 * (escaped) contents, truncated to outlen - 1 bytes. */
static int scan_string(struct scanner *s, char *out, size_t outlen)
{
	size_t n = 0;

	if (at_end(s) || *s->p != '"')
		return -1;
	advance(s);
	while (!at_end(s) && *s->p != '"') {
		if (*s->p == '\\') {
			if (out && n + 1 < outlen)
				out[n++] = *s->p;
			advance(s);
			if (at_end(s))
				return -1;
		}
		if (out && n + 1 < outlen)
			out[n++] = *s->p;
		advance(s);
	}
	if (at_end(s))
		return -1;
	advance(s);
	if (out)
		out[n] = '\0';
	return 0;
}

static int skip_value(struct scanner *s, int depth);

/* Skips an object or array body starting at its opening bracket. */
static int skip_container(struct scanner *s, int depth)
{
	char close = *s->p == '{' ? '}' : ']';
	int is_object = close == '}';

	if (depth > LOCATE_MAX_DEPTH)
		return -1;
	advance(s);
	skip_ws(s);
	if (!at_end(s) && *s->p == close) {
		advance(s);
		return 0;
	}
	for (;;) {
		if (is_object) {
			if (scan_string(s, NULL, 0))
				return -1;
			skip_ws(s);
			if (at_end(s) || *s->p != ':')
				return -1;
			advance(s);
			skip_ws(s);
		}
		if (skip_value(s, depth + 1))
			return -1;
		skip_ws(s);
		if (at_end(s))
			return -1;
		if (*s->p == close) {
			advance(s);
			return 0;
		}
		if (*s->p != ',')
			return -1;
		advance(s);
		skip_ws(s);
	}
}

static int skip_value(struct scanner *s, int depth)
{
	if (at_end(s))
		return -1;
	if (*s->p == '"')
		return scan_string(s, NULL, 0);
	if (*s->p == '{' || *s->p == '[')
		return skip_container(s, depth);
	/* number, true, false, null */
	while (!at_end(s) && !strchr(",]} \t\r\n", *s->p))
		advance(s);
	return 0;
}

/* One step of a path: a member name or an array index. */
struct segment {
	int is_index;
	size_t index;
	char name[256];
};

/* Reads the next segment of path at *pos; returns 0, 1 at the end, -1 on a
 * malformed path. */
static int next_segment(const char *path, size_t *pos, struct segment *seg)
{
	const char *p = path + *pos;
	size_t n = 0;

	if (*p == '.')
		p++;
	if (!*p)
		return 1;
	if (*p == '[') {
		char *end;

		seg->is_index = 1;
		seg->index = strtoul(p + 1, &end, 10);
		if (*end != ']')
			return -1;
		*pos = (size_t)(end + 1 - path);
		return 0;
	}
	seg->is_index = 0;
	while (*p && *p != '.' && *p != '[') {
		if (n + 1 < sizeof(seg->name))
			seg->name[n++] = *p;
		p++;
	}
	seg->name[n] = '\0';
	*pos = (size_t)(p - path);
	return 0;
}

/* Finds member seg->name in the object at s (at '{'); leaves s at the
 * member's value and stores the key's position. 1 = not there. */
static int find_member(struct scanner *s, const struct segment *seg,
                       struct position *key_pos)
{
	char key[256];

	advance(s);
	skip_ws(s);
	if (!at_end(s) && *s->p == '}')
		return 1;
	for (;;) {
		struct position here = {s->line, s->col};

		if (scan_string(s, key, sizeof(key)))
			return -1;
		skip_ws(s);
		if (at_end(s) || *s->p != ':')
			return -1;
		advance(s);
		skip_ws(s);
		if (!strcmp(key, seg->name)) {
			*key_pos = here;
			return 0;
		}
		if (skip_value(s, 1))
			return -1;
		skip_ws(s);
		if (at_end(s) || *s->p != ',')
			return at_end(s) ? -1 : 1;
		advance(s);
		skip_ws(s);
	}
}

/* Finds item seg->index in the array at s (at '['); leaves s at it. */
static int find_item(struct scanner *s, const struct segment *seg)
{
	size_t i = 0;

	advance(s);
	skip_ws(s);
	if (!at_end(s) && *s->p == ']')
		return 1;
	for (;; i++) {
		if (i == seg->index)
			return 0;
		if (skip_value(s, 1))
			return -1;
		skip_ws(s);
		if (at_end(s) || *s->p != ',')
			return at_end(s) ? -1 : 1;
		advance(s);
		skip_ws(s);
	}
}

int config_locate(const char *text, size_t len, const char *path, int *line,
                  int *column)
{
	struct scanner s = {text, text + len, 1, 1};
	struct position found;
	struct segment seg;
	size_t pos = 0;
	int rc;

	*line = 1;
	*column = 1;
	skip_ws(&s);
	found.line = s.line;
	found.col = s.col;
	while ((rc = next_segment(path, &pos, &seg)) == 0) {
		struct position value_pos = {s.line, s.col};

		if (at_end(&s))
			return -1;
		if (seg.is_index) {
			if (*s.p != '[')
				rc = 1;
			else
				rc = find_item(&s, &seg);
			if (rc == 0) {
				found.line = s.line;
				found.col = s.col;
			}
		} else {
			if (*s.p != '{')
				rc = 1;
			else
				rc = find_member(&s, &seg, &found);
		}
		if (rc) {
			*line = value_pos.line;
			*column = value_pos.col;
			return rc < 0 ? -1 : 1;
		}
	}
	if (rc < 0)
		return -1;
	*line = found.line;
	*column = found.col;
	return 0;
}

void config_path_join(char *out, size_t outlen, const char *prefix,
                      const char *rel)
{
	const char *sep = "";

	if (prefix[0] && rel[0] && rel[0] != '[')
		sep = ".";
	snprintf(out, outlen, "%s%s%s", prefix, sep, rel);
}
