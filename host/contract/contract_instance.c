/* Contract checks on instances of a bound connection that need no working
 * target: open/close many times without leaking, and bad records rejected
 * as invalid input before any I/O (sandboxed). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connector/instance.h"
#include "connector/status_names.h"
#include "contract/contract.h"
#include "util/clock.h"

#define RSS_LIMIT_KIB     4096
#define OP_TIMEOUT_MS     10000
#define OPEN_CLOSE_WARMUP 10

#if defined(__SANITIZE_ADDRESS__)
#define CONTRACT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONTRACT_ASAN 1
#endif
#endif

/* Resident set size of this process in KiB, or -1. */
static long rss_kib(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%ld %ld", &size, &resident);
	fclose(f);
	if (n != 2)
		return -1;
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_close(const struct connection *conn, int i, char *why,
                      size_t why_len)
{
	struct instance *inst;
	provhost_error err;

	if (instance_open(conn, NULL, &inst, &err) != PROVHOST_OK) {
		snprintf(why, why_len, "open #%d failed: %s [status %s]", i + 1,
		         err.message, provhost_status_name(err.status));
		return -1;
	}
	instance_close(inst);
	return 0;
}

void contract_check_open_close(struct contract_report *r,
                               const struct connection *conn, int times)
{
	char check[64], why[700];
	long before, after;

	snprintf(check, sizeof check, "open/close %d times", times);
	for (int i = 0; i < OPEN_CLOSE_WARMUP; i++) {
		if (open_close(conn, i, why, sizeof why)) {
			contract_fail(r, check, "%s", why);
			return;
		}
	}
	before = rss_kib();
	for (int i = 0; i < times; i++) {
		if (open_close(conn, i, why, sizeof why)) {
			contract_fail(r, check, "%s", why);
			return;
		}
	}
	after = rss_kib();
#ifdef CONTRACT_ASAN
	(void)before;
	(void)after;
	contract_pass(r, check,
	              "all succeeded (RSS not measured under "
	              "AddressSanitizer; LeakSanitizer reports leaks at exit)");
#else
	if (before < 0 || after < 0)
		contract_pass(r, check,
		              "all succeeded (RSS not measured: no "
		              "/proc/self/statm)");
	else if (after - before > RSS_LIMIT_KIB)
		contract_fail(r, check,
		              "resident memory grew by %ld KiB (limit %d KiB): "
		              "close does not release what open allocates",
		              after - before, RSS_LIMIT_KIB);
	else
		contract_pass(r, check,
		              "all succeeded, resident memory grew by %ld KiB "
		              "(limit %d KiB)",
		              after - before > 0 ? after - before : 0,
		              RSS_LIMIT_KIB);
#endif
}

enum bad_op { BAD_PROVISION, BAD_DEPROVISION, BAD_LOOKUP };

struct bad_ctx {
	const struct instance *inst;
	enum bad_op op;
	const char *text;
	size_t len;
};

static void count_emit(void *ctx, const char *json, size_t len)
{
	(*(int32_t *)ctx)++;
}

/* Calls the op directly (the host's wrappers assume a string). */
static void sandboxed_op(void *arg, struct contract_outcome *out)
{
	const struct bad_ctx *c = arg;
	const provhost_ops *ops = c->inst->connector->ops;
	provhost_instance *pi = c->inst->inst;
	provhost_result res;
	provhost_error err;
	provhost_call call;

	instance_result_init(&res);
	instance_error_init(&err);
	instance_call_init(&call, 0, clock_mono_ms() + OP_TIMEOUT_MS,
	                   "contract-bad-input", NULL, NULL);
	if (c->op == BAD_PROVISION)
		out->status = ops->provision(pi, &call, NULL, c->text, c->len,
		                             &res, &err);
	else if (c->op == BAD_DEPROVISION)
		out->status = ops->deprovision(pi, &call, NULL, c->text, c->len,
		                               &res, &err);
	else
		out->status = ops->lookup(pi, &call, NULL, c->text, c->len,
		                          count_emit, &out->emits, &err);
	out->outcome = res.outcome;
	memcpy(out->message, err.message, sizeof out->message);
}

/* Appends "; " + text to list. */
static void add_problem(char *list, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void add_problem(char *list, size_t size, const char *fmt, ...)
{
	size_t used = strlen(list);
	va_list ap;

	if (used + 3 >= size)
		return;
	if (used)
		used += (size_t)snprintf(list + used, size - used, "; ");
	va_start(ap, fmt);
	vsnprintf(list + used, size - used, fmt, ap);
	va_end(ap);
}

static void check_op_inputs(struct contract_report *r,
                            const struct instance *inst, enum bad_op op,
                            const char *check)
{
	static const struct {
		const char *label, *text;
	} inputs[] = {
	        {"NULL", NULL}, {"\"\"", ""}, {"\"{\"", "{"}, {"\"[]\"", "[]"}};
	struct contract_outcome out;
	char problems[900] = "", why[256];
	int io_checked = 1, checked;

	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct bad_ctx c = {inst, op, inputs[i].text,
		                    inputs[i].text ? strlen(inputs[i].text)
		                                   : 0};

		if (contract_sandbox_run(sandboxed_op, &c, OP_TIMEOUT_MS, &out,
		                         &checked, why, sizeof why)) {
			add_problem(problems, sizeof problems, "%s: %s",
			            inputs[i].label, why);
			continue;
		}
		io_checked &= checked;
		if (out.status != PROVHOST_E_INVALID_INPUT)
			add_problem(problems, sizeof problems,
			            "%s: returned %s%s%.120s", inputs[i].label,
			            provhost_status_name(out.status),
			            out.message[0] ? ": " : "", out.message);
		else if (!out.message[0])
			add_problem(problems, sizeof problems,
			            "%s: invalid_input without a message",
			            inputs[i].label);
	}
	if (problems[0])
		contract_fail(r, check, "%s", problems);
	else
		contract_pass(r, check,
		              "NULL, \"\", \"{\" and \"[]\" give invalid_input "
		              "%s",
		              io_checked ? "before any I/O"
		                         : "(I/O not checked: seccomp "
		                           "unavailable)");
}

void contract_check_bad_input(struct contract_report *r,
                              const struct connection *conn)
{
	static const char *const checks[] = {
	        "provision rejects bad records",
	        "deprovision rejects bad identities",
	        "lookup rejects bad identities",
	};
	struct instance *inst;
	provhost_error err;

	if (instance_open(conn, NULL, &inst, &err) != PROVHOST_OK) {
		for (size_t i = 0; i < 3; i++)
			contract_fail(r, checks[i],
			              "cannot open an instance: %s [status %s]",
			              err.message,
			              provhost_status_name(err.status));
		return;
	}
	check_op_inputs(r, inst, BAD_PROVISION, checks[0]);
	check_op_inputs(r, inst, BAD_DEPROVISION, checks[1]);
	if (inst->connector->ops->lookup)
		check_op_inputs(r, inst, BAD_LOOKUP, checks[2]);
	else
		contract_skip(r, checks[2], "the connector has no lookup");
	instance_close(inst);
}
