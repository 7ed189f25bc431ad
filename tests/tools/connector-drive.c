/* connector-drive: a test tool that loads one connector .so and runs one op
 * against it, with a minimal host API. Not the host: no retries, no ledger.
 *
 *   connector-drive PLUGIN.so OP --settings JSON [--account-id ID]
 *                   [--record JSON] [--dry-run] [--no-adopt]
 *                   [--deadline-ms N]
 *   OP: validate | authenticate | provision | deprovision | lookup | list
 *
 * Secrets come from the environment only: the secret "access_token" is read
 * from PROVHOST_SECRET_ACCESS_TOKEN. Output (stdout):
 *   plan: METHOD TARGET BODY       one per planned write (dry run)
 *   {...}                           the account (lookup), each (list)
 *   listed=N distinct=D             after list: records emitted, ids
 *   status=<name> outcome=<name> account_id=<id> http=<code>
 *   candidate: n=N active=A userName=U   outcome candidate (no-adopt)
 * list, like the host, is only called when the connector advertises
 * PROVHOST_CAP_LIST and its ops table contains the op; otherwise
 * status=unsupported, "connector X cannot list accounts".
 *   detail: ...                     when the op reported one
 *   error: ...                      when the op failed
 * Log lines go to stderr as "log <level>: message". Exit 0 on PROVHOST_OK,
 * 1 on any other status, 2 on usage or loading errors. */
#include "connector/status_names.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <provhost/connector.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct drive_opts {
	const char *plugin, *op, *settings, *account_id, *record;
	int dry_run, no_adopt;
	long deadline_ms;
};

/* What list emitted: a count and the distinct ids (a small linear set;
 * test sizes only). */
struct list_seen {
	size_t n, distinct;
	char **ids;
};

static int64_t drive_now_ms(provhost_host *host)
{
	struct timespec ts;

	(void)host;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drive_log(provhost_host *host, const provhost_call *call,
                      int32_t level, const char *message)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	(void)host;
	(void)call;
	fprintf(stderr, "log %s: %s\n",
	        level >= 0 && level <= 3 ? names[level] : "?", message);
}

/* Reads secret KEY from PROVHOST_SECRET_<KEY upper-cased>. */
static int32_t drive_get_secret(provhost_host *host, const char *key, char *buf,
                                size_t buf_size, size_t *len)
{
	char var[128] = "PROVHOST_SECRET_";
	size_t o = strlen(var);
	const char *v;

	(void)host;
	for (const char *p = key; *p && o + 1 < sizeof var; p++)
		var[o++] = (char)toupper((unsigned char)*p);
	var[o] = '\0';
	v = getenv(var);
	if (!v)
		return PROVHOST_E_NOT_FOUND;
	*len = strlen(v);
	if (*len + 1 > buf_size)
		return PROVHOST_E_INVALID_INPUT;
	memcpy(buf, v, *len + 1);
	return PROVHOST_OK;
}

static void drive_planned_write(provhost_host *host, const provhost_call *call,
                                const char *method, const char *target,
                                const char *body)
{
	(void)host;
	(void)call;
	printf("plan: %s %s %s\n", method, target, body ? body : "");
}

static int32_t drive_pace(provhost_host *host, const provhost_call *call)
{
	if (call && call->deadline_ms > 0 &&
	    drive_now_ms(host) >= call->deadline_ms)
		return PROVHOST_E_TIMEOUT;
	return PROVHOST_OK;
}

static void drive_emit(void *ctx, const char *json, size_t len)
{
	(void)ctx;
	printf("%.*s\n", (int)len, json);
}

