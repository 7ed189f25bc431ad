/* Host services seen by a connector (through the "fake" fixture): secrets,
 * log context and redaction, planned_write hooks, error hygiene, and the
 * host's side of the op contracts in <provhost/connector.h>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/unit_helpers.h"
#include "connector/bind.h"
#include "connector/instance.h"
#include "util/clock.h"
#include "util/log.h"

struct fixture {
	struct config *cfg;
	struct plugin_set *set;
	char dir[64];
};

static struct connection *conn_named(struct fixture *f, const char *name)
{
	struct connection *c = config_find_connection(f->cfg, name);

	assert_non_null(c);
	return c;
}

static int setup(void **state)
{
	static struct fixture f;
	char path[128], fixtures[1024], err[4096];
	FILE *out;

	th_build_path(fixtures, sizeof(fixtures), "fixtures");
	strcpy(f.dir, "/tmp/provhost-inst-XXXXXX");
	if (!mkdtemp(f.dir))
		return -1;
	snprintf(path, sizeof(path), "%s/p.json", f.dir);
	out = fopen(path, "w");
	fputs("{\"connections\": [\n"
	      " {\"name\": \"ok\", \"connector\": \"fake\", \"settings\": "
	      "{\"mode\": \"ok\"}, \"secrets\": {\"token\": {\"env\": "
	      "\"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"leak\", \"connector\": \"fake\", \"settings\": "
	      "{\"mode\": \"leak\"}, \"secrets\": {\"token\": {\"env\": "
	      "\"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"openfail\", \"connector\": \"fake\", "
	      "\"settings\": {\"mode\": \"open-fail\"}, \"secrets\": "
	      "{\"token\": {\"env\": \"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"opendirty\", \"connector\": \"fake\", "
	      "\"settings\": {\"mode\": \"open-fail-dirty\"}, \"secrets\": "
	      "{\"token\": {\"env\": \"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"longid\", \"connector\": \"fake\", "
	      "\"settings\": {\"mode\": \"long-id\"}, \"secrets\": "
	      "{\"token\": {\"env\": \"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"candidate\", \"connector\": \"fake\", "
	      "\"settings\": {\"mode\": \"candidate\"}, \"secrets\": "
	      "{\"token\": {\"env\": \"PH_INST_TOKEN\"}}},\n"
	      " {\"name\": \"old\", \"connector\": \"frozen\"}]}\n",
	      out);
	fclose(out);
	setenv("PH_INST_TOKEN", "tok-inst-9876", 1);
	if (config_load(path, &f.cfg, err, sizeof(err)) ||
	    config_bind_connectors(f.cfg, fixtures, &f.set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(f->cfg);
	loader_free(f->set);
	return th_rm_rf(f->dir);
}

/* Runs fn with stderr captured into buf. */
static void capture_stderr(void (*fn)(void *), void *arg, char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void test_open_authenticate(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;

	assert_int_equal(instance_open(conn_named(f, "ok"), NULL, &inst, &err),
	                 PROVHOST_OK);
	instance_call_init(&call, 0, clock_mono_ms() + 1000, "e1", "emp1",
	                   NULL);
	assert_int_equal(instance_authenticate(inst, &call, &res, &err),
	                 PROVHOST_OK);
	assert_string_equal(res.detail, "token accepted by the fake target");
	assert_int_equal(res.remote_code, 200);
	assert_int_equal(
	        instance_provision(inst, &call, NULL, "{}", &res, &err),
	        PROVHOST_OK);
	assert_string_equal(res.account_id, "fake-1");
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_CREATED);
	instance_close(inst);
}

struct leak_run {
	struct connection *conn;
	int32_t open_status, auth_status;
	provhost_error err;
};

