#!/usr/bin/env bash
# provhost reconcile --repair under supervised mode (issue 15): with
# policy supervise ["deactivate"] an orphan's deactivation is not sent but
# held for approval (exit 4), listed by provhost review (text and --json,
# valid against the state schema), approvable and discardable there, and
# applied by the next reconcile --repair after approval (the approval is
# used once); with supervise ["link"] a link of an unlinked match is held
# likewise and made only after approval.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

SCHEMA="$ROOT/doc/schema/provhost-state-v1.json"
CHECK="$ROOT/tests/tools/schema_check.py"
seed() { # USERNAME [GIVEN FAMILY]
	scim POST /Users "$(printf '{"userName":"%s","name":{"givenName":"%s","familyName":"%s"},"emails":[{"value":"%s","type":"work","primary":true}]}' \
		"$1" "${2:-Hand}" "${3:-Made}" "$1")"
	[ "$HTTP" = 201 ] || echo "seed $1: HTTP $HTTP $BODY" >&2
}
uid() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .id'; }
active() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .active'; }
last_run() { q "SELECT max(id) FROM reconcile_runs"; }

rt_sim || exit 1

begin "supervise deactivate: reconcile --repair holds the orphan's deactivation (exit 4), nothing sent"
rt_state sup-d '.connections[0].policy.supervise = ["deactivate"]'
ev hire S1 s1-hire 2026-01-05 Sara Berg Engineering >"$T_TMP/s1.jsonl"
rph run "$T_TMP/s1.jsonl"
expect_rc 0
seed hand1@example.com
ID1=$(uid hand1@example.com)
writes=$(sim_writes)
rph reconcile --repair
expect_rc 4
expect_eq "$(sim_writes)" "$writes" "writes"
expect_eq "$(active hand1@example.com)" true "the orphan"
RUN=$(last_run)
N=$(q "SELECT n FROM reconcile_findings WHERE run_id = $RUN AND class = 'orphan'")
RID="R$RUN-$N:$RT_CONN"
expect_eq "$(q "SELECT repair FROM reconcile_findings WHERE run_id = $RUN AND n = $N")" supervised "repair"
expect_contains "$(grep '"operation":"repair"' "$AUDIT" | tail -n 1)" '"outcome":"supervised"'
expect_contains "$OUT" "  HELD: 1 repair on connection $RT_CONN waits for approval (supervised): provhost review"
finish

begin "supervise deactivate: --dry-run shows the hold, sends nothing"
rph reconcile --repair --dry-run
expect_rc 1
expect_contains "$OUT" "supervised: deactivate: account $ID1 (no employee) waits for approval"
expect_eq "$(sim_writes)" "$writes" "writes"
finish

begin "supervise deactivate: provhost review lists the held repair (text and --json, valid)"
rph review
expect_rc 0
expect_contains "$OUT" "connection \"$RT_CONN\": reconcile repairs waiting for approval:"
expect_contains "$OUT" "  $RID  supervised  deactivate  account $ID1 \"hand1@example.com\"  no employee"
expect_contains "$OUT" "provhost review approve $RID"
rph review --json
expect_rc 0
expect_eq "$(jq -r '.reconcile | length' <<<"$OUT")" 1 "reconcile items"
expect_eq "$(jq -r '.reconcile[0] | "\(.id) \(.change) \(.class) \(.account_id) \(.user_name) \(.employee)"' <<<"$OUT")" \
	"$RID deactivate orphan $ID1 hand1@example.com null" "the item"
why=$(python3 "$CHECK" "$SCHEMA" <<<"$OUT" 2>&1) || fail "review --json does not validate: $why"
finish

begin "supervise deactivate: an unknown or wrong reconcile id is refused"
rph review approve "R$RUN-999:$RT_CONN" --reason "no such"
expect_rc 1
expect_contains "$ERR" "no reconcile repair R$RUN-999:$RT_CONN waits for approval"
rph review retry "$RID"
expect_rc 1
expect_contains "$ERR" "is a reconcile repair: approve or discard it"
finish

