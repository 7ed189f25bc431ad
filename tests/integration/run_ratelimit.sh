#!/usr/bin/env bash
# Rate limiting without max_rps: provhost learns the target's rate from its
# 429 answers (AIMD through the shared token bucket), 429s are neither
# failures nor attempts, the learned rate is in the summary and in the
# ledger's run summary, and the next run starts from it. Real binary, real
# simulator with a strict limit (--rate-limit 20:2, 50 ms latency).
. "$(dirname "$0")/../lib/lib.sh"

# rl_config FILE STATE ENGINE_JSON: a promapp connection "strict" to the
# running simulator, secrets from $T_TMP/token.
rl_config() {
	printf '%s\n' "$TEST_TOKEN" >"$T_TMP/token"
	chmod 600 "$T_TMP/token"
	write_config "$1" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/$2\",
  \"connections\": [ {
    \"name\": \"strict\",
    \"connector\": \"promapp\",
    \"settings\": { \"instance_url\": \"$SIM_URL\" },
    \"secrets\": { \"access_token\": { \"file\": \"$T_TMP/token\" } },
    \"policy\": { \"no_match\": \"default_roles\" },
    \"engine\": $3
  } ]
}"
}

# hires FROM TO FILE: hire events for people FROM..TO.
hires() {
	local i
	for i in $(seq "$1" "$2"); do
		printf '{"event":"hire","employee_id":"R%04d","id":"r-%04d","attributes":{"first_name":"Rate","last_name":"Person%d","email":"rate.person%d@example.com"}}\n' "$i" "$i" "$i" "$i"
	done >"$3"
}

# last_summary STATE: the ledger's newest run summary (JSON text).
last_summary() {
	python3 - "$T_TMP/$1/ledger.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
PY
}

# sim_429 / sim_total: the simulator's counts since its last reset.
sim_429() { sim_stats | jq '.requests_by_status["429"] // 0'; }
sim_total() { sim_stats | jq '.total'; }

hires 1 60 "$T_TMP/first.jsonl"
hires 61 120 "$T_TMP/second.jsonl"

begin "strict limit, no max_rps: 60 hires, 0 failed, few 429s, learned rate named"
sim_start --rate-limit 20:2 --latency-ms 50 || exit 1
rl_config "$T_TMP/strict.json" st-strict '{}'
ph run -c "$T_TMP/strict.json" "$T_TMP/first.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 60"
expect_contains "$OUT" "Failed 0"
expect_not_contains "$OUT" "STOPPED"
n429=$(sim_429)
total=$(sim_total)
[ "$n429" -gt 0 ] || fail "the limit was never hit (429s: $n429)"
[ $((n429 * 4)) -le "$total" ] || fail "$n429 of $total requests answered 429 (more than 25 %)"
expect_contains "$OUT" "rate: learned "
expect_contains "$OUT" " req/s from $n429 answers 429"
rate=$(last_summary st-strict | jq '.strict["Rate learned"]')
awk -v r="$rate" 'BEGIN { exit !(r > 0 && r <= 30) }' ||
	fail "ledger's learned rate '$rate' (want 0 < rate <= 30 for a 20/s limit)"
expect_eq "$(last_summary st-strict | jq '.strict["Answers 429"]')" "$n429" "429s in the ledger's summary"
expect_contains "$OUT" "rate: learned $(printf '%.1f' "$rate") req/s"
finish

begin "the next run starts from the learned rate"
# (no simulator reset: the ledger links the first run's accounts, and a
# target that forgot them would hand their ids to new people — disputes)
n429_0=$(sim_429)
total_0=$(sim_total)
ph run -c "$T_TMP/strict.json" "$T_TMP/second.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 60"
expect_contains "$OUT" "Failed 0"
expect_contains "$OUT" "started at $(printf '%.1f' "$rate") req/s learned by an earlier run"
n429=$(($(sim_429) - n429_0))
total=$(($(sim_total) - total_0))
[ $((n429 * 10)) -le "$total" ] || fail "$n429 of $total requests answered 429 (more than 10 % from a learned start)"
finish

begin "429s are not attempts: a give-up says how many answered 429"
# token bucket of 1/s: the first request (the connection check) takes the
# token, the next is answered 429 (Retry-After 1), the one after is the
# injected 503 that max_attempts 1 gives up on
sim_stop
sim_start --rate-limit 1:1 --fail-every 3 || exit 1
rl_config "$T_TMP/giveup.json" st-giveup '{ "workers": 1, "max_attempts": 1 }'
hires 1 1 "$T_TMP/one.jsonl"
ph run -c "$T_TMP/giveup.json" "$T_TMP/one.jsonl"
expect_rc 1
expect_contains "$OUT" "Failed 1"
expect_contains "$OUT" "gave up after 2 attempts (1 answered 429): "
expect_not_contains "$OUT" "STOPPED"
finish

begin "a Retry-After longer than the call's deadline stops the connection as rate limited"
# one token per 20 s: the 429's Retry-After (20 s) cannot fit the 2 s call
# timeout; the run stops at once, naming 429, the rate and engine.max_rps
sim_stop
sim_start --rate-limit 0.05:1 || exit 1
rl_config "$T_TMP/stop.json" st-stop '{ "workers": 2, "call_timeout_ms": 2000 }'
ph run -c "$T_TMP/stop.json" "$T_TMP/first.jsonl"
expect_rc 3
expect_contains "$OUT" "Failed 0"
expect_contains "$OUT" "STOPPED: rate limited: the target answered 429"
expect_contains "$OUT" "engine.max_rps"
expect_contains "$OUT" "Pending 60"
expect_not_contains "$OUT" "STOPPED: stopped:"
expect_not_contains "$OUT" "calls failed"
finish

done_testing
