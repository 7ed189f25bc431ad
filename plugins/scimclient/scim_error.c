/* SCIM error parsing and excerpts; see scim_error.h. */
#include "scimclient/scim_error.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SCIM_ERROR_URN "urn:ietf:params:scim:api:messages:2.0:Error"

size_t scim_excerpt(const char *src, size_t len, char *out, size_t out_len,
                    size_t max_bytes)
{
	size_t o = 0, limit;
	int pending_space = 0, cut = 0;

	if (out_len == 0)
		return 0;
	limit = out_len - 1 < max_bytes ? out_len - 1 : max_bytes;
	for (size_t i = 0; src && i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			pending_space = o > 0;
			continue;
		}
		if (o + (size_t)pending_space + 1 > limit) {
			cut = 1;
			break;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = 0;
		out[o++] = (char)c;
	}
	if (cut) {
		/* make room for "..." and never split a UTF-8 sequence */
		o = limit >= 3 ? limit - 3 : 0;
		while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
		while (o > 0 && out[o - 1] == ' ')
			o--;
		for (int k = 0; k < 3 && o < limit; k++)
			out[o++] = '.';
	}
	out[o] = '\0';
	return o;
}

static int has_error_schema(json_t *root)
{
	json_t *schemas = json_object_get(root, "schemas");
	size_t i;
	json_t *v;

	json_array_foreach(schemas, i, v)
	{
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), SCIM_ERROR_URN) == 0)
			return 1;
	}
	return 0;
}

int scim_error_parse(const char *body, size_t len, struct scim_error_body *out)
{
	json_t *root, *v;
	int is_error = 0;

	memset(out, 0, sizeof *out);
	if (!body || len == 0)
		return 0;
	root = json_loadb(body, len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return 0;
	}
	v = json_object_get(root, "detail");
	if (json_is_string(v)) {
		scim_excerpt(json_string_value(v), json_string_length(v),
		             out->detail, sizeof out->detail, SCIM_EXCERPT_MAX);
		is_error = 1;
	}
	v = json_object_get(root, "scimType");
	if (json_is_string(v)) {
		scim_excerpt(json_string_value(v), json_string_length(v),
		             out->scim_type, sizeof out->scim_type,
		             sizeof out->scim_type - 1);
		is_error = 1;
	}
	v = json_object_get(root, "status");
	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < 1000) {
		out->status = (int)json_integer_value(v);
	} else if (json_is_string(v)) {
		char *end;
		long s = strtol(json_string_value(v), &end, 10);
		if (*end == '\0' && s > 0 && s < 1000)
			out->status = (int)s;
	}
	if (has_error_schema(root))
		is_error = 1;
	json_decref(root);
	return is_error;
}
