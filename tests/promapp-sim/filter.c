/* Parser and matcher for the supported SCIM filters (see filter.h). */
#include "filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_URN_PREFIX SCIM_USER_SCHEMA ":"

struct cursor {
	const char *p;
	struct scim_error *err;
};

static int invalid(struct cursor *c, const char *what)
{
	scim_error_set(c->err, 400, "invalidFilter",
	               "unsupported filter: %s; the simulator supports "
	               "userName, emails.value, externalId or active with eq, "
	               "joined by and",
	               what);
	return -1;
}

static size_t skip_spaces(struct cursor *c)
{
	size_t n = 0;

	while (*c->p == ' ' || *c->p == '\t') {
		c->p++;
		n++;
	}
	return n;
}

/* Reads a bare word (attribute path, operator, literal) into buf. */
static size_t read_word(struct cursor *c, char *buf, size_t n)
{
	size_t len = 0;

	while (isalnum((unsigned char)c->p[len]) || c->p[len] == '.' ||
	       c->p[len] == ':' || c->p[len] == '_' || c->p[len] == '-' ||
	       c->p[len] == '$')
		len++;
	if (len == 0 || len >= n)
		return 0;
	memcpy(buf, c->p, len);
	buf[len] = '\0';
	c->p += len;
	return len;
}

static int parse_attr(struct cursor *c, enum filter_attr *attr)
{
	char word[128];
	const char *name = word;

	if (!read_word(c, word, sizeof(word)))
		return invalid(c, "expected an attribute name");
	if (strncasecmp(word, USER_URN_PREFIX, strlen(USER_URN_PREFIX)) == 0)
		name += strlen(USER_URN_PREFIX);
	if (strcasecmp(name, "userName") == 0)
		*attr = FILTER_USERNAME;
	else if (strcasecmp(name, "emails.value") == 0 ||
	         strcasecmp(name, "emails") == 0)
		*attr = FILTER_EMAIL;
	else if (strcasecmp(name, "active") == 0)
		*attr = FILTER_ACTIVE;
	else if (strcasecmp(name, "externalId") == 0)
		*attr = FILTER_EXTERNAL_ID;
	else
		return invalid(c, "attribute not filterable");
	return 0;
}

/* Reads a quoted JSON string literal; returns a new lower-cased copy and
 * the value as given in *raw (new). */
static char *read_string(struct cursor *c, char **raw)
{
	const char *end = c->p + 1;
	json_error_t jerr;
	json_t *v;
	char *out = NULL;

	while (*end && *end != '"') {
		if (*end == '\\' && end[1])
			end++;
		end++;
	}
	if (*end != '"')
		return NULL;
	v = json_loadb(c->p, (size_t)(end - c->p) + 1, JSON_DECODE_ANY, &jerr);
	if (json_is_string(v) &&
	    strlen(json_string_value(v)) == json_string_length(v))
		out = ascii_lower_dup(json_string_value(v));
	if (out && !(*raw = strdup(json_string_value(v)))) {
		free(out);
		out = NULL;
	}
	json_decref(v);
	c->p = end + 1;
	return out;
}

static int parse_value(struct cursor *c, struct filter_clause *cl)
{
	char word[16];

	if (*c->p == '"') {
		if (cl->attr == FILTER_ACTIVE)
			return invalid(c, "active compares with true or false");
		cl->value = read_string(c, &cl->raw);
		return cl->value ? 0 : invalid(c, "malformed string value");
	}
	if (!read_word(c, word, sizeof(word)))
		return invalid(c, "expected a value");
	if (cl->attr != FILTER_ACTIVE)
		return invalid(c, "userName and emails.value compare with "
		                  "a quoted string");
	if (strcmp(word, "true") == 0)
		cl->flag = true;
	else if (strcmp(word, "false") == 0)
		cl->flag = false;
	else
		return invalid(c, "active compares with true or false");
	return 0;
}

static int parse_clause(struct cursor *c, struct filter_clause *cl)
{
	char op[16];

	skip_spaces(c);
	if (parse_attr(c, &cl->attr) < 0)
		return -1;
	if (!skip_spaces(c) || !read_word(c, op, sizeof(op)))
		return invalid(c, "expected an operator");
	if (strcasecmp(op, "eq") != 0)
		return invalid(c, "only the eq operator is supported");
	if (!skip_spaces(c))
		return invalid(c, "expected a value");
	return parse_value(c, cl);
}

int filter_parse(struct filter *f, const char *text, struct scim_error *err)
{
	struct cursor c = {text, err};
	char word[8];

	memset(f, 0, sizeof(*f));
	for (;;) {
		if (f->n == FILTER_MAX_CLAUSES)
			return invalid(&c, "too many clauses");
		if (parse_clause(&c, &f->clauses[f->n++]) < 0)
			return -1;
		if (!skip_spaces(&c)) {
			if (*c.p)
				return invalid(&c, "unexpected text after a "
				                   "value");
			return 0;
		}
		if (!*c.p)
			return 0;
		if (!read_word(&c, word, sizeof(word)) ||
		    strcasecmp(word, "and") != 0)
			return invalid(&c, "only 'and' may join clauses");
		if (!skip_spaces(&c))
			return invalid(&c, "expected a clause after 'and'");
	}
}

void filter_release(struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->clauses[i].value);
		free(f->clauses[i].raw);
	}
	memset(f, 0, sizeof(*f));
}

static bool email_matches(const json_t *user, const char *value)
{
	json_t *email;
	size_t i;

	json_array_foreach(json_object_get(user, "emails"), i, email)
	{
		const char *v =
		        json_string_value(json_object_get(email, "value"));
		if (v && strcasecmp(v, value) == 0)
			return true;
	}
	return false;
}

static bool clause_matches(const struct filter_clause *cl, const json_t *user,
                           bool case_sensitive)
{
	const char *name;

	switch (cl->attr) {
	case FILTER_USERNAME:
		name = json_string_value(json_object_get(user, "userName"));
		if (case_sensitive)
			return name && strcmp(name, cl->raw) == 0;
		return name && strcasecmp(name, cl->value) == 0;
	case FILTER_EXTERNAL_ID:
		name = json_string_value(json_object_get(user, "externalId"));
		return name && strcmp(name, cl->raw) == 0;
	case FILTER_EMAIL:
		return email_matches(user, cl->value);
	case FILTER_ACTIVE:
		return json_is_true(json_object_get(user, "active")) ==
		       cl->flag;
	}
	return false;
}

bool filter_matches(const struct filter *f, const json_t *user)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!clause_matches(&f->clauses[i], user, f->case_sensitive))
			return false;
	return true;
}

const char *filter_username_key(const struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->clauses[i].attr == FILTER_USERNAME)
			return f->clauses[i].value;
	return NULL;
}
