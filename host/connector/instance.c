#include "connector/instance.h"
#include "connector/loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/redact.h"
#include "connector/status_names.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text_escape.h"
#include "util/utf8.h"

/* provhost_host as the connector sees it: one per instance. */
struct instance_host {
	provhost_host_api api;
	const struct connection *conn;
	struct instance_pacer pacer;
};

static struct instance_host *host_of(provhost_host *h)
{
	return (struct instance_host *)h;
}

static void host_log(provhost_host *h, const provhost_call *call, int32_t level,
                     const char *message)
{
	struct instance_host *host = host_of(h);
	char *red, *line;
	int rc;

	if (!host || !message || !log_enabled(level))
		return;
	red = redact_dup(&host->conn->secrets, message);
	if (!red)
		return;
	rc = asprintf(&line, "connection \"%s\"%s%s%s%s: %s", host->conn->name,
	              call && call->event_id ? " event " : "",
	              call && call->event_id ? call->event_id : "",
	              call && call->employee_id ? " employee " : "",
	              call && call->employee_id ? call->employee_id : "", red);
	if (rc >= 0) {
		log_line(level, line);
		free(line);
	}
	free(red);
}

static int32_t host_get_secret(provhost_host *h, const char *key, char *buf,
                               size_t buf_size, size_t *len)
{
	struct instance_host *host = host_of(h);
	const struct secret *s;

	if (len)
		*len = 0;
	if (!host || !key)
		return PROVHOST_E_INVALID_INPUT;
	s = secret_set_find(&host->conn->secrets, key);
	if (!s)
		return PROVHOST_E_NOT_FOUND;
	if (len)
		*len = s->len;
	if (!buf || buf_size < s->len + 1)
		return PROVHOST_E_INVALID_INPUT;
	memcpy(buf, s->value, s->len);
	buf[s->len] = '\0';
	return PROVHOST_OK;
}

static int64_t host_now_ms(provhost_host *h)
{
	return clock_mono_ms();
}

static void host_planned_write(provhost_host *h, const provhost_call *call,
                               const char *method, const char *target,
                               const char *body)
{
	struct instance_host *host = host_of(h);
	struct call_hooks *hooks = call ? call->host_data : NULL;
	char *r_target, *r_body;

	if (!host)
		return;
	r_target = redact_dup(&host->conn->secrets, target ? target : "");
	r_body = body ? redact_dup(&host->conn->secrets, body) : NULL;
	if (!r_target || (body && !r_body))
		goto out_free;
	if (hooks && hooks->planned_write) {
		hooks->planned_write(hooks->ctx, method ? method : "?",
		                     r_target, r_body);
	} else {
		char *e_target = text_escape_dup(r_target);
		char *e_body = r_body ? text_escape_dup(r_body) : NULL;

		flockfile(stdout);
		printf("plan: %s %s%s%s\n", method ? method : "?",
		       e_target ? e_target : "?", e_body ? " " : "",
		       e_body ? e_body : "");
		funlockfile(stdout);
		free(e_target);
		free(e_body);
	}
out_free:
	free(r_target);
	free(r_body);
}

static int32_t host_pace(provhost_host *h, const provhost_call *call)
{
	struct instance_host *host = host_of(h);

	if (host && host->pacer.pace)
		return host->pacer.pace(host->pacer.ctx, call);
	if (call && call->deadline_ms && clock_mono_ms() >= call->deadline_ms)
		return PROVHOST_E_TIMEOUT;
	return PROVHOST_OK;
}

static void host_rate_limit(provhost_host *h, const provhost_call *call,
                            int64_t limit, int64_t remaining, int64_t reset_ms)
{
	struct instance_host *host = host_of(h);

	if (host && host->pacer.rate_limit)
		host->pacer.rate_limit(host->pacer.ctx, call, limit, remaining,
		                       reset_ms);
}

void instance_result_init(provhost_result *res)
{
	memset(res, 0, sizeof(*res));
	res->struct_size = sizeof(*res);
}

void instance_error_init(provhost_error *err)
{
	memset(err, 0, sizeof(*err));
	err->struct_size = sizeof(*err);
}

void instance_call_init(provhost_call *call, uint32_t flags,
                        int64_t deadline_ms, const char *event_id,
                        const char *employee_id, struct call_hooks *hooks)
{
	memset(call, 0, sizeof(*call));
	call->struct_size = sizeof(*call);
	call->flags = flags;
	call->deadline_ms = deadline_ms;
	call->event_id = event_id;
	call->employee_id = employee_id;
	call->host_data = hooks;
}

void instance_redact(const struct instance *inst, char *text, size_t size)
{
	redact_into(&inst->conn->secrets, text, text, size);
}

/* An ETag the host stores and sends back: printable ASCII, NUL-terminated
 * within the member, else none. */
