/* Unit tests for the Promapp connector as the host sees it: it is loaded
 * from $BUILD/plugins/promapp.so (tests/run sets BUILD) and driven through
 * the ABI with a fake host API: descriptor, settings validation, open, and
 * failures that need no server. */
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

#define TOKEN "tok-unit-S3cr3t-9x"

static const provhost_connector *conn;
static const char *secret_value = TOKEN;
static char last_log[1024];
static char ca_path[64]; /* a CA file that exists, for settings naming one */

static int64_t fake_now_ms(provhost_host *host)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fake_log(provhost_host *host, const provhost_call *call,
                     int32_t level, const char *message)
{
	snprintf(last_log, sizeof last_log, "%s", message);
}

static int32_t fake_get_secret(provhost_host *host, const char *key, char *buf,
                               size_t buf_size, size_t *len)
{
	if (!secret_value || strcmp(key, "access_token") != 0)
		return PROVHOST_E_NOT_FOUND;
	*len = strlen(secret_value);
	if (*len + 1 > buf_size)
		return PROVHOST_E_INVALID_INPUT;
	memcpy(buf, secret_value, *len + 1);
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

static int load_plugin(void **state)
{
	conn = th_load_connector("plugins/promapp.so");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return conn ? 0 : -1;
}

static int unload_plugin(void **state)
{
	if (ca_path[0])
		unlink(ca_path);
	curl_global_cleanup();
	return 0; /* never dlclose an accepted connector */
}

static void descriptor_is_complete(void **state)
{
	assert_int_equal(conn->magic, PROVHOST_CONNECTOR_MAGIC);
	assert_int_equal(conn->abi_major, 1);
	assert_int_equal(conn->struct_size, sizeof(provhost_connector));
	assert_string_equal(conn->name, "promapp");
	assert_string_equal(conn->version, "1.0.0");
	assert_string_equal(conn->vendor, "provhost");
	assert_string_equal(conn->license, "MIT");
	assert_int_equal(conn->capabilities,
	                 PROVHOST_CAP_LOOKUP | PROVHOST_CAP_DRY_RUN |
	                         PROVHOST_CAP_ROLES | PROVHOST_CAP_REACTIVATE |
	                         PROVHOST_CAP_LIST | PROVHOST_CAP_NO_ADOPT |
	                         PROVHOST_CAP_ETAG);
	assert_non_null(conn->ops->lookup);
	assert_true(PROVHOST_HAS_FIELD(conn->ops, provhost_ops, list));
	assert_non_null(conn->ops->list);
	assert_int_equal(conn->min_host_minor, 0); /* 1.1 is optional */
	assert_int_equal(conn->setting_size, sizeof(provhost_setting));
	int saw_token = 0;
	for (uint32_t i = 0; i < conn->n_settings; i++) {
		const provhost_setting *s = &conn->settings[i];
		if (strcmp(s->key, "access_token") == 0) {
			saw_token = 1;
			assert_int_equal(s->flags,
			                 PROVHOST_SETTING_SECRET |
			                         PROVHOST_SETTING_REQUIRED);
		}
		if (strcmp(s->key, "instance_url") == 0)
			assert_string_equal(s->default_value,
			                    "https://api.promapp.com");
	}
	assert_true(saw_token);
}

struct cfg_case {
	const char *json;
	int status;
	const char *message; /* substring; NULL for ok */
};

static void make_ca_file(void)
{
	int fd;

	if (ca_path[0])
		return;
	snprintf(ca_path, sizeof ca_path, "/tmp/provhost-unit-ca.XXXXXX");
	fd = mkstemp(ca_path);
	assert_true(fd >= 0);
	close(fd);
}

static void validate_config_names_the_key(void **state)
{
	char full[512];

	make_ca_file();
	snprintf(full, sizeof full,
	         "{\"instance_url\":\"https://api.promapp.com/api/scim/\","
	         "\"timeout_ms\":5000,\"connect_timeout_ms\":1000,\"roles\":"
	         "true,\"ca_file\":\"%s\",\"user_agent\":\"x\"}",
	         ca_path);
	const struct cfg_case cases[] = {
	        {"{}", PROVHOST_OK, NULL},
	        {"", PROVHOST_OK, NULL},
	        {full, PROVHOST_OK, NULL},
	        {"{\"ca_file\":\"/nonexistent/provhost/ca.pem\"}",
	         PROVHOST_E_CONFIG,
	         "setting 'ca_file': cannot use "
	         "'/nonexistent/provhost/ca.pem': "
	         "No such file or directory"},
	        {"{\"ca_file\":\"/\"}", PROVHOST_E_CONFIG,
	         "setting 'ca_file': '/' is not a regular file"},
	        {"{\"instance_url\":\"http://api.promapp.com\"}",
	         PROVHOST_E_CONFIG, "setting 'instance_url' must use https://"},
	        {"{\"instance_url\":\"https://go.promapp.com/acme\"}",
	         PROVHOST_E_CONFIG, "setting 'instance_url' has path '/acme'"},
	        {"{\"instance_url\":5}", PROVHOST_E_CONFIG,
	         "setting 'instance_url' must be a string"},
	        {"{\"instance_url\":\"https://u:" TOKEN "@api.promapp.com\"}",
	         PROVHOST_E_CONFIG, "setting 'instance_url' must not contain"},
	        {"{\"timeout_ms\":\"30000\"}", PROVHOST_E_CONFIG,
	         "setting 'timeout_ms' must be an integer"},
	        {"{\"timeout_ms\":0}", PROVHOST_E_CONFIG,
	         "setting 'timeout_ms' must be an integer from 100 to 600000"},
	        {"{\"connect_timeout_ms\":1e3}", PROVHOST_E_CONFIG,
	         "setting 'connect_timeout_ms'"},
	        {"{\"roles\":\"yes\"}", PROVHOST_E_CONFIG,
	         "setting 'roles' must be true or false"},
	        {"{\"user_agent\":\"a\\nb\"}", PROVHOST_E_CONFIG,
	         "setting 'user_agent' contains control characters"},
	        {"{\"ca_file\":[]}", PROVHOST_E_CONFIG,
	         "setting 'ca_file' must be a string"},
	        {"{\"access_token\":\"" TOKEN "\"}", PROVHOST_E_CONFIG,
	         "setting 'access_token' is a secret"},
	        {"{\"instanceUrl\":\"x\"}", PROVHOST_E_CONFIG,
	         "unknown setting 'instanceUrl'"},
	        {"[1]", PROVHOST_E_CONFIG, "settings must be a JSON object"},
	        {"{\"a\":", PROVHOST_E_CONFIG, "settings are not valid JSON"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		provhost_error err = {.struct_size = sizeof err};
		int rc = conn->ops->validate_config(
		        cases[i].json, strlen(cases[i].json), &err);
		if (rc != cases[i].status)
			fail_msg("%s: status %d, want %d (%s)", cases[i].json,
			         rc, cases[i].status, err.message);
		if (cases[i].message && !strstr(err.message, cases[i].message))
			fail_msg("%s: '%s' lacks '%s'", cases[i].json,
			         err.message, cases[i].message);
		assert_null(strstr(err.message, TOKEN));
	}
}

static provhost_instance *open_at(const char *settings, provhost_error *err)
{
	provhost_instance *inst = NULL;
	int rc = conn->ops->open(&api, NULL, settings, strlen(settings), &inst,
	                         err);
	if (rc != PROVHOST_OK)
		return NULL;
	return inst;
}

static void open_needs_the_secret(void **state)
{
	provhost_error err = {.struct_size = sizeof err};

	secret_value = NULL;
	assert_null(open_at("{}", &err));
	assert_int_equal(err.status, PROVHOST_E_CONFIG);
	assert_string_equal(err.message,
	                    "secret 'access_token' is not set for this "
	                    "connection");
	secret_value = "two words";
	assert_null(open_at("{}", &err));
	assert_non_null(strstr(err.message, "contains whitespace"));
	assert_null(strstr(err.message, "two words"));
	secret_value = TOKEN;
}

static void long_secrets_are_read_in_full(void **state)
{
	provhost_error err = {.struct_size = sizeof err};
	char *big = malloc(5001);

	memset(big, 'k', 5000);
	big[5000] = '\0';
	secret_value = big;
	provhost_instance *inst = open_at("{}", &err);
	assert_non_null(inst);
	conn->ops->close(inst);
	secret_value = TOKEN;
	free(big);
}

/* Settings for a loopback port where nothing listens: a socket bound but
 * never listened on, kept open for the whole test run. */
static char dead_settings[256];
static char dead_base[64];

static void make_dead_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(dead_base, sizeof dead_base, "http://127.0.0.1:%u/api/scim",
	         ntohs(a.sin_port));
	snprintf(dead_settings, sizeof dead_settings,
	         "{\"instance_url\":\"%s\",\"connect_timeout_ms\":2000,"
	         "\"timeout_ms\":3000}",
	         dead_base);
}

static void invalid_records_fail_before_any_io(void **state)
{
	static const char *const records[] = {
	        "",
	        "not json",
	        "[]",
	        "{\"userName\":\"" TOKEN "\"}",
	        ("{\"userName\":\"a\",\"name\":{\"givenName\":\"A\","
	         "\"familyName\":\"B\"},\"emails\":[],\"active\":1}"),
	};
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	provhost_call call = {.struct_size = sizeof call};
	provhost_instance *inst;

	make_dead_port();
	inst = open_at(dead_settings, &err);
	assert_non_null(inst);
	for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
		int rc = conn->ops->provision(inst, &call, NULL, records[i],
		                              strlen(records[i]), &res, &err);
		assert_int_equal(rc, PROVHOST_E_INVALID_INPUT);
		assert_int_equal(err.status, PROVHOST_E_INVALID_INPUT);
		assert_int_equal(res.remote_code, 0);
		assert_null(strstr(err.message, TOKEN));
	}
	assert_int_equal(
	        conn->ops->deprovision(inst, &call, NULL, "{}", 2, &res, &err),
	        PROVHOST_E_INVALID_INPUT);
	assert_string_equal(err.message,
	                    "neither an account id nor a userName was given");
	/* an identity record that is not an object is refused even with an
	 * account id, where it could otherwise pass unread */
	assert_int_equal(
	        conn->ops->deprovision(inst, &call, "42", "[1]", 3, &res, &err),
	        PROVHOST_E_INVALID_INPUT);
	assert_string_equal(err.message,
	                    "the identity record is not a JSON object");
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_NONE);
	assert_int_equal(conn->ops->lookup(inst, &call, "42", "[2]", 3, NULL,
	                                   NULL, &err),
	                 PROVHOST_E_INVALID_INPUT);
	assert_string_equal(err.message,
	                    "the identity record is not a JSON object");
	conn->ops->close(inst);
}

