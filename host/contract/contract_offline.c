/* Contract checks that need no instance and no target: the descriptor, the
 * exported symbols, and validate_config (sandboxed: no I/O, no crash). */
#include <stdlib.h>
#include <string.h>

#include "connector/elf_exports.h"
#include "connector/status_names.h"
#include "contract/contract.h"
#include "util/utf8.h"

#define VALIDATE_TIMEOUT_MS 10000
#define UNKNOWN_KEY         "provhost_contract_unknown_key"

void contract_check_descriptor(struct contract_report *r,
                               const struct loaded_connector *lc)
{
	const provhost_connector *d = lc->desc;
	uint32_t n_secret = 0;
	char caps[128];

	loader_caps_string(d->capabilities, caps, sizeof caps);
	if (!d->description || !*d->description) {
		contract_fail(r, "descriptor",
		              "connector \"%s\" has no description", d->name);
		return;
	}
	if (!d->license || !*d->license) {
		contract_fail(r, "descriptor",
		              "connector \"%s\" has no license (an SPDX "
		              "identifier)",
		              d->name);
		return;
	}
	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);
		if (s->flags & PROVHOST_SETTING_SECRET) {
			n_secret++;
			if (s->default_value) {
				contract_fail(
				        r, "descriptor",
				        "secret \"%s\" has a default value",
				        s->key);
				return;
			}
		}
		if ((s->flags & PROVHOST_SETTING_REQUIRED) &&
		    s->default_value) {
			contract_fail(r, "descriptor",
			              "required setting \"%s\" has a "
			              "default value",
			              s->key);
			return;
		}
	}
	contract_pass(r, "descriptor",
	              "name \"%s\" version %s, ABI %u.%u, capabilities %s, %u "
	              "settings (%u secret)",
	              d->name, d->version, d->abi_major, d->min_host_minor,
	              caps, d->n_settings, n_secret);
}

void contract_check_exports(struct contract_report *r, const char *path)
{
	char why[512], others[768];
	char **names;
	size_t n, used = 0, n_other = 0;
	int has_entry = 0;

	if (elf_exports(path, &names, &n, why, sizeof why)) {
		contract_fail(r, "exports", "%s", why);
		return;
	}
	others[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], PROVHOST_CONNECTOR_ENTRY)) {
			has_entry = 1;
			continue;
		}
		n_other++;
		if (used < sizeof others - 1)
			used += (size_t)snprintf(
			        others + used, sizeof others - used, "%s\"%s\"",
			        used ? ", " : "", names[i]);
	}
	elf_names_free(names, n);
	if (!has_entry) {
		contract_fail(r, "exports", "does not export %s",
		              PROVHOST_CONNECTOR_ENTRY);
		return;
	}
	if (n_other) {
		contract_fail(r, "exports",
		              "also exports %s (a connector exports only %s: "
		              "link with a version script and "
		              "-fvisibility=hidden)",
		              others, PROVHOST_CONNECTOR_ENTRY);
		return;
	}
	contract_pass(r, "exports", "only %s", PROVHOST_CONNECTOR_ENTRY);
}

struct validate_ctx {
	const provhost_connector *d;
	const char *text;
	size_t len;
};

static void sandboxed_validate(void *arg, struct contract_outcome *out)
{
	struct validate_ctx *c = arg;
	provhost_error err;

	memset(&err, 0, sizeof err);
	err.struct_size = sizeof err;
	out->status = c->d->ops->validate_config(c->text, c->len, &err);
	memcpy(out->message, err.message, sizeof out->message);
	out->message[sizeof out->message - 1] = '\0';
}

/* Runs validate_config on text in the sandbox. Returns 0 with out filled,
 * or -1 with why (crash, I/O, hang). *noio tells what the PASS line says. */
