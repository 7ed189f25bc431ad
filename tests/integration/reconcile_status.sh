#!/usr/bin/env bash
# provhost status shows each connection's last reconcile (issue 15): when,
# the counts and the exit code, in the text and in status --json (valid
# against doc/schema/provhost-state-v1.json; null before any reconcile).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

SCHEMA="$ROOT/doc/schema/provhost-state-v1.json"
CHECK="$ROOT/tests/tools/schema_check.py"
valid() { why=$(python3 "$CHECK" "$SCHEMA" <<<"$OUT" 2>&1) || fail "$1 does not validate: $why"; }
conn() { jq -c --arg c "$RT_CONN" '.connections[] | select(.name == $c) | .last_reconcile' <<<"$OUT"; }

rt_sim || exit 1
rt_state st
ev hire T1 t1-hire 2026-01-05 Tove Ek Engineering >"$T_TMP/hr.jsonl"

begin "status before any reconcile: last_reconcile is null, no text line"
rph run "$T_TMP/hr.jsonl"
expect_rc 0
rph status --json
expect_rc 0
valid "status --json"
expect_eq "$(conn)" null "last_reconcile"
rph status
expect_not_contains "$OUT" "last reconcile"
finish

begin "status after a reconcile that found an orphan: counts and exit code"
scim POST /Users '{"userName":"hand@example.com","name":{"givenName":"Hand","familyName":"Made"},"emails":[{"value":"hand@example.com","type":"work","primary":true}]}'
rph reconcile
expect_rc 1
RUN=$(q "SELECT max(id) FROM reconcile_runs")
rph status --json
expect_rc 0
valid "status --json"
expect_eq "$(conn | jq -r '"\(.id) \(.repair) \(.accounts) \(.exit_code) \(.counts.ok) \(.counts.orphan) \(.error)"')" \
	"$RUN false 2 1 1 1 null" "last_reconcile"
expect_eq "$(conn | jq -r '.finished_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")')" true "finished_at"
rph status
expect_contains "$OUT" "  last reconcile $RUN: finished "
expect_contains "$OUT" ", exit 1, 2 accounts listed: ok 1, orphan 1"
finish

begin "status after reconcile --repair: the newest run, with its repairs"
rph reconcile --repair
expect_rc 0
rph status --json
valid "status --json"
expect_eq "$(conn | jq -r '"\(.id > '"$RUN"') \(.repair) \(.exit_code) \(.counts.repairs.deactivated)"')" "true true 0 1" "last_reconcile"
rph status
expect_contains "$OUT" "(--repair): finished "
expect_contains "$OUT" "; repairs: deactivated 1"
finish
