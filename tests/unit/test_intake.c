/* Unit tests for host/intake/ (the roster reader: CSV through libcsv, JSON
 * and JSON Lines rosters), host/config/input_config.c (the "inputs"
 * section), host/lifecycle/local_date.c and host/util/tzdate.c (dates in
 * IANA zones over ICU). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/input_config.h"
#include "intake/intake.h"
#include "lifecycle/local_date.h"
#include "util/tzdate.h"

#define WORKDAY                                                                \
	"{\"format\": \"csv\", \"employee_id\": \"Employee ID\","              \
	" \"status\": {\"column\": \"Status\", \"values\": {\"Active\": "      \
	"\"active\", \"Terminated\": \"terminated\", \"On Leave\": "           \
	"\"leave\"}},"                                                         \
	" \"hire_date\": {\"column\": \"Hire Date\", \"formats\": "            \
	"[\"%m/%d/%Y\", \"iso8601\"]},"                                        \
	" \"termination_date\": {\"column\": \"Termination Date\", "           \
	"\"formats\": [\"%m/%d/%Y\", \"iso8601\"]},"                           \
	" \"columns\": {\"First Name\": \"first_name\", \"Email\": "           \
	"\"email\"}, \"ignore\": [\"SSN\"]"

#define HEADER                                                                 \
	"Employee ID,First Name,Email,Status,Hire Date,Termination "           \
	"Date,SSN\r\n"

struct rows {
	struct input_config in;
	struct dates_config dates;
	struct intake_reader *r;
	FILE *f;
	char err[1200];
	int n;
	json_t *rec[16];
	char reason[16][600];
	char label[16][64];
	char raw[16][300];
	int rc_end; /* the last intake_next result: 0 end, -1 fatal */
};

static void parse_input(struct input_config *in, const char *json)
{
	struct path_error perr = {{0}, {0}};
	json_t *obj = json_loads(json, 0, NULL);

	assert_non_null(obj);
	if (input_config_parse("t", obj, in, &perr))
		fail_msg("input_config_parse: %s: %s", perr.path, perr.message);
	json_decref(obj);
}

/* Reads text with input json (extra keys spliced at %s); returns the
 * intake_open result. */
static int read_all(struct rows *x, const char *input_json, const char *text,
                    size_t len)
{
	struct intake_options opt;
	struct intake_row row;
	struct path_error perr = {{0}, {0}};
	int rc;

	memset(x, 0, sizeof(*x));
	parse_input(&x->in, input_json);
	assert_int_equal(dates_config_parse(NULL, &x->dates, &perr), 0);
	x->f = fmemopen((void *)text, len, "r");
	assert_non_null(x->f);
	opt = (struct intake_options){&x->in, &x->dates, "hr.csv", NULL};
	if (intake_open(&opt, x->f, &x->r, x->err, sizeof(x->err)))
		return -1;
	while ((rc = intake_next(x->r, &row)) == 1 && x->n < 16) {
		intake_row_label(x->r, &row, x->label[x->n], 64);
		snprintf(x->raw[x->n], 300, "%.*s", (int)row.raw_len, row.raw);
		if (row.record)
			x->rec[x->n] = json_incref(row.record);
		else
			snprintf(x->reason[x->n], 600, "%s", row.reason);
		x->n++;
	}
	x->rc_end = rc;
	if (rc < 0)
		snprintf(x->err, sizeof(x->err), "%s", intake_error(x->r));
	return 0;
}

static void rows_free(struct rows *x)
{
	for (int i = 0; i < x->n; i++)
		json_decref(x->rec[i]);
	intake_close(x->r);
	if (x->f)
		fclose(x->f);
	input_config_release(&x->in);
	dates_config_release(&x->dates);
}

static char *input_with(const char *extra)
{
	static char buf[2000];

	snprintf(buf, sizeof(buf), "%s%s}", WORKDAY, extra);
	return buf;
}

static const char *attr(const json_t *rec, const char *key)
{
	const json_t *v =
	        json_object_get(json_object_get(rec, "attributes"), key);

	return json_is_string(v) ? json_string_value(v)
	       : json_is_null(v) ? "(null)"
	                         : "(absent)";
}