static int run_validate(const provhost_connector *d, const char *text,
                        size_t len, struct contract_outcome *out,
                        const char **noio, char *why, size_t why_len)
{
	struct validate_ctx c = {d, text, len};
	int io_checked;
	int rc = contract_sandbox_run(sandboxed_validate, &c,
	                              VALIDATE_TIMEOUT_MS, out, &io_checked,
	                              why, why_len);

	*noio = io_checked ? "no I/O" : "I/O not checked: seccomp unavailable";
	return rc;
}

static int run_validate_json(const provhost_connector *d, const json_t *obj,
                             struct contract_outcome *out, const char **noio,
                             char *why, size_t why_len)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	int rc;

	if (!text) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	rc = run_validate(d, text, strlen(text), out, noio, why, why_len);
	free(text);
	return rc;
}

/* The schema's defaults as a settings object (secrets left out). */
static json_t *schema_defaults(const provhost_connector *d)
{
	json_t *obj = json_object();

	for (uint32_t i = 0; obj && i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);
		const char *v = s->default_value;
		json_t *val;

		if (!v || (s->flags & PROVHOST_SETTING_SECRET))
			continue;
		if (s->type == PROVHOST_SETTING_INTEGER)
			val = json_integer(strtoll(v, NULL, 10));
		else if (s->type == PROVHOST_SETTING_BOOLEAN)
			val = json_boolean(!strcmp(v, "true"));
		else
			val = utf8_json_string(v);
		json_object_set_new(obj, s->key, val);
	}
	return obj;
}

static int is_rejection(int32_t status)
{
	return status == PROVHOST_E_CONFIG ||
	       status == PROVHOST_E_INVALID_INPUT;
}

/* Checks that removing each required setting from base is rejected with a
 * message naming it. */
static void check_missing_required(struct contract_report *r,
                                   const provhost_connector *d,
                                   const json_t *base)
{
	static const char check[] = "validate_config rejects a missing "
	                            "required key";
	struct contract_outcome out;
	const char *noio, *first = NULL;
	char why[256], first_msg[200] = "";

	for (uint32_t i = 0; i < d->n_settings; i++) {
		const provhost_setting *s = loader_setting(d, i);
		json_t *without;
		int rc;

		if (!(s->flags & PROVHOST_SETTING_REQUIRED) ||
		    (s->flags & PROVHOST_SETTING_SECRET))
			continue;
		without = json_deep_copy(base);
		json_object_del(without, s->key);
		rc = run_validate_json(d, without, &out, &noio, why,
		                       sizeof why);
		json_decref(without);
		if (rc) {
			contract_fail(r, check, "without '%s': %s", s->key,
			              why);
			return;
		}
		if (out.status == PROVHOST_OK) {
			contract_fail(r, check, "without '%s': returned ok",
			              s->key);
			return;
		}
		if (!is_rejection(out.status)) {
			contract_fail(r, check,
			              "without '%s': returned %s, expected "
			              "config",
			              s->key, provhost_status_name(out.status));
			return;
		}
		if (!strstr(out.message, s->key)) {
			contract_fail(r, check,
			              "without '%s': the message does not "
			              "name the key: %.200s",
			              s->key, out.message);
			return;
		}
		if (!first) {
			first = s->key;
			snprintf(first_msg, sizeof first_msg, "%s: %.150s (%s)",
			         provhost_status_name(out.status), out.message,
			         noio);
		}
	}
	if (!first) {
		contract_skip(r, check, "the schema has no required setting");
		return;
	}
	contract_pass(r, check, "without '%s': %s", first, first_msg);
}

