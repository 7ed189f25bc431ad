/* Allocation failure, curl "torture" style: for every N, the Nth allocation
 * fails, and the parsers (event_parse_line, config_load, tmpl_compile and
 * tmpl_render, rules_parse) must give a clean error — no crash, no leak
 * (ASan/LSan under SANITIZE=1), an error message — until N is past the
 * last allocation and the operation succeeds. The Makefile links this test
 * with -Wl,--wrap for malloc, calloc, realloc, strdup, strndup, asprintf
 * and vasprintf (host code's calls land here); jansson's own allocations
 * come through json_set_alloc_funcs. Jansson's parser itself does not
 * survive a failed allocation (its lexer ignores strbuffer failures and
 * corrupts the heap: akheron/jansson#362, PR #364 never merged), so
 * json_loadb/json_loads (also wrapped) run with failures paused: what is
 * tested is provhost's code around them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <execinfo.h>

#include "config/config.h"
#include "lifecycle/events.h"
#include "lifecycle/rules.h"
#include "lifecycle/template.h"
#include "util/path_error.h"

#include "../lib/unit_helpers.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
int __wrap_asprintf(char **out, const char *fmt, ...);

static long fail_at = -1; /* the allocation that fails; -1: none */
static long seen;         /* allocations since arm() */

/* True when this allocation is the one that fails. */
static int should_fail(void)
{
	void *frames[12];

	if (!(fail_at >= 0 && seen++ == fail_at))
		return 0;
	if (getenv("PH_ALLOCFAIL_TRACE")) /* where the failure lands */
		backtrace_symbols_fd(frames, backtrace(frames, 12), 2);
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	if (should_fail()) {
		*out = NULL;
		return -1;
	}
	return __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __wrap_vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

json_t *__real_json_loadb(const char *buf, size_t len, size_t flags,
                          json_error_t *error);
json_t *__wrap_json_loadb(const char *buf, size_t len, size_t flags,
                          json_error_t *error);

/* jansson's parser with failures paused (see the top). */
json_t *__wrap_json_loadb(const char *buf, size_t len, size_t flags,
                          json_error_t *error)
{
	long saved = fail_at;
	json_t *j;

	fail_at = -1;
	j = __real_json_loadb(buf, len, flags, error);
	fail_at = saved;
	return j;
}

/* jansson's allocator: counted like the others. */
static void *json_alloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

static void arm(long n)
{
	seen = 0;
	fail_at = n;
}

static void disarm(void)
{
	fail_at = -1;
}

/* One operation under test: returns 0 on success (having released what it
 * made) or -1 with a message in err (having released everything). */
typedef int (*op_fn)(const void *ctx, char *err, size_t len);

/* Runs op with the Nth allocation failing, for N = 0, 1, ... until op
 * gets through without reaching the Nth allocation (then it must return
 * want: 0, or -1 for input that is rightly refused). Every failure must
 * say why; a success is allowed only when an allocation failed that the
 * operation can do without. Returns how many allocations op makes. */
static long torture(const char *name, op_fn op, const void *ctx, int want)
{
	char err[8192];
	long n;
	int r;

	for (n = 0;; n++) {
		err[0] = '\0';
		if (getenv("PH_ALLOCFAIL_TRACE"))
			fprintf(stderr, "%s: allocation %ld fails\n", name, n);
		arm(n);
		r = op(ctx, err, sizeof(err));
		disarm();
		if (seen <= n) { /* no allocation failed: done */
			if (r != want)
				fail_msg("%s: returns %d without an allocation "
				         "failure (want %d): %s",
				         name, r, want, err);
			break;
		}
		if (r != 0 && err[0] == '\0')
			fail_msg("%s: allocation %ld failed and the error "
			         "says nothing",
			         name, n);
		if (n > 200000)
			fail_msg("%s: no end to the allocations", name);
	}
	print_message("%s: each of %ld allocations failed once, cleanly\n",
	              name, n);
	return n;
}

/* --- the operations ----------------------------------------------------- */

static int op_event(const void *ctx, char *err, size_t len)
{
	const char *line = ctx;
	struct event ev;

	if (event_parse_line(line, strlen(line), 0, &ev, err, len))
		return -1;
	event_release(&ev);
	return 0;
}

static char dir[] = "/tmp/provhost-allocfail.XXXXXX";

static int op_config(const void *ctx, char *err, size_t len)
{
	struct config *cfg = NULL;
	char path[1100];

	snprintf(path, sizeof(path), "%s/%s", dir, (const char *)ctx);
	if (config_load(path, &cfg, err, len))
		return -1;
	config_free(cfg);
	return 0;
}

static int op_template(const void *ctx, char *err, size_t len)
{
	long saved = fail_at;
	json_t *attrs;
	struct tmpl *t;
	char *out = NULL;
	int r;

	if (tmpl_compile(ctx, &t, err, len))
		return -1;
	fail_at = -1; /* the attributes are test data, not under test */
	attrs = json_pack("{s:s,s:s,s:i}", "first_name", " Ana ", "email",
	                  "Ana.Lopez@Example.COM", "n", 7);
	fail_at = saved;
	assert_non_null(attrs);
	/* out of memory: -1 with an empty "missing" (template.h) */
	r = tmpl_render(t, attrs, &out, err, len);
	if (r && !err[0])
		snprintf(err, len, "render: out of memory");
	free(out);
	tmpl_free(t);
	json_decref(attrs);
	return r ? -1 : 0;
}

static int op_rules(const void *ctx, char *err, size_t len)
{
	struct path_error perr = {"", ""};
	struct rules *rules;
	long saved = fail_at;
	json_t *obj;

	fail_at = -1; /* the JSON is test data */
	obj = json_loads(ctx, 0, NULL);
	fail_at = saved;
	assert_non_null(obj);
	if (rules_parse(obj, &rules, &perr)) {
		snprintf(err, len, "%s: %s", perr.path, perr.message);
		json_decref(obj);
		return perr.message[0] ? -1 : (err[0] = '\0', -1);
	}
	rules_free(rules);
	json_decref(obj);
	return 0;
}

/* --- the tests ---------------------------------------------------------- */

static void test_event_parse_line(void **state)
{
	static const char *lines[] = {
	        ("{\"event\": \"hire\", \"employee_id\": \"E1\", \"id\": "
	         "\"evt-1\", \"effective\": \"2026-03-01\", \"attributes\": "
	         "{\"email\": \"a@x.org\", \"first_name\": \"Ana\", "
	         "\"tags\": null, \"fte\": 0.5, \"remote\": true}}"),
	        ("{\"event\": \"terminate\", \"employee_id\": \"E2\", "
	         "\"attributes\": {}}"),
	        "{\"event\": \"hire\", \"employee_id\": \"\"}", /* rejected */
	        "not json",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct event ev;
		char why[256];
		int want = event_parse_line(lines[i], strlen(lines[i]), 0, &ev,
		                            why, sizeof(why));
		long n;

		if (!want)
			event_release(&ev);
		n = torture("event_parse_line", op_event, lines[i], want);
		if (want == 0)
			assert_true(n > 0);
	}
}

static void write_config(const char *name, const char *text)
{
	th_write_file(dir, name, text, 0600);
}

static void test_config_load(void **state)
{
	char text[4096];

	setenv("PH_ALLOCFAIL_TOKEN", "tok-allocfail", 1);
	snprintf(
	        text, sizeof(text),
	        "{\"state_dir\": \"%s/state\", \"audit_file\": \"%s/a.jsonl\","
	        " \"connections\": [{\"name\": \"c1\", \"connector\": "
	        "\"promapp\", \"settings\": {\"instance_url\": "
	        "\"http://127.0.0.1:1/api/scim\", \"roles\": true}, "
	        "\"secrets\": {\"access_token\": {\"env\": "
	        "\"PH_ALLOCFAIL_TOKEN\"}}, \"mapping\": {\"userName\": "
	        "\"{email|lower}\", \"givenName\": \"{first_name|trim}\", "
	        "\"familyName\": \"{last_name|trim}\", \"timezone\": "
	        "\"{timezone?}\"}, \"roles\": {\"rules\": [{\"name\": \"eng\", "
	        "\"if\": {\"attr\": \"department\", \"equals\": "
	        "\"Engineering\"}, \"grant\": [\"Modeller\"]}, {\"name\": "
	        "\"q\", \"if\": {\"attr\": \"department\", \"in\": [\"Q\", "
	        "\"C\"]}, \"grant\": [\"Expert\"]}], \"default\": "
	        "[\"Viewer\"]}, \"policy\": {\"no_match\": \"deprovision\", "
	        "\"max_deprovisions_per_run\": 5}, \"engine\": {\"workers\": "
	        "2}}]}",
	        dir, dir);
	write_config("good.json", text);
	assert_true(torture("config_load", op_config, "good.json", 0) > 0);
	/* a config with problems: every allocation failure still reports */
	write_config("bad.json",
	             "{\"connections\": [{\"name\": \"c1\", \"connector\": "
	             "\"promapp\", \"mapping\": {\"userName\": \"{email|nosuch}"
	             "\"}, \"roles\": {\"rules\": [{\"if\": {\"attr\": 1}}]}, "
	             "\"engine\": {\"workers\": -1}}]}");
	torture("config_load (invalid)", op_config, "bad.json", -1);
}

static void test_template(void **state)
{
	assert_true(torture("tmpl_compile+render", op_template,
	                    "{first_name|trim}.{email|lower}-{n}{missing?}",
	                    0) > 0);
	torture("tmpl_compile (invalid)", op_template, "{first_name|nosuch",
	        -1);
}

static void test_rules(void **state)
{
	torture("rules_parse", op_rules,
	        "{\"rules\": [{\"name\": \"eng\", \"if\": {\"attr\": "
	        "\"department\", \"equals\": \"Engineering\"}, \"grant\": "
	        "[\"Modeller\", \"Viewer\"]}, {\"name\": \"x\", \"if\": "
	        "{\"attr\": \"title\", \"prefix\": \"Head\"}}], \"default\": "
	        "[\"Viewer\"]}",
	        0);
	torture("rules_parse (invalid)", op_rules,
	        "{\"rules\": [{\"name\": \"eng\", \"if\": {\"attr\": 1}}]}",
	        -1);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	json_set_alloc_funcs(json_alloc, free);
	return 0;
}

static int teardown(void **state)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_event_parse_line),
	        cmocka_unit_test(test_config_load),
	        cmocka_unit_test(test_template),
	        cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
