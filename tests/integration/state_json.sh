#!/usr/bin/env bash
# Machine-readable state: status --json, history --json (by employee id,
# --account and --user-name) and review --json are documents of the one
# versioned schema doc/schema/provhost-state-v1.json, validated with
# python3-jsonschema (tests/tools/schema_check.py); a history entry carries
# the target's stored decision when the ledger has targets.decision.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

SCHEMA="$ROOT/doc/schema/provhost-state-v1.json"
CHECK="$ROOT/tests/tools/schema_check.py"
# valid: $OUT validates against the schema
valid() {
	local why
	why=$(python3 "$CHECK" "$SCHEMA" <<<"$OUT" 2>&1) || fail "$1 does not validate: $why"
}

rt_sim || exit 1
rt_state json

begin "the validator rejects a document that breaks the schema (self-test)"
OUT='{"schema":"provhost/v1","kind":"status","generated_at":"2026-01-01T00:00:00Z","ledger":"x","connections":[],"rejected_lines":-1,"last_run":null}'
why=$(python3 "$CHECK" "$SCHEMA" <<<"$OUT")
[ $? -eq 1 ] || fail "a negative count passed"
expect_contains "$why" "rejected_lines"
OUT='{"schema":"provhost/v2","kind":"review","generated_at":"2026-01-01T00:00:00Z","items":[]}'
python3 "$CHECK" "$SCHEMA" <<<"$OUT" >/dev/null && fail "schema provhost/v2 passed"
finish

begin "status --json and history --json before any run: valid, nothing on stdout but JSON"
rph status --json
expect_rc 0
valid "status --json (no ledger)"
expect_eq "$(jq -r '.last_run' <<<"$OUT")" null "last_run"
expect_eq "$(jq -r '.connections[] | "\(.name) \(.configured) \(.counts.pending) \(.links)"' <<<"$OUT")" "$RT_CONN true 0 0" "configured connection"
rph history --json E1002
expect_rc 1
valid "history --json (no ledger)"
expect_eq "$(jq -c '.events' <<<"$OUT")" "[]" "events"
finish

begin "status --json after a run: counts, links, last run with its exit code"
rph run "$DEMO_EVENTS"
expect_rc 1
rph status --json
expect_rc 0
valid "status --json"
expect_eq "$(jq -r '.schema, .kind' <<<"$OUT" | tr '\n' ' ')" "provhost/v1 status " "schema, kind"
expect_eq "$(jq -r --arg c "$RT_CONN" '.connections[] | select(.name == $c) | "\(.counts.done) \(.counts.not_yet_effective) \(.links) \(.configured)"' <<<"$OUT")" "8 1 4 true" "counts"
expect_eq "$(jq -r '"\(.last_run.id) \(.last_run.exit_code) \(.rejected_lines) \(.last_run.stopped | length)"' <<<"$OUT")" "1 1 1 0" "last run"
expect_eq "$(jq -r --arg c "$RT_CONN" '.last_run.summary[$c].Created' <<<"$OUT")" 4 "summary"
finish

begin "history --json EMPLOYEE_ID: every event with its targets and its stored decision"
id=$(sim_users | jq -r '.[] | select(.userName == "liam.obrien@example.com") | .id')
rph history --json E1002
expect_rc 0
valid "history --json"
expect_eq "$(jq -r '[.events[] | "\(.kind):\(.targets[0].state):\(.targets[0].outcome)"] | join(" ")' <<<"$OUT")" \
	"hire:done:created terminate:done:deactivated rehire:done:reactivated" "events"
expect_eq "$(jq -r '[.events[].targets[0].account_id] | unique | join(",")' <<<"$OUT")" "$id" "account"
expect_eq "$(jq -c '[.events[].targets[0].decision.action]' <<<"$OUT")" '["create","deactivate","reactivate"]' "decisions the run stored"
expect_eq "$(jq -c '.query, .employees' <<<"$OUT" | tr '\n' ' ')" '{"employee_id":"E1002"} ["E1002"] ' "query"
finish

begin "history --account ID and --user-name NAME find the same person (text and JSON)"
rph history E1002
want=$OUT
rph history --account "$id"
expect_rc 0
expect_eq "$OUT" "$want" "by account"
rph history --user-name LIAM.OBrien@Example.com
expect_rc 0
expect_eq "$OUT" "$want" "by userName (case-insensitive)"
rph history --json --account "$id"
expect_rc 0
valid "history --json --account"
expect_eq "$(jq -c '.query, .employees, (.events | length)' <<<"$OUT" | tr '\n' ' ')" "{\"account_id\":\"$id\"} [\"E1002\"] 3 " "by account JSON"
rph history --user-name nobody@example.com
expect_rc 1
expect_eq "$OUT" 'no events for userName "nobody@example.com"' "unknown userName"
rph history --account nope --json
expect_rc 1
valid "history --json (unknown account)"
rph history E1002 --account "$id"
expect_rc 2
expect_contains "$ERR" "give EMPLOYEE_ID or --account, not both"
rph history --account a --user-name b
expect_rc 2
expect_contains "$ERR" "give --account or --user-name, not both"
rph status --account x
expect_rc 2
expect_contains "$ERR" 'unknown option "--account"'
finish

begin "history --json shows the stored decision of each target as it is in the ledger"
cp "$LEDGER" "$ST/ledger-before.sqlite"
q "UPDATE targets SET decision = '{\"action\":\"reactivate\",\"reason\":\"rehire of a linked person\",\"rules\":[\"engineering\"],\"roles\":[\"Modeller\"],\"changes\":[{\"attribute\":\"department\",\"old\":\"Quality\",\"new\":\"Engineering\"}]}'
   WHERE event_seq = (SELECT seq FROM events WHERE id = 'evt-0009')"
rph history --json E1002
expect_rc 0
valid "history --json with a decision"
expect_eq "$(jq -c '[.events[].targets[0].decision.action]' <<<"$OUT")" '["create","deactivate","reactivate"]' "decisions"
expect_eq "$(jq -r '.events[2].targets[0].decision.changes[0].new' <<<"$OUT")" Engineering "change"
cp "$ST/ledger-before.sqlite" "$LEDGER"
finish

begin "review --json is a provhost/v1 document of kind review"
rph review --json
expect_rc 0
valid "review --json"
expect_eq "$(jq -r '.schema, .kind, (.items | type)' <<<"$OUT" | tr '\n' ' ')" "provhost/v1 review array " "review"
finish

begin "a run stopped by a rejected token: status --json stores and shows why"
rt_token "$BAD_TOKEN"
printf '%s\n' "$(ev hire S001 s-1 - Sam Stone Engineering)" >"$T_TMP/one.jsonl"
rph run "$T_TMP/one.jsonl"
expect_rc 3
rph status --json
valid "status --json after a stop"
expect_eq "$(jq -r '.last_run.exit_code' <<<"$OUT")" 3 "exit code"
expect_eq "$(jq -r '.last_run.stopped[0].connection' <<<"$OUT")" "$RT_CONN" "stopped connection"
expect_contains "$(jq -r '.last_run.stopped[0].reason' <<<"$OUT")" "credential"
rt_token "$TEST_TOKEN"
finish

rt_no_secrets_case
done_testing
