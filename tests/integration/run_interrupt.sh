#!/usr/bin/env bash
# One run at a time per ledger, and a graceful stop on SIGINT/SIGTERM: the
# calls in flight finish, the rest stays pending, exit 3, and the next run
# finishes the work.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim --latency-ms 40 || exit 1
rt_state lock '.connections[0].engine.workers = 2 | .connections[0].engine.max_rps = 0'
for i in $(seq 1 200); do
	ev hire "I$i" "i-$i" 2026-01-05 Ina "Stop$i" Engineering
done >"$T_TMP/hires.jsonl"

begin "a second run on the same ledger is refused while one is running"
"$PROVHOST" run -c "$CFG" --no-progress "$T_TMP/hires.jsonl" >"$T_TMP/first.out" 2>&1 &
first=$!
for _ in $(seq 1 200); do # wait until the first run is applying
	[ "$(sim_count POST)" -gt 5 ] && break
	sleep 0.05
done
rph run "$T_TMP/hires.jsonl"
expect_rc 3
expect_contains "$ERR" "provhost run: another provhost run is using the ledger $LEDGER; nothing was done"
finish

begin "SIGTERM stops the run gracefully: in-flight calls finish, the rest stays pending"
kill -TERM "$first"
wait "$first"
rc=$?
out=$(cat "$T_TMP/first.out")
cat "$T_TMP/first.out" >>"$ALL_OUT"
expect_eq "$rc" 3 "exit status of the interrupted run"
expect_contains "$out" "STOPPED: interrupted by Terminated; calls in flight were finished, the rest is pending"
created=$(sed -n 's/.*Created \([0-9]*\).*/\1/p' <<<"$out")
pending=$(sed -n 's/.*Pending \([0-9]*\).*/\1/p' <<<"$out")
expect_eq "$((created + pending))" 200 "created + pending"
[ "${pending:-0}" -gt 0 ] || fail "nothing was left pending: $out"
# every account the simulator holds is recorded as done: nothing in flight
# was abandoned half-way
expect_eq "$(count_state done)" "$(sim_users | jq length)" "done targets vs accounts"
expect_eq "$(q "SELECT exit_code FROM runs ORDER BY id DESC LIMIT 1")" 3 "run's exit code in the ledger"
finish

begin "the next run finishes the work"
# more workers than the slow first run: the same ledger, just sooner
jq '.connections[0].engine.workers = 8' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"
chmod 600 "$CFG"
rph run "$T_TMP/hires.jsonl"
expect_rc 0
expect_eq "$(sim_users | jq length)" 200 "accounts"
expect_eq "$(sim_users | jq '[.[].userName] | unique | length')" 200 "distinct userNames"
expect_eq "$(count_state done)" 200 "done targets"
finish

rt_no_secrets_case
done_testing
