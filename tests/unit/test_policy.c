/* Unit tests for host/policy.c: parsing and the decision table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/policy.h"

static json_t *granted, *defaults;

static int setup(void **state)
{
	granted = json_pack("[s]", "Modeller");
	defaults = json_pack("[s]", "Viewer");
	return 0;
}

static int teardown(void **state)
{
	json_decref(granted);
	json_decref(defaults);
	return 0;
}

static struct rules_result result(bool matched)
{
	struct rules_result rr = {.matched = matched,
	                          .roles = matched ? granted : NULL,
	                          .default_roles = defaults};
	return rr;
}

static void assert_decision(const struct policy *p, enum event_kind kind,
                            bool matched, bool linked,
                            enum policy_action action, const json_t *roles,
                            const char *reason)
{
	struct rules_result rr = result(matched);
	struct policy_decision d;

	memset(&d, 0x5a, sizeof(d));
	policy_decide(p, kind, &rr, linked, &d);
	assert_string_equal(policy_action_name(d.action),
	                    policy_action_name(action));
	assert_ptr_equal(d.roles, roles);
	assert_string_equal(d.reason, reason);
}

static void test_defaults_table(void **state)
{
	struct policy p;

	policy_defaults(&p);
	assert_int_equal(p.max_deprovisions_per_run, 25);
	assert_false(p.send_roles);
	for (int linked = 0; linked < 2; linked++) {
		assert_decision(&p, EVENT_HIRE, true, linked, POLICY_PROVISION,
		                NULL, "hire; provision");
		assert_decision(&p, EVENT_REHIRE, true, linked,
		                POLICY_PROVISION, NULL, "rehire; provision");
		assert_decision(&p, EVENT_RETURN, true, linked,
		                POLICY_PROVISION, NULL, "return; provision");
		assert_decision(&p, EVENT_UPDATE, true, linked,
		                POLICY_PROVISION, NULL, "update; provision");
		assert_decision(&p, EVENT_TERMINATE, true, linked,
		                POLICY_DEPROVISION, NULL,
		                "terminate; deprovision");
		assert_decision(&p, EVENT_TERMINATE, false, linked,
		                POLICY_DEPROVISION, NULL,
		                "terminate; deprovision");
		assert_decision(&p, EVENT_LEAVE, true, linked, POLICY_SKIP,
		                NULL, "leave ignored by policy leave=ignore");
		assert_decision(&p, EVENT_HIRE, false, linked,
		                POLICY_DEPROVISION, NULL,
		                "hire; matches no role rule; deprovisioned by "
		                "policy no_match=deprovision");
		assert_decision(
		        &p, EVENT_UPDATE, false, linked, POLICY_DEPROVISION,
		        NULL,
		        "update; matches no role rule; deprovisioned by "
		        "policy no_match=deprovision");
	}
}

static void test_options(void **state)
{
	struct policy p;

	policy_defaults(&p);
	p.send_roles = true;
	assert_decision(&p, EVENT_HIRE, true, false, POLICY_PROVISION, granted,
	                "hire; provision");

	p.no_match = POLICY_NO_MATCH_DEFAULT_ROLES;
	assert_decision(&p, EVENT_HIRE, false, false, POLICY_PROVISION,
	                defaults,
	                "hire; matches no role rule; provisioned with default "
	                "roles by policy no_match=default_roles");
	p.send_roles = false;
	assert_decision(&p, EVENT_UPDATE, false, true, POLICY_PROVISION, NULL,
	                "update; matches no role rule; provisioned with "
	                "default roles by policy no_match=default_roles");

	p.no_match = POLICY_NO_MATCH_SKIP;
	assert_decision(&p, EVENT_REHIRE, false, true, POLICY_SKIP, NULL,
	                "rehire; matches no role rule; skipped by policy "
	                "no_match=skip");

	p.no_match = POLICY_NO_MATCH_DEPROVISION;
	p.keep_on_role_change = true;
	assert_decision(&p, EVENT_UPDATE, false, true, POLICY_SKIP, NULL,
	                "update; matches no role rule; account kept by policy "
	                "keep_on_role_change");
	assert_decision(&p, EVENT_REHIRE, false, true, POLICY_SKIP, NULL,
	                "rehire; matches no role rule; account kept by policy "
	                "keep_on_role_change");
	assert_decision(&p, EVENT_UPDATE, false, false, POLICY_DEPROVISION,
	                NULL,
	                "update; matches no role rule; deprovisioned by policy "
	                "no_match=deprovision");
	assert_decision(&p, EVENT_TERMINATE, false, true, POLICY_DEPROVISION,
	                NULL, "terminate; deprovision");

	p.update = POLICY_UPDATE_LINKED_ONLY;
	assert_decision(&p, EVENT_UPDATE, true, false, POLICY_SKIP, NULL,
	                "update of a person without a linked account ignored "
	                "by policy update=linked_only");
	assert_decision(&p, EVENT_UPDATE, true, true, POLICY_PROVISION, NULL,
	                "update; provision");
	assert_decision(&p, EVENT_HIRE, true, false, POLICY_PROVISION, NULL,
	                "hire; provision");

	p.leave = POLICY_LEAVE_DEPROVISION;
	assert_decision(&p, EVENT_LEAVE, true, true, POLICY_DEPROVISION, NULL,
	                "leave; deprovisioned by policy leave=deprovision");
}

static void test_no_rules_result(void **state)
{
	struct policy p;
	struct policy_decision d;

	policy_defaults(&p);
	p.send_roles = true;
	policy_decide(&p, EVENT_HIRE, NULL, false, &d);
	assert_int_equal(d.action, POLICY_PROVISION);
	assert_null(d.roles);
}

static void assert_parse(const char *text, const char *path,
                         const char *message, struct policy *p)
{
	struct path_error err = {{0}, {0}};
	json_t *obj = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(obj);
	if (!path) {
		if (policy_parse(obj, p, &err))
			fail_msg("%s: %s", err.path, err.message);
	} else {
		assert_int_equal(policy_parse(obj, p, &err), -1);
		assert_string_equal(err.path, path);
		assert_string_equal(err.message, message);
	}
	json_decref(obj);
}

static void test_parse(void **state)
{
	struct policy p;

	assert_int_equal(policy_parse(NULL, &p, NULL), 0);
	assert_int_equal(p.no_match, POLICY_NO_MATCH_DEPROVISION);
	assert_parse("{\"update\":\"linked_only\",\"leave\":\"deprovision\","
	             "\"no_match\":\"default_roles\",\"keep_on_role_change\":"
	             "true,\"max_deprovisions_per_run\":0,\"send_roles\":true}",
	             NULL, NULL, &p);
	assert_int_equal(p.update, POLICY_UPDATE_LINKED_ONLY);
	assert_int_equal(p.leave, POLICY_LEAVE_DEPROVISION);
	assert_int_equal(p.no_match, POLICY_NO_MATCH_DEFAULT_ROLES);
	assert_true(p.keep_on_role_change);
	assert_int_equal(p.max_deprovisions_per_run, 0);
	assert_true(p.send_roles);
	assert_parse("{\"no_match\":\"skip\"}", NULL, NULL, &p);
	assert_int_equal(p.no_match, POLICY_NO_MATCH_SKIP);
	assert_int_equal(p.max_deprovisions_per_run, 25);

	assert_parse("[]", "", "\"policy\" must be an object", &p);
	assert_parse("{\"nomatch\":\"skip\"}", "nomatch",
	             "unknown key \"nomatch\" in \"policy\" (known: update, "
	             "leave, no_match, keep_on_role_change, "
	             "max_deprovisions_per_run, send_roles, shared_email, "
	             "rename, supervise, supervise_expire_days, "
	             "verify)",
	             &p);
	assert_parse("{\"shared_email\":\"allow\"}", NULL, NULL, &p);
	assert_int_equal(p.shared_email, POLICY_SHARED_EMAIL_ALLOW);
	assert_parse("{}", NULL, NULL, &p);
	assert_int_equal(p.shared_email, POLICY_SHARED_EMAIL_DISPUTE);
	assert_int_equal(p.rename, POLICY_RENAME_KEEP);
	assert_parse("{\"rename\":\"follow\"}", NULL, NULL, &p);
	assert_int_equal(p.rename, POLICY_RENAME_FOLLOW);
	assert_int_equal(p.verify, POLICY_VERIFY_CHANGES);
	assert_parse("{\"verify\":\"always\"}", NULL, NULL, &p);
	assert_int_equal(p.verify, POLICY_VERIFY_ALWAYS);
	assert_parse("{\"verify\":\"sometimes\"}", "verify",
	             "unknown value \"sometimes\" for \"verify\" "
	             "(expected changes, always)",
	             &p);
	assert_parse("{\"rename\":\"rename\"}", "rename",
	             "unknown value \"rename\" for \"rename\" "
	             "(expected keep, follow)",
	             &p);
	assert_parse("{\"shared_email\":\"share\"}", "shared_email",
	             "unknown value \"share\" for \"shared_email\" "
	             "(expected dispute, allow)",
	             &p);
	assert_parse("{\"no_match\":\"delete\"}", "no_match",
	             "unknown value \"delete\" for \"no_match\" (expected "
	             "deprovision, default_roles, skip)",
	             &p);
	assert_parse("{\"update\":1}", "update",
	             "\"update\" must be a string (one of provision, "
	             "linked_only)",
	             &p);
	assert_parse("{\"leave\":\"fire\"}", "leave",
	             "unknown value \"fire\" for \"leave\" (expected ignore, "
	             "deprovision)",
	             &p);
	assert_parse("{\"send_roles\":\"yes\"}", "send_roles",
	             "\"send_roles\" must be true or false", &p);
	assert_parse("{\"keep_on_role_change\":1}", "keep_on_role_change",
	             "\"keep_on_role_change\" must be true or false", &p);
	assert_parse(
	        "{\"max_deprovisions_per_run\":-1}", "max_deprovisions_per_run",
	        "\"max_deprovisions_per_run\" must be an integer >= 0", &p);
	assert_parse("{\"max_deprovisions_per_run\":2.5}",
	             "max_deprovisions_per_run",
	             "\"max_deprovisions_per_run\" must be an integer >= 0",
	             &p);
}

static void test_supervise(void **state)
{
	struct policy p;

	policy_defaults(&p);
	assert_int_equal(p.supervise, 0);
	assert_int_equal(p.supervise_expire_days, 0);
	assert_parse("{\"supervise\":[\"create\",\"link\",\"deactivate\"],"
	             "\"supervise_expire_days\":14}",
	             NULL, NULL, &p);
	assert_int_equal(p.supervise, POLICY_CHANGE_CREATE |
	                                      POLICY_CHANGE_LINK |
	                                      POLICY_CHANGE_DEACTIVATE);
	assert_int_equal(p.supervise_expire_days, 14);
	assert_parse("{\"supervise\":[]}", NULL, NULL, &p);
	assert_int_equal(p.supervise, 0);
	assert_parse("{\"supervise\":[\"update\",\"reactivate\"]}", NULL, NULL,
	             &p);
	assert_int_equal(p.supervise,
	                 POLICY_CHANGE_UPDATE | POLICY_CHANGE_REACTIVATE);
	assert_parse("{\"supervise\":\"create\"}", "supervise",
	             "\"supervise\" must be an array of kinds of change "
	             "(create, update, deactivate, reactivate, link)",
	             &p);
	assert_parse("{\"supervise\":[\"create\",\"delete\"]}", "supervise[1]",
	             "\"supervise\": unknown kind of change \"delete\" "
	             "(expected create, update, deactivate, reactivate or "
	             "link)",
	             &p);
	assert_parse("{\"supervise\":[1]}", "supervise[0]",
	             "\"supervise\" items must be strings (create, update, "
	             "deactivate, reactivate, link)",
	             &p);
	assert_parse("{\"supervise\":[\"link\",\"link\"]}", "supervise[1]",
	             "\"supervise\" lists \"link\" twice", &p);
	assert_parse("{\"supervise\":[\"create\"],"
	             "\"supervise_expire_days\":0}",
	             "supervise_expire_days",
	             "\"supervise_expire_days\" must be a number of days from "
	             "1 to 36500",
	             &p);
	assert_parse("{\"supervise_expire_days\":3}", "supervise_expire_days",
	             "\"supervise_expire_days\" needs \"supervise\" (the "
	             "kinds of change held for approval)",
	             &p);
	assert_string_equal(policy_change_name(POLICY_CHANGE_DEACTIVATE),
	                    "deactivate");
	assert_string_equal(policy_change_name(POLICY_CHANGE_LINK), "link");
	assert_string_equal(policy_change_name((enum policy_change)3), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_defaults_table),
	        cmocka_unit_test(test_options),
	        cmocka_unit_test(test_no_rules_result),
	        cmocka_unit_test(test_parse),
	        cmocka_unit_test(test_supervise),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
