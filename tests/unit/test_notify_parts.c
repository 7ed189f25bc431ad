/* Pure parts of notifications and token lifetime: webhook URL redaction
 * (scheme, host and port kept; user info, path, query and fragment
 * masked) and the expiry state at the day boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/notify_config.h"
#include "config/secret_expiry.h"

static void expect_redact(const char *url, const char *want)
{
	char out[300];

	notify_url_redact(url, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_redact_masks_path_and_query(void **state)
{
	(void)state;
	expect_redact("https://hooks.slack.com/services/T0/B0/XyZsecret",
	              "https://hooks.slack.com/***");
	expect_redact("https://example.com:8443/hook?key=abc#frag",
	              "https://example.com:8443/***");
	expect_redact("https://user:pass@example.com/p",
	              "https://example.com/***");
	expect_redact("http://127.0.0.1:9/x", "http://127.0.0.1:9/***");
	expect_redact("not a url with spaces", "***");
	expect_redact("", "***");
}

static void test_redact_never_leaks_on_a_short_buffer(void **state)
{
	char out[12];

	(void)state;
	notify_url_redact("https://hooks.example.com/secret", out, sizeof(out));
	assert_null(strstr(out, "secret"));
	assert_true(strlen(out) < sizeof(out));
}

static void test_expiry_boundaries(void **state)
{
	struct secret s = {0};
	int64_t left;

	(void)state;
	assert_int_equal(secret_expiry_check(&s, 100, 30, &left),
	                 SECRET_EXPIRY_NONE);
	strcpy(s.expires, "2027-11-01");
	s.expires_day = 1000;
	assert_int_equal(secret_expiry_check(&s, 1000 - 31, 30, &left),
	                 SECRET_EXPIRY_OK);
	assert_int_equal(left, 31);
	assert_int_equal(secret_expiry_check(&s, 1000 - 30, 30, &left),
	                 SECRET_EXPIRY_DUE);
	assert_int_equal(secret_expiry_check(&s, 999, 30, &left),
	                 SECRET_EXPIRY_DUE);
	assert_int_equal(left, 1);
	assert_int_equal(secret_expiry_check(&s, 1000, 30, &left),
	                 SECRET_EXPIRY_EXPIRED);
	assert_int_equal(left, 0);
	assert_int_equal(secret_expiry_check(&s, 1005, 30, &left),
	                 SECRET_EXPIRY_EXPIRED);
	assert_int_equal(left, -5);
	/* warn_days 0: only "expired" */
	assert_int_equal(secret_expiry_check(&s, 999, 0, &left),
	                 SECRET_EXPIRY_OK);
	assert_string_equal(secret_expiry_name(SECRET_EXPIRY_DUE), "expiring");
	assert_null(secret_expiry_name(SECRET_EXPIRY_NONE));
}

static void test_event_names(void **state)
{
	(void)state;
	assert_string_equal(notify_event_name(NOTIFY_RUN_STOPPED),
	                    "run_stopped");
	assert_string_equal(notify_event_name(NOTIFY_ORPHANS_FOUND),
	                    "orphans_found");
	assert_string_equal(notify_event_name(NOTIFY_EVENT_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_redact_masks_path_and_query),
	        cmocka_unit_test(test_redact_never_leaks_on_a_short_buffer),
	        cmocka_unit_test(test_expiry_boundaries),
	        cmocka_unit_test(test_event_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