/* The "id" string of a compact JSON record, crudely (test tool only). */
static char *record_id(const char *json, size_t len)
{
	const char *p = memmem(json, len, "\"id\":\"", 6), *e;

	if (!p)
		return NULL;
	p += 6;
	e = memchr(p, '"', len - (size_t)(p - json));
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

static void drive_list_emit(void *ctx, const char *json, size_t len)
{
	struct list_seen *s = ctx;
	char *id = record_id(json, len);
	size_t i;

	printf("%.*s\n", (int)len, json);
	s->n++;
	if (!id)
		return;
	for (i = 0; i < s->distinct; i++)
		if (strcmp(s->ids[i], id) == 0)
			break;
	if (i < s->distinct) {
		free(id);
		return;
	}
	char **grown = realloc(s->ids, (s->distinct + 1) * sizeof *grown);
	if (!grown) {
		free(id);
		return;
	}
	s->ids = grown;
	s->ids[s->distinct++] = id;
}

/* The list op when the connector has it (capability and table size). */
static int32_t drive_list(const provhost_connector *c, provhost_instance *inst,
                          const provhost_call *call, provhost_error *err)
{
	struct list_seen seen = {0};
	int32_t rc;

	if (!(c->capabilities & PROVHOST_CAP_LIST) ||
	    !PROVHOST_HAS_FIELD(c->ops, provhost_ops, list) || !c->ops->list) {
		snprintf(err->message, sizeof err->message,
		         "connector \"%s\" cannot list accounts", c->name);
		return PROVHOST_E_UNSUPPORTED;
	}
	rc = c->ops->list(inst, call, drive_list_emit, &seen, err);
	printf("listed=%zu distinct=%zu\n", seen.n, seen.distinct);
	for (size_t i = 0; i < seen.distinct; i++)
		free(seen.ids[i]);
	free(seen.ids);
	return rc;
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: connector-drive PLUGIN.so "
	        "validate|authenticate|provision|deprovision|lookup|"
	        "list --settings JSON [--account-id ID] [--record JSON] "
	        "[--dry-run] [--no-adopt] [--deadline-ms N]\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct drive_opts *o)
{
	if (argc < 3)
		return -1;
	o->plugin = argv[1];
	o->op = argv[2];
	o->settings = "{}";
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i];
		int has_val = i + 1 < argc;
		if (strcmp(a, "--dry-run") == 0)
			o->dry_run = 1;
		else if (strcmp(a, "--no-adopt") == 0)
			o->no_adopt = 1;
		else if (strcmp(a, "--settings") == 0 && has_val)
			o->settings = argv[++i];
		else if (strcmp(a, "--account-id") == 0 && has_val)
			o->account_id = argv[++i];
		else if (strcmp(a, "--record") == 0 && has_val)
			o->record = argv[++i];
		else if (strcmp(a, "--deadline-ms") == 0 && has_val)
			o->deadline_ms = strtol(argv[++i], NULL, 10);
		else
			return -1;
	}
	return 0;
}

