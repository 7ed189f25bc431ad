/* Pins the connector ABI v1.0, v1.1 and v1.2 layout (x86_64 / LP64): every
 * member keeps its offset forever, and the v1.0 sizes are what the loader
 * treats as the minimum. A later minor may only grow structs at the end:
 * each 1.1 member starts where the 1.0 struct ended. Both as compile-time
 * asserts (the build breaks) and as runtime checks (the test report names the
 * field). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <provhost/connector.h>

#if defined(__x86_64__) && defined(__LP64__)
#define PIN(type, member, off)                                                 \
	_Static_assert(offsetof(type, member) == (off),                        \
	               #type "." #member " moved")
#define SIZE_V1_0(type, size)                                                  \
	_Static_assert(sizeof(type) >= (size), #type " shrank");               \
	_Static_assert(PROVHOST_CONNECTOR_ABI_MINOR != 0 ||                    \
	                       sizeof(type) == (size),                         \
	               #type " changed size in 1.0")
/* sizes in 1.1 (a later minor may only grow them) */
#define SIZE_V1_1(type, size)                                                  \
	_Static_assert(sizeof(type) >= (size), #type " shrank below 1.1");     \
	_Static_assert(PROVHOST_CONNECTOR_ABI_MINOR != 1 ||                    \
	                       sizeof(type) == (size),                         \
	               #type " changed size in 1.1")
/* sizes in 1.2 */
#define SIZE_V1_2(type, size)                                                  \
	_Static_assert(sizeof(type) >= (size), #type " shrank below 1.2");     \
	_Static_assert(PROVHOST_CONNECTOR_ABI_MINOR != 2 ||                    \
	                       sizeof(type) == (size),                         \
	               #type " changed size in 1.2")

PIN(provhost_setting, key, 0);
PIN(provhost_setting, type, 8);
PIN(provhost_setting, flags, 12);
PIN(provhost_setting, default_value, 16);
PIN(provhost_setting, description, 24);
SIZE_V1_0(provhost_setting, 32);

PIN(provhost_error, struct_size, 0);
PIN(provhost_error, status, 4);
PIN(provhost_error, retryable, 8);
PIN(provhost_error, retry_after_ms, 12);
PIN(provhost_error, remote_code, 16);
PIN(provhost_error, message, 20);
SIZE_V1_0(provhost_error, 532);

PIN(provhost_result, struct_size, 0);
PIN(provhost_result, outcome, 4);
PIN(provhost_result, remote_code, 8);
PIN(provhost_result, account_id, 12);
PIN(provhost_result, detail, 268);
SIZE_V1_0(provhost_result, 780);
PIN(provhost_result, n_candidates, 780);        /* since 1.1 */
PIN(provhost_result, candidate_active, 784);    /* since 1.1 */
PIN(provhost_result, candidate_user_name, 788); /* since 1.1 */
SIZE_V1_1(provhost_result, 1044);
PIN(provhost_result, etag, 1044); /* since 1.2 */
SIZE_V1_2(provhost_result, 1172);

PIN(provhost_call, struct_size, 0);
PIN(provhost_call, flags, 4);
PIN(provhost_call, deadline_ms, 8);
PIN(provhost_call, event_id, 16);
PIN(provhost_call, employee_id, 24);
PIN(provhost_call, host_data, 32);
SIZE_V1_0(provhost_call, 40);
PIN(provhost_call, if_match, 40);        /* since 1.2 */
PIN(provhost_call, last_state_json, 48); /* since 1.2 */
PIN(provhost_call, last_state_len, 56);  /* since 1.2 */
SIZE_V1_2(provhost_call, 64);

PIN(provhost_host_api, struct_size, 0);
PIN(provhost_host_api, abi_minor, 4);
PIN(provhost_host_api, log, 8);
PIN(provhost_host_api, get_secret, 16);
PIN(provhost_host_api, now_ms, 24);
PIN(provhost_host_api, planned_write, 32);
PIN(provhost_host_api, pace, 40);
SIZE_V1_0(provhost_host_api, 48);
PIN(provhost_host_api, rate_limit, 48); /* since 1.2 */
SIZE_V1_2(provhost_host_api, 56);

PIN(provhost_ops, struct_size, 0);
PIN(provhost_ops, validate_config, 8);
PIN(provhost_ops, open, 16);
PIN(provhost_ops, close, 24);
PIN(provhost_ops, authenticate, 32);
PIN(provhost_ops, provision, 40);
PIN(provhost_ops, deprovision, 48);
PIN(provhost_ops, lookup, 56);
SIZE_V1_0(provhost_ops, 64);
PIN(provhost_ops, list, 64); /* since 1.1 */
SIZE_V1_1(provhost_ops, 72);

PIN(provhost_connector, magic, 0);
PIN(provhost_connector, struct_size, 4);
PIN(provhost_connector, abi_major, 8);
PIN(provhost_connector, min_host_minor, 12);
PIN(provhost_connector, name, 16);
PIN(provhost_connector, version, 24);
PIN(provhost_connector, vendor, 32);
PIN(provhost_connector, license, 40);
PIN(provhost_connector, description, 48);
PIN(provhost_connector, capabilities, 56);
PIN(provhost_connector, settings, 64);
PIN(provhost_connector, n_settings, 72);
PIN(provhost_connector, setting_size, 76);
PIN(provhost_connector, ops, 80);
SIZE_V1_0(provhost_connector, 88);
#endif

struct field {
	const char *name;
	size_t actual, expected;
};

#define F(type, member, off)                                                   \
	{                                                                      \
#type "." #member, offsetof(type, member), off                 \
	}

static void test_offsets(void **state)
{
	static const struct field fields[] = {
	        F(provhost_error, status, 4),
	        F(provhost_error, retryable, 8),
	        F(provhost_error, retry_after_ms, 12),
	        F(provhost_error, remote_code, 16),
	        F(provhost_error, message, 20),
	        F(provhost_result, account_id, 12),
	        F(provhost_result, detail, 268),
	        F(provhost_call, deadline_ms, 8),
	        F(provhost_call, host_data, 32),
	        F(provhost_host_api, log, 8),
	        F(provhost_host_api, pace, 40),
	        F(provhost_ops, validate_config, 8),
	        F(provhost_ops, lookup, 56),
	        F(provhost_ops, list, 64),
	        F(provhost_result, n_candidates, 780),
	        F(provhost_result, candidate_active, 784),
	        F(provhost_result, candidate_user_name, 788),
	        F(provhost_result, etag, 1044),
	        F(provhost_call, if_match, 40),
	        F(provhost_call, last_state_json, 48),
	        F(provhost_call, last_state_len, 56),
	        F(provhost_host_api, rate_limit, 48),
	        F(provhost_connector, name, 16),
	        F(provhost_connector, capabilities, 56),
	        F(provhost_connector, n_settings, 72),
	        F(provhost_connector, setting_size, 76),
	        F(provhost_connector, ops, 80),
	        F(provhost_setting, default_value, 16),
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].actual != fields[i].expected)
			fail_msg("%s at offset %zu, v1.0 has it at %zu",
			         fields[i].name, fields[i].actual,
			         fields[i].expected);
	}
}

static void test_v1_0_sizes(void **state)
{
	assert_true(sizeof(provhost_error) >= 532);
	assert_true(sizeof(provhost_result) >= 780);
	assert_true(sizeof(provhost_call) >= 40);
	assert_true(sizeof(provhost_host_api) >= 48);
	assert_true(sizeof(provhost_ops) >= 64);
	assert_true(sizeof(provhost_connector) >= 88);
	assert_true(sizeof(provhost_setting) >= 32);
	if (PROVHOST_CONNECTOR_ABI_MINOR == 0) {
		assert_int_equal(sizeof(provhost_error), 532);
		assert_int_equal(sizeof(provhost_result), 780);
		assert_int_equal(sizeof(provhost_connector), 88);
	}
}

static void test_constants(void **state)
{
	assert_int_equal(PROVHOST_CONNECTOR_ABI_MAJOR, 1);
	assert_int_equal(PROVHOST_CONNECTOR_MAGIC, 0x50484331u);
	assert_string_equal(PROVHOST_CONNECTOR_ENTRY, "provhost_connector_v1");
	assert_int_equal(PROVHOST_E_INTERNAL, 15);
	assert_int_equal(PROVHOST_OUTCOME_ABSENT, 7);
	assert_int_equal(PROVHOST_CAP_DELETE, 1u << 4);
	assert_int_equal(PROVHOST_SETTING_SECRET, 1u << 1);
	assert_int_equal(PROVHOST_CALL_DRY_RUN, 1u << 0);
	assert_int_equal(PROVHOST_LOG_DEBUG, 3);
}

/* What 1.1 appended: new values after the 1.0 ones, and the 1.0 sizes as
 * the offsets where the new members start (a 1.0 reader never sees them).
 */
static void test_v1_1_appends(void **state)
{
	assert_true(PROVHOST_CONNECTOR_ABI_MINOR >= 1);
	assert_int_equal(PROVHOST_OUTCOME_CANDIDATE, 8);
	assert_int_equal(PROVHOST_CAP_LIST, 1u << 5);
	assert_int_equal(PROVHOST_CAP_NO_ADOPT, 1u << 6);
	assert_int_equal(PROVHOST_CALL_NO_ADOPT, 1u << 1);
	assert_int_equal(offsetof(provhost_ops, list), 64);
	assert_int_equal(offsetof(provhost_result, n_candidates), 780);
	assert_true(sizeof(provhost_result) >= 1044);
	assert_int_equal(sizeof(provhost_ops), 72);
	/* a 1.0-sized table does not contain list; a 1.1 one does */
	provhost_ops ops = {.struct_size = 64};
	assert_false(PROVHOST_HAS_FIELD(&ops, provhost_ops, list));
	ops.struct_size = sizeof(provhost_ops);
	assert_true(PROVHOST_HAS_FIELD(&ops, provhost_ops, list));
	provhost_result r = {.struct_size = 780};
	assert_false(PROVHOST_HAS_FIELD(&r, provhost_result, n_candidates));
	r.struct_size = sizeof(r);
	assert_true(
	        PROVHOST_HAS_FIELD(&r, provhost_result, candidate_user_name));
}

static void test_v1_2_appends(void **state)
{
	assert_true(PROVHOST_CONNECTOR_ABI_MINOR >= 2);
	assert_int_equal(PROVHOST_CAP_ETAG, 1u << 7);
	assert_int_equal(offsetof(provhost_result, etag), 1044);
	assert_int_equal(offsetof(provhost_call, if_match), 40);
	assert_int_equal(offsetof(provhost_host_api, rate_limit), 48);
	/* a 1.1-sized result or 1.0-sized call / host_api lacks them */
	provhost_result r = {.struct_size = 1044};
	assert_false(PROVHOST_HAS_FIELD(&r, provhost_result, etag));
	r.struct_size = sizeof(r);
	assert_true(PROVHOST_HAS_FIELD(&r, provhost_result, etag));
	provhost_call c = {.struct_size = 40};
	assert_false(PROVHOST_HAS_FIELD(&c, provhost_call, last_state_len));
	c.struct_size = sizeof(c);
	assert_true(PROVHOST_HAS_FIELD(&c, provhost_call, last_state_len));
	provhost_host_api a = {.struct_size = 48};
	assert_false(PROVHOST_HAS_FIELD(&a, provhost_host_api, rate_limit));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_offsets),
	        cmocka_unit_test(test_v1_0_sizes),
	        cmocka_unit_test(test_constants),
	        cmocka_unit_test(test_v1_1_appends),
	        cmocka_unit_test(test_v1_2_appends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
