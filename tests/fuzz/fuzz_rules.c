/* Fuzz target: a connection's lifecycle configuration ("mapping", "roles",
 * "policy"; config/lifecycle_config.c, lifecycle/rules.c) and role rules
 * evaluated against HR attributes.
 *
 * Input: a JSON object (the connection), then optionally after a newline a
 * JSON object of attributes.
 * Invariants: a refusal has a message; evaluation gives deduplicated
 * string roles, no roles and no matched rule when nothing matched, and the
 * same result twice. */
#include <string.h>

#include "config/lifecycle_config.h"
#include "fuzz_common.h"

static void check_result(const struct rules_result *res)
{
	size_t i, j;

	FUZZ_ASSERT(json_is_array(res->roles) &&
	                    json_is_array(res->matched_rules),
	            "result arrays missing");
	if (!res->matched)
		FUZZ_ASSERT(json_array_size(res->roles) == 0 &&
		                    json_array_size(res->matched_rules) == 0,
		            "roles granted without a match");
	for (i = 0; i < json_array_size(res->roles); i++) {
		const json_t *a = json_array_get(res->roles, i);

		FUZZ_ASSERT(json_is_string(a), "role %zu not a string", i);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(
			        !json_equal(a, json_array_get(res->roles, j)),
			        "role %s granted twice", json_string_value(a));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t clen = nl ? (size_t)(nl - data) : size;
	struct lifecycle_config *cfg = NULL;
	struct rules_result r1, r2;
	json_t *conn, *attrs = NULL;
	struct path_error err;
	json_error_t jerr;

	conn = json_loadb((const char *)data, clen, JSON_REJECT_DUPLICATES,
	                  &jerr);
	if (!json_is_object(conn))
		goto out;
	if (nl)
		attrs = json_loadb((const char *)nl + 1, size - clen - 1, 0,
		                   &jerr);
	if (!json_is_object(attrs)) {
		json_decref(attrs);
		attrs = json_pack("{s:s, s:s, s:s}", "department",
		                  "Engineering", "title", "Senior Engineer",
		                  "country", "ES");
		if (!attrs)
			abort();
	}
	memset(&err, 0, sizeof(err));
	if (lifecycle_config_parse(conn, &cfg, &err)) {
		FUZZ_ASSERT(err.message[0] != '\0',
		            "refused without a message");
		goto out;
	}
	FUZZ_ASSERT(cfg && cfg->mapping && cfg->rules, "config incomplete");
	FUZZ_ASSERT(rules_evaluate(cfg->rules, attrs, &r1) == 0, "evaluate");
	FUZZ_ASSERT(rules_evaluate(cfg->rules, attrs, &r2) == 0, "evaluate");
	check_result(&r1);
	FUZZ_ASSERT(r1.matched == r2.matched &&
	                    json_equal(r1.roles, r2.roles) &&
	                    json_equal(r1.matched_rules, r2.matched_rules),
	            "evaluation not deterministic");
	rules_result_release(&r1);
	rules_result_release(&r2);
out:
	lifecycle_config_free(cfg);
	json_decref(attrs);
	json_decref(conn);
	return 0;
}
