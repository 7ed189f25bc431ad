#!/usr/bin/env bash
# What a connector's answer turns into: a record the connector refuses as
# invalid input is rejected (never retried), an outcome the host does not
# know is a protocol error (failed), and a create whose answer timed out is
# reported "created" when the retry finds the account it made.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
FIX="$BUILD/fixtures"

rt_sim || exit 1

# attempt_statuses EVENT_ID: the statuses of the event's attempts, in order.
attempt_statuses() {
	q "SELECT group_concat(a.status, ',') FROM (SELECT a.status FROM attempts a
	   JOIN events e ON e.seq = a.event_seq WHERE e.id = '$1' ORDER BY a.attempt) a"
}

long_email="$(head -c 1100 /dev/zero | tr '\0' a)@example.com"
{
	printf '{"event":"hire","employee_id":"L001","id":"long-1","effective":"2026-01-05","attributes":{"first_name":"Lou","last_name":"Long","email":"%s","department":"Engineering","employment_type":"Employee"}}\n' "$long_email"
	ev hire L002 long-2 2026-01-05 Ann Short Engineering
} >"$T_TMP/long.jsonl"

begin "a userName over 1,024 bytes is rejected with the connector's reason, once"
rt_state long
rph run "$T_TMP/long.jsonl"
expect_rc 1
expect_eq "$(targets)" "long-1|rejected|
long-2|done|created" "targets"
expect_eq "$(q "SELECT last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'long-1'")" \
	"invalid desired record: userName is longer than 1024 bytes" "reason"
expect_eq "$(attempt_statuses long-1)" "invalid_input" "one attempt"
expect_contains "$OUT" "Rejected 1 | Skipped 0 | Unchanged 0 | Created 1"
expect_contains "$OUT" "Failed 0"
expect_contains "$OUT" "event long-1 (employee L001): invalid desired record: userName is longer than 1024 bytes"
rph run "$T_TMP/long.jsonl"
expect_rc 0
expect_eq "$(attempt_statuses long-1)" "invalid_input" "not retried by the re-run"
expect_eq "$(count_state rejected)" 1 "still rejected"
finish

begin "an outcome the host does not know is a protocol error naming the connector and value"
export PH_OUT_TOKEN="tok-out-SeCrEt-99"
mkdir -p "$T_TMP/st-fake"
chmod 700 "$T_TMP/st-fake"
write_config "$T_TMP/st-fake/provhost.json" "{ \"plugin_dir\": \"$FIX\", \"state_dir\": \"$T_TMP/st-fake\",
  \"connections\": [ { \"name\": \"odd\", \"connector\": \"fake\",
    \"settings\": { \"mode\": \"outcome-99\" },
    \"secrets\": { \"token\": { \"env\": \"PH_OUT_TOKEN\" } } } ] }"
CFG="$T_TMP/st-fake/provhost.json"
LEDGER="$T_TMP/st-fake/ledger.sqlite"
ev hire U001 odd-1 2026-01-05 Oda Dd Engineering >"$T_TMP/odd.jsonl"
rph run "$T_TMP/odd.jsonl"
expect_rc 1
msg='protocol error: connector "fake" reported success with unknown outcome 99; the account may or may not have changed'
expect_eq "$(targets)" "odd-1|failed|" "target"
expect_eq "$(attempt_statuses odd-1)" "protocol" "one attempt, not retried"
expect_eq "$(q "SELECT last_error FROM targets")" "$msg" "reason"
expect_eq "$(q "SELECT count(*) FROM links")" 0 "nothing linked"
expect_contains "$OUT" "Unchanged 0 | Created 0"
expect_contains "$OUT" "Failed 1"
expect_contains "$OUT" "event odd-1 (employee U001): $msg"
expect_not_contains "$OUT$ERR" "$PH_OUT_TOKEN"
finish

begin "a create whose answer timed out is reported created when the retry finds it"
# every SCIM answer takes 500 ms, a call may take 800: the search answers,
# the POST's answer misses the deadline but the simulator creates the user;
# the retry (a no-adopt probe, ABI 1.1) reports it as the candidate, and the
# write to that account finds it unchanged: in truth the timed-out create
sim_stop
rt_sim --latency-ms 500 || exit 1
rt_state slow '.connections[0].engine.call_timeout_ms = 800 | .connections[0].engine.backoff_base_ms = 50'
ev hire S001 slow-1 2026-01-05 Sia Slow Engineering >"$T_TMP/slow.jsonl"
rph run "$T_TMP/slow.jsonl"
expect_rc 0
expect_eq "$(attempt_statuses slow-1)" "timeout,ok,ok" "attempts (the POST, the probe, the adopting write)"
expect_eq "$(targets)" "slow-1|done|created" "target"
expect_eq "$(sim_count POST)" 1 "one POST"
expect_eq "$(users_brief)" "sia.slow@example.com active=true roles=Modeller,Viewer name=Sia Slow" "users"
expect_contains "$OUT" "Unchanged 0 | Created 1"
expect_eq "$(jq -r 'select(.event == "slow-1" and .operation != "decision") | "\(.attempt) \(.status) \(.outcome)"' "$AUDIT")" "1 timeout null
2 ok candidate
3 ok created" "audit"
finish

begin "a create that timed out in an earlier run is reported created by the next"
# max_attempts 1: the first run gives up after the timed-out POST; the next
# run, with time enough, finds the account that POST made
sim_reset
rt_state slow2 '.connections[0].engine.call_timeout_ms = 800 | .connections[0].engine.max_attempts = 1'
ev hire S002 slow-2 2026-01-05 Sam Slow Engineering >"$T_TMP/slow2.jsonl"
rph run "$T_TMP/slow2.jsonl"
expect_rc 1
expect_eq "$(targets)" "slow-2|failed|" "target after the first run"
jq '.connections[0].engine.call_timeout_ms = 5000' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"
rph run "$T_TMP/slow2.jsonl"
expect_rc 0
expect_eq "$(attempt_statuses slow-2)" "timeout,ok,ok" "attempts (the POST, then the probe and the adopting write)"
expect_eq "$(targets)" "slow-2|done|created" "target"
expect_eq "$(sim_count POST)" 1 "one POST"
expect_contains "$OUT" "Unchanged 0 | Created 1"
finish

begin "without a timed-out attempt an adopted account stays unchanged"
sim_reset
rt_state adopt
scim POST /Users '{"userName":"ada.adopt@example.com","name":{"givenName":"Ada","familyName":"Adopt"},"emails":[{"value":"ada.adopt@example.com","type":"work","primary":true}],"active":true,"roles":[{"display":"Modeller"},{"display":"Viewer"}]}'
expect_eq "$HTTP" 201 "account made outside provhost"
ev hire A001 adopt-1 2026-01-05 Ada Adopt Engineering >"$T_TMP/adopt.jsonl"
rph run "$T_TMP/adopt.jsonl"
expect_rc 0
expect_eq "$(targets)" "adopt-1|done|unchanged" "target"
finish

rt_no_secrets_case
done_testing
