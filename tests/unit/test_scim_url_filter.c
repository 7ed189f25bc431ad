/* Unit tests for the SCIM client's base URL normalisation and filter
 * escaping (plugins/scimclient/scim_url.c, scim_filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scimclient/scim_filter.h"
#include "scimclient/scim_url.h"

struct url_case {
	const char *in;
	const char *out; /* NULL: must be rejected */
	const char *why; /* substring of the reason when rejected */
};

static void url_normalisation_table(void **state)
{
	static const struct url_case cases[] = {
	        {"https://api.promapp.com", "https://api.promapp.com/api/scim",
	         NULL},
	        {"https://api.promapp.com/", "https://api.promapp.com/api/scim",
	         NULL},
	        {"https://api.promapp.com/api/scim",
	         "https://api.promapp.com/api/scim", NULL},
	        {"https://api.promapp.com/api/scim/",
	         "https://api.promapp.com/api/scim", NULL},
	        {"https://api.promapp.com/api/scim//",
	         "https://api.promapp.com/api/scim", NULL},
	        {"HTTPS://API.Promapp.COM/API/SCIM",
	         "https://api.promapp.com/api/scim", NULL},
	        {"https://api.promapp.com:443",
	         "https://api.promapp.com:443/api/scim", NULL},
	        {"http://127.0.0.1:8080/api/scim",
	         "http://127.0.0.1:8080/api/scim", NULL},
	        {"http://127.9.9.9:1", "http://127.9.9.9:1/api/scim", NULL},
	        {"http://localhost:9/", "http://localhost:9/api/scim", NULL},
	        {"http://[::1]:9/api/scim", "http://[::1]:9/api/scim", NULL},
	        {"http://api.promapp.com", NULL, "must use https://"},
	        {"http://128.0.0.1:80", NULL, "must use https://"},
	        {"http://127.0.0.1.evil.com/", NULL, "must use https://"},
	        {"http://localhost.evil.com/", NULL, "must use https://"},
	        {"ftp://api.promapp.com", NULL, "must start with https://"},
	        {"api.promapp.com", NULL, "must start with https://"},
	        {"", NULL, "is empty"},
	        {"https://", NULL, "has no host name"},
	        {"https://:443/", NULL, "has no host name"},
	        {"https://user:pw@api.promapp.com", NULL, "user information"},
	        {"https://api.promapp.com/api/scim?x=1", NULL, "query"},
	        {"https://api.promapp.com/#frag", NULL, "query or fragment"},
	        {"https://api.promapp.com/signin", NULL, "has path '/signin'"},
	        {"https://api.promapp.com/api/scim/Users", NULL, "has path"},
	        {"https://api.promapp.com:99999", NULL, "invalid port"},
	        {"https://api.promapp.com:", NULL, "invalid port"},
	        {"https://api.promapp.com:8a", NULL, "invalid port"},
	        {"https://api.promapp .com", NULL, "whitespace"},
	        {"https://api.promapp.com/\n", NULL, "control"},
	        {"https://[::1/", NULL, "IPv6"},
	        /* parsed by libcurl: what provhost checks is what it uses */
	        {"HTTP://LOCALHOST:9", "http://localhost:9/api/scim", NULL},
	        {"http://127.1.2.3:8080", "http://127.1.2.3:8080/api/scim",
	         NULL},
	        {"http://127.1:9", "http://127.0.0.1:9/api/scim", NULL},
	        {"http://[0:0:0:0:0:0:0:1]:9", "http://[::1]:9/api/scim", NULL},
	        {"http://[::ffff:127.0.0.1]:9/",
	         "http://[::ffff:127.0.0.1]:9/api/scim", NULL},
	        {"https://api.promapp.com/x/../api/scim",
	         "https://api.promapp.com/api/scim", NULL},
	        {"http://[::2]:9/", NULL, "must use https://"},
	        {"http://0127.0.0.1/", NULL, "must use https://"},
	        {"http://localhost.evil.com:9/", NULL, "must use https://"},
	        {"http://localhost:9@evil.com/", NULL, "user information"},
	        {"https://user@api.promapp.com", NULL, "user information"},
	        {"https://@api.promapp.com", NULL, "user information"},
	        {"https://;o@api.promapp.com", NULL, "user information"},
	        {"https://api.promapp.com:0", NULL, "invalid port"},
	        {"http://[fe80::1%25eth0]:9/", NULL, "zone id"},
	        /* a host is taken as typed: percent escapes would make one
	         * name two spellings (fuzz_url), raw UTF-8 is not punycode */
	        {"https://api%2Epromapp.com", NULL, "host name with '%'"},
	        {"https://%%%f66", NULL, "host name with '%'"},
	        {"https://ex\xc3\xa4mple.com", NULL, "non-ASCII"},
	};
	char out[256], why[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = scim_url_normalise(cases[i].in, "/api/scim", out,
		                            sizeof out, why, sizeof why);
		if (cases[i].out) {
			if (rc != 0)
				fail_msg("'%s' rejected: %s", cases[i].in, why);
			assert_string_equal(out, cases[i].out);
		} else {
			if (rc == 0)
				fail_msg("'%s' accepted as '%s'", cases[i].in,
				         out);
			if (!strstr(why, cases[i].why))
				fail_msg("'%s': reason '%s' lacks '%s'",
				         cases[i].in, why, cases[i].why);
			assert_null(strstr(why, "pw@"));
		}
	}
}

