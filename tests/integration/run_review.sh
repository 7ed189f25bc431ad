#!/usr/bin/env bash
# The mass-deprovision guard holds only what it guards (issue 13): a run
# over max_deprovisions_per_run holds the deprovisions, applies the hires
# and exits 4; provhost review lists the held work, approve releases it for
# the next run (which the guard does not hold again), discard ends it.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state review '.connections[0].policy.max_deprovisions_per_run = 5 | .audit_file = "'"$T_TMP"'/st-review/audit.jsonl"'

first=(Ana Ben Chloe Dan Eva Finn Gus Hana Ivo Jana)
last=(Silva Okafor Dubois Kim Novak Berg Lund Sato Petrov Horak)
old="$T_TMP/old.jsonl"
mixed="$T_TMP/mixed.jsonl"
for i in 0 1 2 3 4 5 6 7; do
	ev hire "T00$i" "t$i-hire" 2026-01-05 "${first[i]}" "Old${last[i]}" Engineering
done >"$old"
{
	for i in 0 1 2 3 4 5 6 7; do
		ev terminate "T00$i" "t$i-term" 2026-06-30 "${first[i]}" "Old${last[i]}" Engineering
	done
	for i in 0 1 2 3 4 5 6 7 8 9; do
		ev hire "N00$i" "n$i-hire" 2026-07-01 "${first[i]}" "New${last[i]}" Engineering
	done
} >"$mixed"

begin "review: 8 accounts exist"
rph run "$old"
expect_rc 0
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 8 "active users"
finish

begin "review: 8 terminates over the limit are held, the 10 hires go on, exit 4"
rph run "$mixed"
expect_rc 4
expect_contains "$OUT" "  HELD: 8 deprovisions on connection $RT_CONN wait for review: provhost review"
expect_not_contains "$OUT" STOPPED
expect_contains "$OUT" "Created 10"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 18 "active users"
expect_eq "$(targets | grep -c 'term|held|')" 8 "held terminates"
expect_eq "$(q "SELECT DISTINCT t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 't0-term'")" \
	"held by the mass-deprovision guard: 8 deprovisions > max_deprovisions_per_run 5 (run 2)" "reason"
expect_eq "$(q "SELECT exit_code FROM runs ORDER BY id DESC LIMIT 1")" 4 "run's exit code in the ledger"
finish

begin "review: a re-run does not send them either"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
finish

begin "review: lists the held terminates with id, person, kind, state, reason"
rph review
expect_rc 0
expect_contains "$OUT" "connection \"$RT_CONN\":"
expect_eq "$(grep -c '  held  T00. *terminate (t.-term)' <<<"$OUT")" 8 "held lines"
expect_contains "$OUT" "held by the mass-deprovision guard: 8 deprovisions > max_deprovisions_per_run 5 (run 2)"
rph review --json --connection "$RT_CONN"
expect_rc 0
expect_eq "$(jq -r '[.items[] | select(.state == "held" and .kind == "terminate")] | length' <<<"$OUT")" 8 "JSON held"
expect_eq "$(jq -r '.items[0].id' <<<"$OUT")" "$(q "SELECT seq FROM events WHERE id = 't0-term'"):$RT_CONN" "JSON id"
rph review --connection nope
expect_rc 0
expect_contains "$OUT" "nothing waits for review"
finish

begin "review: discard one with a reason: final, never sent, history says who and why"
seq0=$(q "SELECT seq FROM events WHERE id = 't0-term'")
rph review discard "$seq0:$RT_CONN"
expect_rc 2
expect_contains "$ERR" "discard needs --reason TEXT"
SUDO_USER=alice rph review discard "$seq0:$RT_CONN" --reason "HR mistake"
expect_rc 0
expect_eq "$(targets | grep t0-term)" "t0-term|skipped|discarded" "discarded target"
rph history T000
expect_contains "$OUT" "discarded by alice: HR mistake"
expect_eq "$(jq -r 'select(.operation == "review") | "\(.action) \(.items[0]) \(.employee) \(.who) \(.why) \(.result)"' "$AUDIT")" "discard $seq0:$RT_CONN T000 alice HR mistake discarded" "audit line"
rph review discard "$seq0:$RT_CONN" --reason again
expect_rc 1
expect_contains "$ERR" "is not held, disputed or failed"
finish

begin "review: approve --all-held; the next run deactivates them and the guard does not count them"
rph review approve --all-held --reason "company restructuring"
expect_rc 0
expect_eq "$(targets | grep -c 'term|pending|')" 7 "approved terminates pending"
expect_eq "$(q "SELECT count(*) FROM attempts WHERE status = 'approved' AND error LIKE 'approved by %: company restructuring'")" 7 "approvals in the ledger"
# 3 more leavers: 10 deprovisions in this run, but the 7 approved ones do
# not count toward max_deprovisions_per_run 5
for i in 0 1 2; do
	ev terminate "N00$i" "n$i-term" 2026-08-31 "${first[i]}" "New${last[i]}" Engineering
done >"$T_TMP/three.jsonl"
rph run "$T_TMP/three.jsonl"
expect_rc 0
expect_not_contains "$OUT" HELD
expect_contains "$OUT" "Deactivated 10"
expect_eq "$(sim_count DELETE)" 10 "DELETEs"
expect_eq "$(targets | grep -c 'term|done|deactivated')" 10 "deactivated"
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 8 "active users"
rph review approve "$seq0:$RT_CONN"
expect_rc 1
rph review approve "99999:$RT_CONN"
expect_rc 1
expect_contains "$ERR" "no item 99999:$RT_CONN"
finish

begin "review: --allow-mass-deprovision holds nothing"
rt_state review-allow '.connections[0].policy.max_deprovisions_per_run = 5'
sim_reset
rph run "$old"
expect_rc 0
rph run --allow-mass-deprovision "$mixed"
expect_rc 0
expect_not_contains "$OUT" HELD
expect_eq "$(sim_count DELETE)" 8 "DELETEs"
finish

begin "review: a guard-held deprovision shows its plan; approved, then the plan changes: held again"
rt_state review-plan '.connections[0].policy.max_deprovisions_per_run = 0'
sim_reset
ev hire P001 p1-hire 2026-01-05 Pia Plan Engineering >"$T_TMP/p1.jsonl"
rph run "$T_TMP/p1.jsonl"
expect_rc 0
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'P001'")
ev terminate P001 p1-term 2026-02-01 Pia Plan Engineering >"$T_TMP/p2.jsonl"
rph run "$T_TMP/p2.jsonl"
expect_rc 4
rph review
expect_contains "$OUT" "      would send: deactivate: deprovision account $acct {\"userName\":\"pia.plan@example.com\"}"
rph review approve --all-held --reason ok
expect_rc 0
jq '.connections[0].mapping.userName = "{email|upper}"' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
rph run "$T_TMP/empty.jsonl"
expect_rc 4
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_contains "$OUT" "HELD: 1 approved item on connection $RT_CONN held again: the plan changed since the approval"
expect_contains "$(q "SELECT last_error FROM targets WHERE state = 'held'")" "held again: the plan changed since it was approved (approved plan "
rph review
expect_contains "$OUT" "{\"userName\":\"PIA.PLAN@EXAMPLE.COM\"}"
rph review approve --all-held --reason "checked"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(sim_count DELETE)" 1 "DELETEs"
finish

begin "review: help and usage"
ph help review
expect_rc 0
expect_contains "$OUT" "provhost review approve [-c FILE] ID...|--all-held"
ph review bogus
expect_rc 2
finish

rt_no_secrets_case
done_testing
