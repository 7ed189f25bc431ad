/* What `provhost reconcile` prints (reconcile_internal.h): counts and the
 * first findings of each class, or every finding as JSON. Both read the
 * findings back from the ledger, so memory does not grow with them. */
#include <stdio.h>
#include <string.h>

#include "engine/reconcile_internal.h"
#include "util/text_escape.h"
#include "util/utf8.h"

#define FIRST_ROWS 10 /* findings shown per class */

static const enum recon_class shown[] = {RC_DRIFT,    RC_ORPHAN,  RC_UNLINKED,
                                         RC_DISPUTED, RC_MISSING, RC_PROTECTED};

struct text_ctx {
	FILE *out;
	int n;              /* repair outcomes printed */
	int64_t supervised; /* repairs held for approval */
};

static int print_row(const struct ledger_finding_row *row, void *ctx)
{
	struct text_ctx *tc = ctx;
	char *un = text_escape_dup(row->user_name);
	char *detail = text_escape_dup(row->detail);
	char *rep = row->repair[0] ? text_escape_dup(row->repair_detail) : NULL;

	fprintf(tc->out, "  #%lld", (long long)row->n);
	if (row->account_id[0])
		fprintf(tc->out, " account %s", row->account_id);
	if (row->user_name[0])
		fprintf(tc->out, " \"%s\"", un ? un : "?");
	if (row->employee_id[0])
		fprintf(tc->out, " employee %s", row->employee_id);
	fprintf(tc->out, ": %s\n", detail ? detail : "?");
	if (row->repair[0])
		fprintf(tc->out, "      repair: %s%s%s\n", row->repair,
		        rep && *rep ? ": " : "", rep ? rep : "");
	free(un);
	free(detail);
	free(rep);
	return 0;
}

static void print_repair(const char *repair, int64_t n, void *ctx)
{
	struct text_ctx *tc = ctx;

	fprintf(tc->out, " %s %lld", repair, (long long)n);
	tc->n++;
	if (!strcmp(repair, "supervised"))
		tc->supervised = n;
}

void recon_report_text(struct recon *r, FILE *out)
{
	struct text_ctx tc = {out, 0, 0};
	size_t i;
	int c;

	fprintf(out,
	        "connection \"%s\": %lld account(s) listed (reconcile run "
	        "%lld)%s\n",
	        r->conn->name, (long long)r->accounts, (long long)r->run_id,
	        r->opt->dry_run ? ", dry run" : "");
	for (c = 0; c < RC_COUNT; c++)
		fprintf(out, "  %-15s %lld\n", recon_class_name(c),
		        (long long)r->counts[c]);
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		c = shown[i];
		if (!r->counts[c])
			continue;
		fprintf(out, "%s (%lld):\n", recon_class_name(c),
		        (long long)r->counts[c]);
		if (ledger_recon_findings(r->ledger, r->run_id,
		                          recon_class_name(c), FIRST_ROWS,
		                          print_row, &tc))
			fprintf(out, "  (cannot read the findings: %s)\n",
			        ledger_last_error());
		if (r->counts[c] > FIRST_ROWS)
			fprintf(out,
			        "  ... and %lld more (provhost reconcile "
			        "--json lists all)\n",
			        (long long)(r->counts[c] - FIRST_ROWS));
	}
	if (r->opt->repair) {
		struct text_ctx rc_ctx = {out, 0, 0};

		fprintf(out, "repairs%s:", r->opt->dry_run ? " (planned)" : "");
		if (ledger_recon_repair_counts(r->ledger, r->run_id,
		                               print_repair, &rc_ctx))
			fprintf(out, " (cannot read them: %s)",
			        ledger_last_error());
		fputs(rc_ctx.n ? "\n" : " none\n", out);
		if (rc_ctx.supervised)
			fprintf(out,
			        "  HELD: %lld repair%s on connection %s wait%s "
			        "for approval (supervised): provhost review\n",
			        (long long)rc_ctx.supervised,
			        rc_ctx.supervised == 1 ? "" : "s",
			        r->conn->name,
			        rc_ctx.supervised == 1 ? "s" : "");
	} else {
		bool attention = false;

		for (c = 0; c < RC_COUNT; c++)
			attention |= r->counts[c] && recon_class_attention(c);
		if (attention)
			fprintf(out, "provhost reconcile --repair --dry-run "
			             "shows what a repair would do\n");
	}
}

struct json_ctx {
	FILE *out;
	bool first;
};

static void set_opt(json_t *obj, const char *key, const char *value)
{
	if (value[0])
		json_object_set_new(obj, key, utf8_json_string(value));
}

static int json_row(const struct ledger_finding_row *row, void *ctx)
{
	struct json_ctx *jc = ctx;
	json_t *obj = json_object();
	char *text;

	if (!obj)
		return 1;
	json_object_set_new(obj, "n", json_integer(row->n));
	json_object_set_new(obj, "class", json_string(row->cls));
	set_opt(obj, "account_id", row->account_id);
	set_opt(obj, "userName", row->user_name);
	set_opt(obj, "employee_id", row->employee_id);
	if (row->active >= 0)
		json_object_set_new(obj, "active", json_boolean(row->active));
	set_opt(obj, "detail", row->detail);
	set_opt(obj, "repair", row->repair);
	set_opt(obj, "repair_detail", row->repair_detail);
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (!text)
		return 1;
	fprintf(jc->out, "%s\n      %s", jc->first ? "" : ",", text);
	jc->first = false;
	free(text);
	return 0;
}

void recon_report_json(struct recon *r, FILE *out, bool first)
{
	struct json_ctx jc = {out, true};
	json_t *head = json_object(), *counts = json_object();
	char *h = NULL, *cn = NULL;
	int c;

	if (!head || !counts)
		goto out;
	json_object_set_new(head, "connection",
	                    utf8_json_string(r->conn->name));
	for (c = 0; c < RC_COUNT; c++)
		json_object_set_new(counts, recon_class_name(c),
		                    json_integer(r->counts[c]));
	h = json_dumps(json_object_get(head, "connection"), JSON_ENCODE_ANY);
	cn = json_dumps(counts, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!h || !cn)
		goto out;
	fprintf(out,
	        "%s\n  {\"connection\": %s, \"reconcile_run\": %lld, "
	        "\"dry_run\": %s, \"repair\": %s,\n   \"accounts\": %lld, "
	        "\"counts\": %s,\n   \"findings\": [",
	        first ? "" : ",", h, (long long)r->run_id,
	        r->opt->dry_run ? "true" : "false",
	        r->opt->repair ? "true" : "false", (long long)r->accounts, cn);
	if (ledger_recon_findings(r->ledger, r->run_id, NULL, -1, json_row,
	                          &jc))
		fprintf(stderr, "provhost reconcile: %s\n",
		        ledger_last_error());
	fprintf(out, "%s]}", jc.first ? "" : "\n   ");
out:
	free(h);
	free(cn);
	json_decref(head);
	json_decref(counts);
}

void recon_report_json_error(struct recon *r, FILE *out, bool first)
{
	json_t *obj = json_pack("{s:o, s:I, s:o}", "connection",
	                        utf8_json_string(r->conn->name),
	                        "reconcile_run", (json_int_t)r->run_id, "error",
	                        utf8_json_string(r->error));
	char *text = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER)
	                 : NULL;

	fprintf(out, "%s\n  %s", first ? "" : ",",
	        text ? text : "{\"error\": \"out of memory\"}");
	free(text);
	json_decref(obj);
}
