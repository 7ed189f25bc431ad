/* Unit tests for host/isodate.c: ISO 8601 dates and date-times with offset,
 * and host/sha256.c (libcrypto) against the FIPS 180 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle/isodate.h"
#include "util/sha256.h"

static void assert_parses(const char *s, int64_t want)
{
	char reason[128] = "";
	int64_t t = -1;

	if (isodate_parse(s, &t, reason, sizeof(reason)))
		fail_msg("\"%s\": %s", s, reason);
	assert_int_equal(t, want);
}

static void assert_rejects(const char *s, const char *want)
{
	char reason[128] = "";
	int64_t t = 12345;

	assert_int_equal(isodate_parse(s, &t, reason, sizeof(reason)), -1);
	assert_int_equal(t, 12345);
	assert_string_equal(reason, want);
}

static void test_dates(void **state)
{
	assert_parses("1970-01-01", 0);
	assert_parses("2026-03-01", 1772323200);
	assert_parses("2024-02-29", 1709164800);
	assert_parses("2000-02-29", 951782400);
	assert_parses("1969-12-31", -86400);
	assert_parses("9999-12-31", 253402214400);
}

static void test_date_times(void **state)
{
	assert_parses("2026-03-01T00:00Z", 1772323200);
	assert_parses("2026-03-01T09:30Z", 1772323200 + 9 * 3600 + 1800);
	assert_parses("2026-03-01T09:30:15Z", 1772323200 + 34215);
	assert_parses("2026-03-01T09:30:15.999Z", 1772323200 + 34215);
	assert_parses("2026-03-01T09:30:15,5Z", 1772323200 + 34215);
	assert_parses("2026-03-01T09:00+13:00", 1772323200 - 4 * 3600);
	assert_parses("2026-03-01T09:00:00-05:30",
	              1772323200 + 9 * 3600 + 5 * 3600 + 1800);
	assert_parses("2026-03-01T00:00-00:00", 1772323200);
}

/* A leap second is valid ISO 8601 and counts as the last second of its
 * UTC day (POSIX time has no 60th second). */
static void test_leap_second(void **state)
{
	assert_parses("2016-12-31T23:59:60Z", 1483228799);
	assert_parses("2017-01-01T08:59:60+09:00", 1483228799);
	assert_parses("2016-12-31T23:59:60.5Z", 1483228799);
}

static void test_rejects(void **state)
{
	assert_rejects("2026-13-01", "month 13 out of range");
	assert_rejects("2026-00-10", "month 00 out of range");
	assert_rejects("2026-02-30", "day 30 out of range for 2026-02");
	assert_rejects("2025-02-29", "day 29 out of range for 2025-02");
	assert_rejects("1900-02-29", "day 29 out of range for 1900-02");
	assert_rejects("2026-04-31", "day 31 out of range for 2026-04");
	assert_rejects("2026-04-00", "day 00 out of range for 2026-04");
	assert_rejects("2026-03-01T09:00", "no UTC offset (add Z or +hh:mm)");
	assert_rejects("2026-03-01T09:00:00",
	               "no UTC offset (add Z or +hh:mm)");
	assert_rejects("2026-03-01T24:00Z", "hour 24 out of range");
	assert_rejects("2026-03-01T10:60Z", "minute 60 out of range");
	assert_rejects("2026-03-01T10:00:60Z",
	               "second 60 out of range (only a leap second, 23:59:60 "
	               "UTC, may have it)");
	assert_rejects("2016-12-31T23:59:60+01:00",
	               "second 60 out of range (only a leap second, 23:59:60 "
	               "UTC, may have it)");
	assert_rejects("2016-12-31T23:59:61Z", "second 61 out of range");
	assert_rejects("2026-03-01T10:00+24:00", "offset hour 24 out of range");
	assert_rejects("2026-03-01T10:00+01:60",
	               "offset minute 60 out of range");
	assert_rejects("2026-03-01T10:00+0100", "unexpected character '0' at "
	                                        "20");
	assert_rejects("2026-3-01", "unexpected character '-' at 7");
	assert_rejects("26-03-01", "unexpected character '-' at 3");
	assert_rejects("2026/03/01", "unexpected character '/' at 5");
	assert_rejects("2026-03-01 10:00Z", "unexpected character ' ' at 11");
	assert_rejects("2026-03-01T10:00Zx", "unexpected character 'x' at 18");
	assert_rejects("2026-03-01T10:00:00.Z", "unexpected character 'Z' at "
	                                        "21");
	assert_rejects("2026-03", "ends early after \"2026-03\"");
	assert_rejects("", "ends early after \"\"");
	assert_rejects("tomorrow", "unexpected character 't' at 1");
}

