#!/usr/bin/env bash
# provhost run end to end: the demo configuration and conf/demo/events.jsonl
# against the simulator; the accounts, the reject file, the summary, the
# ledger and the audit trail it leaves; usage errors.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
MAIN_URL=$SIM_URL MAIN_ROOT=$SIM_ROOT
rt_state demo

begin "demo events: exit 1 for the one bad line, accounts exactly as the role rules say"
rph run --reject-file "$REJ" "$DEMO_EVENTS"
expect_rc 1
# E1001 Engineering employee: "engineering" grants Modeller, "employees"
#   (no grant) adds the default Viewer.
# E1002 hired into Quality (Process Expert, Viewer), terminated, rehired
#   into Engineering: active again, roles replaced by Modeller, Viewer.
# E1003 Finance: only "employees" -> Viewer; the update into Quality adds
#   Process Expert.
# E1004 Engineering + "Head of ...": Modeller, Editor, Viewer.
# E1005 a Sales contractor matches no rule; no_match=deprovision: never
#   created. E1006 (line 8) is malformed. E1007 starts in 2099.
expect_eq "$(users_brief)" \
	"aroha.ngata@example.com active=true roles=Modeller,Viewer name=Aroha Ngata
jonas.berg@example.com active=true roles=Editor,Modeller,Viewer name=Jonas Berg
liam.obrien@example.com active=true roles=Modeller,Viewer name=Liam O'Brien
mei.chen@example.com active=true roles=Process Expert,Viewer name=Mei Chen" "users"
expect_eq "$(sim_users | jq -r 'sort_by(.userName)[] | "\(.emails | map(.value) | join(",")) \(.timezone // "-")"')" \
	"aroha.ngata@example.com Pacific/Auckland
jonas.berg@example.com -
liam.obrien@example.com Pacific/Auckland
mei.chen@example.com Australia/Sydney" "emails and time zones"
expect_eq "$(sim_count POST) $(sim_count DELETE) $(sim_writes)" "4 1 7" "POSTs, DELETEs, writes"
finish

begin "demo events: the reject file holds line 8 verbatim and its reason"
expect_eq "$(cat "$REJ")" "$(sed -n 8p "$DEMO_EVENTS")	# line 8: invalid JSON: '}' expected near '\"id\"' (column 42)" "reject file"
finish

begin "demo events: summary counts"
expect_eq "$(head -n 3 <<<"$OUT")" "run 1: 10 lines read from $DEMO_EVENTS, 1 rejected
  rejected lines:
    line 8: invalid JSON: '}' expected near '\"id\"' (column 42)" "summary head"
expect_contains "$OUT" "connection \"$RT_CONN\":
  Total 10 | Rejected 1 | Skipped 0 | Unchanged 1 | Created 4 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0
  Pending 0 | Not yet effective 1
"
expect_not_contains "$OUT" "STOPPED"
expect_eq "$ERR" "" stderr
finish

begin "demo events: ledger targets, links, rejects and the run row"
expect_eq "$(targets)" "evt-0001|done|created
evt-0002|done|created
evt-0003|done|created
evt-0004|done|created
evt-0005|done|absent
evt-0006|done|updated
evt-0007|done|deactivated
evt-0009|done|reactivated
evt-0010|not_yet_effective|" "targets"
sim_ids=$(sim_users | jq -r 'sort_by(.userName)[] | "\(.userName)|\(.id)"')
expect_eq "$(q "SELECT user_name, account_id FROM links ORDER BY user_name")" "$sim_ids" "links point at the simulator's ids"
expect_eq "$(q "SELECT employee_id, user_name, active FROM links WHERE connection = '$RT_CONN' ORDER BY employee_id")" \
	"E1001|aroha.ngata@example.com|1
E1002|liam.obrien@example.com|1
E1003|mei.chen@example.com|1
E1004|jonas.berg@example.com|1" "links"
expect_eq "$(q "SELECT run_id, source, line_no, reason FROM rejects")" \
	"1|$DEMO_EVENTS|8|invalid JSON: '}' expected near '\"id\"' (column 42)" "rejects"
expect_eq "$(q "SELECT id, dry_run, exit_code, finished_at >= started_at FROM runs")" "1|0|1|1" "runs"
expect_eq "$(q "SELECT json_extract(summary, '\$.\"$RT_CONN\".Created') FROM runs")" 4 "run summary JSON"
finish

begin "audit: one JSON line per target operation with the documented fields"
fields='["time","run","event","employee","connection","operation","attempt","status","outcome","account_id","http_status","duration_ms","error"]'
expect_eq "$(wc -l <"$AUDIT")" 8 "audit lines"
expect_eq "$(jq -c keys_unsorted "$AUDIT" | sort -u)" "$(jq -c . <<<"$fields")" "field names and order"
bad=$(jq -c --arg c "$RT_CONN" 'select((.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$") | not)
	or .run != 1 or .connection != $c or .attempt != 1 or .status != "ok"
	or .error != null or (.duration_ms | type) != "number" or .duration_ms < 0)' "$AUDIT")
expect_eq "$bad" "" "lines with a wrong time, run, connection, attempt, status, error or duration"
expect_eq "$(jq -r '"\(.event) \(.employee) \(.operation) \(.outcome) \(.http_status)"' "$AUDIT" | sort)" \
	"evt-0001 E1001 provision created 201
evt-0002 E1002 provision created 201
evt-0003 E1003 provision created 201
evt-0004 E1004 provision created 201
evt-0005 E1005 deprovision absent 200
evt-0006 E1003 provision updated 200
evt-0007 E1002 deprovision deactivated 204
evt-0009 E1002 provision reactivated 200" "operations"
# account ids are the simulator's; the absent one has none
ids=$(sim_users | jq -c 'map({(.userName): .id}) | add')
expect_eq "$(jq -r --argjson ids "$ids" 'select(.account_id != null) | .account_id == $ids[{E1001:"aroha.ngata@example.com",E1002:"liam.obrien@example.com",E1003:"mei.chen@example.com",E1004:"jonas.berg@example.com"}[.employee]]' "$AUDIT" | sort -u)" \
	true "account ids match the simulator"
expect_eq "$(jq -r 'select(.account_id == null) | .event' "$AUDIT")" evt-0005 "only the absent one has no account id"
# one person's events are applied in input order
expect_eq "$(jq -r 'select(.employee == "E1002") | .event' "$AUDIT" | tr '\n' ' ')" "evt-0002 evt-0007 evt-0009 " "E1002 in order"
finish

begin "audit: a retried call has one line per attempt, numbered, with the error"
# one worker and every 3rd request a 503: request 3 (r-1's POST) and 6
# (r-2's lookup) fail once, with Retry-After: 1
rt_sim --fail-every 3 || exit 1
rt_state retry '.connections[0].engine.workers = 1'
{
	ev hire R001 r-1 - Rua Retry Engineering
	ev hire R002 r-2 - Tia Again Quality
} >"$T_TMP/retry.jsonl"
rph run "$T_TMP/retry.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 2 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 2 |"
expect_contains "$OUT" "5 connector calls, 2 retries"
expect_eq "$(jq -c 'del(.time, .duration_ms, .connection)' "$AUDIT")" \
	'{"run":1,"event":"r-1","employee":"R001","operation":"provision","attempt":1,"status":"transient","outcome":null,"account_id":null,"http_status":503,"error":"promapp answered 503 to POST /Users: service temporarily unavailable (injected)","retrying":true}
{"run":1,"event":"r-1","employee":"R001","operation":"provision","attempt":2,"status":"ok","outcome":"created","account_id":"1","http_status":201,"error":null}
{"run":1,"event":"r-2","employee":"R002","operation":"provision","attempt":1,"status":"transient","outcome":null,"account_id":null,"http_status":503,"error":"promapp answered 503 to GET /Users: service temporarily unavailable (injected)","retrying":true}
{"run":1,"event":"r-2","employee":"R002","operation":"provision","attempt":2,"status":"ok","outcome":"created","account_id":"2","http_status":201,"error":null}' "audit lines"
expect_eq "$(sim_users | jq length) $(sim_count POST)" "2 3" "users, POSTs"
expect_eq "$(q "SELECT e.id, t.attempts, a.attempt, a.status, IFNULL(a.http_status, '') FROM attempts a JOIN events e ON e.seq = a.event_seq JOIN targets t ON t.event_seq = a.event_seq ORDER BY e.seq, a.attempt")" \
	"r-1|2|1|transient|503
r-1|2|2|ok|201
r-2|2|1|transient|503
r-2|2|2|ok|201" "ledger attempts"
finish

begin "a single 503 on the pre-flight check is retried, not fatal"
# the target is fine but has one hiccup: the 3rd request, which is made the
# pre-flight check by sending two requests first
sim_reset
rt_state preflight-503 '.connections[0].engine.workers = 1'
scim GET /Users
scim GET /Users
ev hire R003 r-3 - Pia Flight Engineering >"$T_TMP/preflight.jsonl"
rph run "$T_TMP/preflight.jsonl"
expect_rc 0
expect_not_contains "$OUT" "STOPPED"
expect_contains "$OUT" "Created 1 |"
expect_eq "$(sim_users | jq -r '.[].userName')" "pia.flight@example.com" "users"
finish
SIM_URL=$MAIN_URL SIM_ROOT=$MAIN_ROOT

begin "leave, return and a terminate carrying only the employee id"
rt_state leave '.connections[0].policy.leave = "deprovision"'
{
	ev hire L001 l-1 2026-01-05 Lena Leave Engineering
	ev leave L001 l-2 2026-02-01 Lena Leave Engineering
	ev return L001 l-3 2026-05-01 Lena Leave Engineering
	ev hire L002 l-4 2026-01-05 Tom Short Engineering
	printf '%s\n' '{"event":"terminate","employee_id":"L002","id":"l-5","effective":"2026-06-30"}'
} >"$T_TMP/leave.jsonl"
rph run "$T_TMP/leave.jsonl"
expect_rc 0
expect_eq "$(targets)" "l-1|done|created
l-2|done|deactivated
l-3|done|reactivated
l-4|done|created
l-5|done|deactivated" "targets"
expect_eq "$(sim_users | jq -r '[.[] | select(.userName == "lena.leave@example.com" or .userName == "tom.short@example.com") | "\(.userName)=\(.active)"] | sort | join(" ")')" \
	"lena.leave@example.com=true tom.short@example.com=false" "users"
finish

begin "usage: run without EVENTS -> exit 2, one line"
rph run
expect_rc 2
expect_eq "$ERR" "provhost run: missing INPUT (a JSON Lines file, a CSV export, ..., or - for stdin); see 'provhost help run'" stderr
expect_eq "$OUT" "" stdout
finish

begin "usage: unknown option -> exit 2"
rph run --bogus "$DEMO_EVENTS"
expect_rc 2
expect_eq "$ERR" "provhost run: unknown option \"--bogus\"; see 'provhost help run'" stderr
rph run "$DEMO_EVENTS" extra
expect_rc 2
expect_eq "$ERR" "provhost run: unexpected argument \"extra\"; see 'provhost help run'" stderr
finish

begin "usage: unknown --connection -> exit 2, nothing stored or sent"
rt_state usage
w0=$(sim_stats | jq .total)
rph run --connection "Connection-Nope" "$DEMO_EVENTS"
expect_rc 2
expect_eq "$ERR" "provhost run: no connection named \"Connection-Nope\" in $CFG; see 'provhost check-config'" stderr
expect_eq "$OUT" "" stdout
[ -e "$LEDGER" ] && fail "a ledger was created"
expect_eq "$(sim_stats | jq .total)" "$w0" "requests"
finish

begin "usage: unreadable EVENTS file -> exit 2 with the path and reason"
rph run "$ST/no-such-file.jsonl"
expect_rc 2
expect_eq "$ERR" "provhost run: cannot open \"$ST/no-such-file.jsonl\": No such file or directory" stderr
finish

rt_no_secrets_case
done_testing
