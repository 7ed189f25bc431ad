/* The case-insensitive userName index; see scim_ci_index.h. */
#include "scimclient/scim_ci_index.h"

#include <string.h>

#define CI_KEY_MAX 2048

int scim_ci_fold(const char *s, char *out, size_t out_len)
{
	size_t i;

	if (!out_len)
		return -1;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i + 1 >= out_len) {
			out[0] = '\0';
			return -1;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[i] = '\0';
	return 0;
}

json_t *scim_ci_index_new(void)
{
	return json_object();
}

int scim_ci_index_add(json_t *index, const char *user_name, const char *id)
{
	char key[CI_KEY_MAX];
	json_t *ids, *v;
	size_t i;

	if (scim_ci_fold(user_name, key, sizeof key))
		return -1;
	ids = json_object_get(index, key);
	if (!ids) {
		ids = json_array();
		if (!ids || json_object_set_new(index, key, ids))
			return -1;
	}
	json_array_foreach(ids, i, v)
	{
		if (strcmp(json_string_value(v), id) == 0)
			return 0;
	}
	return json_array_append_new(ids, json_string(id)) ? -1 : 0;
}

json_t *scim_ci_index_find(json_t *index, const char *user_name)
{
	char key[CI_KEY_MAX];

	if (!index || scim_ci_fold(user_name, key, sizeof key))
		return NULL;
	return json_object_get(index, key);
}

size_t scim_ci_index_size(json_t *index)
{
	const char *key;
	json_t *ids;
	size_t n = 0;

	json_object_foreach(index, key, ids)
	{
		n += json_array_size(ids);
	}
	return n;
}
