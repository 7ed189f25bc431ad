#!/usr/bin/env bash
# provhost sync: a whole-roster snapshot diffed against the ledger's person
# records, day by day (the test clock PROVHOST_TEST_NOW plays the days):
# hires, a department change, a termination by status, one by a future
# date (moved, then effective), a missing person held for review, a
# rehire; the same snapshot twice sends nothing; an older one is refused.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
. "$(dirname "$0")/../lib/sync_common.inc"

rt_sim || exit 1
rt_state days

# day 1: five people
{
	row E1 active Ana Silva Engineering 2026-11-02
	row E2 active Ben Okafor Sales 2026-11-02
	row E3 active Chloe Dubois Quality 2026-11-02
	row E4 active Dan Kim Engineering 2026-11-02
	row E5 active Eve Moana Sales 2026-11-02
} >"$T_TMP/roster-2026-12-01.jsonl"

begin "sync day 1: five hires"
sync_day 2026-12-01 "$T_TMP/roster-2026-12-01.jsonl"
expect_rc 0
expect_contains "$OUT" "snapshot $T_TMP/roster-2026-12-01.jsonl (as of 2026-12-01 from the file name"
expect_contains "$OUT" "Total 5 | No change 0 | Processed 5 | Skipped 0 | Held 0"
expect_eq "$(users_brief)" "ana.silva@example.com active=true roles=Modeller,Viewer name=Ana Silva
ben.okafor@example.com active=true roles=Viewer name=Ben Okafor
chloe.dubois@example.com active=true roles=Process Expert,Viewer name=Chloe Dubois
dan.kim@example.com active=true roles=Modeller,Viewer name=Dan Kim
eve.moana@example.com active=true roles=Viewer name=Eve Moana" "users after day 1"
expect_eq "$(q "SELECT employee_id || '=' || status FROM persons ORDER BY 1" | tr '\n' ' ')" \
	"E1=active E2=active E3=active E4=active E5=active " "persons after day 1"
expect_eq "$(q "SELECT count(*) FROM snapshots")" 1 "snapshots stored"
finish

begin "sync day 1 again: the same snapshot sends nothing"
w0=$(sim_writes)
n0=$(sim_stats | jq .total)
sync_day 2026-12-01 "$T_TMP/roster-2026-12-01.jsonl"
expect_rc 0
expect_contains "$OUT" "already applied by run"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(sim_stats | jq .total)" "$n0" "requests of any kind"
expect_eq "$(q "SELECT count(*) FROM events")" 5 "events"
finish

# day 2: E1 moves to Finance, E2 terminated by status, E3 leaves on a
# future date, E4 unchanged, E5 missing
{
	row E1 active Ana Silva Finance 2026-11-02
	row E2 terminated Ben Okafor Sales 2026-11-02 2026-12-02
	row E3 active Chloe Dubois Quality 2026-11-02 2026-12-20
	row E4 active Dan Kim Engineering 2026-11-02
} >"$T_TMP/roster-2026-12-02.jsonl"

begin "sync day 2: one update, one terminate, one scheduled, one missing held, one unchanged"
sim_mark
sync_day 2026-12-02 "$T_TMP/roster-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "Total 5 | No change 1 | Processed 3 | Skipped 0 | Held 1"
expect_contains "$OUT" "employee E5: missing from snapshot $T_TMP/roster-2026-12-02.jsonl (policy missing=hold)"
expect_eq "$(since PUT)" 1 "PUTs (E1 only; E4 costs nothing)"
expect_eq "$(since DELETE)" 1 "DELETEs (E2)"
expect_eq "$(since POST)" 0 "POSTs"
expect_eq "$(users_brief)" "ana.silva@example.com active=true roles=Viewer name=Ana Silva
ben.okafor@example.com active=false roles=Viewer name=Ben Okafor
chloe.dubois@example.com active=true roles=Process Expert,Viewer name=Chloe Dubois
dan.kim@example.com active=true roles=Modeller,Viewer name=Dan Kim
eve.moana@example.com active=true roles=Viewer name=Eve Moana" "users after day 2"
expect_eq "$(roster_targets E1 E2 E3 E4 E5)" "E1|hire|done
E1|update|done
E2|hire|done
E2|terminate|done
E3|hire|done
E3|terminate|not_yet_effective
E4|hire|done
E5|hire|done
E5|terminate|held" "ledger after day 2"
expect_eq "$(q "SELECT json_extract(raw, '$.attributes') FROM events WHERE kind = 'update'")" \
	'{"department":"Finance"}' "the update carries only the changed attribute"
expect_eq "$(q "SELECT json_extract(raw, '$.effective') FROM events WHERE employee_id = 'E3' AND kind = 'terminate'")" \
	"2026-12-20T00:00:00Z" "E3's terminate is effective on its date"
