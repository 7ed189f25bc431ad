#include "lifecycle/mapping.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/template.h"
#include "util/utf8.h"

enum mapping_target {
	TARGET_USER_NAME,
	TARGET_GIVEN_NAME,
	TARGET_FAMILY_NAME,
	TARGET_DISPLAY_NAME,
	TARGET_EMAIL,
	TARGET_TIMEZONE,
	TARGET_COUNT
};

static const struct {
	const char *name;
	const char *default_src; /* NULL = not sent unless configured */
} targets[TARGET_COUNT] = {
        [TARGET_USER_NAME] = {"userName", "{email|lower}"},
        [TARGET_GIVEN_NAME] = {"givenName", "{first_name}"},
        [TARGET_FAMILY_NAME] = {"familyName", "{last_name}"},
        [TARGET_DISPLAY_NAME] = {"displayName", NULL},
        [TARGET_EMAIL] = {"email", "{email}"},
        [TARGET_TIMEZONE] = {"timezone", "{timezone?}"},
};

struct mapping {
	/* NULL = target not sent; t[TARGET_USER_NAME] is always NULL: the
	 * userName candidates are in cand. */
	struct tmpl *t[TARGET_COUNT];
	struct tmpl *cand[MAPPING_MAX_USER_NAME_CANDIDATES];
	size_t n_cand;     /* >= 1 after mapping_parse */
	bool list;         /* configured as a list: errors say "userName[i]" */
	bool counter;      /* the last candidate has {n} */
	json_t *sensitive; /* owned: HR attribute names masked in decisions */
};

void mapping_free(struct mapping *map)
{
	if (!map)
		return;
	json_decref(map->sensitive);
	for (int i = 0; i < TARGET_COUNT; i++)
		tmpl_free(map->t[i]);
	for (size_t i = 0; i < map->n_cand; i++)
		tmpl_free(map->cand[i]);
	free(map);
}

static int target_index(const char *name)
{
	for (int i = 0; i < TARGET_COUNT; i++)
		if (!strcmp(targets[i].name, name))
			return i;
	return -1;
}

/* Compiles one template for target key (label: "userName[1]" or "email"),
 * checking where the counter {n} may appear. last: this is the last userName
 * candidate. */
static int compile_target(const char *src, const char *path, const char *label,
                          bool user_name, bool last, struct tmpl **out,
                          struct path_error *err)
{
	char msg[256];
	size_t counters;
	int col;

	if (tmpl_compile(src, out, msg, sizeof(msg)))
		return path_error_set(err, path,
		                      "invalid template for \"%s\": %s", label,
		                      msg);
	counters = tmpl_counters(*out, &col);
	if (counters && (!user_name || !last)) {
		tmpl_free(*out);
		*out = NULL;
		return path_error_set(
		        err, path,
		        "invalid template for \"%s\": the counter "
		        "{n} at column %d is allowed only in the "
		        "last userName candidate",
		        label, col);
	}
	if (counters > 1) {
		tmpl_free(*out);
		*out = NULL;
		return path_error_set(
		        err, path,
		        "invalid template for \"%s\": the counter "
		        "{n} may appear only once",
		        label);
	}
	return 0;
}

/* Parses "userName": one template string, or a list of candidates. */
static int parse_user_name(const json_t *val, struct mapping *map,
                           struct path_error *err)
{
	char path[64];
	size_t i, n;

	if (json_is_string(val)) {
		if (compile_target(json_string_value(val), "userName",
		                   "userName", true, true, &map->cand[0], err))
			return -1;
		map->n_cand = 1;
	} else {
		n = json_is_array(val) ? json_array_size(val) : 0;
		if (!n)
			return path_error_set(
			        err, "userName",
			        "\"userName\" must be a template string or a "
			        "non-empty list of template strings");
		if (n > MAPPING_MAX_USER_NAME_CANDIDATES)
			return path_error_set(
			        err, "userName",
			        "\"userName\" has %zu candidates; at most %d "
			        "are allowed",
			        n, MAPPING_MAX_USER_NAME_CANDIDATES);
		map->list = true;
		for (i = 0; i < n; i++) {
			const json_t *item = json_array_get(val, i);

			snprintf(path, sizeof(path), "userName[%zu]", i);
			if (!json_is_string(item))
				return path_error_set(
				        err, path,
				        "\"%s\" must be a template string",
				        path);
			if (compile_target(json_string_value(item), path, path,
			                   true, i + 1 == n, &map->cand[i],
			                   err))
				return -1;
			map->n_cand = i + 1;
		}
	}
	map->counter = tmpl_counters(map->cand[map->n_cand - 1], NULL) > 0;
	return 0;
}

/* "sensitive": a list of HR attribute names whose values a decision shows
 * as "(sensitive)" (decision.h). */
static int parse_sensitive(const json_t *val, struct mapping *map,
                           struct path_error *err)
{
	size_t i;
	json_t *v;