static void transport_errors_are_classified_without_the_token(void **state)
{
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	provhost_call call = {.struct_size = sizeof call};
	provhost_instance *inst;
	char want[128];

	make_dead_port();
	inst = open_at(dead_settings, &err);
	assert_non_null(inst);
	assert_int_equal(conn->ops->authenticate(inst, &call, &res, &err),
	                 PROVHOST_E_CONNECT);
	assert_int_equal(err.retryable, 1);
	snprintf(want, sizeof want, "could not connect to %s: ", dead_base);
	assert_non_null(strstr(err.message, want));
	assert_null(strstr(err.message, TOKEN));
	/* a deadline already passed: no request at all */
	call.deadline_ms = fake_now_ms(NULL) - 1;
	assert_int_equal(conn->ops->authenticate(inst, &call, &res, &err),
	                 PROVHOST_E_TIMEOUT);
	assert_string_equal(err.message,
	                    "the call's deadline passed before GET /Users was "
	                    "sent to promapp");
	conn->ops->close(inst);
}

/* A loopback SCIM server for one test: answers every GET with an empty
 * ListResponse and every POST with 201 and a User without "id". */
struct fake_server {
	int fd;
	char base[64];
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct fake_server *fs = arg;
	char buf[16384];
	int c;

	while ((c = accept(fs->fd, NULL, NULL)) >= 0) {
		while (th_http_read_request(c, buf, sizeof buf) > 0) {
			if (strncmp(buf, "POST ", 5) == 0)
				th_http_respond(
				        c, "201 Created",
				        "{\"userName\":\"new@example.org\"}");
			else
				th_http_respond(
				        c, "200 OK",
				        "{\"schemas\":[\"urn:ietf:params:scim:"
				        "api:messages:2.0:ListResponse\"],"
				        "\"totalResults\":0,\"Resources\":[]}");
		}
		close(c);
	}
	return NULL;
}

