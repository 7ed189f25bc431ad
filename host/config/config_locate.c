#include "config/config_locate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

/* Deepest nesting we index; deeper documents are reported at 1:1. */
#define LOCATE_MAX_DEPTH 256
/* Member names are compared on their first bytes only. */
#define LOCATE_NAME_MAX 255

struct scanner {
	const char *p, *end;
	int line, col;
};

struct position {
	int line, col;
};

/* One JSON value of the document: a member (by raw key) or an array item
 * (by index) of its parent; node 0 is the document. */
struct node {
	int32_t parent;
	int is_index;
	size_t index;
	const char *name; /* raw (escaped) key bytes in the text, not copied */
	size_t name_len;  /* at most LOCATE_NAME_MAX */
	struct position key; /* the key, or the item itself */
	struct position value;
	int complete; /* the whole value was scanned */
};

struct config_index {
	const char *text; /* what the index was built from */
	size_t len;
	int built;
	struct node *nodes;
	size_t n, cap;
	int32_t *slots; /* open addressing over nodes 1..n-1, -1 = empty */
	size_t n_slots; /* a power of two */
	size_t builds, scanned;
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

/* Scans a string starting at '"'; stores where its raw (escaped) contents
 * start and how long they are. */
static int scan_string(struct scanner *s, const char **raw, size_t *raw_len)
{
	const char *start;

	if (at_end(s) || *s->p != '"')
		return -1;
	advance(s);
	start = s->p;
	while (!at_end(s) && *s->p != '"') {
		if (*s->p == '\\') {
			advance(s);
			if (at_end(s))
				return -1;
		}
		advance(s);
	}
	if (at_end(s))
		return -1;
	*raw = start;
	*raw_len = (size_t)(s->p - start);
	advance(s);
	return 0;
}

/* Appends a node; returns its id or -1 (out of memory). */
static int32_t add_node(struct config_index *ix, int32_t parent,
                        const struct node *proto)
{
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct node *grown;

		if (cap > INT32_MAX)
			return -1;
		grown = realloc(ix->nodes, cap * sizeof(*grown));
		if (!grown)
			return -1;
		ix->nodes = grown;
		ix->cap = cap;
	}
	ix->nodes[ix->n] = *proto;
	ix->nodes[ix->n].parent = parent;
	return (int32_t)ix->n++;
}

static int index_value(struct config_index *ix, struct scanner *s, int32_t id,
                       int depth);

/* Indexes the members or items of the container at s (at its bracket),
 * which is node id. */