static void settle_etag(provhost_result *res)
{
	size_t i;

	if (!memchr(res->etag, '\0', sizeof(res->etag))) {
		res->etag[0] = '\0';
		return;
	}
	for (i = 0; res->etag[i]; i++)
		if ((unsigned char)res->etag[i] < 0x21 ||
		    (unsigned char)res->etag[i] > 0x7e) {
			res->etag[0] = '\0';
			return;
		}
}

/* Makes what the connector returned safe and consistent (see header). An
 * account id that fills account_id without a NUL was cut short by the
 * connector: linking a truncated id would be wrong, so the call fails. */
static int32_t settle(const struct connection *conn,
                      const provhost_connector *d, int32_t status,
                      provhost_result *res, provhost_error *err)
{
	err->message[sizeof(err->message) - 1] = '\0';
	if (res && status == PROVHOST_OK &&
	    !memchr(res->account_id, '\0', sizeof(res->account_id))) {
		status = PROVHOST_E_PROTOCOL;
		err->retryable = 0;
		err->remote_code = 0;
		snprintf(err->message, sizeof(err->message),
		         "connector \"%s\" returned an account id longer than "
		         "%zu bytes",
		         d->name, sizeof(res->account_id) - 1);
		res->account_id[0] = '\0';
	}
	if (res) {
		settle_etag(res);
		res->account_id[sizeof(res->account_id) - 1] = '\0';
		res->detail[sizeof(res->detail) - 1] = '\0';
		redact_into(&conn->secrets, res->detail, res->detail,
		            sizeof(res->detail));
		utf8_repair_into(res->detail, sizeof(res->detail));
		text_escape_into(res->detail, res->detail, sizeof(res->detail));
	}
	if (status == PROVHOST_OK)
		return status;
	err->status = status;
	if (!err->message[0])
		snprintf(
		        err->message, sizeof(err->message),
		        "connector \"%s\" failed with status %s and no message",
		        d->name, provhost_status_name(status));
	redact_into(&conn->secrets, err->message, err->message,
	            sizeof(err->message));
	utf8_repair_into(err->message, sizeof(err->message));
	text_escape_into(err->message, err->message, sizeof(err->message));
	return status;
}

int32_t instance_open(const struct connection *conn,
                      const struct instance_pacer *pacer, struct instance **out,
                      provhost_error *err)
{
	struct instance *inst;
	char *json;
	int32_t st;

	*out = NULL;
	instance_error_init(err);
	if (!conn->bound) {
		err->status = PROVHOST_E_CONFIG;
		snprintf(err->message, sizeof(err->message),
		         "connection \"%s\" has no loaded connector",
		         conn->name);
		return err->status;
	}
	inst = calloc(1, sizeof(*inst));
	if (!inst || !(inst->host = calloc(1, sizeof(*inst->host))))
		goto out_nomem;
	inst->conn = conn;
	inst->connector = conn->bound->desc;
	inst->host->conn = conn;
	inst->host->api.struct_size = sizeof(inst->host->api);
	inst->host->api.abi_minor = PROVHOST_CONNECTOR_ABI_MINOR;
	inst->host->api.log = host_log;
	inst->host->api.get_secret = host_get_secret;
	inst->host->api.now_ms = host_now_ms;
	inst->host->api.planned_write = host_planned_write;
	inst->host->api.pace = host_pace;
	inst->host->api.rate_limit = host_rate_limit;
	if (pacer)
		inst->host->pacer = *pacer;
	json = json_dumps(conn->settings, JSON_COMPACT);
	if (!json)
		goto out_nomem;
	st = inst->connector->ops->open(&inst->host->api,
	                                (provhost_host *)inst->host, json,
	                                strlen(json), &inst->inst, err);
	free(json);
	if (st != PROVHOST_OK) {
		/* a failed open owns nothing: *out is ignored, close not called
		 */
		inst->inst = NULL;
		settle(conn, inst->connector, st, NULL, err);
		instance_close(inst);
		return st;
	}
	inst->opened = 1;
	*out = inst;
	return PROVHOST_OK;

out_nomem:
	if (inst)
		free(inst->host);
	free(inst);
	err->status = PROVHOST_E_INTERNAL;
	snprintf(err->message, sizeof(err->message), "out of memory");
	return err->status;
}

void instance_close(struct instance *inst)
{
	if (!inst)
		return;
	if (inst->opened)
		inst->connector->ops->close(inst->inst);
	free(inst->host);
	free(inst);
}

/* An op returned: its requests are no longer on their way. */
static void op_over(const struct instance *inst)
{
	if (inst->host->pacer.done)
		inst->host->pacer.done(inst->host->pacer.ctx);
}

int32_t instance_authenticate(struct instance *inst, const provhost_call *call,
                              provhost_result *res, provhost_error *err)
{
	int32_t st;

	instance_result_init(res);
	instance_error_init(err);
	st = inst->connector->ops->authenticate(inst->inst, call, res, err);
	op_over(inst);
	return settle(inst->conn, inst->connector, st, res, err);
}

