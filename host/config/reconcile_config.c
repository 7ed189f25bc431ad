/* The "reconcile" section of a connection (reconcile_config.h). */
#include "config/reconcile_config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reads the array member key of obj into *list / *n. */
static int read_list(const json_t *obj, const char *key, char ***list,
                     size_t *n, struct path_error *err)
{
	const json_t *arr = json_object_get(obj, key);
	const json_t *v;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return path_error_set(err, "",
		                      "reconcile: \"%s\" must be a "
		                      "list of strings",
		                      key);
	if (json_array_size(arr) > RECONCILE_CONFIG_MAX_ENTRIES)
		return path_error_set(err, "",
		                      "reconcile: \"%s\" has %zu "
		                      "entries; at most %d are allowed",
		                      key, json_array_size(arr),
		                      RECONCILE_CONFIG_MAX_ENTRIES);
	*list = calloc(json_array_size(arr) + 1, sizeof(**list));
	if (!*list)
		return path_error_set(err, "", "out of memory");
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !json_string_length(v) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return path_error_set(err, "",
			                      "reconcile: \"%s\"[%zu] "
			                      "must be a non-empty string",
			                      key, i);
		(*list)[i] = strdup(json_string_value(v));
		if (!(*list)[i])
			return path_error_set(err, "", "out of memory");
		*n = i + 1;
	}
	return 0;
}

int reconcile_config_parse(const json_t *obj, struct reconcile_config *out,
                           struct path_error *err)
{
	const char *key;
	const json_t *val;
	char base[64];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return path_error_set(err, "reconcile",
		                      "\"reconcile\" must be an object with "
		                      "\"ignore\" and/or \"protect\"");
	json_object_foreach((json_t *)obj, key, val)
	{
		if (strcmp(key, "ignore") && strcmp(key, "protect"))
			return path_error_set(err, "reconcile",
			                      "reconcile: unknown key \"%s\" "
			                      "(known: ignore, protect)",
			                      key);
	}
	rc = read_list(obj, "ignore", &out->ignore, &out->n_ignore, err);
	snprintf(base, sizeof(base), "reconcile.ignore");
	if (!rc) {
		rc = read_list(obj, "protect", &out->protect, &out->n_protect,
		               err);
		snprintf(base, sizeof(base), "reconcile.protect");
	}
	if (rc) {
		/* locate the entry the message names: "key"[i] */
		const char *br = strstr(err->message, "\"[");
		char path[sizeof(err->path)];

		if (br)
			snprintf(path, sizeof(path), "%s[%ld]", base,
			         strtol(br + 2, NULL, 10));
		else
			snprintf(path, sizeof(path), "%s", base);
		memcpy(err->path, path, sizeof(path));
		reconcile_config_release(out);
		return -1;
	}
	return 0;
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

void reconcile_config_release(struct reconcile_config *rc)
{
	free_list(rc->ignore, rc->n_ignore);
	free_list(rc->protect, rc->n_protect);
	memset(rc, 0, sizeof(*rc));
}

bool reconcile_config_ignored(const struct reconcile_config *rc,
                              const char *user_name)
{
	size_t i;

	if (!user_name || !user_name[0])
		return false;
	for (i = 0; i < rc->n_ignore; i++)
		if (fnmatch(rc->ignore[i], user_name, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

bool reconcile_config_protected(const struct reconcile_config *rc,
                                const char *account_id, const char *user_name)
{
	size_t i;

	for (i = 0; i < rc->n_protect; i++) {
		if (account_id && !strcmp(rc->protect[i], account_id))
			return true;
		if (user_name && user_name[0] &&
		    !strcasecmp(rc->protect[i], user_name))
			return true;
	}
	return false;
}
