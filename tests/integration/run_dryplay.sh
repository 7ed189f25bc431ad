#!/usr/bin/env bash
# provhost run --dry-run plays the whole input in order: a person's later
# events are planned against the planned result of their earlier ones (a
# planned account, without asking the target about it), so the dry run's
# totals are the totals the real run then has — on the demo events and on
# a mixed 200-event file with people the target and the ledger already
# know. A dry run still sends no write.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
. "$(dirname "$0")/../lib/sim_helpers.sh"

# totals: the per-connection count lines of the last summary (Total ...,
# Pending/Not yet effective, Held, Disputed), without timings.
totals() {
	grep -E '^  (Total|Pending|Held for review|Disputed) ' <<<"$OUT"
}

rt_sim || exit 1

begin "demo events: the dry run's totals are the real run's"
rt_state demo
rph run --dry-run "$DEMO_EVENTS"
expect_rc 1 # line 8 is malformed
dry=$(totals)
expect_eq "$(sim_writes)" 0 "writes of the dry run"
expect_contains "$dry" "Total 10 | Rejected 1 | Skipped 0 | Unchanged 1 | Created 4 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0"
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(totals)" "$dry" "real-run totals"
finish

begin "one person's hire, update, terminate, rehire: one POST planned, the rest against the planned account"
sim_reset
rt_state cycle
cycle="$T_TMP/cycle.jsonl"
{
	ev hire C001 c-1 2026-01-05 Cora Cycle Engineering
	ev update C001 c-2 2026-01-05 Cora Cycle Quality
	ev terminate C001 c-3 2026-01-05 Cora Cycle Quality
	ev rehire C001 c-4 2026-01-05 Cora Cycle Finance
} >"$cycle"
rph run --dry-run "$cycle"
expect_rc 0
expect_eq "$(sim_writes)" 0 "writes"
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 1 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0"
expect_eq "$(grep -c '^plan: .*POST /Users' <<<"$OUT")" 1 "POSTs planned"
expect_eq "$(grep -c '^plan: .* event c-[234] .*planned:1' <<<"$OUT")" 3 "later events planned against planned:1"
# the connector is asked about the hire only: the planned account is
# never looked up on the target (as many calls as for the hire alone)
calls=$(grep -oE '[0-9]+ connector calls' <<<"$OUT")
head -n 1 "$cycle" >"$T_TMP/hire-only.jsonl"
rph run --dry-run "$T_TMP/hire-only.jsonl"
expect_eq "$(grep -oE '[0-9]+ connector calls' <<<"$OUT")" "$calls" "connector calls"
expect_eq "$(jq -r 'select(.status == "planned") | "\(.event) \(.attempt) \(.outcome) \(.account_id) \(.run) \(.dry_run)"' "$AUDIT")" \
	"c-2 0 updated planned:1 null true
c-3 0 deactivated planned:1 null true
c-4 0 reactivated planned:1 null true" "audit lines of the planned decisions"
rph run "$cycle"
expect_rc 0
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 1 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0"
finish

begin "a mixed 200-event file with linked and unlinked existing accounts: dry-run totals == real-run totals, no write"
sim_reset
rt_state mix ".connections[0].policy.max_deprovisions_per_run = 200"
mix="$T_TMP/mix.jsonl"
python3 "$ROOT/tests/tools/mixed_events.py" 200 7 L:update U:hire >"$mix"
expect_eq "$(wc -l <"$mix")" 200 "events generated"
pre="$T_TMP/pre.jsonl"
for i in $(seq -f %03g 1 10); do
	ev hire "L$i" "pre-$i" 2026-01-01 "GivenL$i" "FamilyL$i" Engineering
done >"$pre"
rph run "$pre"
expect_rc 0
expect_contains "$OUT" "Created 10 |"
for i in $(seq -f %03g 1 10); do # on the target, not in the ledger
	create_user "givenu$i.familyu$i@example.com" "GivenU$i" "FamilyU$i"
	[ "$HTTP" = 201 ] || fail "creating U$i on the simulator: $HTTP $BODY"
done
w0=$(sim_writes)
rph run --dry-run "$mix"
dry_rc=$RC
dry=$(totals)
expect_eq "$(sim_writes)" "$w0" "writes of the dry run"
# every kind of outcome is in play, so equal totals mean something
for k in Created Updated Reactivated Deactivated Unchanged Skipped; do
	n=$(grep -oE "$k [0-9]+" <<<"$dry" | head -n 1 | cut -d' ' -f2)
	[ "${n:-0}" -gt 0 ] || fail "the dry run has no $k: $dry"
done
rph run "$mix"
expect_eq "$RC" "$dry_rc" "exit code of the real run"
expect_eq "$(totals)" "$dry" "real-run totals"
finish

rt_no_secrets_case
done_testing