int instance_can_list(const struct instance *inst)
{
	return loader_op_list(inst->connector) != NULL;
}

int instance_can_no_adopt(const struct instance *inst)
{
	return (inst->connector->capabilities & PROVHOST_CAP_NO_ADOPT) != 0;
}

int instance_can_etag(const struct instance *inst)
{
	return (inst->connector->capabilities & PROVHOST_CAP_ETAG) != 0;
}

__attribute__((format(printf, 3, 4))) static int32_t
fail_with(provhost_error *err, int32_t status, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	err->retryable = 0;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return status;
}

/* The 1.1 candidate report of a successful provision: only when the call
 * asked for it, with an id; the userName is made safe to print. */
static int32_t settle_candidate(struct instance *inst,
                                const provhost_call *call, provhost_result *res,
                                provhost_error *err)
{
	const char *name = inst->connector->name;

	if (res->outcome != PROVHOST_OUTCOME_CANDIDATE) {
		res->n_candidates = 0;
		res->candidate_active = 0;
		res->candidate_user_name[0] = '\0';
		return PROVHOST_OK;
	}
	if (!(call->flags & PROVHOST_CALL_NO_ADOPT))
		return fail_with(
		        err, PROVHOST_E_PROTOCOL,
		        "connector \"%s\" reported a candidate account "
		        "although the call did not ask for one",
		        name);
	if (!res->account_id[0])
		return fail_with(
		        err, PROVHOST_E_PROTOCOL,
		        "connector \"%s\" reported a candidate account "
		        "without its id",
		        name);
	if (res->n_candidates == 0)
		res->n_candidates = 1;
	if (res->candidate_active != 0 && res->candidate_active != 1)
		res->candidate_active = -1;
	res->candidate_user_name[sizeof(res->candidate_user_name) - 1] = '\0';
	utf8_repair_into(res->candidate_user_name,
	                 sizeof(res->candidate_user_name));
	text_escape_into(res->candidate_user_name, res->candidate_user_name,
	                 sizeof(res->candidate_user_name));
	return PROVHOST_OK;
}

int32_t instance_provision(struct instance *inst, const provhost_call *call,
                           const char *account_id, const char *desired_json,
                           provhost_result *res, provhost_error *err)
{
	int32_t st;

	instance_result_init(res);
	instance_error_init(err);
	if ((call->flags & PROVHOST_CALL_NO_ADOPT) &&
	    !instance_can_no_adopt(inst))
		return fail_with(err, PROVHOST_E_UNSUPPORTED,
		                 "connector \"%s\" cannot report an existing "
		                 "account without adopting it (no-adopt needs "
		                 "connector ABI 1.1)",
		                 inst->connector->name);
	st = inst->connector->ops->provision(inst->inst, call, account_id,
	                                     desired_json, strlen(desired_json),
	                                     res, err);
	op_over(inst);
	st = settle(inst->conn, inst->connector, st, res, err);
	if (st == PROVHOST_OK)
		st = settle_candidate(inst, call, res, err);
	return st;
}

int32_t instance_deprovision(struct instance *inst, const provhost_call *call,
                             const char *account_id, const char *identity_json,
                             provhost_result *res, provhost_error *err)
{
	int32_t st;

	instance_result_init(res);
	instance_error_init(err);
	st = inst->connector->ops->deprovision(
	        inst->inst, call, account_id, identity_json,
	        identity_json ? strlen(identity_json) : 0, res, err);
	op_over(inst);
	return settle(inst->conn, inst->connector, st, res, err);
}

int32_t instance_lookup(struct instance *inst, const provhost_call *call,
                        const char *account_id, const char *identity_json,
                        provhost_emit_fn emit, void *emit_ctx,
                        provhost_error *err)
{
	int32_t st;

	instance_error_init(err);
	if (!inst->connector->ops->lookup) {
		err->status = PROVHOST_E_UNSUPPORTED;
		snprintf(err->message, sizeof(err->message),
		         "connector \"%s\" cannot look accounts up",
		         inst->connector->name);
		return err->status;
	}
	st = inst->connector->ops->lookup(
	        inst->inst, call, account_id, identity_json,
	        identity_json ? strlen(identity_json) : 0, emit, emit_ctx, err);
	op_over(inst);
	return settle(inst->conn, inst->connector, st, NULL, err);
}

int32_t instance_list(struct instance *inst, const provhost_call *call,
                      provhost_emit_fn emit, void *emit_ctx,
                      provhost_error *err)
{
	provhost_list_fn list = loader_op_list(inst->connector);
	int32_t st;

	instance_error_init(err);
	if (!list)
		return fail_with(err, PROVHOST_E_UNSUPPORTED,
		                 "connector \"%s\" cannot list accounts",
		                 inst->connector->name);
	st = list(inst->inst, call, emit, emit_ctx, err);
	op_over(inst);
	return settle(inst->conn, inst->connector, st, NULL, err);
}
