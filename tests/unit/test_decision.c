/* Unit tests for host/lifecycle/decision.c: the changes (sorted, masked),
 * the rules and roles, the policy reasons in the decision vocabulary, the
 * JSON shape and its way back, and the text form; and the mapping's
 * "sensitive" list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/decision.h"
#include "lifecycle/mapping.h"

static json_t *obj(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

static void assert_json(const struct decision *d, const char *want)
{
	json_t *j = decision_to_json(d);
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	assert_string_equal(text, want);
	free(text);
	json_decref(j);
}

static void assert_text(const struct decision *d, const char *want)
{
	char *text = decision_text(d);

	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void test_changes_sorted_and_masked(void **state)
{
	json_t *before = obj("{\"title\":\"A\",\"salary\":100,\"dept\":\"X\","
	                     "\"gone\":\"g\",\"same\":1}");
	json_t *after = obj("{\"title\":\"B\",\"salary\":200,\"dept\":\"X\","
	                    "\"new\":true,\"same\":1}");
	json_t *sensitive = obj("[\"salary\"]");
	struct decision d;

	(void)state;
	assert_int_equal(decision_init(&d), 0);
	d.action = DECISION_UPDATE;
	snprintf(d.reason, sizeof(d.reason), "update");
	assert_int_equal(decision_set_changes(&d, before, after, sensitive), 0);
	assert_json(&d,
	            "{\"action\":\"update\",\"reason\":\"update\","
	            "\"rules\":[],\"roles\":[],\"changes\":["
	            "{\"attribute\":\"gone\",\"old\":\"g\",\"new\":null},"
	            "{\"attribute\":\"new\",\"old\":null,\"new\":true},"
	            "{\"attribute\":\"salary\",\"old\":\"(sensitive)\","
	            "\"new\":\"(sensitive)\"},"
	            "{\"attribute\":\"title\",\"old\":\"A\",\"new\":\"B\"}]}");
	assert_text(&d, "update: update; rules none; roles none; changed gone "
	                "\"g\" \xe2\x86\x92 (none), new (none) \xe2\x86\x92 "
	                "true, salary (sensitive), title \"A\" \xe2\x86\x92 "
	                "\"B\"");
	/* no earlier record: nothing listed */
	assert_int_equal(decision_set_changes(&d, NULL, after, sensitive), 0);
	assert_int_equal(json_array_size(d.changes), 0);
	decision_release(&d);
	json_decref(before);
	json_decref(after);
	json_decref(sensitive);
}

static void test_rules_roles_and_reasons(void **state)
{
	json_t *names = obj("[\"engineering\",\"employees\"]");
	json_t *roles = obj("[\"Modeller\",\"Viewer\"]");
	struct rules_result rr = {true, roles, names, NULL};
	struct rules_result none = {false, NULL, NULL, NULL};
	struct policy_decision prov = {POLICY_PROVISION, NULL, ""};
	struct policy_decision dep = {POLICY_DEPROVISION, NULL, ""};
	struct policy_decision skip = {POLICY_SKIP, NULL, ""};
	struct policy p;
	struct decision d;
	char buf[200];

	(void)state;
	policy_defaults(&p);
	assert_int_equal(decision_init(&d), 0);
	assert_int_equal(decision_set_rules(&d, &rr, &prov), 0);
	d.action = DECISION_CREATE;
	decision_policy_reason(EVENT_HIRE, &rr, &prov, &p, d.reason,
	                       sizeof(d.reason));
	assert_text(&d, "create: hire; rules engineering, employees; roles "
	                "Modeller, Viewer");
	/* a deprovision grants no roles */
	assert_int_equal(decision_set_rules(&d, &rr, &dep), 0);
	assert_int_equal(json_array_size(d.roles), 0);
	assert_int_equal(json_array_size(d.rules), 2);
	decision_release(&d);

	decision_policy_reason(EVENT_LEAVE, &rr, &skip, &p, buf, sizeof(buf));
	assert_string_equal(buf, "leave: policy leave=ignore");
	p.leave = POLICY_LEAVE_DEPROVISION;
	decision_policy_reason(EVENT_LEAVE, &rr, &dep, &p, buf, sizeof(buf));
	assert_string_equal(buf, "leave: policy leave=deprovision");
	decision_policy_reason(EVENT_UPDATE, &none, &prov, &p, buf,
	                       sizeof(buf));
	assert_string_equal(
	        buf, "update: no rule matched \xe2\x86\x92 default roles");
	decision_policy_reason(EVENT_UPDATE, &none, &dep, &p, buf, sizeof(buf));
	assert_string_equal(buf, "update: no rule matched \xe2\x86\x92 "
	                         "deprovision (policy no_match=deprovision)");
	p.no_match = POLICY_NO_MATCH_SKIP;
	decision_policy_reason(EVENT_HIRE, &none, &skip, &p, buf, sizeof(buf));
	assert_string_equal(buf, "hire: no rule matched \xe2\x86\x92 skipped "
	                         "(policy no_match=skip)");
	p.no_match = POLICY_NO_MATCH_DEPROVISION;
	p.keep_on_role_change = true;
	decision_policy_reason(EVENT_UPDATE, &none, &skip, &p, buf,
	                       sizeof(buf));
	assert_string_equal(buf, "update: no rule matched \xe2\x86\x92 account "
	                         "kept (policy keep_on_role_change)");
	p.update = POLICY_UPDATE_LINKED_ONLY;
	decision_policy_reason(EVENT_UPDATE, &rr, &skip, &p, buf, sizeof(buf));
	assert_string_equal(
	        buf, "update: no linked account (policy update=linked_only)");
	decision_policy_reason(EVENT_TERMINATE, &rr, &dep, &p, buf,
	                       sizeof(buf));
	assert_string_equal(buf, "terminate");
	json_decref(names);
	json_decref(roles);
}

