#include "lifecycle/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COND_KNOWN_KEYS "all, any, not, attr, equals, in, prefix, ignore_case"
#define COND_MAX_DEPTH  32

enum cond_op {
	COND_ALL,
	COND_ANY,
	COND_NOT,
	COND_EQUALS,
	COND_IN,
	COND_PREFIX
};

struct cond {
	enum cond_op op;
	struct cond *kids; /* all / any: n_kids; not: 1 */
	size_t n_kids;
	char *attr;    /* leaves */
	char **values; /* leaves: equals/prefix 1, in n_values (as text) */
	size_t n_values;
	bool ignore_case;
};

struct rule {
	char *name;
	struct cond cond;
	json_t *grant; /* array of strings, possibly empty */
};

struct rules {
	struct rule *rules;
	size_t n_rules;
	json_t *default_roles; /* array of strings */
};

/* snprintf for JSON paths: a too deep path is cut, never overflows. */
static void subpath(char *dst, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void subpath(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

static void cond_release(struct cond *c)
{
	for (size_t i = 0; i < c->n_kids; i++)
		cond_release(&c->kids[i]);
	free(c->kids);
	for (size_t i = 0; i < c->n_values; i++)
		free(c->values[i]);
	free(c->values);
	free(c->attr);
}

void rules_free(struct rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_rules; i++) {
		free(r->rules[i].name);
		cond_release(&r->rules[i].cond);
		json_decref(r->rules[i].grant);
	}
	free(r->rules);
	json_decref(r->default_roles);
	free(r);
}

size_t rules_count(const struct rules *r)
{
	return r->n_rules;
}

/* The text a scalar compares as: strings as is, numbers and booleans as
 * their JSON text. NULL for other types (and on out of memory). */
static char *scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_number(v) || json_is_boolean(v))
		return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return NULL;
}

static int add_value(struct cond *c, const json_t *v, const char *path,
                     const char *what, struct path_error *err)
{
	char **vals;

	if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
		return path_error_set(err, path,
		                      "%s must be a string, number or boolean",
		                      what);
	vals = realloc(c->values, (c->n_values + 1) * sizeof(*vals));
	if (!vals)
		return path_error_set(err, path, "out of memory");
	c->values = vals;
	if (!(vals[c->n_values] = scalar_text(v)))
		return path_error_set(err, path, "out of memory");
	c->n_values++;
	return 0;
}

static int parse_cond(const json_t *obj, const char *path, int depth,
                      struct cond *c, struct path_error *err);

/* "all" / "any": a non-empty array of conditions. */
static int parse_list(const json_t *arr, const char *path, const char *op,
                      int depth, struct cond *c, struct path_error *err)
{
	char sub[256];
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || !json_array_size(arr))
		return path_error_set(
		        err, path,
		        "\"%s\" must be a non-empty array of conditions", op);
	c->kids = calloc(json_array_size(arr), sizeof(*c->kids));
	if (!c->kids)
		return path_error_set(err, path, "out of memory");
	json_array_foreach(arr, i, v)
	{
		subpath(sub, sizeof(sub), "%s[%zu]", path, i);
		c->n_kids++;
		if (parse_cond(v, sub, depth + 1, &c->kids[i], err))
			return -1;
	}
	return 0;
}

/* The operand of a leaf: equals (scalar), in (non-empty array of scalars),
 * prefix (string). */
static int parse_operand(const json_t *v, const char *path, struct cond *c,
                         struct path_error *err)
{
	char sub[256];
	size_t i;
	json_t *item;

	if (c->op == COND_PREFIX) {
		if (!json_is_string(v))
			return path_error_set(err, path,
			                      "\"prefix\" must be a string");
		return add_value(c, v, path, "\"prefix\"", err);
	}
	if (c->op == COND_EQUALS)
		return add_value(c, v, path, "\"equals\"", err);
	if (!json_is_array(v) || !json_array_size(v))
		return path_error_set(
		        err, path,
		        "\"in\" must be a non-empty array of values");
	json_array_foreach(v, i, item)
	{
		subpath(sub, sizeof(sub), "%s[%zu]", path, i);
		if (add_value(c, item, sub, "a value of \"in\"", err))
			return -1;
	}
	return 0;
}

static int parse_cond(const json_t *obj, const char *path, int depth,
                      struct cond *c, struct path_error *err)
{
	static const char *const ops[] = {"all",    "any", "not",
	                                  "equals", "in",  "prefix"};
	const json_t *operand = NULL, *attr = NULL, *ic = NULL;
	const char *key, *op_key = NULL;
	char sub[256];
	json_t *v;

