#!/usr/bin/env bash
# Every decision explained in one vocabulary: an audit line per decision
# ("operation": "decision") with the matched rule names, the roles, the
# changed HR attributes (old -> new, values of the mapping's "sensitive"
# attributes masked) and why nothing was sent when nothing was; the same
# decision in `history`, the -v log and a dry run's plan lines; audit lines
# for the run's start and stop and the pre-flight authenticate (also when
# it fails); a dry run's lines have no run number.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

# line KIND EMP ID TITLE LOCATION [DEPT] [TYPE] [EMAIL]: one event line
line() {
	local email=${8-x.$2@example.com}
	printf '{"event":"%s","employee_id":"%s","id":"%s","attributes":{"first_name":"Xa","last_name":"%s","email":"%s","department":"%s","title":"%s","location":"%s","employment_type":"%s"}}\n' \
		"$1" "$2" "$3" "$2" "$email" "${6:-Engineering}" "$4" "$5" "${7:-Employee}" | sed 's/,"email":""//'
}

# decisions: "event state decision-JSON" per decision audit line, in order
# per event id
decisions() {
	jq -c 'select(.operation == "decision") | [.event, .state, .decision]' "$AUDIT" | sort
}

rt_sim || exit 1
CONF='.connections[0].mapping.sensitive = ["location"] | .connections[0].policy.no_match = "default_roles"'

begin "an audit line per decision: rules by name, roles, changed attributes with sensitive ones masked, why nothing was sent"
rt_state dec "$CONF"
in="$T_TMP/dec.jsonl"
{
	line hire X001 x-1 Engineer Wellington
	line update X001 x-2 "Head of Platform" Auckland
	line update X001 x-3 "Head of Platform" Auckland
	line leave X001 x-4 "Head of Platform" Auckland
	line hire X002 x-5 Clerk Sydney Sales Contractor
	line hire X003 x-6 Clerk Sydney Sales Employee ""
	line terminate X001 x-7 "Head of Platform" Auckland
} >"$in"
rph run "$in"
expect_rc 1 # x-6 is rejected by the mapping
expect_eq "$(decisions)" \
	'["x-1","done",{"action":"create","reason":"hire","rules":["engineering","employees"],"roles":["Modeller","Viewer"],"changes":[]}]
["x-2","done",{"action":"update","reason":"update","rules":["engineering","leaders","employees"],"roles":["Modeller","Editor","Viewer"],"changes":[{"attribute":"location","old":"(sensitive)","new":"(sensitive)"},{"attribute":"title","old":"Engineer","new":"Head of Platform"}]}]
["x-3","done",{"action":"none","reason":"no change","rules":["engineering","leaders","employees"],"roles":["Modeller","Editor","Viewer"],"changes":[]}]
["x-4","skipped",{"action":"none","reason":"leave: policy leave=ignore","rules":["engineering","leaders","employees"],"roles":[],"changes":[]}]
["x-5","done",{"action":"create","reason":"hire: no rule matched → default roles","rules":[],"roles":["Viewer"],"changes":[]}]
["x-6","rejected",{"action":"none","reason":"hire; rejected: missing HR attribute \"email\" (required by mapping \"userName\")","rules":["employees"],"roles":["Viewer"],"changes":[]}]
["x-7","done",{"action":"deactivate","reason":"terminate","rules":["engineering","leaders","employees"],"roles":[],"changes":[]}]' "decision lines"
# every decision line names its run, connection, employee and outcome
expect_eq "$(jq -c 'select(.operation == "decision") | [.run, .connection, .employee, .outcome]' "$AUDIT" | sort -u)" \
	"[1,\"$RT_CONN\",\"X001\",\"created\"]
