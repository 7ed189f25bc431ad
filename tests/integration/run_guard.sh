#!/usr/bin/env bash
# The mass-deprovision guard: a run that would deprovision more accounts
# than the policy's max_deprovisions_per_run holds those deprovisions for
# review (nothing is deactivated), exits 4 and names provhost review; with
# --allow-mass-deprovision it holds nothing.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state guard '.connections[0].policy.max_deprovisions_per_run = 2'

names=(Ana Silva Ben Okafor Chloe Dubois Dan Kim)
hires="$T_TMP/hires.jsonl"
terms="$T_TMP/terms.jsonl"
for i in 0 1 2 3; do
	ev hire "G00$i" "g$i-hire" 2026-01-05 "${names[2 * i]}" "${names[2 * i + 1]}" Engineering
done >"$hires"
for i in 0 1 2 3; do
	ev terminate "G00$i" "g$i-term" 2026-06-30 "${names[2 * i]}" "${names[2 * i + 1]}" Engineering
done >"$terms"

begin "guard: 4 hires with max_deprovisions_per_run 2"
rph run "$hires"
expect_rc 0
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 4 "active users"
finish

begin "guard: terminating all 4 holds them before anything is sent"
n0=$(sim_stats | jq .total)
rph run --reject-file "$REJ" "$terms"
expect_rc 4
expect_contains "$OUT" "  HELD: 4 deprovisions on connection $RT_CONN wait for review: provhost review"
expect_not_contains "$OUT" STOPPED
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0"
expect_contains "$OUT" "  Held for review 4"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 4 "active users"
expect_eq "$(targets | grep term)" "g0-term|held|
g1-term|held|
g2-term|held|
g3-term|held|" "terminations held"
expect_eq "$(q "SELECT exit_code FROM runs ORDER BY id DESC LIMIT 1")" 4 "run's exit code in the ledger"
[ -s "$REJ" ] && fail "the reject file is not empty: $(cat "$REJ")"
finish

begin "guard: a re-run without the flag sends nothing and still exits 4"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 4
expect_contains "$OUT" "HELD: 4 events wait for review in the ledger (provhost review, provhost history EMPLOYEE_ID)"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
finish

begin "guard: --allow-mass-deprovision deactivates all 4 (fresh ledger)"
sim_reset
rt_state guard-allow '.connections[0].policy.max_deprovisions_per_run = 2'
rph run "$hires"
expect_rc 0
rph run --allow-mass-deprovision "$terms"
expect_rc 0
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 4 | Failed 0"
expect_not_contains "$OUT" STOPPED
expect_not_contains "$OUT" HELD
expect_eq "$(sim_count DELETE)" 4 "DELETEs"
expect_eq "$(sim_users | jq -c '[.[] | .active] | unique')" "[false]" "every account inactive"
expect_eq "$(sim_users | jq length)" 4 "accounts"
expect_eq "$(count_state done)" 8 "done targets"
finish

begin "guard: exactly the limit (2) goes through without the flag"
sim_reset
rt_state guard-limit '.connections[0].policy.max_deprovisions_per_run = 2'
rph run "$hires"
expect_rc 0
head -n 2 "$terms" >"$T_TMP/two-terms.jsonl"
rph run "$T_TMP/two-terms.jsonl"
expect_rc 0
expect_eq "$(sim_count DELETE)" 2 "DELETEs"
expect_eq "$(sim_users | jq -r '[.[] | "\(.userName)=\(.active)"] | sort | join(" ")')" \
	"ana.silva@example.com=false ben.okafor@example.com=false chloe.dubois@example.com=true dan.kim@example.com=true" "users"
finish

begin "guard: no-match hires of people without an account count for nothing"
sim_reset
rt_state guard-nomatch '.connections[0].policy.max_deprovisions_per_run = 2'
for i in 1 2 3; do
	ev hire "C00$i" "c$i-hire" 2026-01-05 Casey "Contract$i" Sales Contractor
done >"$T_TMP/contractors.jsonl"
rph run "$T_TMP/contractors.jsonl"
expect_rc 0
expect_not_contains "$OUT" STOPPED
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(sim_users | jq length)" 0 "accounts"
finish

begin "guard: a role change deprovisioning linked people counts"
for i in 1 2 3; do
	ev hire "R00$i" "r$i-hire" 2026-01-05 Riley "Role$i" Engineering
done >"$T_TMP/role-hires.jsonl"
for i in 1 2 3; do
	ev update "R00$i" "r$i-move" 2026-02-01 Riley "Role$i" Sales Contractor
done >"$T_TMP/role-moves.jsonl"
rph run "$T_TMP/role-hires.jsonl"
expect_rc 0
rph run --dry-run "$T_TMP/role-moves.jsonl"
expect_rc 4
expect_contains "$OUT" "HELD: 3 deprovisions on connection $RT_CONN wait for review"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
rph run --allow-mass-deprovision "$T_TMP/role-moves.jsonl"
expect_rc 0
expect_eq "$(sim_users | jq -c '[.[] | select(.userName | startswith("riley")) | .active] | unique')" "[false]" "moved people deactivated"
finish

rt_no_secrets_case
done_testing