static void run_leak(void *arg)
{
	struct leak_run *r = arg;
	struct instance *inst = NULL;
	provhost_result res;
	provhost_call call;

	r->open_status = instance_open(r->conn, NULL, &inst, &r->err);
	if (r->open_status != PROVHOST_OK)
		return;
	instance_call_init(&call, 0, 0, "ev-7", "E042", NULL);
	r->auth_status = instance_authenticate(inst, &call, &res, &r->err);
	instance_close(inst);
}

static void test_log_context_and_redaction(void **state)
{
	struct fixture *f = *state;
	struct leak_run r = {conn_named(f, "leak"), 0, 0, {0}};
	char out[4096];

	log_set_level(PROVHOST_LOG_INFO);
	capture_stderr(run_leak, &r, out, sizeof(out));
	log_set_level(PROVHOST_LOG_WARN);
	assert_int_equal(r.open_status, PROVHOST_OK);
	assert_string_equal(out,
	                    "provhost: [INFO] connection \"leak\": opened in "
	                    "mode leak\n"
	                    "provhost: [WARN] connection \"leak\": careless "
	                    "debug line: token=[REDACTED]\n"
	                    "provhost: [INFO] connection \"leak\" event ev-7 "
	                    "employee E042: authenticating\n");
	assert_int_equal(r.auth_status, PROVHOST_E_CREDENTIAL);
	assert_int_equal(r.err.status, PROVHOST_E_CREDENTIAL);
	assert_int_equal(r.err.remote_code, 401);
	assert_string_equal(r.err.message, "token [REDACTED] was rejected");

	/* default verbosity WARN drops the INFO line */
	capture_stderr(run_leak, &r, out, sizeof(out));
	assert_null(strstr(out, "[INFO]"));
	assert_non_null(strstr(out, "[WARN]"));
}

static void test_open_failure(void **state)
{
	struct fixture *f = *state;
	struct instance *inst = (struct instance *)1;
	provhost_error err;

	assert_int_equal(
	        instance_open(conn_named(f, "openfail"), NULL, &inst, &err),
	        PROVHOST_E_CONFIG);
	assert_null(inst);
	assert_int_equal(err.status, PROVHOST_E_CONFIG);
	assert_string_equal(err.message,
	                    "cannot open: the fake target refuses (open-fail)");
}

static void emit_copy(void *ctx, const char *json, size_t len);

struct open_run {
	struct connection *conn;
	struct instance *inst;
	int32_t status;
	provhost_error err;
};

static void run_open(void *arg)
{
	struct open_run *r = arg;

	r->status = instance_open(r->conn, NULL, &r->inst, &r->err);
	instance_close(r->inst);
}

/* A failed open that left an instance in *out: the host ignores it and
 * never calls close (fake's close would log). */
static void test_open_failure_ignores_out(void **state)
{
	struct fixture *f = *state;
	struct open_run r = {.conn = conn_named(f, "opendirty")};
	char out[4096];

	log_set_level(PROVHOST_LOG_DEBUG);
	capture_stderr(run_open, &r, out, sizeof(out));
	log_set_level(PROVHOST_LOG_WARN);
	assert_int_equal(r.status, PROVHOST_E_CONFIG);
	assert_null(r.inst);
	assert_string_equal(r.err.message,
	                    "cannot open: the fake target refuses (open-fail)");
	assert_null(strstr(out, "close called after a failed open"));
}

/* Whatever the caller's structs held, the connector sees them zeroed with
 * struct_size set (fake fails each op otherwise). */
