/* Issue 11 item 7 at the connector: a userName lookup believes the
 * answer's totalResults. The SCIM core (through promapp.so, and scim.so for
 * a target that cannot filter) pages through the results when the target
 * pages, and fails clearly (retryable or not) when the answers fall short;
 * it never creates or links on an incomplete answer. A scripted loopback
 * server stands in for the target: it answers each GET with the first
 * scripted body whose needle is in the request line, and counts writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <provhost/connector.h>

#include "../lib/http_stub.h"
#include "../lib/unit_helpers.h"

#define LIST                                                                   \
	"{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"               \
	"ListResponse\"]"
#define JO                                                                     \
	"{\"id\":\"7\",\"userName\":\"jo@example.org\",\"name\":{"             \
	"\"givenName\":\"Jo\",\"familyName\":\"Ex\"},\"emails\":[{\"value\":"  \
	"\"jo@example.org\",\"type\":\"work\",\"primary\":true}],\"active\":"  \
	"true}"
#define JO_UPPER                                                               \
	"{\"id\":\"8\",\"userName\":\"JO@example.org\",\"name\":{"             \
	"\"givenName\":\"Jo\",\"familyName\":\"Ex\"},\"emails\":[{\"value\":"  \
	"\"jo@example.org\",\"type\":\"work\",\"primary\":true}],\"active\":"  \
	"true}"
#define OTHER "{\"id\":\"3\",\"userName\":\"other@example.org\"}"

static const char record[] =
        "{\"userName\":\"jo@example.org\",\"name\":{\"givenName\":\"Jo\","
        "\"familyName\":\"Ex\"},\"emails\":[{\"value\":\"jo@example.org\","
        "\"type\":\"work\",\"primary\":true}],\"active\":true}";

static const provhost_connector *promapp, *generic;

static int64_t fake_now_ms(provhost_host *host)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fake_log(provhost_host *host, const provhost_call *call,
                     int32_t level, const char *message)
{
}

static int32_t fake_get_secret(provhost_host *host, const char *key, char *buf,
                               size_t buf_size, size_t *len)
{
	static const char token[] = "tok-unit-find-42";

	*len = sizeof token - 1;
	if (buf_size < sizeof token)
		return PROVHOST_E_INVALID_INPUT;
	memcpy(buf, token, sizeof token);
	return PROVHOST_OK;
}

static void fake_planned_write(provhost_host *host, const provhost_call *call,
                               const char *method, const char *target,
                               const char *body)
{
}

static const provhost_host_api api = {
        .struct_size = sizeof(provhost_host_api),
        .abi_minor = PROVHOST_CONNECTOR_ABI_MINOR,
        .log = fake_log,
        .get_secret = fake_get_secret,
        .now_ms = fake_now_ms,
        .planned_write = fake_planned_write,
};

static int setup(void **state)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	promapp = th_load_connector("plugins/promapp.so");
	generic = th_load_connector("plugins/scim.so");
	return promapp && generic ? 0 : -1;
}

static int teardown(void **state)
{
	curl_global_cleanup();
	return 0; /* never dlclose an accepted connector */
}

/* One scripted answer: to a GET whose request line holds needle (NULL:
 * any GET), 200 with body. */
struct answer {
	const char *needle;
	const char *body;
};

struct server {
	int fd;
	char base[64];
	pthread_t thread;
	const struct answer *script; /* ends with {NULL, body} */
	int writes, gets;
	char last_get[512];
};

static void answer_get(struct server *s, int c, const char *req)
{
	size_t line = strcspn(req, "\r\n");

	s->gets++;
	snprintf(s->last_get, sizeof s->last_get, "%.*s", (int)line, req);
	for (const struct answer *a = s->script;; a++) {
		if (!a->needle ||
		    memmem(req, line, a->needle, strlen(a->needle))) {
			th_http_respond(c, "200 OK", a->body);
			return;
		}
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	char buf[16384];
	int c;

	while ((c = accept(s->fd, NULL, NULL)) >= 0) {
		while (th_http_read_request(c, buf, sizeof buf) > 0) {
			if (strncmp(buf, "GET ", 4) == 0) {
				answer_get(s, c, buf);
				continue;
			}
			s->writes++;
			th_http_respond(c, "201 Created", JO);
		}
		close(c);
	}
	return NULL;
}

static void server_start(struct server *s, const struct answer *script)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;

	memset(s, 0, sizeof *s);
	s->script = script;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s->fd, 4), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u",
	         ntohs(a.sin_port));
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->thread, NULL);
}

/* Provisions record through conn against script; fills res and err and
 * returns the status. *srv is stopped on return (its counters kept). */
static int provision(const provhost_connector *conn,
                     const struct answer *script, struct server *srv,
                     provhost_result *res, provhost_error *err)
{
	provhost_call call = {.struct_size = sizeof call};
	provhost_instance *inst = NULL;
	char settings[160];
	int rc;

	server_start(srv, script);
	if (conn == promapp)
		snprintf(settings, sizeof settings,
		         "{\"instance_url\":\"%s\",\"timeout_ms\":5000}",
		         srv->base);
	else
		snprintf(settings, sizeof settings,
		         "{\"base_url\":\"%s/scim/v2\",\"timeout_ms\":5000,"
		         "\"create_first\":false}",
		         srv->base);
	rc = conn->ops->open(&api, NULL, settings, strlen(settings), &inst,
	                     err);
	if (rc != PROVHOST_OK)
		fail_msg("open: %s", err->message);
	rc = conn->ops->provision(inst, &call, NULL, record, strlen(record),
	                          res, err);
	conn->ops->close(inst);
	server_stop(srv);
	return rc;
}

