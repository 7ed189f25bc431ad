/* Unit tests for the SCIM client's status mapping, Retry-After parsing,
 * SCIM error parsing, excerpts and redaction (plugins/scimclient/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "scimclient/scim_client.h"
#include "scimclient/scim_error.h"
#include "scimclient/scim_status.h"

struct map_case {
	long http;
	enum scim_target_kind kind;
	int status, retryable;
};

static void http_status_mapping_table(void **state)
{
	static const struct map_case cases[] = {
	        {400, SCIM_ON_RESOURCE, PROVHOST_E_INVALID_INPUT, 0},
	        {401, SCIM_ON_COLLECTION, PROVHOST_E_CREDENTIAL, 0},
	        {403, SCIM_ON_COLLECTION, PROVHOST_E_PERMISSION, 0},
	        {404, SCIM_ON_COLLECTION, PROVHOST_E_CONFIG, 0},
	        {404, SCIM_ON_RESOURCE, PROVHOST_E_NOT_FOUND, 0},
	        {405, SCIM_ON_RESOURCE, PROVHOST_E_UNSUPPORTED, 0},
	        {408, SCIM_ON_RESOURCE, PROVHOST_E_TIMEOUT, 1},
	        {409, SCIM_ON_COLLECTION, PROVHOST_E_CONFLICT, 0},
	        {412, SCIM_ON_RESOURCE, PROVHOST_E_CONFLICT, 0},
	        {413, SCIM_ON_COLLECTION, PROVHOST_E_INVALID_INPUT, 0},
	        {422, SCIM_ON_COLLECTION, PROVHOST_E_INVALID_INPUT, 0},
	        {429, SCIM_ON_COLLECTION, PROVHOST_E_RATE_LIMITED, 1},
	        {500, SCIM_ON_COLLECTION, PROVHOST_E_TRANSIENT, 1},
	        {501, SCIM_ON_COLLECTION, PROVHOST_E_UNSUPPORTED, 0},
	        {502, SCIM_ON_COLLECTION, PROVHOST_E_TRANSIENT, 1},
	        {503, SCIM_ON_RESOURCE, PROVHOST_E_TRANSIENT, 1},
	        {504, SCIM_ON_RESOURCE, PROVHOST_E_TRANSIENT, 1},
	        {599, SCIM_ON_RESOURCE, PROVHOST_E_TRANSIENT, 1},
	        {301, SCIM_ON_COLLECTION, PROVHOST_E_CONFIG, 0},
	        {302, SCIM_ON_RESOURCE, PROVHOST_E_CONFIG, 0},
	        {418, SCIM_ON_RESOURCE, PROVHOST_E_PROTOCOL, 0},
	        {100, SCIM_ON_RESOURCE, PROVHOST_E_PROTOCOL, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct scim_status_map m =
		        scim_status_from_http(cases[i].http, cases[i].kind);
		if (m.status != cases[i].status ||
		    m.retryable != cases[i].retryable)
			fail_msg("%ld: got %d/%d, want %d/%d", cases[i].http,
			         m.status, m.retryable, cases[i].status,
			         cases[i].retryable);
	}
}

static void curl_code_mapping(void **state)
{
	struct scim_status_map m;

	m = scim_status_from_curl(CURLE_COULDNT_RESOLVE_HOST);
	assert_int_equal(m.status, PROVHOST_E_DNS);
	m = scim_status_from_curl(CURLE_COULDNT_CONNECT);
	assert_int_equal(m.status, PROVHOST_E_CONNECT);
	assert_int_equal(m.retryable, 1);
	m = scim_status_from_curl(CURLE_OPERATION_TIMEDOUT);
	assert_int_equal(m.status, PROVHOST_E_TIMEOUT);
	assert_int_equal(m.retryable, 1);
	m = scim_status_from_curl(CURLE_PEER_FAILED_VERIFICATION);
	assert_int_equal(m.status, PROVHOST_E_TLS);
	assert_int_equal(m.retryable, 0);
	m = scim_status_from_curl(CURLE_SSL_CONNECT_ERROR);
	assert_int_equal(m.status, PROVHOST_E_TLS);
	m = scim_status_from_curl(CURLE_GOT_NOTHING);
	assert_int_equal(m.status, PROVHOST_E_TRANSIENT);
	assert_int_equal(m.retryable, 1);
	m = scim_status_from_curl(CURLE_RECV_ERROR);
	assert_int_equal(m.status, PROVHOST_E_TRANSIENT);
	m = scim_status_from_curl(CURLE_FILESIZE_EXCEEDED);
	assert_int_equal(m.status, PROVHOST_E_PROTOCOL);
	m = scim_status_from_curl(CURLE_UNSUPPORTED_PROTOCOL);
	assert_int_equal(m.status, PROVHOST_E_CONFIG);
}

static void retry_after_parsing(void **state)
{
	/* 2026-11-28 10:00:00 UTC */
	int64_t now = 1795860000;

	assert_int_equal(scim_retry_after_ms("120", now), 120000);
	assert_int_equal(scim_retry_after_ms(" 7 ", now), 7000);
	assert_int_equal(scim_retry_after_ms("0", now), 0);
	assert_int_equal(scim_retry_after_ms("", now), 0);
	assert_int_equal(scim_retry_after_ms(NULL, now), 0);
	assert_int_equal(scim_retry_after_ms("-5", now), 0);
	assert_int_equal(scim_retry_after_ms("5s", now), 0);
	assert_int_equal(scim_retry_after_ms("1.5", now), 0);
	assert_int_equal(scim_retry_after_ms("soon", now), 0);
	assert_int_equal(scim_retry_after_ms("99999999999999999999", now),
	                 SCIM_RETRY_AFTER_MAX_MS);
	assert_int_equal(scim_retry_after_ms("86401", now),
	                 SCIM_RETRY_AFTER_MAX_MS);
	assert_int_equal(
	        scim_retry_after_ms("Sat, 28 Nov 2026 10:00:30 GMT", now),
	        30000);
	assert_int_equal(
	        scim_retry_after_ms("Saturday, 28-Nov-26 10:01:00 GMT", now),
	        60000);
	/* a date in the past: retry now */
	assert_int_equal(
	        scim_retry_after_ms("Sat, 28 Nov 2026 09:00:00 GMT", now), 0);
}