static void fake_server_start(struct fake_server *fs)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fs->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fs->fd >= 0);
	assert_int_equal(bind(fs->fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fs->fd, 4), 0);
	assert_int_equal(getsockname(fs->fd, (struct sockaddr *)&a, &len), 0);
	snprintf(fs->base, sizeof fs->base, "http://127.0.0.1:%u",
	         ntohs(a.sin_port));
	assert_int_equal(pthread_create(&fs->thread, NULL, serve, fs), 0);
}

static void fake_server_stop(struct fake_server *fs)
{
	shutdown(fs->fd, SHUT_RDWR);
	close(fs->fd);
	pthread_join(fs->thread, NULL);
}

static void a_failed_create_reports_no_outcome(void **state)
{
	static const char record[] =
	        "{\"userName\":\"new@example.org\",\"name\":{\"givenName\":"
	        "\"N\",\"familyName\":\"E\"},\"emails\":[{\"value\":\"new@"
	        "example.org\"}],"
	        "\"active\":true}";
	provhost_error err = {.struct_size = sizeof err};
	provhost_result res = {.struct_size = sizeof res};
	provhost_call call = {.struct_size = sizeof call};
	struct fake_server fs;
	char settings[160];
	provhost_instance *inst;

	fake_server_start(&fs);
	snprintf(settings, sizeof settings, "{\"instance_url\":\"%s\"}",
	         fs.base);
	inst = open_at(settings, &err);
	assert_non_null(inst);
	int rc = conn->ops->provision(inst, &call, NULL, record, strlen(record),
	                              &res, &err);
	if (rc != PROVHOST_E_PROTOCOL)
		fail_msg("provision: status %d: %s", rc, err.message);
	assert_string_equal(err.message, "promapp answered 201 to POST /Users "
	                                 "without an account id");
	assert_int_equal(res.outcome, PROVHOST_OUTCOME_NONE);
	assert_int_equal(res.remote_code, 201);
	conn->ops->close(inst);
	fake_server_stop(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(descriptor_is_complete),
	        cmocka_unit_test(validate_config_names_the_key),
	        cmocka_unit_test(open_needs_the_secret),
	        cmocka_unit_test(long_secrets_are_read_in_full),
	        cmocka_unit_test(invalid_records_fail_before_any_io),
	        cmocka_unit_test(
	                transport_errors_are_classified_without_the_token),
	        cmocka_unit_test(a_failed_create_reports_no_outcome),
	};
	return cmocka_run_group_tests(tests, load_plugin, unload_plugin);
}