static void expect_failure(int rc, const provhost_error *err, int status,
                           int retryable, const char *message)
{
	if (rc != status)
		fail_msg("status %d, want %d: %s", rc, status, err->message);
	assert_int_equal(err->retryable, retryable);
	if (!strstr(err->message, message))
		fail_msg("'%s' lacks '%s'", err->message, message);
	assert_non_null(strstr(err->message, "nothing was created or linked"));
}

/* totalResults 5 and no resources, also when a page is asked for: no
 * POST, a non-retryable error. */
static void total_without_resources_fails(void **state)
{
	static const struct answer script[] = {
	        {NULL, LIST ",\"totalResults\":5,\"Resources\":[]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(promapp, script, &srv, &res, &err);
	expect_failure(rc, &err, PROVHOST_E_PROTOCOL, 0,
	               "promapp answered 200 to GET /Users?filter=... with "
	               "totalResults 5 but no resources at startIndex 1 (count "
	               "100), so the lookup of 'jo@example.org' is incomplete");
	assert_non_null(strstr(err.message, "(not retryable: "));
	assert_int_equal(srv.writes, 0);
	assert_int_equal(srv.gets, 2);
	assert_non_null(strstr(srv.last_get, "&startIndex=1&count=100 "));
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_NONE);
}

/* A target that pages its filter results: the match on page 2 is linked,
 * not created. */
static void the_match_on_page_two_is_linked(void **state)
{
	static const struct answer script[] = {
	        {"startIndex=2&count=100",
	         LIST ",\"totalResults\":2,\"startIndex\":2,\"Resources\":[" JO
	              "]}"},
	        {NULL,
	         LIST ",\"totalResults\":2,\"startIndex\":1,\"Resources\":"
	              "[" OTHER "]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(promapp, script, &srv, &res, &err);
	if (rc != PROVHOST_OK)
		fail_msg("provision: %s", err.message);
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_UNCHANGED);
	assert_string_equal(res.account_id, "7");
	assert_int_equal(srv.writes, 0);
	assert_int_equal(srv.gets, 2);
}

/* totalResults 2 with one match on page 1 and a second (differing in case)
 * on page 2: a conflict, not a link to the first. */
static void a_second_match_on_page_two_is_a_conflict(void **state)
{
	static const struct answer script[] = {
	        {"startIndex=2&count=100",
	         LIST ",\"totalResults\":2,\"Resources\":[" JO_UPPER "]}"},
	        {NULL, LIST ",\"totalResults\":2,\"Resources\":[" JO "]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(promapp, script, &srv, &res, &err);
	assert_int_equal(rc, PROVHOST_E_CONFLICT);
	assert_non_null(strstr(err.message, "promapp has 2 accounts whose "
	                                    "userName is 'jo@example.org'"));
	assert_int_equal(srv.writes, 0);
	assert_string_equal(res.account_id, "");
}

/* totalResults 2, one resource, then an empty page: the set changed (or
 * the target lies); retryable, not linked. */
static void an_empty_later_page_is_retryable(void **state)
{
	static const struct answer script[] = {
	        {"startIndex=2", LIST ",\"totalResults\":2,\"Resources\":[]}"},
	        {NULL, LIST ",\"totalResults\":2,\"Resources\":[" JO "]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(promapp, script, &srv, &res, &err);
	expect_failure(rc, &err, PROVHOST_E_TRANSIENT, 1,
	               "with an empty page at startIndex 2 after 1 of "
	               "totalResults 2");
	assert_non_null(strstr(err.message, "(retryable: the accounts may "
	                                    "have changed while paging)"));
	assert_int_equal(srv.writes, 0);
	assert_string_equal(res.account_id, "");
}

/* A target that ignores startIndex (answers page 1 again) cannot be
 * paged: not retryable, no false "2 accounts" conflict. */
static void an_ignored_start_index_fails(void **state)
{
	static const struct answer script[] = {
	        {NULL,
	         LIST ",\"totalResults\":2,\"startIndex\":1,\"Resources\":"
	              "[" OTHER "]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(promapp, script, &srv, &res, &err);
	expect_failure(rc, &err, PROVHOST_E_PROTOCOL, 0,
	               "for startIndex 2 with startIndex 1: it does not page "
	               "these results");
	assert_int_equal(srv.writes, 0);
}

/* A target that cannot filter is paged through /Users: a page cut short
 * of totalResults fails instead of ending the search with "none". */
static void unfiltered_paging_believes_total_results(void **state)
{
	static const struct answer script[] = {
	        {"/ServiceProviderConfig",
	         "{\"patch\":{\"supported\":false},\"filter\":{\"supported\":"
	         "false}}"},
	        {"startIndex=2&count=100",
	         LIST ",\"totalResults\":250,\"Resources\":[]}"},
	        {NULL, LIST ",\"totalResults\":250,\"Resources\":[" OTHER "]}"},
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	struct server srv;

	int rc = provision(generic, script, &srv, &res, &err);
	expect_failure(rc, &err, PROVHOST_E_TRANSIENT, 1,
	               "scim answered 200 to GET /Users with an empty page at "
	               "startIndex 2 after 1 of totalResults 250");
	assert_int_equal(srv.writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(total_without_resources_fails),
	        cmocka_unit_test(the_match_on_page_two_is_linked),
	        cmocka_unit_test(a_second_match_on_page_two_is_a_conflict),
	        cmocka_unit_test(an_empty_later_page_is_retryable),
	        cmocka_unit_test(an_ignored_start_index_fails),
	        cmocka_unit_test(unfiltered_paging_believes_total_results),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