[1,\"$RT_CONN\",\"X001\",\"deactivated\"]
[1,\"$RT_CONN\",\"X001\",\"unchanged\"]
[1,\"$RT_CONN\",\"X001\",\"updated\"]
[1,\"$RT_CONN\",\"X001\",null]
[1,\"$RT_CONN\",\"X002\",\"created\"]
[1,\"$RT_CONN\",\"X003\",null]" "decision lines' run, connection, employee, outcome"
# the masked values appear nowhere a person reads
expect_file_not_contains "$AUDIT" Wellington
expect_file_not_contains "$AUDIT" Auckland
finish

begin "the ledger keeps each target's decision; history shows it in the same words"
expect_eq "$(q "SELECT json_extract(t.decision, '\$.action') FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'x-2'")" update "stored decision"
rph history X001
expect_rc 0
expect_contains "$OUT" '      decision update: update; rules engineering, leaders, employees; roles Modeller, Editor, Viewer; changed location (sensitive), title "Engineer" → "Head of Platform"'
# x-3 equals the state x-2 wrote: no request, the same vocabulary
expect_contains "$OUT" '      decision none: no change; rules engineering, leaders, employees; roles Modeller, Editor, Viewer'
expect_contains "$OUT" '      decision none: leave: policy leave=ignore; rules engineering, leaders, employees; roles none'
expect_not_contains "$OUT" Auckland
expect_not_contains "$OUT" Wellington
finish

begin "run start, authenticate and run stop lines, with the summary counts"
expect_eq "$(jq -c 'select(.operation == "run_start") | [.run, .source, .connections]' "$AUDIT")" \
	"[1,\"$in\",[\"$RT_CONN\"]]" "run_start"
expect_eq "$(jq -c 'select(.operation == "authenticate") | [.run, .connection, .attempt, .status, .http_status, .error]' "$AUDIT")" \
	"[1,\"$RT_CONN\",1,\"ok\",null,null]" "authenticate"
expect_eq "$(jq -c --arg c "$RT_CONN" 'select(.operation == "run_stop") | [.run, .exit_code, .status, .reason, .lines, .rejected_lines, .duplicates_in_input, .summary[$c].Created, .summary[$c].Rejected]' "$AUDIT")" \
	'[1,1,"failed",null,7,0,0,2,1]' "run_stop"
expect_eq "$(jq -r .operation "$AUDIT" | head -n 2 | tr '\n' ' ')" "run_start authenticate " "first lines"
expect_eq "$(jq -r .operation "$AUDIT" | tail -n 1)" run_stop "last line"
finish

begin "-v logs each decision in the same words"
sim_reset
rt_state verbose "$CONF"
"$PROVHOST" -v run -c "$CFG" "$in" >"$T_TMP/v.out" 2>"$T_TMP/v.err" </dev/null
expect_eq "$?" 1 "exit code"
cat "$T_TMP/v.out" "$T_TMP/v.err" >>"$ALL_OUT"
expect_contains "$(cat "$T_TMP/v.err")" "provhost: [INFO] connection \"$RT_CONN\" event x-2 employee X001: update: update; rules engineering, leaders, employees; roles Modeller, Editor, Viewer; changed location (sensitive), title \"Engineer\" → \"Head of Platform\""
expect_contains "$(cat "$T_TMP/v.err")" "provhost: [INFO] connection \"$RT_CONN\" event x-5 employee X002: create: hire: no rule matched → default roles; rules none; roles Viewer"
expect_eq "$(grep -c '\[INFO\] connection .* event x-[0-9] employee' "$T_TMP/v.err")" 7 "one log line per decision"
expect_file_not_contains "$T_TMP/v.err" Auckland
finish

begin "a dry run: plan lines carry the decisions, its audit lines have no run number"
sim_reset
rt_state dry "$CONF"
rph run --dry-run "$in"
expect_rc 1
expect_contains "$OUT" "plan: connection \"$RT_CONN\" event x-2 employee X001: decision update: update; rules engineering, leaders, employees; roles Modeller, Editor, Viewer; changed location (sensitive), title \"Engineer\" → \"Head of Platform\""
expect_contains "$OUT" "plan: connection \"$RT_CONN\" event x-4 employee X001: decision none: leave: policy leave=ignore;"
expect_eq "$(grep -c ': decision ' <<<"$OUT")" 7 "decision plan lines"
expect_eq "$(jq -c '[.run, .dry_run]' "$AUDIT" | sort -u)" '[null,true]' "every dry-run audit line: no run number, dry_run true"
expect_eq "$(decisions | jq -c '.[2].action' | tr '\n' ' ')" '"create" "update" "none" "none" "create" "none" "deactivate" ' "the dry run's decisions are the real run's"
expect_contains "$OUT" "dry run: 7 lines read from $in"
# the next real run is run 1: it shares its number with no dry run
rph run "$in"
expect_contains "$OUT" "run 1: 7 lines read from $in"
expect_eq "$(jq -c 'select(.run == 1) | .dry_run' "$AUDIT" | sort -u)" "null" "run 1's lines are the real run's only"
finish

begin "the guard's held deprovisions: decision 'held by guard' with the reason"
sim_reset
rt_state guard '.connections[0].policy.max_deprovisions_per_run = 1'
{
	line hire G001 g-1 Engineer Here
	line hire G002 g-2 Engineer Here
} >"$T_TMP/g1.jsonl"
{
	line terminate G001 g-3 Engineer Here
	line terminate G002 g-4 Engineer Here
} >"$T_TMP/g2.jsonl"
rph run "$T_TMP/g1.jsonl"
expect_rc 0
rph run "$T_TMP/g2.jsonl"
expect_rc 4 # held: waits for a person
expect_eq "$(jq -c 'select(.operation == "decision" and .run == 2) | [.event, .state, .decision.action, .decision.reason]' "$AUDIT" | sort)" \
	'["g-3","held","none","held by guard: 2 deprovisions > max_deprovisions_per_run 1 (run 2)"]
["g-4","held","none","held by guard: 2 deprovisions > max_deprovisions_per_run 1 (run 2)"]' "held decisions"
rph history G001
expect_contains "$OUT" "      decision none: held by guard: 2 deprovisions > max_deprovisions_per_run 1 (run 2); rules none; roles none"
finish

begin "a failed pre-flight authenticate has its audit line, and the stop line says why"
sim_reset
rt_state badtok
rt_token "$BAD_TOKEN"
line hire B001 b-1 Engineer Here >"$T_TMP/b.jsonl"
rph run "$T_TMP/b.jsonl"
expect_rc 3
expect_eq "$(jq -c 'select(.operation == "authenticate") | [.attempt, .status, .http_status]' "$AUDIT")" '[1,"credential",401]' "authenticate line"
expect_contains "$(jq -r 'select(.operation == "authenticate") | .error' "$AUDIT")" "the access token was rejected"
expect_eq "$(jq -c 'select(.operation == "run_stop") | [.exit_code, .status]' "$AUDIT")" '[3,"stopped"]' "run_stop"
expect_contains "$(jq -r 'select(.operation == "run_stop") | .reason' "$AUDIT")" "connection \"$RT_CONN\": connection check failed: the access token was rejected"
expect_eq "$(jq -c 'select(.operation == "decision")' "$AUDIT")" "" "no decisions (nothing was applied)"
finish

rt_no_secrets_case
done_testing