rph review
expect_contains "$OUT" "E5"
expect_contains "$OUT" "missing from snapshot"
finish

# day 3: E2 is back (rehired), E3's date moves to 2026-12-10, E5 still
# missing, E1 and E4 unchanged
{
	row E1 active Ana Silva Finance 2026-11-02
	row E2 active Ben Okafor Sales 2026-12-03 2026-12-02
	row E3 active Chloe Dubois Quality 2026-11-02 2026-12-10
	row E4 active Dan Kim Engineering 2026-11-02
} >"$T_TMP/roster-2026-12-03.jsonl"

begin "sync day 3: a rehire, a moved termination date, the missing person still held once"
sim_mark
sync_day 2026-12-03 "$T_TMP/roster-2026-12-03.jsonl"
expect_rc 4
expect_contains "$OUT" "Total 5 | No change 2 | Processed 2 | Skipped 0 | Held 1"
expect_contains "$OUT" "1 scheduled terminate cancelled or moved"
expect_eq "$(since DELETE)" 0 "DELETEs"
expect_eq "$(users_brief | grep -E 'ben|chloe')" "ben.okafor@example.com active=true roles=Viewer name=Ben Okafor
chloe.dubois@example.com active=true roles=Process Expert,Viewer name=Chloe Dubois" "E2 back, E3 still active"
expect_eq "$(roster_targets E2 E3 E5)" "E2|hire|done
E2|terminate|done
E2|rehire|done
E3|hire|done
E3|terminate|skipped
E3|terminate|not_yet_effective
E5|hire|done
E5|terminate|held" "ledger after day 3"
expect_eq "$(q "SELECT t.outcome || ': ' || t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.employee_id = 'E3' AND t.state = 'skipped'")" \
	"cancelled: cancelled: the termination date was removed or moved in snapshot $T_TMP/roster-2026-12-03.jsonl (row 3)" "why the first terminate went"
expect_eq "$(q "SELECT json_extract(raw, '$.effective') FROM events e JOIN targets t ON t.event_seq = e.seq WHERE e.employee_id = 'E3' AND t.state = 'not_yet_effective'")" \
	"2026-12-10T00:00:00Z" "the moved date"
expect_eq "$(q "SELECT status FROM persons WHERE employee_id = 'E3'")" terminated "E3 is terminated as of the scheduled date"
finish

begin "sync: a snapshot older than the last applied one is refused"
cp "$T_TMP/roster-2026-12-02.jsonl" "$T_TMP/late-roster-2026-12-02.jsonl"
echo >>"$T_TMP/late-roster-2026-12-02.jsonl"
n0=$(q "SELECT count(*) FROM events")
sync_day 2026-12-03 "$T_TMP/late-roster-2026-12-02.jsonl"
expect_rc 2
expect_contains "$ERR" "is as of 2026-12-02 (from the file name), older than the last applied snapshot $T_TMP/roster-2026-12-03.jsonl (as of 2026-12-03"
expect_eq "$(q "SELECT count(*) FROM events")" "$n0" "events"
sync_day 2026-12-03 --dry-run --as-of 2026-12-04 "$T_TMP/late-roster-2026-12-02.jsonl"
expect_contains "$OUT" "(as of 2026-12-04 from --as-of"
expect_eq "$(q "SELECT count(*) FROM events")" "$n0" "events after the dry run"
finish

# day 11: E3's date has come; the snapshot says terminated
{
	row E1 active Ana Silva Finance 2026-11-02
	row E2 active Ben Okafor Sales 2026-12-03 2026-12-02
	row E3 terminated Chloe Dubois Quality 2026-11-02 2026-12-10
	row E4 active Dan Kim Engineering 2026-11-02
	row E5 active Eve Moana Sales 2026-11-02
} >"$T_TMP/roster-2026-12-11.jsonl"

begin "sync day 11: the scheduled terminate applies; E5 is back and the held terminate goes"
sim_mark
sync_day 2026-12-11 "$T_TMP/roster-2026-12-11.jsonl"
expect_rc 0
expect_eq "$(since DELETE)" 1 "DELETEs (E3)"
expect_eq "$(since writes)" 1 "writes"
expect_eq "$(users_brief | grep -E 'chloe|eve')" "chloe.dubois@example.com active=false roles=Process Expert,Viewer name=Chloe Dubois
eve.moana@example.com active=true roles=Viewer name=Eve Moana" "E3 gone, E5 kept"
expect_eq "$(roster_targets E3 E5)" "E3|hire|done
E3|terminate|skipped
E3|terminate|done
E5|hire|done
E5|terminate|skipped" "ledger after day 11"
rph review
expect_not_contains "$OUT" "E5"
finish

rt_no_secrets_case
done_testing