static const char *field(const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : "(absent)";
}

static void test_csv_quotes_newline_bom_crlf(void **state)
{
	static const char text[] =
	        "\xEF\xBB\xBF" HEADER
	        "E1,\"Ana, Maria\",ana@example.com,Active,03/01/2026,,123\r\n"
	        "E2,\"Bo \"\"The Boss\"\"\",bo@example.com,Terminated,"
	        "01/15/2020,2026-02-28,456\r\n"
	        "E3,\"Cy\r\nSecond line\",cy@example.com,On Leave,,,789\r\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 0);
	assert_int_equal(x.rc_end, 0);
	assert_int_equal(x.n, 3);
	assert_string_equal(field(x.rec[0], "employee_id"), "E1");
	assert_string_equal(attr(x.rec[0], "first_name"), "Ana, Maria");
	assert_string_equal(field(x.rec[0], "status"), "active");
	assert_string_equal(field(x.rec[0], "hire_date"), "2026-03-01");
	assert_string_equal(field(x.rec[0], "termination_date"), "(absent)");
	assert_null(json_object_get(json_object_get(x.rec[0], "attributes"),
	                            "SSN")); /* ignored: never leaves */
	assert_string_equal(attr(x.rec[1], "first_name"), "Bo \"The Boss\"");
	assert_string_equal(field(x.rec[1], "status"), "terminated");
	assert_string_equal(field(x.rec[1], "termination_date"), "2026-02-28");
	assert_string_equal(attr(x.rec[2], "first_name"), "Cy\nSecond line");
	assert_string_equal(field(x.rec[2], "status"), "leave");
	assert_string_equal(x.label[0], "row 2");
	assert_string_equal(x.label[2], "row 4");
	/* the raw row keeps its lines */
	assert_string_equal(x.raw[2], "E3,\"Cy\r\nSecond line\",cy@example.com,"
	                              "On Leave,,,789");
	rows_free(&x);
}

static void test_csv_semicolon_and_tab(void **state)
{
	static const char semi[] =
	        "Employee ID;First Name;Email;Status;Hire Date;Termination "
	        "Date;SSN\n"
	        "E1;Ana;a@x.org;Active;2026-03-01;;1\n";
	static const char tab[] = "Employee ID\tFirst "
	                          "Name\tEmail\tStatus\tHire Date\tTermination "
	                          "Date\tSSN\n"
	                          "E1\tAna\t\tActive\t2026-03-01\t\t1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(", \"delimiter\": \";\""),
	                          semi, sizeof(semi) - 1),
	                 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(attr(x.rec[0], "email"), "a@x.org");
	rows_free(&x);
	assert_int_equal(read_all(&x, input_with(", \"delimiter\": \"\\t\""),
	                          tab, sizeof(tab) - 1),
	                 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(attr(x.rec[0], "first_name"), "Ana");
	assert_string_equal(attr(x.rec[0], "email"), "(null)"); /* empty cell */
	rows_free(&x);
}

static void test_csv_wrong_delimiter_hint(void **state)
{
	static const char semi[] =
	        "Employee ID;First Name;Email;Status;Hire Date;Termination "
	        "Date;SSN\nE1;Ana;a@x.org;Active;2026-03-01;;1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), semi, sizeof(semi) - 1),
	                 -1);
	assert_non_null(strstr(x.err, "is the delimiter \";\"? set "
	                              "\"delimiter\" in input \"t\""));
	rows_free(&x);
}

static void test_csv_not_utf8(void **state)
{
	static const char text[] = HEADER "E1,Jos\xE9,j@x.org,Active,,,1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 0);
	assert_int_equal(x.rc_end, -1);
	assert_string_equal(
	        x.err, "\"hr.csv\" is not UTF-8: line 2, byte 7 is 0xE9; "
	               "provhost reads UTF-8 exports only (convert it, e.g. "
	               "iconv -f WINDOWS-1252 -t UTF-8, or export as UTF-8)");
	rows_free(&x);
}

