/* Fuzz target: what a SCIM target answers (scimclient/scim_user.c,
 * scim_error.c): a User resource, a ListResponse page, an error body, and
 * the excerpt that goes into messages (util/utf8.c checks its UTF-8).
 *
 * Invariants: an error's detail and an excerpt have no control character,
 * fit their limits and have no leading or trailing space; a user the list
 * search finds really has the userName asked for (ignoring ASCII case); a
 * desired state read from the input and written as a create or a replace
 * body reads back (tolerantly, as a target's answer) with no difference. */
#include <ctype.h>
#include <string.h>

#include "fuzz_common.h"
#include "scimclient/scim_error.h"
#include "scimclient/scim_user.h"
#include "util/utf8.h"

static void check_line(const char *what, const char *s, size_t max)
{
	size_t len = strlen(s);

	FUZZ_ASSERT(len <= max, "%s is %zu bytes (max %zu)", what, len, max);
	for (size_t i = 0; i < len; i++)
		FUZZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f,
		            "%s has control byte 0x%02x", what,
		            (unsigned char)s[i]);
	FUZZ_ASSERT(!len || (s[0] != ' ' && s[len - 1] != ' '),
	            "%s has leading or trailing space: \"%s\"", what, s);
}

static void check_error(const uint8_t *data, size_t size)
{
	struct scim_error_body e;
	char out[SCIM_EXCERPT_MAX + 1];
	size_t max = size ? data[0] % (SCIM_EXCERPT_MAX + 1) : 0, n;

	(void)scim_error_parse((const char *)data, size, &e);
	FUZZ_ASSERT(memchr(e.scim_type, '\0', sizeof(e.scim_type)),
	            "scimType not terminated");
	check_line("detail", e.detail, SCIM_EXCERPT_MAX);
	n = scim_excerpt((const char *)data, size, out, sizeof(out), max);
	FUZZ_ASSERT(n == strlen(out), "excerpt length %zu vs %zu", n,
	            strlen(out));
	check_line("excerpt", out, max);
	/* cut at a character boundary: valid input stays valid */
	if (utf8_valid((const char *)data, size)) {
		FUZZ_ASSERT(utf8_valid(out, n),
		            "excerpt cut inside a character");
		FUZZ_ASSERT(utf8_valid(e.detail, strlen(e.detail)),
		            "detail cut inside a character");
	}
}

static void check_list(json_t *root)
{
	static const char *const names[] = {"ana", "Ana.Lopez@example.com", ""};

	for (size_t k = 0; k < 3; k++) {
		json_t *found = NULL;
		size_t n = 0;

		if (scim_list_find_user(root, names[k], &found, &n))
			continue;
		FUZZ_ASSERT(!found || n >= 1, "found with %zu matches", n);
		if (found) {
			const json_t *un = json_object_get(found, "userName");

			FUZZ_ASSERT(json_is_string(un) &&
			                    scim_user_ascii_caseeq(
			                            json_string_value(un),
			                            names[k]),
			            "found the wrong user for %s", names[k]);
		}
	}
	(void)scim_is_list_response(root);
}

/* body must read back as exactly the desired state. */
static void check_reads_back(const char *what, json_t *body,
                             const struct scim_user *want, int roles)
{
	struct scim_user got;
	unsigned diff;

	FUZZ_ASSERT(body != NULL, "%s body not built", what);
	FUZZ_ASSERT(scim_user_parse_current(body, &got) == 0,
	            "%s body is not an object", what);
	diff = scim_user_diff(want, &got, roles);
	FUZZ_ASSERT(diff == 0, "%s body differs (bits 0x%x)", what, diff);
	json_decref(body);
}

static void check_user(json_t *root)
{
	struct scim_user cur, want;
	json_t *copy, *exp;
	char why[256];

	if (scim_user_parse_current(root, &cur) == 0) {
		exp = scim_user_export(root);
		FUZZ_ASSERT(exp != NULL, "export failed");
		json_decref(exp);
	}
	copy = json_deep_copy(root);
	if (!copy)
		return;
	if (scim_user_parse_desired(copy, &want, why, sizeof(why)) == 0) {
		for (int roles = 0; roles < 2; roles++) {
			if (roles && want.roles_overflow)
				continue;
			check_reads_back("create",
			                 scim_user_build_create(&want, roles),
			                 &want, roles);
			check_reads_back(
			        "replace",
			        scim_user_build_replace(root, &want, roles),
			        &want, roles);
		}
	} else {
		FUZZ_ASSERT(why[0] != '\0', "desired state refused silently");
	}
	json_decref(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *root;

	check_error(data, size);
	root = json_loadb((const char *)data, size, 0, &jerr);
	if (!root)
		return 0;
	check_list(root);
	check_user(root);
	json_decref(root);
	return 0;
}