static void url_without_api_path_keeps_any_path(void **state)
{
	char out[256], why[256];

	assert_int_equal(scim_url_normalise("https://idp.example/scim/v2/",
	                                    NULL, out, sizeof out, why,
	                                    sizeof why),
	                 0);
	assert_string_equal(out, "https://idp.example/scim/v2");
	assert_int_equal(scim_url_normalise("https://idp.example", NULL, out,
	                                    sizeof out, why, sizeof why),
	                 0);
	assert_string_equal(out, "https://idp.example");
}

static void url_output_too_small_is_an_error(void **state)
{
	char out[20], why[128];

	assert_int_equal(scim_url_normalise("https://api.promapp.com",
	                                    "/api/scim", out, sizeof out, why,
	                                    sizeof why),
	                 -1);
	assert_non_null(strstr(why, "too long"));
}

static void loopback_hosts(void **state)
{
	assert_true(scim_url_host_is_loopback("127.0.0.1", 9));
	assert_true(scim_url_host_is_loopback("LOCALHOST", 9));
	assert_true(scim_url_host_is_loopback("::1", 3));
	assert_false(scim_url_host_is_loopback("127.0.0.256", 11));
	assert_false(scim_url_host_is_loopback("127.0.0", 7));
	assert_false(scim_url_host_is_loopback("127.0.0.1.2", 11));
	assert_false(scim_url_host_is_loopback("10.0.0.1", 8));
	assert_false(scim_url_host_is_loopback("0127.0.0.1", 10));
	assert_true(scim_url_host_is_loopback("127.255.0.9", 11));
	assert_true(scim_url_host_is_loopback("0:0:0:0:0:0:0:1", 15));
	assert_true(scim_url_host_is_loopback("::ffff:127.0.0.1", 16));
	assert_false(scim_url_host_is_loopback("::2", 3));
	assert_false(scim_url_host_is_loopback("::ffff:10.0.0.1", 15));
	assert_false(scim_url_host_is_loopback("localhost.evil.com", 18));
}

static void loopback_urls_as_libcurl_parses_them(void **state)
{
	assert_true(scim_url_is_loopback("http://[::1]:9/api/scim"));
	assert_true(scim_url_is_loopback("http://127.0.0.1:9"));
	assert_true(scim_url_is_loopback("HTTP://LocalHost:9/x"));
	assert_true(scim_url_is_loopback("http://127.1/"));
	assert_false(scim_url_is_loopback("http://localhost.evil.com/"));
	assert_false(scim_url_is_loopback("http://127.0.0.1.evil.com/"));
	assert_false(scim_url_is_loopback("http://localhost:9@evil.com/"));
	assert_false(scim_url_is_loopback("https://api.promapp.com"));
	assert_false(scim_url_is_loopback("not a url"));
}