static void scim_error_bodies(void **state)
{
	struct scim_error_body e;
	const char *b;

	b = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
	    "\"status\":\"400\",\"scimType\":\"invalidValue\",\"detail\":"
	    "\"Role not found: Auditor\"}";
	assert_int_equal(scim_error_parse(b, strlen(b), &e), 1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.scim_type, "invalidValue");
	assert_string_equal(e.detail, "Role not found: Auditor");

	b = "{\"status\":409,\"detail\":\"line1\\nline2\\ttab\"}";
	assert_int_equal(scim_error_parse(b, strlen(b), &e), 1);
	assert_int_equal(e.status, 409);
	assert_string_equal(e.detail, "line1 line2 tab");

	b = "{\"detail\":42,\"scimType\":[],\"status\":\"abc\"}";
	assert_int_equal(scim_error_parse(b, strlen(b), &e), 0);
	assert_string_equal(e.detail, "");
	assert_int_equal(e.status, 0);

	b = "<html><body>Sign in</body></html>";
	assert_int_equal(scim_error_parse(b, strlen(b), &e), 0);
	assert_int_equal(scim_error_parse(NULL, 0, &e), 0);
	assert_int_equal(scim_error_parse("[1]", 3, &e), 0);
	/* not NUL-terminated at len */
	assert_int_equal(scim_error_parse("{\"detail\":\"x\"}garbage", 14, &e),
	                 1);
	assert_string_equal(e.detail, "x");
}

static void huge_detail_is_cut_short(void **state)
{
	size_t n = 100000;
	char *b = malloc(n + 32);
	struct scim_error_body e;

	memcpy(b, "{\"detail\":\"", 11);
	memset(b + 11, 'A', n);
	memcpy(b + 11 + n, "\"}", 3);
	assert_int_equal(scim_error_parse(b, strlen(b), &e), 1);
	assert_int_equal(strlen(e.detail), SCIM_EXCERPT_MAX);
	assert_string_equal(e.detail + SCIM_EXCERPT_MAX - 3, "...");
	free(b);
}

static void excerpts_are_one_short_line(void **state)
{
	char out[SCIM_EXCERPT_MAX + 1];
	const char *s = "  <html>\r\n<head>\x01\x7f</head>  ";

	scim_excerpt(s, strlen(s), out, sizeof out, SCIM_EXCERPT_MAX);
	assert_string_equal(out, "<html> <head> </head>");
	/* never split a UTF-8 sequence when cutting */
	char u[64];
	for (int i = 0; i < 10; i++)
		memcpy(u + 2 * i, "\xc3\xbc", 2);
	u[20] = '\0';
	scim_excerpt(u, 20, out, sizeof out, 8);
	assert_string_equal(out, "\xc3\xbc\xc3\xbc...");
	scim_excerpt("", 0, out, sizeof out, 10);
	assert_string_equal(out, "");
}

static void redaction_removes_every_occurrence(void **state)
{
	char msg[64] = "tok=S3CR3T and S3CR3T again";

	scim_redact(msg, sizeof msg, "S3CR3T");
	assert_string_equal(msg, "tok=[redacted] and [redacted] again");
	scim_redact(msg, sizeof msg, "");
	assert_string_equal(msg, "tok=[redacted] and [redacted] again");
	char one[32] = "a d c";
	scim_redact(one, sizeof one, "d"); /* the mark contains "d" */
	assert_string_equal(one, "a [redacted] c");
	char small[16] = "aXbXcXdXeXfXg";
	scim_redact(small, sizeof small, "X");
	assert_null(strchr(small, 'X'));
	assert_true(strlen(small) < sizeof small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(http_status_mapping_table),
	        cmocka_unit_test(curl_code_mapping),
	        cmocka_unit_test(retry_after_parsing),
	        cmocka_unit_test(scim_error_bodies),
	        cmocka_unit_test(huge_detail_is_cut_short),
	        cmocka_unit_test(excerpts_are_one_short_line),
	        cmocka_unit_test(redaction_removes_every_occurrence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