static void test_format(void **state)
{
	char buf[32];

	assert_string_equal(isodate_format(0, buf, sizeof(buf)),
	                    "1970-01-01T00:00:00Z");
	assert_string_equal(
	        isodate_format(1772323200 + 34215, buf, sizeof(buf)),
	        "2026-03-01T09:30:15Z");
	assert_string_equal(isodate_format(-1, buf, sizeof(buf)),
	                    "1969-12-31T23:59:59Z");
	assert_string_equal(isodate_format(951782400, buf, sizeof(buf)),
	                    "2000-02-29T00:00:00Z");
}

static void assert_sha256(const void *data, size_t len, const char *want)
{
	char hex[65];

	assert_int_equal(sha256_hex(data, len, hex), 0);
	assert_string_equal(hex, want);
}

static void test_sha256_fips_vectors(void **state)
{
	static const char two_block[] =
	        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char *million = malloc(1000000);

	assert_sha256("", 0,
	              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
	              "a495991b7852b855");
	assert_sha256("abc", 3,
	              "ba7816bf8f01cfea414140de5dae2223b00361a39617"
	              "7a9cb410ff61f20015ad");
	assert_sha256(
	        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6e"
	        "cedd419db06c1");
	assert_sha256(two_block, strlen(two_block),
	              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac4503"
	              "7afee9d1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	assert_sha256(million, 1000000,
	              "cdc76e5c9914fb9281a1c7e284d73e67f180"
	              "9a48a497200e046d39ccc7112cd0");
	free(million);
}

static void test_sha256_padding_boundaries(void **state)
{
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
	        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fa"
	             "c77e4072"},
	        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a37"
	             "7c16888e"},
	        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d8"
	             "9776d6f2"},
	        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd62195"
	             "06b5393c"},
	        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad5"
	             "65aed7e9"},
	        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0"
	              "d9fa5fb0c"},
	        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f3730"
	              "8b276ba98"},
	};
	char x[128];

	memset(x, 'x', sizeof(x));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_sha256(x, v[i].n, v[i].hex);
}

static void test_sha256_incremental(void **state)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklm"
	                          "nlmnomnopnopq";
	unsigned char d1[32], d2[32];
	struct sha256 s;

	for (size_t step = 1; step < 60; step += 7) {
		assert_int_equal(sha256_init(&s), 0);
		for (size_t i = 0; i < 56; i += step)
			assert_int_equal(
			        sha256_update(&s, msg + i,
			                      i + step > 56 ? 56 - i : step),
			        0);
		assert_int_equal(sha256_final(&s, d1), 0);
		assert_null(s.ctx);
		assert_int_equal(sha256_init(&s), 0);
		assert_int_equal(sha256_update(&s, msg, 56), 0);
		assert_int_equal(sha256_final(&s, d2), 0);
		assert_memory_equal(d1, d2, 32);
	}
	assert_int_equal(d1[0], 0x24);
	assert_int_equal(d1[31], 0xc1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_date_times),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_leap_second),
	        cmocka_unit_test(test_format),
	        cmocka_unit_test(test_sha256_fips_vectors),
	        cmocka_unit_test(test_sha256_padding_boundaries),
	        cmocka_unit_test(test_sha256_incremental),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