static void check_unknown_key(struct contract_report *r,
                              const provhost_connector *d, const json_t *base,
                              int base_ok, const char *base_msg)
{
	static const char check[] = "validate_config rejects an unknown key";
	struct contract_outcome out;
	json_t *with = json_deep_copy(base);
	const char *noio;
	char why[256];
	int rc;

	json_object_set_new(with, UNKNOWN_KEY, json_integer(1));
	rc = run_validate_json(d, with, &out, &noio, why, sizeof why);
	json_decref(with);
	if (rc) {
		contract_fail(r, check, "%s", why);
		return;
	}
	if (out.status == PROVHOST_OK) {
		contract_fail(r, check, "returned ok");
		return;
	}
	if (is_rejection(out.status) && strstr(out.message, UNKNOWN_KEY)) {
		contract_pass(r, check, "%s: %.200s (%s)",
		              provhost_status_name(out.status), out.message,
		              noio);
		return;
	}
	if (!base_ok) {
		contract_skip(r, check,
		              "cannot tell: the settings it was added to "
		              "are rejected already (%.150s); give "
		              "--connection",
		              base_msg);
		return;
	}
	if (!is_rejection(out.status)) {
		contract_fail(r, check, "returned %s, expected config",
		              provhost_status_name(out.status));
		return;
	}
	contract_fail(r, check, "the message does not name \"%s\": %.200s",
	              UNKNOWN_KEY, out.message);
}

/* NULL, "" and malformed JSON: rejected (NULL and "" may also mean {}),
 * never a crash. */
static void check_malformed(struct contract_report *r,
                            const provhost_connector *d, int empty_ok)
{
	static const struct {
		const char *name, *text;
		int may_mean_empty;
	} cases[] = {
	        {"validate_config(NULL)", NULL, 1},
	        {"validate_config(\"\")", "", 1},
	        {"validate_config(\"[\")", "[", 0},
	        {"validate_config(\"null\")", "null", 0},
	        {"validate_config({\"unknown\":1})", "{\"unknown\":1}", 0},
	};
	struct contract_outcome out;
	const char *noio;
	char why[256];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *text = cases[i].text;
		size_t len = text ? strlen(text) : 0;

		if (run_validate(d, text, len, &out, &noio, why, sizeof why)) {
			contract_fail(r, cases[i].name, "%s", why);
			continue;
		}
		if (out.status == PROVHOST_OK && cases[i].may_mean_empty &&
		    empty_ok) {
			contract_pass(r, cases[i].name,
			              "ok, the same as {} (%s)", noio);
			continue;
		}
		if (out.status == PROVHOST_OK)
			contract_fail(r, cases[i].name, "returned ok");
		else if (!is_rejection(out.status))
			contract_fail(r, cases[i].name,
			              "returned %s, expected config",
			              provhost_status_name(out.status));
		else if (!out.message[0])
			contract_fail(r, cases[i].name,
			              "returned %s without a message",
			              provhost_status_name(out.status));
		else
			contract_pass(r, cases[i].name, "%s: %.150s (%s)",
			              provhost_status_name(out.status),
			              out.message, noio);
	}
}

void contract_check_validate(struct contract_report *r,
                             const provhost_connector *d,
                             const json_t *settings)
{
	struct contract_outcome out;
	json_t *base, *empty = json_object();
	const char *noio;
	char why[256], base_msg[512] = "";
	int base_ok = 0, empty_ok = 0;

	base = settings ? json_deep_copy(settings) : schema_defaults(d);
	if (!base || !empty) {
		json_decref(base);
		json_decref(empty);
		{
			contract_fail(r, "validate_config", "out of memory");
			return;
		}
	}
	if (run_validate_json(d, base, &out, &noio, why, sizeof why) == 0) {
		base_ok = out.status == PROVHOST_OK;
		snprintf(base_msg, sizeof base_msg, "%s", out.message);
	}
	if (settings && base_ok)
		contract_pass(r,
		              "validate_config accepts the connection's "
		              "settings",
		              "ok (%s)", noio);
	else if (settings)
		contract_fail(
		        r, "validate_config accepts the connection's settings",
		        "%s", base_msg[0] ? base_msg : why);
	if (run_validate_json(d, empty, &out, &noio, why, sizeof why) == 0)
		empty_ok = out.status == PROVHOST_OK;
	check_missing_required(r, d, base);
	check_unknown_key(r, d, base, base_ok, base_msg);
	check_malformed(r, d, empty_ok);
	json_decref(base);
	json_decref(empty);
}