static void filter_escaping(void **state)
{
	char out[128];

	assert_int_equal(scim_filter_escape("plain@x.org", out, sizeof out),
	                 11);
	assert_string_equal(out, "plain@x.org");
	scim_filter_escape("a\"b", out, sizeof out);
	assert_string_equal(out, "a\\\"b");
	scim_filter_escape("a\\b", out, sizeof out);
	assert_string_equal(out, "a\\\\b");
	scim_filter_escape("\\\"", out, sizeof out);
	assert_string_equal(out, "\\\\\\\"");
	scim_filter_escape("x\ny\x01", out, sizeof out);
	assert_string_equal(out, "x\\u000ay\\u0001");
	/* UTF-8 passes through unchanged */
	scim_filter_escape("Jürgen.Öst@例え.jp", out, sizeof out);
	assert_string_equal(out, "Jürgen.Öst@例え.jp");
	/* ") or (userName pr" cannot break out of the string */
	scim_filter_escape("\") or (userName pr", out, sizeof out);
	assert_string_equal(out, "\\\") or (userName pr");
}

static void filter_escaping_reports_small_buffers(void **state)
{
	char out[4];

	assert_int_equal(scim_filter_escape("abc", out, sizeof out), 3);
	assert_int_equal(scim_filter_escape("abcd", out, sizeof out), -1);
	assert_string_equal(out, "");
	assert_int_equal(scim_filter_escape("a\"", out, sizeof out), 3);
	assert_int_equal(scim_filter_escape("\x01", out, sizeof out), -1);
	assert_int_equal(scim_query_escape("a b", out, sizeof out), -1);
	assert_int_equal(scim_query_escape("a~", out, sizeof out), 2);
	assert_string_equal(out, "a~");
}

static void query_escaping_keeps_only_unreserved(void **state)
{
	char out[64];

	assert_int_equal(
	        scim_query_escape("aZ09-._~ /?&=+%\xc3\xa9", out, sizeof out),
	        35);
	assert_string_equal(out, "aZ09-._~%20%2F%3F%26%3D%2B%25%C3%A9");
}

static void filter_query_is_percent_encoded(void **state)
{
	char out[256];

	assert_true(scim_filter_eq_path("/Users", "userName", "jo@x.org", out,
	                                sizeof out) > 0);
	assert_string_equal(out,
	                    "/Users?filter=userName%20eq%20%22jo%40x.org%22");
	scim_filter_eq_path("/Users", "userName", "a\"b\\c&d=e+f", out,
	                    sizeof out);
	assert_string_equal(out, "/Users?filter=userName%20eq%20%22a%5C%22b"
	                         "%5C%5Cc%26d%3De%2Bf%22");
	scim_filter_eq_path("/Users", "userName", "ü", out, sizeof out);
	assert_string_equal(out, "/Users?filter=userName%20eq%20%22%C3%BC%22");
	assert_int_equal(
	        scim_filter_eq_path("/Users", "userName", "abc", out, 20), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(url_normalisation_table),
	        cmocka_unit_test(url_without_api_path_keeps_any_path),
	        cmocka_unit_test(url_output_too_small_is_an_error),
	        cmocka_unit_test(loopback_hosts),
	        cmocka_unit_test(loopback_urls_as_libcurl_parses_them),
	        cmocka_unit_test(query_escaping_keeps_only_unreserved),
	        cmocka_unit_test(filter_escaping),
	        cmocka_unit_test(filter_escaping_reports_small_buffers),
	        cmocka_unit_test(filter_query_is_percent_encoded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