static void test_ops_get_fresh_structs(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;
	char got[64] = "";

	memset(&err, 0xab, sizeof(err));
	assert_int_equal(instance_open(conn_named(f, "ok"), NULL, &inst, &err),
	                 PROVHOST_OK);
	instance_call_init(&call, 0, 0, NULL, NULL, NULL);
	memset(&res, 0xab, sizeof(res));
	memset(&err, 0xab, sizeof(err));
	assert_int_equal(instance_authenticate(inst, &call, &res, &err),
	                 PROVHOST_OK);
	memset(&res, 0xab, sizeof(res));
	memset(&err, 0xab, sizeof(err));
	assert_int_equal(
	        instance_provision(inst, &call, NULL, "{}", &res, &err),
	        PROVHOST_OK);
	memset(&res, 0xab, sizeof(res));
	memset(&err, 0xab, sizeof(err));
	assert_int_equal(
	        instance_deprovision(inst, &call, "fake-1", NULL, &res, &err),
	        PROVHOST_OK);
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_ABSENT);
	memset(&err, 0xab, sizeof(err));
	assert_int_equal(instance_lookup(inst, &call, "fake-1", NULL, emit_copy,
	                                 got, &err),
	                 PROVHOST_OK);
	instance_close(inst);
}

/* An id of 255 bytes is returned intact; one that fills account_id
 * without a NUL is an error, never a truncated link. */
static void test_long_account_id(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;
	char want[256];

	memset(want, 'x', 255);
	want[255] = '\0';
	assert_int_equal(
	        instance_open(conn_named(f, "longid"), NULL, &inst, &err),
	        PROVHOST_OK);
	instance_call_init(&call, 0, 0, NULL, NULL, NULL);
	assert_int_equal(
	        instance_provision(inst, &call, NULL, "{}", &res, &err),
	        PROVHOST_OK);
	assert_string_equal(res.account_id, want);
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_CREATED);
	assert_int_equal(instance_provision(inst, &call, NULL,
	                                    "{\"userName\":\"overlong\"}", &res,
	                                    &err),
	                 PROVHOST_E_PROTOCOL);
	assert_int_equal(err.status, PROVHOST_E_PROTOCOL);
	assert_int_equal(err.retryable, 0);
	assert_string_equal(err.message,
	                    "connector \"fake\" returned an account id longer "
	                    "than 255 bytes");
	assert_string_equal(res.account_id, "");
	instance_close(inst);
}

struct plan {
	char method[16], target[64], body[128];
	int calls;
};

static void record_plan(void *ctx, const char *method, const char *target,
                        const char *body)
{
	struct plan *p = ctx;

	snprintf(p->method, sizeof(p->method), "%s", method);
	snprintf(p->target, sizeof(p->target), "%s", target);
	snprintf(p->body, sizeof(p->body), "%s", body ? body : "(null)");
	p->calls++;
}

static void test_planned_write_hooks(void **state)
{
	struct fixture *f = *state;
	struct plan plan = {{0}, {0}, {0}, 0};
	struct call_hooks hooks = {record_plan, &plan};
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;

	assert_int_equal(instance_open(conn_named(f, "ok"), NULL, &inst, &err),
	                 PROVHOST_OK);
	instance_call_init(&call, PROVHOST_CALL_DRY_RUN, 0, NULL, NULL, &hooks);
	assert_int_equal(instance_provision(inst, &call, NULL,
	                                    "{\"userName\":\"a\","
	                                    "\"x\":\"tok-inst-9876\"}",
	                                    &res, &err),
	                 PROVHOST_OK);
	assert_int_equal(plan.calls, 1);
	assert_string_equal(plan.method, "POST");
	assert_string_equal(plan.target, "/Users");
	assert_string_equal(plan.body,
	                    "{\"userName\":\"a\",\"x\":\"[REDACTED]\"}");
	assert_string_equal(res.account_id, "");
	instance_close(inst);
}

static void test_deadline_pace(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;

	assert_int_equal(instance_open(conn_named(f, "ok"), NULL, &inst, &err),
	                 PROVHOST_OK);
	/* a deadline in the past: pace says timeout, the op reports it */
	instance_call_init(&call, 0, 1, NULL, NULL, NULL);
	assert_int_equal(
	        instance_provision(inst, &call, NULL, "{}", &res, &err),
	        PROVHOST_E_TIMEOUT);
	assert_int_equal(err.retryable, 1);
	instance_close(inst);
}

