/* provhost review: what its two files share (cmd_review.c lists and
 * parses, cmd_review_act.c decides). */
#ifndef PROVHOST_CMD_REVIEW_H
#define PROVHOST_CMD_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "ledger/ledger.h"

enum review_action {
	REVIEW_LIST,
	REVIEW_APPROVE,
	REVIEW_DISCARD,
	REVIEW_RETRY,
	REVIEW_LINK,
	REVIEW_UNLINK,
};

struct review_opts {
	const char *config;
	const char *connection;
	const char *reason;
	bool json;
	bool all_held;
	bool rejected;
	bool now; /* run the engine for the released work at once */
	enum review_action action;
	char **args; /* the subcommand's operands */
	int n_args;
};

/* Takes the action o asks for on the open ledger l of cfg (closes l when
 * --now runs the engine: *l is then NULL). Returns the exit code. */
int review_act(struct ledger **l, const struct config *cfg,
               const struct review_opts *o);

/* cmd_review_recon.c: reconcile repairs held by supervised mode. text:
 * prints them (their number in *n); json: them as a JSON array (NULL on
 * a ledger error or out of memory); parse_id: "R<RUN>-<N>:<CONNECTION>",
 * 0 or -1. text and held: 0 or -1 (ledger_last_error). */
int review_recon_text(struct ledger *l, const char *connection, size_t *n);
json_t *review_recon_json(struct ledger *l, const char *connection);
int review_recon_parse_id(const char *id, int64_t *run, int64_t *n,
                          const char **conn);

#endif