static void test_csv_missing_column(void **state)
{
	static const char text[] = "Employee ID,First Name,Email,Status,"
	                           "Termination Date,SSN\nE1,A,a@x,Active,,1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 -1);
	assert_string_equal(
	        x.err, "\"hr.csv\": the header has no column \"Hire Date\", "
	               "which input \"t\" maps; the header has: \"Employee "
	               "ID\", \"First Name\", \"Email\", \"Status\", "
	               "\"Termination Date\", \"SSN\"");
	rows_free(&x);
}

static void test_csv_unknown_column(void **state)
{
	static const char text[] = "Employee ID,First Name,Email,Status,Hire "
	                           "Date,Termination Date,SSN,Salary\n"
	                           "E1,A,a@x,Active,,,1,99\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 -1);
	assert_string_equal(
	        x.err, "\"hr.csv\": unknown column \"Salary\" (column 8) in "
	               "the header: map it in \"columns\" of input \"t\" or "
	               "list it in \"ignore\"");
	rows_free(&x);
}

static void test_csv_bad_rows_go_on(void **state)
{
	static const char text[] = HEADER "E1,A,a@x,Active,13/45/2026,,1\n"
	                                  "E2,B,b@x,Retired,,,1\n"
	                                  "E3,C,c@x,Active,02/30/2026,,1\n"
	                                  ",D,d@x,Active,,,1\n"
	                                  "E5,E,e@x,Active,,\n"
	                                  "\n"
	                                  ",,,,,,\n"
	                                  "E6,F,f@x,active,02/28/2026,,1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 0);
	assert_int_equal(x.rc_end, 0);
	assert_int_equal(x.n, 6);
	assert_string_equal(
	        x.reason[0],
	        "bad date \"13/45/2026\" in column \"Hire Date\": not "
	        "a date in the expected format (%m/%d/%Y, iso8601)");
	assert_string_equal(x.reason[1],
	                    "unknown status \"Retired\" in column \"Status\" "
	                    "(input \"t\" knows \"Active\", \"Terminated\", "
	                    "\"On Leave\")");
	assert_string_equal(
	        x.reason[2],
	        "bad date \"02/30/2026\" in column \"Hire Date\": day "
	        "30 out of range for 2026-02");
	assert_string_equal(x.reason[3],
	                    "empty employee id (column \"Employee ID\")");
	assert_string_equal(
	        x.reason[4],
	        "the row has 6 fields, the header has 7 (a delimiter "
	        "inside a value that is not quoted?)");
	assert_string_equal(x.label[4], "row 6");
	/* a blank line and an empty row are skipped; case-insensitive status */
	assert_non_null(x.rec[5]);
	assert_string_equal(field(x.rec[5], "status"), "active");
	assert_string_equal(x.label[5], "row 9");
	assert_int_equal(intake_blank_rows(x.r), 2);
	rows_free(&x);
}

static void test_csv_unterminated_quote(void **state)
{
	static const char text[] = HEADER "E1,\"Ana,a@x,Active,,,1\n";
	struct rows x;

	(void)state;
	assert_int_equal(read_all(&x, input_with(""), text, sizeof(text) - 1),
	                 0);
	assert_int_equal(x.rc_end, -1);
	assert_string_equal(x.err, "\"hr.csv\": the quoted value opened in the "
	                           "row starting on line 2 is never closed");
	rows_free(&x);
}

