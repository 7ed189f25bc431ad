#!/usr/bin/env bash
# Event identity (issue 11 item 1, "a leaver keeps access"): two identical
# events at different positions of a person's history are different events;
# re-running the same input stays idempotent; every line read shows up in
# the counts; an id-less line identical to one from an earlier, different
# input, after the person's history has moved on, is held for review.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

# hire, terminate, rehire, terminate of one person, no "id", and the same
# attributes every time (a normal HR sequence)
cycle="$T_TMP/cycle.jsonl"
{
	ev hire L001 - - Lena Leaver Engineering
	ev terminate L001 - - Lena Leaver Engineering
	ev rehire L001 - - Lena Leaver Engineering
	ev terminate L001 - - Lena Leaver Engineering
} >"$cycle"

begin "hire, terminate, rehire, terminate with identical attributes: the leaver ends inactive"
expect_eq "$(sed -n 2p "$cycle")" "$(sed -n 4p "$cycle")" "lines 2 and 4 are identical"
rt_state cycle
rph run "$cycle"
expect_rc 0
expect_contains "$OUT" "run 1: 4 lines read from $cycle, 0 rejected"
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 1 | Updated 0 | Reactivated 1 | Deactivated 2 | Failed 0"
expect_eq "$(users_brief)" "lena.leaver@example.com active=false roles=Modeller,Viewer name=Lena Leaver" "account"
expect_eq "$(q "SELECT active FROM links WHERE employee_id = 'L001'")" 0 "link inactive"
expect_eq "$(q "SELECT count(*) FROM events WHERE employee_id = 'L001'")" 4 "events stored"
# the 1st occurrence keeps the plain content id, the 2nd gets "#2"
ids=$(q "SELECT id FROM events ORDER BY seq")
expect_eq "$(sed -n 4p <<<"$ids")" "$(sed -n 2p <<<"$ids")#2" "id of the second terminate"
expect_eq "$(grep -c '^sha256:[0-9a-f]\{64\}$' <<<"$ids")" 3 "plain content ids"
rph history L001
expect_rc 0
expect_contains "$OUT" "employee L001: 4 events"
expect_eq "$(grep -c 'done deactivated' <<<"$OUT")" 2 "deactivations in history"
finish

begin "re-running the same file: every line skipped, zero writes"
w0=$(sim_writes)
r0=$(sim_stats | jq '.requests_total // ([.requests_by_method[]] | add)')
rph run "$cycle"
expect_rc 0
expect_contains "$OUT" "run 2: 4 lines read from $cycle, 0 rejected"
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 4 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(q "SELECT count(*) FROM events")" 4 "events stored once"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'held'")" 0 "held"
expect_eq "$(users_brief)" "lena.leaver@example.com active=false roles=Modeller,Viewer name=Lena Leaver" "account"
finish