static void test_actions_and_round_trip(void **state)
{
	const char *stored =
	        "{\"action\":\"link\",\"reason\":\"hire\",\"rules\":[\"r\"],"
	        "\"roles\":[\"V\"],\"changes\":[{\"attribute\":\"t\",\"old\":"
	        "\"(sensitive)\",\"new\":\"(sensitive)\"}],\"extra\":1}";
	char *text;

	(void)state;
	assert_int_equal(decision_action_of_outcome("created", false),
	                 DECISION_CREATE);
	assert_int_equal(decision_action_of_outcome("updated", false),
	                 DECISION_UPDATE);
	assert_int_equal(decision_action_of_outcome("updated", true),
	                 DECISION_LINK);
	assert_int_equal(decision_action_of_outcome("unchanged", true),
	                 DECISION_LINK);
	assert_int_equal(decision_action_of_outcome("unchanged", false),
	                 DECISION_NONE);
	assert_int_equal(decision_action_of_outcome("created", true),
	                 DECISION_CREATE);
	assert_int_equal(decision_action_of_outcome("reactivated", false),
	                 DECISION_REACTIVATE);
	assert_int_equal(decision_action_of_outcome("deactivated", false),
	                 DECISION_DEACTIVATE);
	assert_int_equal(decision_action_of_outcome("deleted", false),
	                 DECISION_DELETE);
	assert_int_equal(decision_action_of_outcome("absent", false),
	                 DECISION_NONE);
	assert_int_equal(decision_action_of_outcome(NULL, false),
	                 DECISION_NONE);
	text = decision_text_of_json(stored);
	assert_non_null(text);
	assert_string_equal(text, "link: hire; rules r; roles V; changed t "
	                          "(sensitive)");
	free(text);
	assert_null(decision_text_of_json("not json"));
	assert_null(decision_text_of_json("[1]"));
	assert_null(decision_text_of_json(NULL));
}

static void test_mapping_sensitive(void **state)
{
	struct mapping *m = NULL;
	struct path_error err;
	json_t *cfg = obj("{\"sensitive\":[\"salary\",\"dob\"]}");
	json_t *bad = obj("{\"sensitive\":[\"salary\",\"\"]}");
	json_t *not_list = obj("{\"sensitive\":\"salary\"}");

	(void)state;
	assert_int_equal(mapping_parse(cfg, &m, &err), 0);
	assert_int_equal(json_array_size(mapping_sensitive(m)), 2);
	assert_string_equal(
	        json_string_value(json_array_get(mapping_sensitive(m), 1)),
	        "dob");
	mapping_free(m);
	assert_int_equal(mapping_parse(NULL, &m, &err), 0);
	assert_null(mapping_sensitive(m));
	mapping_free(m);
	assert_int_equal(mapping_parse(bad, &m, &err), -1);
	assert_string_equal(err.path, "sensitive[1]");
	assert_int_equal(mapping_parse(not_list, &m, &err), -1);
	assert_string_equal(err.path, "sensitive");
	json_decref(cfg);
	json_decref(bad);
	json_decref(not_list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_changes_sorted_and_masked),
	        cmocka_unit_test(test_rules_roles_and_reasons),
	        cmocka_unit_test(test_actions_and_round_trip),
	        cmocka_unit_test(test_mapping_sensitive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
