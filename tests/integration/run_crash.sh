#!/usr/bin/env bash
# Crash and re-run: provhost is killed with SIGKILL in the middle of a run;
# the same command again finishes the work with no duplicate account and
# no lost event, also when the input came from a pipe and the re-run's
# stdin is empty (the pending events are in the ledger).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim --latency-ms 20 || exit 1

# hires N PREFIX: N hire lines for distinct people PREFIX0001.. .
hires() {
	local i n
	for ((i = 1; i <= $1; i++)); do
		printf -v n '%04d' "$i"
		ev hire "$2$n" "$2-$n" 2026-01-05 "$2$n" Person Engineering
	done
}

# kill_when_posts_over N PID: waits (bounded) until the simulator has seen
# more than N POSTs, then SIGKILLs PID. Sets KILLED_AT (POSTs seen right
# after the kill) and KILL_RC (the process' exit status).
kill_when_posts_over() {
	local i posts=0
	for i in $(seq 1 300); do
		posts=$(sim_count POST)
		[ "$posts" -gt "$1" ] && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$2" 2>/dev/null
	wait "$2" 2>/dev/null
	KILL_RC=$?
	KILLED_AT=$(sim_count POST)
}

# expect_all_created N PREFIX: exactly N accounts, each userName once,
# every target done and linked, N..N+1 POSTs. One more POST than users is
# allowed: a POST cut off by the kill may have reached the simulator's
# counters without creating the user; the re-run then creates it.
expect_all_created() {
	local n=$1
	expect_eq "$(sim_users | jq length)" "$n" "accounts"
	expect_eq "$(sim_users | jq '[.[].userName] | unique | length')" "$n" "distinct userNames"
	expect_eq "$(sim_users | jq -r "[.[] | select(.userName | startswith(\"${2,,}\")) | .active] | unique | .[]")" true "all active"
	expect_eq "$(count_state done) $(q "SELECT count(*) FROM targets")" "$n $n" "done targets"
	expect_eq "$(q "SELECT count(DISTINCT account_id) FROM links WHERE active = 1")" "$n" "links"
	local posts
	posts=$(sim_count POST)
	[ "$posts" -ge "$n" ] && [ "$posts" -le $((n + 1)) ] || fail "POSTs: expected $n (or $((n + 1))), got $posts"
}

begin "crash: SIGKILL during 300 hires, the same command again finishes them"
rt_state crash '.connections[0].engine = {"workers": 4, "max_rps": 0}'
hires 300 C >"$T_TMP/crash.jsonl"
"$PROVHOST" run -c "$CFG" "$T_TMP/crash.jsonl" >"$ST/run1.out" 2>"$ST/run1.err" </dev/null &
kill_when_posts_over 20 $!
cat "$ST/run1.out" "$ST/run1.err" >>"$ALL_OUT"
expect_eq "$KILL_RC" 137 "killed run's status"
[ "$KILLED_AT" -gt 20 ] && [ "$KILLED_AT" -lt 300 ] ||
	fail "the kill did not land mid-run: $KILLED_AT POSTs"
rph status
expect_contains "$OUT" "last run 1: $T_TMP/crash.jsonl, started"
expect_contains "$OUT" "did not finish (interrupted?)"
expect_eq "$(q "SELECT count(*) FROM events")" 300 "events stored before anything was sent"
rph run "$T_TMP/crash.jsonl"
expect_rc 0
expect_contains "$OUT" "run 2: 300 lines read from $T_TMP/crash.jsonl, 0 rejected"
expect_contains "$OUT" "Total 300 | Rejected 0 |"
expect_contains "$OUT" "| Failed 0"
expect_not_contains "$OUT" "Pending"
# every event is skipped (done before the kill), unchanged (created by the
# killed run, which died before recording it: at most one per worker) or
# created now
counts=$(sed -nE 's/^  Total 300 \| Rejected 0 \| Skipped ([0-9]+) \| Unchanged ([0-9]+) \| Created ([0-9]+) \| Updated 0 .*/\1 \2 \3/p' <<<"$OUT")
read -r skipped unchanged created <<<"$counts"
expect_eq "$((${skipped:-0} + ${unchanged:-0} + ${created:-0}))" 300 "skipped + unchanged + created ($counts)"
[ "${unchanged:-9}" -le 4 ] || fail "unchanged: expected at most 4 (one per worker), got $unchanged"
expect_all_created 300 C
finish

begin "crash: input from a pipe, re-run with empty stdin finishes the stored events"
sim_reset
rt_state crash-stdin '.connections[0].engine = {"workers": 4, "max_rps": 0}'
hires 120 S >"$T_TMP/stdin.jsonl"
"$PROVHOST" run -c "$CFG" - < <(cat "$T_TMP/stdin.jsonl") >"$ST/run1.out" 2>"$ST/run1.err" &
kill_when_posts_over 20 $!
cat "$ST/run1.out" "$ST/run1.err" >>"$ALL_OUT"
expect_eq "$KILL_RC" 137 "killed run's status"
[ "$KILLED_AT" -gt 20 ] && [ "$KILLED_AT" -lt 120 ] ||
	fail "the kill did not land mid-run: $KILLED_AT POSTs"
: >"$T_TMP/empty"
rph_stdin "$T_TMP/empty" run -
expect_rc 0
expect_contains "$OUT" "run 2: 0 lines read from stdin, 0 rejected"
expect_contains "$OUT" "| Failed 0"
expect_all_created 120 S
expect_eq "$(q "SELECT DISTINCT source FROM events")" stdin "events' source"
finish

rt_no_secrets_case
done_testing