begin "a duplicate id within one input is counted as skipped, with its line"
sim_reset
rt_state dup
dup="$T_TMP/dup.jsonl"
{
	ev hire D001 d-1 - Dora Double Engineering
	ev hire D002 d-2 - Dan Double Finance
	ev hire D001 d-1 - Dora Double Engineering
} >"$dup"
rph run "$dup"
expect_rc 0
expect_contains "$OUT" "run 1: 3 lines read from $dup, 0 rejected"
expect_contains "$OUT" "Total 3 | Rejected 0 | Skipped 1 | Unchanged 0 | Created 2 |"
expect_contains "$OUT" "  Skipped (duplicate in input):
    line 3: the same event as line 1 (id \"d-1\"); skipped"
expect_eq "$(sim_count POST)" 2 "POSTs"
finish

# one person's delta exports on two days: the second file repeats the first
# file's terminate, word for word, after a rehire
day1="$T_TMP/day1.jsonl"
day2="$T_TMP/day2.jsonl"
{
	ev hire H001 - - Hugo Held Engineering
	ev terminate H001 - - Hugo Held Engineering
} >"$day1"
{
	ev rehire H001 - - Hugo Held Engineering
	ev terminate H001 - - Hugo Held Engineering
} >"$day2"

begin "a line identical to one of an earlier input, after the person moved on: held with its reason"
sim_reset
rt_state held
rph run "$day1"
expect_rc 0
expect_contains "$OUT" "Created 1 | Updated 0 | Reactivated 0 | Deactivated 1 |"
rph run "$day2"
expect_rc 4 # held for review, nothing failed: needs a person
expect_contains "$OUT" "run 2: 2 lines read from $day2, 0 rejected"
expect_contains "$OUT" "Total 2 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 1 | Deactivated 0 | Failed 0"
expect_contains "$OUT" "  Held for review 1"
expect_contains "$OUT" "  held for review (not applied until a person decides):
    line 2 (employee H001): same content as event #2 (line 2 of $day1, an earlier input), but employee H001 has moved on since: #3 rehire (line 1 of $day2) came after it and this input does not repeat it after this line; held for review"
expect_contains "$OUT" "  HELD: 1 event waits for review in the ledger"
expect_eq "$(q "SELECT t.state, e.run_id, e.line_no, e.kind FROM targets t JOIN events e ON e.seq = t.event_seq WHERE t.state = 'held'")" \
	"held|2|2|terminate" "held target: state, run, line, kind"
rph status
expect_rc 0
expect_contains "$OUT" "| skipped 0 | held 1"
expect_contains "$OUT" "1 held for review"
rph history H001
expect_rc 0
expect_contains "$OUT" "employee H001: 4 events"
expect_contains "$OUT" ": held, 0 attempts"
expect_contains "$OUT" "has moved on since: #3 rehire"
finish

begin "the held input again: the same held item, nothing written"
w0=$(sim_writes)
rph run "$day2"
expect_rc 4 # still held
expect_contains "$OUT" "Total 2 | Rejected 0 | Skipped 1 |"
expect_contains "$OUT" "  Held for review 1"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'held'")" 1 "held targets"
expect_eq "$(q "SELECT count(*) FROM events")" 4 "events"
finish

begin "a person's later events wait behind a held item; a terminate does not"
ev update H001 - - Hugo Held Quality >"$T_TMP/day3.jsonl"
rph run "$T_TMP/day3.jsonl"
expect_rc 4 # the earlier held item still waits for a person
expect_contains "$OUT" "waits for event #4 of the same employee, held for review (provhost history H001); stays pending"
expect_eq "$(q "SELECT t.state FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.kind = 'update'")" "pending" "update"
{
	ev terminate H001 h-t9 2026-01-09 Hugo Held Quality
} >"$T_TMP/day4.jsonl"
rph run --allow-mass-deprovision "$T_TMP/day4.jsonl"
expect_contains "$OUT" "Deactivated 1 |"
expect_eq "$(q "SELECT t.state || ' ' || t.outcome FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'h-t9'")" "done deactivated" "terminate"
expect_eq "$(users_brief)" "hugo.held@example.com active=false roles=Modeller,Viewer name=Hugo Held" "account"
finish

begin "re-sent and cumulative exports from other files are not held"
sim_reset
rt_state cumulative
rph run "$day1"
expect_rc 0
# day 1 again from another path: nothing new, nothing held
cp "$day1" "$T_TMP/day1-copy.jsonl"
w0=$(sim_writes)
rph run "$T_TMP/day1-copy.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 2 | Rejected 0 | Skipped 2 |"
expect_eq "$(sim_writes)" "$w0" "writes"
# the whole history so far, then what is new: a different input that
# repeats day 1 in order
cat "$day1" "$day2" >"$T_TMP/cumulative.jsonl"
rph run "$T_TMP/cumulative.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 4 | Rejected 0 | Skipped 2 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 1 | Deactivated 1 | Failed 0"
expect_not_contains "$OUT" "held"
expect_eq "$(users_brief)" "hugo.held@example.com active=false roles=Modeller,Viewer name=Hugo Held" "account"
# the first file itself once more, after the history moved on: the same
# input (content and path), so already processed
w0=$(sim_writes)
rph run "$day1"
expect_rc 0
expect_contains "$OUT" "Total 2 | Rejected 0 | Skipped 2 |"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'held'")" 0 "held"
finish

begin "a ledger of schema version 1 is migrated and keeps its events"
sim_reset
rt_state migrate
rph run "$cycle"
expect_rc 0
# turn it back into a version 1 ledger (no "held", no input identity)
q "PRAGMA foreign_keys = OFF; BEGIN;
   CREATE TABLE t1 (event_seq INTEGER NOT NULL REFERENCES events(seq), connection TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'not_yet_effective', 'done', 'failed', 'rejected', 'skipped')),
     outcome TEXT, account_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
     last_error TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (event_seq, connection)) WITHOUT ROWID;
   INSERT INTO t1 SELECT * FROM targets; DROP TABLE targets; ALTER TABLE t1 RENAME TO targets;
   ALTER TABLE runs DROP COLUMN input_sha256;
   DROP TABLE link_states; DROP TABLE user_names; DROP TABLE persons; DROP INDEX links_account; DROP INDEX links_user_name;
   ALTER TABLE events DROP COLUMN record; ALTER TABLE events DROP COLUMN changes;
   PRAGMA user_version = 1; COMMIT;" >/dev/null
expect_eq "$(q "PRAGMA user_version")" 1 "schema before"
w0=$(sim_writes)
rph run "$cycle"
expect_rc 0
expect_contains "$OUT" "Skipped 4 |"
expect_eq "$(sim_writes)" "$w0" "writes"
v=$(q "PRAGMA user_version")
[ "$v" -ge 5 ] || fail "schema after: expected >= 5, got $v"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'done'")" 4 "targets kept"
expect_eq "$(q "PRAGMA foreign_key_check")" "" "foreign keys"
finish

rt_no_secrets_case
done_testing