begin "supervise deactivate: approved in review, the next reconcile --repair deactivates it once"
rph review approve "$RID" --reason "hand-made, not needed"
expect_rc 0
expect_contains "$OUT" "$RID approved: the next provhost reconcile --repair applies it"
expect_eq "$(active hand1@example.com)" true "before the repair"
rph review
expect_not_contains "$OUT" "$RID"
expect_eq "$(q "SELECT count(*) FROM review_actions WHERE action = 'approve' AND items LIKE '%R$RUN-$N%'")" 1 "review action stored"
rph reconcile --repair
expect_rc 0
expect_eq "$(active hand1@example.com)" false "the orphan"
expect_eq "$(q "SELECT repair FROM reconcile_findings WHERE run_id = $RUN AND n = $N")" applied "the approval"
expect_contains "$(q "SELECT repair_detail FROM reconcile_findings WHERE run_id = $(last_run) AND class = 'orphan'")" "approved in provhost review"
expect_eq "$(sim_users | jq length)" 2 "accounts (none deleted)"
finish

begin "supervise deactivate: the approval was for that account only; a new orphan is held again; discarded, it is not asked again"
seed hand2@example.com
writes=$(sim_writes)
rph reconcile --repair
expect_rc 4
expect_eq "$(active hand2@example.com)" true "the new orphan"
expect_eq "$(sim_writes)" "$writes" "writes"
RUN2=$(last_run)
N2=$(q "SELECT n FROM reconcile_findings WHERE run_id = $RUN2 AND repair = 'supervised'")
rph review discard "R$RUN2-$N2:$RT_CONN" --reason "a service account, to protect"
expect_rc 0
expect_contains "$OUT" "discarded: not applied"
rph review
expect_contains "$OUT" "nothing waits for review"
# the discard was a decision: the orphan is still found, but its
# deactivation is neither sent nor asked again (nothing waits: exit 0)
rph reconcile --repair
expect_rc 0
expect_eq "$(active hand2@example.com)" true "kept, never sent"
expect_eq "$(sim_writes)" "$writes" "writes"
RUN3=$(last_run)
expect_eq "$(q "SELECT repair, repair_detail FROM reconcile_findings WHERE run_id = $RUN3 AND user_name = 'hand2@example.com'")" \
	"kept|discarded in provhost review (R$RUN2-$N2): left as it is, not asked again; protect or ignore the account to stop finding it" "the finding"
rph review
expect_contains "$OUT" "nothing waits for review"
finish

begin "supervise deactivate: review approve --all-held approves held reconcile repairs too; a malformed id is refused"
rph review approve "R-1:$RT_CONN" --reason "typo"
expect_rc 1
expect_contains "$ERR" "is not an item id (SEQ:CONNECTION or R<RUN>-<N>:CONNECTION"
seed hand3@example.com
rph reconcile --repair
expect_rc 4
rph review approve --all-held --reason "all checked"
expect_rc 0
expect_contains "$OUT" "approved: the next provhost reconcile --repair applies it"
rph reconcile --repair
expect_rc 0
expect_eq "$(active hand3@example.com)" false "the orphan"
expect_eq "$(active hand2@example.com)" true "the one discarded before"
finish

begin "supervise link: an unlinked match is not linked until approved; then linked without a write"
sim_stop
rt_sim || exit 1
rt_state sup-l '.connections[0].policy.supervise = ["link"]'
ev hire L3 l3-hire 2099-01-05 Chloe Dubois Engineering >"$T_TMP/l3.jsonl"
rph run "$T_TMP/l3.jsonl"
expect_rc 0
seed chloe.dubois@example.com Chloe Dubois
CID=$(uid chloe.dubois@example.com)
writes=$(sim_writes)
rph reconcile --repair
expect_rc 4
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'L3'")" 0 "links"
rph review --json
RIDL=$(jq -r '.reconcile[0].id' <<<"$OUT")
expect_eq "$(jq -r '.reconcile[0] | "\(.change) \(.class) \(.account_id) \(.employee)"' <<<"$OUT")" \
	"link unlinked_match $CID L3" "the item"
rph review approve "$RIDL" --reason "it is Chloe's"
expect_rc 0
rph reconcile --repair
expect_rc 0
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'L3'")" "$CID" "the link"
expect_eq "$(sim_writes)" "$writes" "writes (a link sends nothing)"
finish

begin "supervise link: without supervision the same match is linked at once (control)"
rt_state nosup
rph run "$T_TMP/l3.jsonl"
rph reconcile --repair
expect_rc 0
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'L3'")" "$CID" "the link"
finish