	memset(c, 0, sizeof(*c));
	if (depth > COND_MAX_DEPTH)
		return path_error_set(err, path,
		                      "conditions nested too deeply (limit %d)",
		                      COND_MAX_DEPTH);
	if (!json_is_object(obj))
		return path_error_set(err, path,
		                      "a condition must be an object");
	json_object_foreach((json_t *)obj, key, v)
	{
		int k;

		for (k = 0; k < 6 && strcmp(key, ops[k]); k++)
			;
		if (k < 6) {
			if (op_key)
				return path_error_set(err, path,
				                      "a condition takes one "
				                      "of all, any, not, "
				                      "equals, in, prefix, "
				                      "not both \"%s\" and "
				                      "\"%s\"",
				                      op_key, key);
			op_key = key;
			c->op = (enum cond_op)k;
			operand = v;
		} else if (!strcmp(key, "attr")) {
			attr = v;
		} else if (!strcmp(key, "ignore_case")) {
			ic = v;
		} else {
			subpath(sub, sizeof(sub), "%s.%s", path, key);
			return path_error_set(
			        err, sub,
			        "unknown key \"%s\" in condition (known: %s)",
			        key, COND_KNOWN_KEYS);
		}
	}
	if (!op_key)
		return path_error_set(err, path,
		                      "a condition needs one of all, any, not, "
		                      "equals, in, prefix");
	subpath(sub, sizeof(sub), "%s.%s", path, op_key);
	if (c->op == COND_ALL || c->op == COND_ANY || c->op == COND_NOT) {
		if (attr || ic)
			return path_error_set(err, path,
			                      "\"%s\" takes no \"%s\"", op_key,
			                      attr ? "attr" : "ignore_case");
		if (c->op != COND_NOT)
			return parse_list(operand, sub, op_key, depth, c, err);
		c->kids = calloc(1, sizeof(*c->kids));
		if (!c->kids)
			return path_error_set(err, path, "out of memory");
		c->n_kids = 1;
		return parse_cond(operand, sub, depth + 1, c->kids, err);
	}
	if (!attr)
		return path_error_set(err, path, "\"%s\" needs \"attr\"",
		                      op_key);
	if (!json_is_string(attr) || !json_string_length(attr)) {
		subpath(sub, sizeof(sub), "%s.attr", path);
		return path_error_set(err, sub,
		                      "\"attr\" must be a non-empty string");
	}
	if (ic && !json_is_boolean(ic)) {
		subpath(sub, sizeof(sub), "%s.ignore_case", path);
		return path_error_set(err, sub,
		                      "\"ignore_case\" must be true or false");
	}
	c->ignore_case = json_is_true(ic);
	if (!(c->attr = strdup(json_string_value(attr))))
		return path_error_set(err, path, "out of memory");
	return parse_operand(operand, sub, c, err);
}

/* An array of non-empty role names. */
static int parse_roles(const json_t *v, const char *path, const char *key,
                       json_t **out, struct path_error *err)
{
	char sub[256];
	size_t i;
	json_t *r;

	if (!json_is_array(v))
		return path_error_set(err, path,
		                      "\"%s\" must be an array of role names",
		                      key);
	json_array_foreach(v, i, r)
	{
		if (!json_is_string(r) || !json_string_length(r)) {
			subpath(sub, sizeof(sub), "%s[%zu]", path, i);
			return path_error_set(
			        err, sub,
			        "a role name must be a non-empty string");
		}
	}
	*out = json_deep_copy(v);
	return *out ? 0 : path_error_set(err, path, "out of memory");
}

static int parse_rule(const json_t *obj, size_t idx, struct rule *rule,
                      struct path_error *err)
{
	char path[64], sub[128];
	const json_t *cond = NULL;
	const char *key;
	json_t *v;

	subpath(path, sizeof(path), "rules[%zu]", idx);
	if (!json_is_object(obj))
		return path_error_set(err, path, "a rule must be an object");
	json_object_foreach((json_t *)obj, key, v)
	{
		subpath(sub, sizeof(sub), "%s.%s", path, key);
		if (!strcmp(key, "name")) {
			if (!json_is_string(v) || !json_string_length(v))
				return path_error_set(
				        err, sub,
				        "\"name\" must be a non-empty string");
			free(rule->name);
			if (!(rule->name = strdup(json_string_value(v))))
				return path_error_set(err, sub,
				                      "out of memory");
		} else if (!strcmp(key, "if")) {
			cond = v;
		} else if (!strcmp(key, "grant")) {
			if (parse_roles(v, sub, key, &rule->grant, err))
				return -1;
		} else {
			return path_error_set(
			        err, sub,
			        "unknown key \"%s\" in rule (known: name, if, "
			        "grant)",
			        key);
		}
	}
	if (!rule->name && !(rule->name = strdup(path)))
		return path_error_set(err, path, "out of memory");
	if (!rule->grant && !(rule->grant = json_array()))
		return path_error_set(err, path, "out of memory");
	if (!cond)
		return path_error_set(err, path,
		                      "a rule needs a condition \"if\"");
	subpath(sub, sizeof(sub), "%s.if", path);
	return parse_cond(cond, sub, 0, &rule->cond, err);
}