static void test_zone_dates(void **state)
{
	static const char text[] =
	        "Employee ID,First Name,Email,Status,Hire Date,Termination "
	        "Date,SSN,TZ\n"
	        "E1,A,a@x,Active,03/01/2026,,1,\n"
	        "E2,B,b@x,Terminated,01/01/2020,12/01/2026,1,Pacific/Auckland\n"
	        "E3,C,c@x,Terminated,01/01/2020,12/01/2026,1,Mars/Base\n";
	struct rows x;
	const json_t *eff;

	(void)state;
	assert_int_equal(
	        read_all(
	                &x,
	                input_with(", \"zone\": \"Europe/Berlin\", "
	                           "\"zone_column\": \"TZ\", \"terminate_at\": "
	                           "\"end_of_day\""),
	                text, sizeof(text) - 1),
	        0);
	assert_int_equal(x.n, 3);
	eff = json_object_get(x.rec[0], "effective");
	/* 2026-03-01 00:00 in Berlin (CET, +01:00) = 2026-02-28T23:00:00Z */
	assert_int_equal(json_integer_value(json_object_get(eff, "hire_date")),
	                 1772319600);
	assert_string_equal(field(x.rec[0], "zone"), "Europe/Berlin");
	/* end of 2026-12-01 in Auckland (NZDT, +13:00) = 2026-12-01T11:00Z */
	eff = json_object_get(x.rec[1], "effective");
	assert_int_equal(
	        json_integer_value(json_object_get(eff, "termination_date")),
	        1796122800);
	assert_string_equal(field(x.rec[1], "zone"), "Pacific/Auckland");
	assert_null(x.rec[2]);
	assert_string_equal(
	        x.reason[2],
	        "unknown time zone \"Mars/Base\" (expected an IANA "
	        "name such as \"Europe/Berlin\" or \"UTC\") in column "
	        "\"TZ\"");
	rows_free(&x);
}

static void test_json_roster(void **state)
{
	static const char arr[] =
	        "[{\"employee_id\": \"E1\", \"status\": \"active\", "
	        "\"hire_date\": \"2026-03-01\", \"attributes\": {\"email\": "
	        "\"a@x\"}},\n"
	        " {\"employee_id\": \"E2\", \"status\": \"gone\"},\n"
	        " 7]";
	static const char lines[] =
	        "{\"employee_id\": \"E1\", \"status\": \"leave\"}\n\n"
	        "{\"employee_id\": \"E2\", \"status\": \"active\", \"x\": 1}\n"
	        "{oops\n";
	struct rows x;

	(void)state;
	assert_int_equal(
	        read_all(&x, "{\"format\": \"json\", \"kind\": \"roster\"}",
	                 arr, sizeof(arr) - 1),
	        0);
	assert_int_equal(x.n, 3);
	assert_string_equal(field(x.rec[0], "hire_date"), "2026-03-01");
	assert_string_equal(attr(x.rec[0], "email"), "a@x");
	assert_string_equal(x.label[1], "element 2");
	assert_string_equal(x.reason[1],
	                    "\"status\" must be \"active\", "
	                    "\"terminated\" or \"leave\", not \"gone\"");
	assert_string_equal(
	        x.reason[2],
	        "a roster record must be a JSON object, got a number");
	rows_free(&x);
	assert_int_equal(
	        read_all(&x, "{\"format\": \"jsonl\", \"kind\": \"roster\"}",
	                 lines, sizeof(lines) - 1),
	        0);
	assert_int_equal(x.n, 3);
	assert_string_equal(field(x.rec[0], "status"), "leave");
	assert_string_equal(x.label[1], "line 3");
	assert_non_null(strstr(x.reason[1], "unknown key \"x\""));
	assert_non_null(strstr(x.reason[2], "invalid JSON"));
	rows_free(&x);
}

static void expect_config_error(const char *json, const char *path,
                                const char *msg)
{
	struct path_error perr = {{0}, {0}};
	struct input_config in;
	json_t *obj = json_loads(json, 0, NULL);

	assert_non_null(obj);
	assert_int_equal(input_config_parse("t", obj, &in, &perr), -1);
	assert_string_equal(perr.path, path);
	assert_string_equal(perr.message, msg);
	json_decref(obj);
}

