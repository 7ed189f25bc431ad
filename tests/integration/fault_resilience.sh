#!/usr/bin/env bash
# Throughput and resilience under faults: injected 503s, dropped
# connections, rate limits, a bad token, and a target that mostly fails.
# Every event must end done with no duplicate account, or the connection
# must stop early with its events left pending.
. "$(dirname "$0")/../lib/lib.sh"

# fault_config FILE WORKERS MAX_RPS [EXTRA_ENGINE_JSON]: a promapp connection
# to the running simulator, secrets from $T_TMP/token.
fault_config() {
	local file=$1 workers=$2 rps=$3 extra=${4:-'"max_attempts": 8'}
	printf '%s\n' "${TOKEN_IN_FILE:-$TEST_TOKEN}" >"$T_TMP/token"
	chmod 600 "$T_TMP/token"
	write_config "$file" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/state-$(basename "$file" .json)\",
  \"connections\": [ {
    \"name\": \"faulty\",
    \"connector\": \"promapp\",
    \"settings\": { \"instance_url\": \"$SIM_URL\", \"timeout_ms\": 2000 },
    \"secrets\": { \"access_token\": { \"file\": \"$T_TMP/token\" } },
    \"policy\": { \"no_match\": \"default_roles\" },
    \"engine\": { \"workers\": $workers, \"max_rps\": $rps,
                \"backoff_base_ms\": 20, \"backoff_max_ms\": 400,
                $extra }
  } ]
}"
}

# hires N FILE: N hire events with distinct people.
hires() {
	local i
	for i in $(seq 1 "$1"); do
		printf '{"event":"hire","employee_id":"F%04d","id":"f-%04d","attributes":{"first_name":"Fault","last_name":"Person%d","email":"fault.person%d@example.com"}}\n' "$i" "$i" "$i" "$i"
	done >"$2"
}

# expect_all_created N: the simulator has exactly N users, one per person.
expect_all_created() {
	local users distinct
	users=$(sim_users | jq 'length')
	distinct=$(sim_users | jq '[.[].userName | ascii_downcase] | unique | length')
	expect_eq "$users" "$1" "users in the simulator"
	expect_eq "$distinct" "$1" "distinct userNames"
}

hires 40 "$T_TMP/hires40.jsonl"

begin "injected 503s are retried until every event is done, no duplicates"
# without Retry-After (the 1 s floor it would set is backoff's unit test):
# the retries follow the connection's 20..400 ms backoff
sim_start --fail-every 3 --fail-retry-after 0
fault_config "$T_TMP/f503.json" 4 0
ph run -c "$T_TMP/f503.json" --audit "$T_TMP/f503.audit" "$T_TMP/hires40.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 40"
expect_contains "$OUT" "Failed 0"
expect_all_created 40
expect_eq "$(sim_stats | jq '.requests_by_status["201"]')" 40 "successful POSTs"
retries=$(jq -s '[.[] | select(.status == "transient" and .retrying == true)] | length' "$T_TMP/f503.audit")
[ "$retries" -gt 0 ] || fail "no retried attempt in the audit"
expect_eq "$(jq -s '[.[] | select(.status == "ok" and .operation == "provision")] | length' "$T_TMP/f503.audit")" 40 "ok audit lines"
sim_stop
finish

begin "dropped connections are retried, every event done, no duplicates"
sim_start --drop-every 5
fault_config "$T_TMP/fdrop.json" 4 0
ph run -c "$T_TMP/fdrop.json" --audit "$T_TMP/fdrop.audit" "$T_TMP/hires40.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 40"
expect_all_created 40
[ "$(sim_stats | jq '.dropped')" -gt 0 ] || fail "the simulator dropped nothing"
[ "$(jq -s '[.[] | select(.retrying == true)] | length' "$T_TMP/fdrop.audit")" -gt 0 ] ||
	fail "no retried attempt in the audit"
sim_stop
finish

begin "429 with Retry-After pauses the connection; nothing fails"
sim_start --rate-limit 40:2
fault_config "$T_TMP/f429.json" 8 0
ph run -c "$T_TMP/f429.json" --audit "$T_TMP/f429.audit" "$T_TMP/hires40.jsonl"
expect_rc 0
expect_contains "$OUT" "Failed 0"
expect_all_created 40
[ "$(sim_stats | jq '.requests_by_status["429"] // 0')" -gt 0 ] || fail "the limit was never hit"
[ "$(jq -s '[.[] | select(.status == "rate_limited")] | length' "$T_TMP/f429.audit")" -gt 0 ] ||
	fail "no rate_limited attempt in the audit"
sim_stop
finish

begin "max_rps at the target's limit: no 429 at all"
sim_start --rate-limit 50:5
fault_config "$T_TMP/fpaced.json" 8 45
ph run -c "$T_TMP/fpaced.json" "$T_TMP/hires40.jsonl"
expect_rc 0
expect_all_created 40
expect_eq "$(sim_stats | jq '.requests_by_status["429"] // 0')" 0 "429 answers"
sim_stop
finish

begin "a bad token stops the connection after the first call"
sim_start
TOKEN_IN_FILE="wrong-token-value" fault_config "$T_TMP/fbad.json" 8 0
ph run -c "$T_TMP/fbad.json" "$T_TMP/hires40.jsonl"
expect_rc 3
expect_contains "$OUT" "STOPPED: connection check failed: the access token was rejected"
expect_contains "$OUT" "Pending 40"
expect_eq "$(sim_stats | jq '.total')" 1 "requests the simulator saw"
expect_not_contains "$OUT$ERR" "wrong-token-value"
# the right token finishes the pending events
fault_config "$T_TMP/fbad.json" 8 0
ph run -c "$T_TMP/fbad.json" "$T_TMP/hires40.jsonl"
expect_rc 0
expect_all_created 40
sim_stop
finish

begin "a target failing most calls trips the breaker; the rest stays pending"
sim_start --fail-every 2
fault_config "$T_TMP/fbreak.json" 2 0 '"breaker_window": 20, "breaker_ratio": 0.3, "max_attempts": 1'
hires 200 "$T_TMP/hires200.jsonl"
ph run -c "$T_TMP/fbreak.json" "$T_TMP/hires200.jsonl"
expect_rc 3
expect_contains "$OUT" "STOPPED: "
expect_not_contains "$OUT" "STOPPED: stopped:"
expect_contains "$OUT" "calls failed (limit 30%)"
pending=$(sed -n 's/.*Pending \([0-9]*\).*/\1/p' <<<"$OUT")
[ "${pending:-0}" -gt 100 ] || fail "expected most events pending, got '$pending'"
[ "$(sim_stats | jq '.total')" -lt 200 ] || fail "the breaker let too many calls through"
sim_stop
finish

done_testing
