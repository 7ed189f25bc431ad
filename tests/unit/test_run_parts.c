/* Unit tests for small run helpers: the bounded line reader and the string
 * set used to hold back a person's later events after a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/line_reader.h"
#include "util/strset.h"

static void line_reader_reads_lines_and_flags_overlong_ones(void **state)
{
	static const char text[] = "short\n0123456789ABCDEF\n\nlast-no-newline";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct line_reader lr;

	assert_non_null(in);
	assert_int_equal(line_reader_init(&lr, in, 8), 0);
	assert_int_equal(line_reader_next(&lr), 1);
	assert_string_equal(lr.buf, "short");
	assert_false(lr.overlong);
	assert_int_equal(lr.line_no, 1);

	assert_int_equal(line_reader_next(&lr), 1);
	assert_true(lr.overlong);
	assert_int_equal(lr.full_len, 16);
	assert_int_equal(lr.len, 8);
	assert_string_equal(lr.buf, "01234567"); /* a prefix only */

	assert_int_equal(line_reader_next(&lr), 1);
	assert_int_equal(lr.len, 0); /* an empty line is a line */
	assert_int_equal(lr.line_no, 3);

	assert_int_equal(line_reader_next(&lr), 1);
	assert_string_equal(lr.buf, "last-no-");
	assert_true(lr.overlong);
	assert_int_equal(lr.line_no, 4);
	assert_int_equal(line_reader_next(&lr), 0);
	line_reader_release(&lr);
	fclose(in);
}

static void line_reader_keeps_nul_bytes(void **state)
{
	static const char text[] = "a\0b\n";
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct line_reader lr;

	assert_int_equal(line_reader_init(&lr, in, 100), 0);
	assert_int_equal(line_reader_next(&lr), 1);
	assert_int_equal(lr.len, 3);
	assert_memory_equal(lr.buf, "a\0b", 3);
	line_reader_release(&lr);
	fclose(in);
}

static void strset_adds_finds_and_grows(void **state)
{
	struct strset s;
	char key[32];
	int i;

	strset_init(&s);
	assert_false(strset_has(&s, "E1"));
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "E%d", i);
		assert_int_equal(strset_add(&s, key), 0);
	}
	assert_int_equal(strset_add(&s, "E7"), 0); /* already there */
	assert_int_equal(s.map.count, 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "E%d", i);
		assert_true(strset_has(&s, key));
	}
	assert_false(strset_has(&s, "E1000"));
	assert_false(strset_has(&s, "e1"));
	strset_release(&s);
	assert_false(strset_has(&s, "E1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                line_reader_reads_lines_and_flags_overlong_ones),
	        cmocka_unit_test(line_reader_keeps_nul_bytes),
	        cmocka_unit_test(strset_adds_finds_and_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
