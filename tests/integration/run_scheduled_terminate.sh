#!/usr/bin/env bash
# A terminate entered ahead of its date is replaced by a later terminate of
# the same person (JSON Lines events): HR moving the date later must not
# leave the earlier terminate to fire, and moving it earlier takes effect on
# the new date. The replaced terminate ends skipped, outcome "superseded",
# with a reason naming the later event; the summary counts it. The clock is
# driven by PROVHOST_TEST_NOW.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
at() { date -u -d "$1" +%s; }
target_of() { q "SELECT t.state, IFNULL(t.outcome, ''), t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = '$1'"; }
active() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .active'; }
runs() { # DATE FILE
	PROVHOST_TEST_NOW=$(at "$1") rph run "$2"
}
: >"$T_TMP/empty.jsonl"

begin "a terminate moved later: the earlier one is superseded and never fires"
rt_state later
ev hire S1 s1-hire - Sam Sched Engineering >"$T_TMP/s1.jsonl"
ev terminate S1 s1-term1 2026-12-20 Sam Sched Engineering >"$T_TMP/s2.jsonl"
ev terminate S1 s1-term2 2026-12-28 Sam Sched Engineering >"$T_TMP/s3.jsonl"
runs 2026-12-01T09:00Z "$T_TMP/s1.jsonl"
expect_rc 0
runs 2026-12-02T09:00Z "$T_TMP/s2.jsonl"
expect_rc 0
expect_eq "$(target_of s1-term1 | cut -d'|' -f1)" not_yet_effective "the first terminate"
expect_not_contains "$OUT" "cancelled or moved"
runs 2026-12-03T09:00Z "$T_TMP/s3.jsonl"
expect_rc 0
expect_contains "$OUT" "1 scheduled terminate cancelled or moved (the termination date changed)"
expect_eq "$(target_of s1-term1)" "skipped|superseded|superseded: a later terminate of the employee (event s1-term2, line 1 of $T_TMP/s3.jsonl) effective 2026-12-28T00:00:00Z" "the first terminate"
expect_eq "$(target_of s1-term2 | cut -d'|' -f1)" not_yet_effective "the second terminate"
# the same file again: nothing new, nothing more superseded
runs 2026-12-04T09:00Z "$T_TMP/s3.jsonl"
expect_not_contains "$OUT" "cancelled or moved"
runs 2026-12-21T09:00Z "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(active sam.sched@example.com)" true "Sam on the 21st"
runs 2026-12-29T09:00Z "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(active sam.sched@example.com)" false "Sam on the 29th"
expect_eq "$(target_of s1-term2 | cut -d'|' -f1-2)" "done|deactivated" "the second terminate"
finish

begin "a terminate moved earlier takes effect on the new date"
rt_state earlier
ev hire E1 e1-hire - Eve Early Engineering >"$T_TMP/e1.jsonl"
{
	ev terminate E1 e1-term1 2026-12-28 Eve Early Engineering
	ev terminate E1 e1-term2 2026-12-10 Eve Early Engineering
} >"$T_TMP/e2.jsonl"
runs 2026-12-01T09:00Z "$T_TMP/e1.jsonl"
runs 2026-12-02T09:00Z "$T_TMP/e2.jsonl"
expect_rc 0
expect_eq "$(target_of e1-term1 | cut -d'|' -f1-2)" "skipped|superseded" "the first terminate"
runs 2026-12-11T09:00Z "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(active eve.early@example.com)" false "Eve on the 11th"
finish

begin "a terminate effective at once supersedes one scheduled ahead"
rt_state now
ev hire N1 n1-hire - Nia Now Engineering >"$T_TMP/n1.jsonl"
ev terminate N1 n1-term1 2026-12-28 Nia Now Engineering >"$T_TMP/n2.jsonl"
ev terminate N1 n1-term2 - Nia Now Engineering >"$T_TMP/n3.jsonl"
runs 2026-12-01T09:00Z "$T_TMP/n1.jsonl"
runs 2026-12-02T09:00Z "$T_TMP/n2.jsonl"
runs 2026-12-03T09:00Z "$T_TMP/n3.jsonl"
expect_rc 0
expect_eq "$(active nia.now@example.com)" false "Nia at once"
expect_eq "$(target_of n1-term1)" "skipped|superseded|superseded: a later terminate of the employee (event n1-term2, line 1 of $T_TMP/n3.jsonl) effective at once" "the scheduled one"
finish

rt_no_secrets_case
done_testing