static int index_container(struct config_index *ix, struct scanner *s,
                           int32_t id, int depth)
{
	char close = *s->p == '{' ? '}' : ']';
	int is_object = close == '}';
	size_t i = 0;

	if (depth > LOCATE_MAX_DEPTH)
		return -1;
	advance(s);
	skip_ws(s);
	if (!at_end(s) && *s->p == close) {
		advance(s);
		return 0;
	}
	for (;; i++) {
		struct node child = {0};
		int32_t cid;

		child.key.line = s->line;
		child.key.col = s->col;
		if (is_object) {
			if (scan_string(s, &child.name, &child.name_len))
				return -1;
			if (child.name_len > LOCATE_NAME_MAX)
				child.name_len = LOCATE_NAME_MAX;
			skip_ws(s);
			if (at_end(s) || *s->p != ':')
				return -1;
			advance(s);
			skip_ws(s);
		} else {
			child.is_index = 1;
			child.index = i;
		}
		cid = add_node(ix, id, &child);
		if (cid < 0 || index_value(ix, s, cid, depth + 1))
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

/* Indexes the value at s as node id (and everything below it). */
static int index_value(struct config_index *ix, struct scanner *s, int32_t id,
                       int depth)
{
	const char *raw;
	size_t raw_len;
	int rc = 0;

	if (at_end(s))
		return -1;
	ix->nodes[id].value.line = s->line;
	ix->nodes[id].value.col = s->col;
	if (*s->p == '"')
		rc = scan_string(s, &raw, &raw_len);
	else if (*s->p == '{' || *s->p == '[')
		rc = index_container(ix, s, id, depth);
	else /* number, true, false, null */
		while (!at_end(s) && !strchr(",]} \t\r\n", *s->p))
			advance(s);
	if (rc == 0)
		ix->nodes[id].complete = 1;
	return rc;
}

/* FNV-1a over what identifies a child: its parent and name or index. */
static uint64_t child_hash(int32_t parent, int is_index, size_t index,
                           const char *name, size_t name_len)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned char head[1 + sizeof(parent) + sizeof(index)];
	size_t i, n = 0;

	head[n++] = (unsigned char)is_index;
	memcpy(head + n, &parent, sizeof(parent));
	n += sizeof(parent);
	if (is_index) {
		memcpy(head + n, &index, sizeof(index));
		n += sizeof(index);
	}
	for (i = 0; i < n; i++)
		h = (h ^ head[i]) * 1099511628211ULL;
	for (i = 0; !is_index && i < name_len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return h;
}

static int same_child(const struct node *c, int32_t parent, int is_index,
                      size_t index, const char *name, size_t name_len)
{
	if (c->parent != parent || c->is_index != is_index)
		return 0;
	if (is_index)
		return c->index == index;
	return c->name_len == name_len && !memcmp(c->name, name, name_len);
}

/* The child of parent with that name or index, or -1. */
static int32_t find_child(const struct config_index *ix, int32_t parent,
                          int is_index, size_t index, const char *name,
                          size_t name_len)
{
	size_t mask = ix->n_slots - 1, i;

	if (!ix->n_slots)
		return -1;
	i = child_hash(parent, is_index, index, name, name_len) & mask;
	for (; ix->slots[i] >= 0; i = (i + 1) & mask)
		if (same_child(&ix->nodes[ix->slots[i]], parent, is_index,
		               index, name, name_len))
			return ix->slots[i];
	return -1;
}

/* Fills the hash table; a repeated key keeps its first occurrence, as a
 * walk through the text would find it. */
static int build_slots(struct config_index *ix)
{
	size_t want = 16, mask, i, j;

	while (want < ix->n * 2)
		want *= 2;
	ix->slots = malloc(want * sizeof(*ix->slots));
	if (!ix->slots)
		return -1;
	ix->n_slots = want;
	mask = want - 1;
	memset(ix->slots, 0xff, want * sizeof(*ix->slots)); /* all -1 */
	for (i = 1; i < ix->n; i++) {
		const struct node *c = &ix->nodes[i];

		if (find_child(ix, c->parent, c->is_index, c->index, c->name,
		               c->name_len) >= 0)
			continue;
		j = child_hash(c->parent, c->is_index, c->index, c->name,
		               c->name_len) &
		    mask;
		while (ix->slots[j] >= 0)
			j = (j + 1) & mask;
		ix->slots[j] = (int32_t)i;
	}
	return 0;
}

static void index_clear(struct config_index *ix)
{
	free(ix->nodes);
	free(ix->slots);
	ix->nodes = NULL;
	ix->slots = NULL;
	ix->n = ix->cap = ix->n_slots = 0;
	ix->built = 0;
}

/* One pass over the text. A scan error leaves the nodes found before it
 * (marked incomplete up their chain); out of memory leaves no index. */
static int index_build(struct config_index *ix, const char *text, size_t len)
{
	struct scanner s = {text, text + len, 1, 1};
	struct node root = {0};

	index_clear(ix);
	ix->text = text;
	ix->len = len;
	ix->builds++;
	skip_ws(&s);
	root.key.line = root.value.line = s.line;
	root.key.col = root.value.col = s.col;
	if (add_node(ix, -1, &root) < 0)
		goto out_nomem;
	if (index_value(ix, &s, 0, 0) == 0)
		skip_ws(&s); /* trailing space, so a valid text is read whole */
	ix->scanned += (size_t)(s.p - text);
	if (build_slots(ix))
		goto out_nomem;
	ix->built = 1;
	return 0;

out_nomem:
	index_clear(ix);
	return -1;
}

/* One step of a path: a member name or an array index. */
struct segment {
	int is_index;
	size_t index;
	const char *name;
	size_t name_len;
};

/* Reads the next segment of path at *pos; returns 0, 1 at the end, -1 on a
 * malformed path. */
static int next_segment(const char *path, size_t *pos, struct segment *seg)
{
	const char *p = path + *pos;

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
	seg->index = 0;
	seg->name = p;
	while (*p && *p != '.' && *p != '[')
		p++;
	seg->name_len = (size_t)(p - seg->name);
	if (seg->name_len > LOCATE_NAME_MAX)
		seg->name_len = LOCATE_NAME_MAX;
	*pos = (size_t)(p - path);
	return 0;
}

struct config_index *config_index_new(void)
{
	return calloc(1, sizeof(struct config_index));
}

void config_index_free(struct config_index *ix)
{
	if (!ix)
		return;
	index_clear(ix);
	free(ix);
}

void config_index_stats(const struct config_index *ix, size_t *builds,
                        size_t *scanned)
{
	*builds = ix->builds;
	*scanned = ix->scanned;
}

int config_index_locate(struct config_index *ix, const char *text, size_t len,
                        const char *path, int *line, int *column)
{
	struct segment seg = {0};
	size_t pos = 0;
	int32_t cur = 0, next;
	int rc;

	*line = 1;
	*column = 1;
	if ((!ix->built || ix->text != text || ix->len != len) &&
	    index_build(ix, text, len))
		return -1;
	while ((rc = next_segment(path, &pos, &seg)) == 0) {
		next = find_child(ix, cur, seg.is_index, seg.index, seg.name,
		                  seg.name_len);
		if (next < 0) {
			if (!ix->nodes[cur].complete)
				return -1; /* the text ends or breaks there */
			*line = ix->nodes[cur].value.line;
			*column = ix->nodes[cur].value.col;
			return 1;
		}
		cur = next;
	}
	if (rc < 0)
		return -1;
	*line = ix->nodes[cur].key.line;
	*column = ix->nodes[cur].key.col;
	return 0;
}

int config_locate(const char *text, size_t len, const char *path, int *line,
                  int *column)
{
	struct config_index *ix = config_index_new();
	int rc;

	*line = 1;
	*column = 1;
	if (!ix)
		return -1;
	rc = config_index_locate(ix, text, len, path, line, column);
	config_index_free(ix);
	return rc;
}

int config_source_locate(const struct config_source *src, const char *path,
                         int *line, int *column)
{
	if (!src->index)
		return config_locate(src->text, src->len, path, line, column);
	return config_index_locate(src->index, src->text, src->len, path, line,
	                           column);
}

void config_path_join(char *out, size_t outlen, const char *prefix,
                      const char *rel)
{
	const char *sep = "";

	if (prefix[0] && rel[0] && rel[0] != '[')
		sep = ".";
	snprintf(out, outlen, "%s%s%s", prefix, sep, rel);
}