/* Loads the plugin and checks its descriptor minimally. */
static const provhost_connector *load(const char *path)
{
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	provhost_connector_entry_fn entry;
	const provhost_connector *c;

	if (!dl) {
		fprintf(stderr, "connector-drive: cannot load %s: %s\n", path,
		        dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(dl, PROVHOST_CONNECTOR_ENTRY);
	if (!entry) {
		fprintf(stderr, "connector-drive: %s has no %s\n", path,
		        PROVHOST_CONNECTOR_ENTRY);
		return NULL;
	}
	c = entry(PROVHOST_CONNECTOR_ABI_MINOR);
	if (!c || c->magic != PROVHOST_CONNECTOR_MAGIC ||
	    c->abi_major != PROVHOST_CONNECTOR_ABI_MAJOR ||
	    c->struct_size < sizeof(provhost_connector) || !c->ops ||
	    !c->ops->validate_config || !c->ops->open || !c->ops->close ||
	    !c->ops->authenticate || !c->ops->provision ||
	    !c->ops->deprovision) {
		fprintf(stderr, "connector-drive: %s has a bad descriptor\n",
		        path);
		return NULL;
	}
	return c; /* never dlclosed, like the host */
}

static int run_op(const provhost_connector *c, const struct drive_opts *o,
                  provhost_result *res, provhost_error *err)
{
	static const provhost_host_api api = {
	        .struct_size = sizeof(provhost_host_api),
	        .abi_minor = PROVHOST_CONNECTOR_ABI_MINOR,
	        .log = drive_log,
	        .get_secret = drive_get_secret,
	        .now_ms = drive_now_ms,
	        .planned_write = drive_planned_write,
	        .pace = drive_pace,
	};
	provhost_call call = {.struct_size = sizeof call};
	provhost_instance *inst = NULL;
	const char *rec = o->record ? o->record : "";
	size_t slen = strlen(o->settings);
	int rc;

	if (o->dry_run)
		call.flags |= PROVHOST_CALL_DRY_RUN;
	if (o->no_adopt)
		call.flags |= PROVHOST_CALL_NO_ADOPT;
	if (o->deadline_ms > 0)
		call.deadline_ms = drive_now_ms(NULL) + o->deadline_ms;
	call.event_id = "drive";
	if (strcmp(o->op, "validate") == 0)
		return c->ops->validate_config(o->settings, slen, err);
	rc = c->ops->open(&api, NULL, o->settings, slen, &inst, err);
	if (rc != PROVHOST_OK)
		return rc;
	if (strcmp(o->op, "authenticate") == 0)
		rc = c->ops->authenticate(inst, &call, res, err);
	else if (strcmp(o->op, "provision") == 0)
		rc = c->ops->provision(inst, &call, o->account_id, rec,
		                       strlen(rec), res, err);
	else if (strcmp(o->op, "deprovision") == 0)
		rc = c->ops->deprovision(inst, &call, o->account_id, rec,
		                         strlen(rec), res, err);
	else if (strcmp(o->op, "list") == 0)
		rc = drive_list(c, inst, &call, err);
	else if (c->ops->lookup)
		rc = c->ops->lookup(inst, &call, o->account_id, rec,
		                    strlen(rec), drive_emit, NULL, err);
	else
		rc = PROVHOST_E_UNSUPPORTED;
	c->ops->close(inst);
	return rc;
}

int main(int argc, char **argv)
{
	struct drive_opts o = {0};
	provhost_result res = {.struct_size = sizeof res};
	provhost_error err = {.struct_size = sizeof err};
	const provhost_connector *c;
	int rc;

	if (parse_args(argc, argv, &o))
		return usage();
	if (strcmp(o.op, "validate") && strcmp(o.op, "authenticate") &&
	    strcmp(o.op, "provision") && strcmp(o.op, "deprovision") &&
	    strcmp(o.op, "lookup") && strcmp(o.op, "list"))
		return usage();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "connector-drive: curl_global_init failed\n");
		return 2;
	}
	c = load(o.plugin);
	if (!c) {
		curl_global_cleanup();
		return 2;
	}
	rc = run_op(c, &o, &res, &err);
	printf("status=%s outcome=%s account_id=%s http=%d\n",
	       provhost_status_name(rc), provhost_outcome_name(res.outcome),
	       res.account_id,
	       rc == PROVHOST_OK ? res.remote_code : err.remote_code);
	if (rc == PROVHOST_OK && res.outcome == PROVHOST_OUTCOME_CANDIDATE)
		printf("candidate: n=%u active=%d userName=%s\n",
		       res.n_candidates, res.candidate_active,
		       res.candidate_user_name);
	if (res.detail[0])
		printf("detail: %s\n", res.detail);
	if (rc != PROVHOST_OK) {
		printf("error: %s\n", err.message);
		if (err.retryable || err.retry_after_ms)
			printf("retryable=%d retry_after_ms=%u\n",
			       err.retryable, err.retry_after_ms);
	}
	curl_global_cleanup();
	return rc == PROVHOST_OK ? 0 : 1;
}