	if (!json_is_array(val))
		return path_error_set(err, "sensitive",
		                      "\"sensitive\" must be a list of HR "
		                      "attribute names");
	json_array_foreach(val, i, v)
	{
		if (!json_is_string(v) || !json_string_length(v)) {
			char at[32];

			snprintf(at, sizeof(at), "sensitive[%zu]", i);
			return path_error_set(err, at,
			                      "\"sensitive\" entries must be "
			                      "non-empty HR attribute names");
		}
	}
	json_decref(map->sensitive);
	map->sensitive = json_deep_copy(val);
	if (!map->sensitive)
		return path_error_set(err, "", "out of memory");
	return 0;
}

const json_t *mapping_sensitive(const struct mapping *map)
{
	return map ? map->sensitive : NULL;
}

int mapping_parse(const json_t *obj, struct mapping **out,
                  struct path_error *err)
{
	struct mapping *map = calloc(1, sizeof(*map));
	const char *key;
	json_t *val;
	char msg[256];
	int i;

	if (!map)
		return path_error_set(err, "", "out of memory");
	if (obj && !json_is_object(obj)) {
		path_error_set(err, "", "\"mapping\" must be an object");
		goto out_free_map;
	}
	if (obj) {
		json_object_foreach((json_t *)obj, key, val)
		{
			if (strcmp(key, "sensitive") == 0) {
				if (parse_sensitive(val, map, err))
					goto out_free_map;
				continue;
			}
			i = target_index(key);
			if (i < 0) {
				path_error_set(
				        err, key,
				        "unknown target attribute \"%s\" in "
				        "\"mapping\" (known: %s)",
				        key, MAPPING_KNOWN_TARGETS);
				goto out_free_map;
			}
			if (i == TARGET_USER_NAME) {
				if (parse_user_name(val, map, err))
					goto out_free_map;
				continue;
			}
			if (!json_is_string(val)) {
				path_error_set(
				        err, key,
				        "\"%s\" must be a template string",
				        key);
				goto out_free_map;
			}
			if (compile_target(json_string_value(val), key, key,
			                   false, false, &map->t[i], err))
				goto out_free_map;
		}
	}
	if (!map->n_cand) {
		if (tmpl_compile(targets[TARGET_USER_NAME].default_src,
		                 &map->cand[0], msg, sizeof(msg))) {
			path_error_set(err, "", "out of memory");
			goto out_free_map;
		}
		map->n_cand = 1;
	}
	for (i = 0; i < TARGET_COUNT; i++) {
		if (map->t[i] || !targets[i].default_src ||
		    i == TARGET_USER_NAME)
			continue;
		if (tmpl_compile(targets[i].default_src, &map->t[i], msg,
		                 sizeof(msg))) {
			path_error_set(err, "", "out of memory");
			goto out_free_map;
		}
	}
	*out = map;
	return 0;

out_free_map:
	mapping_free(map);
	return -1;
}

/* Renders target i; *text is NULL when it is not configured or renders
 * empty. Returns -1 with reason when a required attribute is missing. */
static int render(const struct mapping *map, int i, const json_t *attrs,
                  char **text, char *reason, size_t reason_len)
{
	char missing[128];

	*text = NULL;
	if (!map->t[i])
		return 0;
	if (tmpl_render(map->t[i], attrs, text, missing, sizeof(missing))) {
		if (!missing[0])
			snprintf(reason, reason_len, "out of memory");
		else
			snprintf(reason, reason_len,
			         "missing HR attribute \"%s\" (required by "
			         "mapping \"%s\")",
			         missing, targets[i].name);
		return -1;
	}
	if (!(*text)[0]) {
		free(*text);
		*text = NULL;
	}
	return 0;
}

size_t mapping_user_name_candidates(const struct mapping *map, bool *counter)
{
	if (counter)
		*counter = map->counter;
	return map->n_cand;
}

int mapping_user_name_candidate(const struct mapping *map, const json_t *attrs,
                                size_t index, char **out, char *reason,
                                size_t reason_len)
{
	size_t last = map->n_cand - 1, c = index < last ? index : last;
	unsigned long n = 0;
	char label[32], missing[128], *text;
	bool final;

	reason[0] = '\0';
	if (index > last && (!map->counter || index - last >= ULONG_MAX))
		return MAPPING_CANDIDATES_END;
	if (index >= last && map->counter)
		n = (unsigned long)(index - last) + 1;
	/* Past the counter candidate's first try, a failure repeats for
	 * every n: there is nothing more to try. */
	final = map->counter && index >= last;
	if (map->list)
		snprintf(label, sizeof(label), "userName[%zu]", c);
	else
		snprintf(label, sizeof(label), "userName");
	if (tmpl_render_counter(map->cand[c], attrs, n, &text, missing,
	                        sizeof(missing))) {
		if (!missing[0]) {
			snprintf(reason, reason_len, "out of memory");
			return -1;
		}
		snprintf(reason, reason_len,
		         "missing HR attribute \"%s\" (required by mapping "
		         "\"%s\")",
		         missing, label);
		return final ? MAPPING_CANDIDATES_END : MAPPING_CANDIDATE_SKIP;
	}
	/* a userName identifies the account: an empty or whitespace-only
	 * one identifies none */
	if (!text[strspn(text, " \t\r\n")]) {
		snprintf(reason, reason_len,
		         "mapping \"%s\" rendered an empty value%s", label,
		         text[0] ? " (only whitespace)" : "");
		free(text);
		return final ? MAPPING_CANDIDATES_END : MAPPING_CANDIDATE_SKIP;
	}
	*out = text;
	return MAPPING_CANDIDATE_OK;
}