static void test_input_config_errors(void **state)
{
	(void)state;
	expect_config_error("{\"employee_id\": \"x\"}", "",
	                    "missing \"format\" (csv, json or jsonl)");
	expect_config_error(
	        "{\"format\": \"csv\"}", "",
	        "missing \"employee_id\": the column that holds the "
	        "employee id");
	expect_config_error(
	        "{\"format\": \"csv\", \"employee_id\": \"I\", "
	        "\"hire_date\": {\"column\": \"H\", \"formats\": "
	        "[\"%Y-%m\"]}}",
	        "hire_date.formats[0]",
	        "date format \"%Y-%m\" must read a year (%Y), a month "
	        "(%m) and a day (%d), or be \"iso8601\"");
	expect_config_error("{\"format\": \"csv\", \"employee_id\": \"I\", "
	                    "\"status\": {\"column\": \"S\", \"values\": "
	                    "{\"Gone\": \"fired\"}}}",
	                    "status.values.Gone",
	                    "status value \"Gone\" must map to \"active\", "
	                    "\"terminated\" or \"leave\"");
	expect_config_error("{\"format\": \"csv\", \"employee_id\": \"I\", "
	                    "\"zone\": \"Europe/Nowhere\"}",
	                    "zone",
	                    "unknown time zone \"Europe/Nowhere\" (expected an "
	                    "IANA name such as \"Europe/Berlin\" or \"UTC\")");
	expect_config_error("{\"format\": \"json\", \"columns\": {}}",
	                    "columns",
	                    "\"columns\" applies to CSV inputs only (a JSON "
	                    "roster has fixed keys: README \"HR exports\")");
	expect_config_error("{\"format\": \"csv\", \"employee_id\": \"I\", "
	                    "\"ignore\": [\"I\"]}",
	                    "ignore[0]",
	                    "column \"I\" is both ignored and used");
	expect_config_error("{\"format\": \"csv\", \"employee_id\": \"I\", "
	                    "\"delimiter\": \"::\"}",
	                    "delimiter",
	                    "\"delimiter\" must be \",\", \";\", \"\\t\" (or "
	                    "\"tab\") or \"|\"");
}

static void test_tz_dst_and_formats(void **state)
{
	static const char *const fmts[] = {"%d.%m.%Y", "iso8601"};
	struct tzdate_cache c;
	struct local_date d;
	char why[300];
	int64_t t;

	(void)state;
	tzdate_cache_init(&c);
	/* New York: EDT (-04:00) in July, EST (-05:00) in January */
	assert_int_equal(tzdate_local(&c, "America/New_York", 2026, 7, 1, 0, 0,
	                              0, &t, why, sizeof(why)),
	                 0);
	assert_int_equal(t, 1782878400);
	assert_int_equal(tzdate_local(&c, "America/New_York", 2026, 1, 1, 0, 0,
	                              0, &t, why, sizeof(why)),
	                 0);
	assert_int_equal(t, 1767243600);
	assert_int_equal(
	        local_date_parse("01.03.2026", fmts, 2, &d, why, sizeof(why)),
	        0);
	assert_int_equal(d.m, 3);
	assert_int_equal(local_date_parse("2026-03-01T10:00:00+02:00", fmts, 2,
	                                  &d, why, sizeof(why)),
	                 0);
	assert_true(d.absolute);
	assert_int_equal(local_date_epoch(&c, &d, "Pacific/Auckland", DAY_END,
	                                  &t, why, sizeof(why)),
	                 0);
	assert_int_equal(t, 1772352000); /* the instant, whatever the zone */
	assert_int_equal(local_date_parse("2026-03-01T10:00", fmts, 2, &d, why,
	                                  sizeof(why)),
	                 0);
	assert_int_equal(local_date_epoch(&c, &d, "UTC", DAY_START, &t, why,
	                                  sizeof(why)),
	                 0);
	assert_int_equal(t, 1772359200);
	tzdate_cache_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_csv_quotes_newline_bom_crlf),
	        cmocka_unit_test(test_csv_semicolon_and_tab),
	        cmocka_unit_test(test_csv_wrong_delimiter_hint),
	        cmocka_unit_test(test_csv_not_utf8),
	        cmocka_unit_test(test_csv_missing_column),
	        cmocka_unit_test(test_csv_unknown_column),
	        cmocka_unit_test(test_csv_bad_rows_go_on),
	        cmocka_unit_test(test_csv_unterminated_quote),
	        cmocka_unit_test(test_zone_dates),
	        cmocka_unit_test(test_json_roster),
	        cmocka_unit_test(test_input_config_errors),
	        cmocka_unit_test(test_tz_dst_and_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
