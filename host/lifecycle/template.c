#include "lifecycle/template.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/unicode.h"
#include "util/utf8.h"

enum tmpl_filter_kind {
	FILTER_LOWER,
	FILTER_UPPER,
	FILTER_TRIM,
	FILTER_FIRST,
	FILTER_DEFAULT,
	FILTER_ASCII,
};

struct tmpl_filter {
	enum tmpl_filter_kind kind;
	char *arg; /* owned; default:TEXT only */
};

struct tmpl_part {
	char *text;      /* owned: literal text, or the attribute name */
	bool is_attr;    /* placeholder rather than literal */
	bool is_counter; /* the counter {n} (neither literal nor attribute) */
	bool optional;   /* {name?} */
	struct tmpl_filter *filters;
	size_t n_filters;
};

struct tmpl {
	char *source;
	struct tmpl_part *parts;
	size_t n_parts;
	size_t n_counters; /* {n} placeholders */
	int counter_col;   /* column of the first {n}, 0 = none */
};

/* A growable string; on allocation failure it sets oom and stops growing. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* 1-based character column of byte offset off in src (UTF-8 aware). */
static int column_of(const char *src, size_t off)
{
	int col = 1;

	for (size_t i = 0; i < off; i++)
		if (((unsigned char)src[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static void part_release(struct tmpl_part *p)
{
	free(p->text);
	for (size_t i = 0; i < p->n_filters; i++)
		free(p->filters[i].arg);
	free(p->filters);
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_parts; i++)
		part_release(&t->parts[i]);
	free(t->parts);
	free(t->source);
	free(t);
}

const char *tmpl_source(const struct tmpl *t)
{
	return t->source;
}

static struct tmpl_part *add_part(struct tmpl *t)
{
	struct tmpl_part *p;

	p = realloc(t->parts, (t->n_parts + 1) * sizeof(*p));
	if (!p)
		return NULL;
	t->parts = p;
	p = &t->parts[t->n_parts++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int add_literal(struct tmpl *t, struct sbuf *lit)
{
	struct tmpl_part *p;

	if (lit->oom)
		return -1;
	if (!lit->len)
		return 0;
	p = add_part(t);
	if (!p)
		return -1;
	p->text = lit->s;
	memset(lit, 0, sizeof(*lit));
	return 0;
}

static const struct {
	const char *name;
	enum tmpl_filter_kind kind;
	bool takes_arg;
} filter_table[] = {
        {"lower", FILTER_LOWER, false},    {"upper", FILTER_UPPER, false},
        {"trim", FILTER_TRIM, false},      {"first", FILTER_FIRST, false},
        {"default", FILTER_DEFAULT, true}, {"ascii", FILTER_ASCII, false},
};

/* Parses "name[:arg]" at src[*pos] up to '|' or '}' into f. */
static int parse_filter(const char *src, size_t *pos, struct tmpl_filter *f,
                        char *err, size_t err_len)
{
	size_t start = *pos, name_end, i = *pos;
	size_t n_known = sizeof(filter_table) / sizeof(filter_table[0]);
	bool has_arg = false;
	size_t k;

	while (src[i] && src[i] != '|' && src[i] != '}' && src[i] != ':' &&
	       src[i] != '{')
		i++;
	name_end = i;
	if (name_end == start) {
		snprintf(err, err_len, "empty filter name at column %d",
		         column_of(src, start));
		return -1;
	}
	for (k = 0; k < n_known; k++)
		if (strlen(filter_table[k].name) == name_end - start &&
		    !memcmp(filter_table[k].name, src + start,
		            name_end - start))
			break;
	if (k == n_known) {
		snprintf(err, err_len,
		         "unknown filter \"%.*s\" at column %d (known: lower, "
		         "upper, trim, first, ascii, default:TEXT)",
		         (int)(name_end - start), src + start,
		         column_of(src, start));
		return -1;
	}
	if (src[i] == ':') {
		has_arg = true;
		i++;
		while (src[i] && src[i] != '|' && src[i] != '}' &&
		       src[i] != '{')
			i++;
	}
	if (src[i] == '{') {
		snprintf(err, err_len, "unexpected \"{\" at column %d",
		         column_of(src, i));
		return -1;
	}
	if (has_arg != filter_table[k].takes_arg) {
		snprintf(
		        err, err_len,
		        has_arg ? "filter \"%s\" takes no argument at column %d"
		                : "filter \"%s\" needs a text, as in "
		                  "default:TEXT, at column %d",
		        filter_table[k].name, column_of(src, start));
		return -1;
	}
	f->kind = filter_table[k].kind;
	if (has_arg) {
		f->arg = strndup(src + name_end + 1, i - name_end - 1);
		if (!f->arg) {
			snprintf(err, err_len, "out of memory");
			return -1;
		}
	}
	*pos = i;
	return 0;
}

/* Parses the placeholder whose "{" is at src[*pos]; leaves *pos after "}". */
static int parse_placeholder(struct tmpl *t, const char *src, size_t *pos,
                             char *err, size_t err_len)
{
	size_t open = *pos, i = *pos + 1, start = i;
	struct tmpl_part *p;

	while (is_name_char(src[i]))
		i++;
	if (!src[i])
		goto out_unterminated;
	if (i == start) {
		snprintf(err, err_len,
		         src[i] == '}' ? "empty placeholder at column %d"
		                       : "expected an attribute name at column "
		                         "%d",
		         column_of(src, i));
		return -1;
	}
	p = add_part(t);
	if (!p || !(p->text = strndup(src + start, i - start)))
		goto out_oom;
	if (!strcmp(p->text, "n")) {
		if (src[i] != '}') {
			snprintf(
			        err, err_len,
			        "the counter {n} takes no filters and no \"?\" "
			        "at column %d",
			        column_of(src, open));
			return -1;
		}
		p->is_counter = true;
		if (!t->n_counters++)
			t->counter_col = column_of(src, open);
		*pos = i + 1;
		return 0;
	}
	p->is_attr = true;
	if (src[i] == '?') {
		p->optional = true;
		i++;
	}
	while (src[i] == '|') {
		struct tmpl_filter *fs;

		i++;
		fs = realloc(p->filters, (p->n_filters + 1) * sizeof(*fs));
		if (!fs)
			goto out_oom;
		p->filters = fs;
		memset(&fs[p->n_filters], 0, sizeof(*fs));
		p->n_filters++;
		if (parse_filter(src, &i, &fs[p->n_filters - 1], err, err_len))
			return -1;
	}
	if (!src[i])
		goto out_unterminated;
	if (src[i] != '}') {
		snprintf(
		        err, err_len,
		        "unexpected character '%c' in placeholder at column %d",
		        src[i], column_of(src, i));
		return -1;
	}
	*pos = i + 1;
	return 0;

out_unterminated:
	snprintf(err, err_len, "unterminated placeholder starting at column %d",
	         column_of(src, open));
	return -1;
out_oom:
	snprintf(err, err_len, "out of memory");
	return -1;
}

int tmpl_compile(const char *src, struct tmpl **out, char *err, size_t err_len)
{
	struct tmpl *t = calloc(1, sizeof(*t));
	struct sbuf lit = {0};
	size_t i = 0;

	if (!t || !(t->source = strdup(src)))
		goto out_oom;
	while (src[i]) {
		if ((src[i] == '{' || src[i] == '}') && src[i + 1] == src[i]) {
			sbuf_add(&lit, src + i, 1);
			i += 2;
		} else if (src[i] == '}') {
			snprintf(err, err_len,
			         "unmatched \"}\" at column %d (write \"}}\" "
			         "for "
			         "a literal brace)",
			         column_of(src, i));
			goto out_free;
		} else if (src[i] == '{') {
			if (add_literal(t, &lit))
				goto out_oom;
			if (parse_placeholder(t, src, &i, err, err_len))
				goto out_free;
		} else {
			sbuf_add(&lit, src + i, 1);
			i++;
		}
	}
	if (add_literal(t, &lit))
		goto out_oom;
	*out = t;
	return 0;

out_oom:
	snprintf(err, err_len, "out of memory");
out_free:
	free(lit.s);
	tmpl_free(t);
	return -1;
}

/* Latin-1 supplement letters are C3 80..9E (upper) / C3 A0..BE (lower),
 * except the signs x (C3 97) and / (C3 B7) and sharp s (C3 9F). */
static void change_case(struct sbuf *v, bool upper)
{
	unsigned char *s = (unsigned char *)v->s;

	for (size_t i = 0; i < v->len; i++) {
		if (upper && s[i] >= 'a' && s[i] <= 'z')
			s[i] -= 32;
		else if (!upper && s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 32;
		else if (s[i] == 0xC3 && i + 1 < v->len) {
			unsigned char c = s[i + 1];

			if (!upper && c >= 0x80 && c <= 0x9E && c != 0x97)
				s[i + 1] = c + 0x20;
			else if (upper && c >= 0xA0 && c <= 0xBE && c != 0xB7)
				s[i + 1] = c - 0x20;
			i++;
		}
	}
}

static void trim(struct sbuf *v)
{
	size_t a = 0, b = v->len;

	while (a < b && is_space(v->s[a]))
		a++;
	while (b > a && is_space(v->s[b - 1]))
		b--;
	memmove(v->s, v->s + a, b - a);
	v->len = b - a;
	v->s[v->len] = '\0';
}

/* Keeps the first UTF-8 character (1..4 bytes) of v. */
static void first_char(struct sbuf *v)
{
	size_t n = 1;

	if (!v->len)
		return;
	while (n < v->len && ((unsigned char)v->s[n] & 0xC0) == 0x80)
		n++;
	v->len = n;
	v->s[n] = '\0';
}

/* Replaces v by its ASCII transliteration (util/unicode.h). Text that is
 * not valid UTF-8 (only a template's own literal default can be: HR
 * attributes come from JSON) is repaired first, so its invalid bytes
 * become U+FFFD and are dropped like any character without an ASCII form;
 * only a failed allocation is an error. */
static void to_ascii(struct sbuf *v)
{
	char *a, *repaired = NULL;
	int rc;

	if (!utf8_valid(v->s, v->len)) {
		repaired = utf8_repair_dup(v->s);
		if (!repaired) {
			v->oom = true;
			return;
		}
	}
	rc = repaired ? unicode_ascii(repaired, strlen(repaired), &a)
	              : unicode_ascii(v->s, v->len, &a);
	free(repaired);
	if (rc) {
		v->oom = true;
		return;
	}
	free(v->s);
	v->s = a;
	v->len = strlen(a);
	v->cap = v->len + 1;
}

/* Puts the text of attribute name into v; returns false when missing. */
static bool lookup(const json_t *attrs, const char *name, struct sbuf *v)
{
	const json_t *j = json_object_get(attrs, name);
	char num[64];

	switch (json_typeof(j ? j : json_null())) {
	case JSON_STRING: {
		const char *s = json_string_value(j);
		size_t n = json_string_length(j);
		size_t k = 0;

		while (k < n && is_space(s[k]))
			k++;
		if (k == n)
			return false;
		sbuf_add(v, s, n);
		return true;
	}
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(j));
		sbuf_add(v, num, strlen(num));
		return true;
	case JSON_REAL:
	case JSON_OBJECT:
	case JSON_ARRAY: {
		char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

		if (!text) {
			v->oom = true;
			return true;
		}
		sbuf_add(v, text, strlen(text));
		free(text);
		return true;
	}
	case JSON_TRUE:
		sbuf_add(v, "true", 4);
		return true;
	case JSON_FALSE:
		sbuf_add(v, "false", 5);
		return true;
	case JSON_NULL:
		break;
	}
	return false;
}

/* Renders one placeholder into out; returns false when it is missing and
 * required. */
static bool render_attr(const struct tmpl_part *p, const json_t *attrs,
                        struct sbuf *out)
{
	struct sbuf v = {0};
	bool present = lookup(attrs, p->text, &v);

	for (size_t i = 0; i < p->n_filters; i++) {
		const struct tmpl_filter *f = &p->filters[i];

		if (f->kind == FILTER_DEFAULT) {
			if (!present) {
				sbuf_add(&v, f->arg, strlen(f->arg));
				present = true;
			}
			continue;
		}
		if (!present || v.oom)
			continue;
		if (f->kind == FILTER_LOWER || f->kind == FILTER_UPPER)
			change_case(&v, f->kind == FILTER_UPPER);
		else if (f->kind == FILTER_TRIM)
			trim(&v);
		else if (f->kind == FILTER_FIRST)
			first_char(&v);
		else if (f->kind == FILTER_ASCII)
			to_ascii(&v);
	}
	if (v.oom)
		out->oom = true;
	else if (present && v.len)
		sbuf_add(out, v.s, v.len);
	free(v.s);
	return present || p->optional;
}

size_t tmpl_counters(const struct tmpl *t, int *column)
{
	if (column)
		*column = t->counter_col;
	return t->n_counters;
}

int tmpl_render(const struct tmpl *t, const json_t *attrs, char **out,
                char *missing, size_t missing_len)
{
	return tmpl_render_counter(t, attrs, 0, out, missing, missing_len);
}

int tmpl_render_counter(const struct tmpl *t, const json_t *attrs,
                        unsigned long n, char **out, char *missing,
                        size_t missing_len)
{
	struct sbuf b = {0};
	char num[24] = "";

	if (n >= 2)
		snprintf(num, sizeof(num), "%lu", n);
	sbuf_add(&b, "", 0);
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct tmpl_part *p = &t->parts[i];

		if (p->is_counter) {
			sbuf_add(&b, num, strlen(num));
		} else if (!p->is_attr) {
			sbuf_add(&b, p->text, strlen(p->text));
		} else if (!render_attr(p, attrs, &b)) {
			snprintf(missing, missing_len, "%s", p->text);
			free(b.s);
			return -1;
		}
	}
	if (b.oom) {
		snprintf(missing, missing_len, "%s", "");
		free(b.s);
		return -1;
	}
	*out = b.s;
	return 0;
}