/* The first userName candidate that renders (with {n} = ""), in *text; -1
 * with the reasons of every candidate that did not. */
static int first_user_name(const struct mapping *map, const json_t *attrs,
                           char **text, char *reason, size_t reason_len)
{
	char all[1024] = "", one[256];
	size_t used = 0;

	for (size_t i = 0;; i++) {
		int rc = mapping_user_name_candidate(map, attrs, i, text, one,
		                                     sizeof(one));

		if (rc == MAPPING_CANDIDATE_OK)
			return 0;
		if (rc < 0) {
			snprintf(reason, reason_len, "%s", one);
			return -1;
		}
		if (one[0] && used < sizeof(all))
			used += (size_t)snprintf(all + used, sizeof(all) - used,
			                         "%s%s", used ? "; " : "", one);
		if (rc == MAPPING_CANDIDATES_END)
			break;
	}
	if (map->n_cand > 1)
		snprintf(reason, reason_len,
		         "no userName candidate could be rendered: %s", all);
	else
		snprintf(reason, reason_len, "%s", all);
	return -1;
}

/* Sets obj[key] = text (taking text) when text is not NULL. */
static int set_text(json_t *obj, const char *key, char *text)
{
	int rc = 0;

	if (text)
		rc = json_object_set_new(obj, key, utf8_json_string(text));
	free(text);
	return rc;
}

static json_t *roles_array(const json_t *roles)
{
	json_t *arr = json_array();
	size_t i;
	json_t *r;

	if (!arr)
		return NULL;
	json_array_foreach(roles, i, r)
	{
		if (!json_is_string(r))
			continue;
		if (json_array_append_new(arr,
		                          json_pack("{s:O}", "display", r))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int mapping_apply(const struct mapping *map, const json_t *attrs, bool active,
                  const json_t *roles, json_t **out, char *reason,
                  size_t reason_len)
{
	char *text[TARGET_COUNT] = {0};
	json_t *rec, *name;
	int i, rc = 0;

	if (first_user_name(map, attrs, &text[TARGET_USER_NAME], reason,
	                    reason_len))
		return -1;
	for (i = 0; i < TARGET_COUNT; i++)
		if (i != TARGET_USER_NAME &&
		    render(map, i, attrs, &text[i], reason, reason_len))
			goto out_free_text;
	rec = json_object();
	name = json_object();
	if (!rec || !name) {
		json_decref(name);
		goto out_oom_rec;
	}
	rc |= set_text(rec, "userName", text[TARGET_USER_NAME]);
	rc |= set_text(name, "givenName", text[TARGET_GIVEN_NAME]);
	rc |= set_text(name, "familyName", text[TARGET_FAMILY_NAME]);
	if (json_object_size(name))
		rc |= json_object_set_new(rec, "name", name);
	else
		json_decref(name);
	rc |= set_text(rec, "displayName", text[TARGET_DISPLAY_NAME]);
	if (text[TARGET_EMAIL])
		rc |= json_object_set_new(
		        rec, "emails",
		        json_pack("[{s:o,s:s,s:b}]", "value",
		                  utf8_json_string(text[TARGET_EMAIL]), "type",
		                  "work", "primary", 1));
	free(text[TARGET_EMAIL]);
	rc |= set_text(rec, "timezone", text[TARGET_TIMEZONE]);
	rc |= json_object_set_new(rec, "active", json_boolean(active));
	if (roles)
		rc |= json_object_set_new(rec, "roles", roles_array(roles));
	if (rc) {
		json_decref(rec);
		snprintf(reason, reason_len, "out of memory");
		return -1;
	}
	*out = rec;
	return 0;

out_oom_rec:
	json_decref(rec);
	snprintf(reason, reason_len, "out of memory");
out_free_text:
	for (i = 0; i < TARGET_COUNT; i++)
		free(text[i]);
	return -1;
}

int mapping_identity(const struct mapping *map, const json_t *attrs,
                     json_t **out, char *reason, size_t reason_len)
{
	char *user_name;
	json_t *rec;

	if (first_user_name(map, attrs, &user_name, reason, reason_len))
		return -1;
	rec = json_pack("{s:o}", "userName", utf8_json_string(user_name));
	free(user_name);
	if (!rec) {
		snprintf(reason, reason_len, "out of memory");
		return -1;
	}
	*out = rec;
	return 0;
}