int rules_parse(const json_t *obj, struct rules **out, struct path_error *err)
{
	struct rules *r = calloc(1, sizeof(*r));
	const json_t *list = NULL;
	const char *key;
	json_t *v;
	size_t i;

	if (!r)
		return path_error_set(err, "", "out of memory");
	if (obj && !json_is_object(obj)) {
		path_error_set(err, "", "\"roles\" must be an object");
		goto out_free_rules;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		if (!strcmp(key, "rules")) {
			if (!json_is_array(v)) {
				path_error_set(err, key,
				               "\"rules\" must be an array of "
				               "rules");
				goto out_free_rules;
			}
			list = v;
		} else if (!strcmp(key, "default")) {
			if (parse_roles(v, key, key, &r->default_roles, err))
				goto out_free_rules;
		} else {
			path_error_set(
			        err, key,
			        "unknown key \"%s\" in \"roles\" (known: "
			        "rules, default)",
			        key);
			goto out_free_rules;
		}
	}
	if (!r->default_roles && !(r->default_roles = json_array()))
		goto out_oom;
	if (list && json_array_size(list)) {
		r->rules = calloc(json_array_size(list), sizeof(*r->rules));
		if (!r->rules)
			goto out_oom;
		json_array_foreach(list, i, v)
		{
			r->n_rules++;
			if (parse_rule(v, i, &r->rules[i], err))
				goto out_free_rules;
		}
	}
	*out = r;
	return 0;

out_oom:
	path_error_set(err, "", "out of memory");
out_free_rules:
	rules_free(r);
	return -1;
}

static bool leaf_matches(const struct cond *c, const char *text)
{
	for (size_t i = 0; i < c->n_values; i++) {
		const char *v = c->values[i];

		if (c->op == COND_PREFIX) {
			size_t n = strlen(v);

			if (c->ignore_case ? !strncasecmp(text, v, n)
			                   : !strncmp(text, v, n))
				return true;
		} else if (c->ignore_case ? !strcasecmp(text, v)
		                          : !strcmp(text, v)) {
			return true;
		}
	}
	return false;
}

static bool cond_eval(const struct cond *c, const json_t *attrs)
{
	char *text;
	bool res;

	switch (c->op) {
	case COND_ALL:
		for (size_t i = 0; i < c->n_kids; i++)
			if (!cond_eval(&c->kids[i], attrs))
				return false;
		return true;
	case COND_ANY:
		for (size_t i = 0; i < c->n_kids; i++)
			if (cond_eval(&c->kids[i], attrs))
				return true;
		return false;
	case COND_NOT:
		return !cond_eval(c->kids, attrs);
	case COND_EQUALS:
	case COND_IN:
	case COND_PREFIX:
		break;
	}
	text = scalar_text(json_object_get(attrs, c->attr));
	if (!text)
		return false; /* missing, null or not a scalar */
	res = leaf_matches(c, text);
	free(text);
	return res;
}

/* Appends the role names of from to to, skipping those already there. */
static int add_roles(json_t *to, const json_t *from)
{
	size_t i, j;
	json_t *r, *have;

	json_array_foreach(from, i, r)
	{
		bool dup = false;

		json_array_foreach(to, j, have)
		{
			if (json_equal(have, r)) {
				dup = true;
				break;
			}
		}
		if (!dup && json_array_append(to, r))
			return -1;
	}
	return 0;
}

int rules_evaluate(const struct rules *r, const json_t *attrs,
                   struct rules_result *out)
{
	memset(out, 0, sizeof(*out));
	out->default_roles = r->default_roles;
	out->roles = json_array();
	out->matched_rules = json_array();
	if (!out->roles || !out->matched_rules)
		goto out_release;
	if (!r->n_rules) {
		out->matched = true;
		if (add_roles(out->roles, r->default_roles))
			goto out_release;
		return 0;
	}
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *rule = &r->rules[i];
		const json_t *grant = rule->grant;

		if (!cond_eval(&rule->cond, attrs))
			continue;
		out->matched = true;
		if (!json_array_size(grant))
			grant = r->default_roles;
		if (add_roles(out->roles, grant) ||
		    json_array_append_new(out->matched_rules,
		                          json_string(rule->name)))
			goto out_release;
	}
	return 0;

out_release:
	rules_result_release(out);
	return -1;
}

void rules_result_release(struct rules_result *res)
{
	json_decref(res->roles);
	json_decref(res->matched_rules);
	res->roles = NULL;
	res->matched_rules = NULL;
}
