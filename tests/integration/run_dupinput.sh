#!/usr/bin/env bash
# A line repeating an earlier line's event within one input is reported in
# that run ("Skipped (duplicate in input)" with both line numbers), the
# first time and every time the same file is run again, so two runs of
# the same file agree about what they saw; a dry run says the same.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state dup
dup="$T_TMP/dup.jsonl"
{
	ev hire D001 d-1 2026-01-05 Dora Double Engineering
	ev hire D002 d-2 2026-01-05 Dan Double Finance
	ev hire D001 d-1 2026-01-05 Dora Double Engineering
	ev update D002 d-3 2026-01-05 Dan Double Quality
	ev hire D002 d-2 2026-01-05 Dan Double Finance
	ev hire D001 d-1 2026-01-05 Dora Double Engineering
} >"$dup"
listing='  Skipped (duplicate in input):
    line 3: the same event as line 1 (id "d-1"); skipped
    line 5: the same event as line 2 (id "d-2"); skipped
    line 6: the same event as line 1 (id "d-1"); skipped'

begin "a dry run reports the duplicates in the input with their lines"
rph run --dry-run "$dup"
expect_rc 0
expect_contains "$OUT" "dry run: 6 lines read from $dup, 0 rejected, 3 duplicates in input
"
expect_contains "$OUT" "$listing"
expect_contains "$OUT" "Total 6 | Rejected 0 | Skipped 3 | Unchanged 0 | Created 2 | Updated 1 |"
finish

begin "the first real run: 3 duplicates skipped and listed, the rest applied"
rph run "$dup"
expect_rc 0
expect_contains "$OUT" "run 1: 6 lines read from $dup, 0 rejected, 3 duplicates in input
"
expect_contains "$OUT" "$listing"
expect_contains "$OUT" "Total 6 | Rejected 0 | Skipped 3 | Unchanged 0 | Created 2 | Updated 1 |"
expect_eq "$(sim_count POST)" 2 "POSTs"
finish

begin "the same file again: the same 3 duplicates listed as such, the other 3 already processed"
w0=$(sim_writes)
rph run "$dup"
expect_rc 0
expect_contains "$OUT" "run 2: 6 lines read from $dup, 0 rejected, 3 duplicates in input
"
expect_contains "$OUT" "$listing"
expect_contains "$OUT" "Total 6 | Rejected 0 | Skipped 6 | Unchanged 0 | Created 0 | Updated 0 |"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(q "SELECT count(*) FROM events")" 3 "events stored once"
finish

rt_no_secrets_case
done_testing