static void emit_copy(void *ctx, const char *json, size_t len)
{
	snprintf(ctx, 64, "%.*s", (int)len, json);
}

static void test_lookup(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_error err;
	provhost_call call;
	char got[64] = "";

	assert_int_equal(instance_open(conn_named(f, "ok"), NULL, &inst, &err),
	                 PROVHOST_OK);
	instance_call_init(&call, 0, 0, NULL, NULL, NULL);
	assert_int_equal(instance_lookup(inst, &call, "fake-1", NULL, emit_copy,
	                                 got, &err),
	                 PROVHOST_OK);
	assert_string_equal(got, "{\"id\":\"fake-1\"}");
	instance_close(inst);
}

/* ABI 1.1 wrappers on connectors that lack the 1.1 features: the frozen
 * v1.0 connector (its ops table ends before list) and fake (no list, no
 * no-adopt). Nothing is called; the messages name the connector. */
static void test_v1_1_unsupported(void **state)
{
	struct fixture *f = *state;
	const char *names[] = {"old", "ok"}, *conns[] = {"frozen", "fake"};
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;
	char want[128], got[64] = "";

	for (int i = 0; i < 2; i++) {
		assert_int_equal(instance_open(conn_named(f, names[i]), NULL,
		                               &inst, &err),
		                 PROVHOST_OK);
		assert_false(instance_can_list(inst));
		assert_false(instance_can_no_adopt(inst));
		instance_call_init(&call, 0, 0, NULL, NULL, NULL);
		assert_int_equal(
		        instance_list(inst, &call, emit_copy, got, &err),
		        PROVHOST_E_UNSUPPORTED);
		snprintf(want, sizeof want,
		         "connector \"%s\" cannot list accounts", conns[i]);
		assert_string_equal(err.message, want);
		assert_int_equal(err.status, PROVHOST_E_UNSUPPORTED);
		instance_call_init(&call, PROVHOST_CALL_NO_ADOPT, 0, NULL, NULL,
		                   NULL);
		assert_int_equal(
		        instance_provision(inst, &call, NULL, "{}", &res, &err),
		        PROVHOST_E_UNSUPPORTED);
		snprintf(want, sizeof want,
		         "connector \"%s\" cannot report an existing account "
		         "without adopting it (no-adopt needs connector ABI "
		         "1.1)",
		         conns[i]);
		assert_string_equal(err.message, want);
		instance_close(inst);
	}
	assert_string_equal(got, ""); /* nothing was emitted */
}

/* A candidate outcome the host did not ask for is a protocol error, and
 * the members are not trusted. */
static void test_candidate_not_asked_for(void **state)
{
	struct fixture *f = *state;
	struct instance *inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;

	assert_int_equal(
	        instance_open(conn_named(f, "candidate"), NULL, &inst, &err),
	        PROVHOST_OK);
	instance_call_init(&call, 0, 0, NULL, NULL, NULL);
	assert_int_equal(
	        instance_provision(inst, &call, NULL, "{}", &res, &err),
	        PROVHOST_E_PROTOCOL);
	assert_string_equal(err.message,
	                    "connector \"fake\" reported a candidate account "
	                    "although the call did not ask for one");
	assert_int_equal(res.struct_size, sizeof(provhost_result));
	instance_close(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_open_authenticate),
	        cmocka_unit_test(test_log_context_and_redaction),
	        cmocka_unit_test(test_open_failure),
	        cmocka_unit_test(test_open_failure_ignores_out),
	        cmocka_unit_test(test_ops_get_fresh_structs),
	        cmocka_unit_test(test_long_account_id),
	        cmocka_unit_test(test_planned_write_hooks),
	        cmocka_unit_test(test_deadline_pace),
	        cmocka_unit_test(test_lookup),
	        cmocka_unit_test(test_v1_1_unsupported),
	        cmocka_unit_test(test_candidate_not_asked_for),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
