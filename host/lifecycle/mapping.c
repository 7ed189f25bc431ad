#include "lifecycle/mapping.h"

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
	struct tmpl *t[TARGET_COUNT]; /* NULL = target not sent */
};

void mapping_free(struct mapping *map)
{
	if (!map)
		return;
	for (int i = 0; i < TARGET_COUNT; i++)
		tmpl_free(map->t[i]);
	free(map);
}

static int target_index(const char *name)
{
	for (int i = 0; i < TARGET_COUNT; i++)
		if (!strcmp(targets[i].name, name))
			return i;
	return -1;
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
			i = target_index(key);
			if (i < 0) {
				path_error_set(
				        err, key,
				        "unknown target attribute \"%s\" in "
				        "\"mapping\" (known: %s)",
				        key, MAPPING_KNOWN_TARGETS);
				goto out_free_map;
			}
			if (!json_is_string(val)) {
				path_error_set(
				        err, key,
				        "\"%s\" must be a template string",
				        key);
				goto out_free_map;
			}
			if (tmpl_compile(json_string_value(val), &map->t[i],
			                 msg, sizeof(msg))) {
				path_error_set(
				        err, key,
				        "invalid template for \"%s\": %s", key,
				        msg);
				goto out_free_map;
			}
		}
	}
	for (i = 0; i < TARGET_COUNT; i++) {
		if (map->t[i] || !targets[i].default_src)
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

/* A userName identifies the account: an empty or whitespace-only one
 * identifies none. True (with reason) when text is such a value. */
static bool user_name_empty(const char *text, char *reason, size_t reason_len)
{
	const char *p = text;

	if (!text) {
		snprintf(reason, reason_len,
		         "mapping \"userName\" rendered an empty value");
		return true;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p)
		return false;
	snprintf(reason, reason_len,
	         "mapping \"userName\" rendered an empty value (only "
	         "whitespace)");
	return true;
}

int mapping_apply(const struct mapping *map, const json_t *attrs, bool active,
                  const json_t *roles, json_t **out, char *reason,
                  size_t reason_len)
{
	char *text[TARGET_COUNT] = {0};
	json_t *rec, *name;
	int i, rc = 0;

	for (i = 0; i < TARGET_COUNT; i++)
		if (render(map, i, attrs, &text[i], reason, reason_len))
			goto out_free_text;
	if (user_name_empty(text[TARGET_USER_NAME], reason, reason_len))
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

	if (render(map, TARGET_USER_NAME, attrs, &user_name, reason,
	           reason_len))
		return -1;
	if (user_name_empty(user_name, reason, reason_len)) {
		free(user_name);
		return -1;
	}
	rec = json_pack("{s:o}", "userName", utf8_json_string(user_name));
	free(user_name);
	if (!rec) {
		snprintf(reason, reason_len, "out of memory");
		return -1;
	}
	*out = rec;
	return 0;
}
