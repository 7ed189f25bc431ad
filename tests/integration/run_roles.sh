#!/usr/bin/env bash
# Role changes over time: leaving every role rule deprovisions, matching
# again reactivates; but an update after a termination does not bring the
# account back (only rehire or return does).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state roles

active_of() { sim_users | jq -r ".[] | select(.userName == \"$1\") | .active"; }

begin "a role change out of every rule deactivates; back into one reactivates"
{
	ev hire M001 m-1 2026-01-05 Mara Move Engineering
	ev update M001 m-2 2026-02-01 Mara Move Sales Contractor
} >"$T_TMP/out.jsonl"
rph run "$T_TMP/out.jsonl"
expect_rc 0
expect_eq "$(active_of mara.move@example.com)" false "after moving out of every rule"
ev update M001 m-3 2026-03-01 Mara Move Engineering >"$T_TMP/back.jsonl"
rph run "$T_TMP/back.jsonl"
expect_rc 0
expect_contains "$OUT" "Reactivated 1"
expect_eq "$(active_of mara.move@example.com)" true "after moving back"
expect_eq "$(sim_users | jq '[.[] | select(.userName == "mara.move@example.com")] | length')" 1 "accounts"
finish

begin "an update after a termination does not reactivate"
{
	ev hire T001 t-1 2026-01-05 Tama Leaver Engineering
	ev terminate T001 t-2 2026-02-01 Tama Leaver Engineering
	ev update T001 t-3 2026-02-15 Tama Leaver Engineering
} >"$T_TMP/term.jsonl"
rph run "$T_TMP/term.jsonl"
expect_rc 0
expect_eq "$(active_of tama.leaver@example.com)" false "after the update"
expect_contains "$OUT" "Skipped 1"
expect_eq "$(q "SELECT t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 't-3'")" \
	"account was deprovisioned; an update does not reactivate it (send rehire or return)" "skip reason"
ev rehire T001 t-4 2026-06-01 Tama Leaver Engineering >"$T_TMP/rehire.jsonl"
rph run "$T_TMP/rehire.jsonl"
expect_rc 0
expect_eq "$(active_of tama.leaver@example.com)" true "after the rehire"
finish

rt_no_secrets_case
done_testing
