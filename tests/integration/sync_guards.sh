#!/usr/bin/env bash
# provhost sync's guards and roster rules: a truncated export never
# deactivates half the company (missing: terminate meets the
# mass-deprovision guard; the default holds), the mass-change guard holds
# a blank column's changes, a rejected row is not a missing person, status
# and dates that disagree are held (approvable in provhost review),
# leave/return, provision_days_before_start, and the "sync" section's
# configuration errors.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
. "$(dirname "$0")/../lib/sync_common.inc"

rt_sim || exit 1
names=(Ana Silva Ben Okafor Chloe Dubois Dan Kim Eve Moana Finn Berg Gia Rossi Hana Sato)
eight() { # DEPT [N]: the first N (default 8) of eight people in DEPT
	for i in $(seq 0 $((${2:-8} - 1))); do
		row "G00$i" active "${names[2 * i]}" "${names[2 * i + 1]}" "$1" 2026-11-02
	done
}

begin "truncated snapshot, missing: terminate: the guard holds every derived deprovision, none is sent"
rt_state trunc '.connections[0].policy.max_deprovisions_per_run = 2 | .sync.missing = "terminate"'
eight Engineering >"$T_TMP/full-2026-12-01.jsonl"
eight Engineering 4 >"$T_TMP/half-2026-12-02.jsonl"
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
expect_rc 0
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 8 "active users"
sim_mark
sync_day 2026-12-02 "$T_TMP/half-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "Total 8 | No change 4 | Processed 4 | Skipped 0 | Held 0"
expect_contains "$OUT" "HELD: 4 deprovisions on connection $RT_CONN wait for review"
expect_eq "$(since DELETE)" 0 "DELETEs"
expect_eq "$(since writes)" 0 "writes"
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 8 "active users"
expect_eq "$(count_state held)" 4 "held targets"
finish

begin "missing: terminate holds instead when a rejected row may be the missing person"
rt_state trunc-anon '.sync.missing = "terminate"'
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
{ eight Engineering 7; echo '{"employee_id": 7, "status": "active"}'; } >"$T_TMP/anon-2026-12-02.jsonl"
sim_mark
sync_day 2026-12-02 "$T_TMP/anon-2026-12-02.jsonl"
expect_rc 1
expect_contains "$OUT" "Total 9 | No change 7 | Processed 0 | Skipped 1 | Held 1"
expect_contains "$OUT" "employee G007: missing from snapshot $T_TMP/anon-2026-12-02.jsonl, which has rejected rows without an employee id (one may be this person): held instead of terminated"
expect_eq "$(since DELETE)" 0 "DELETEs"
finish

begin "truncated snapshot, default missing: hold: every missing person held, none is sent"
rt_state trunc-hold
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
expect_rc 0
sim_mark
sync_day 2026-12-02 "$T_TMP/half-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "Total 8 | No change 4 | Processed 0 | Skipped 0 | Held 4"
expect_eq "$(since DELETE)" 0 "DELETEs"
rph review
expect_eq "$(grep -c 'missing from snapshot' <<<"$OUT")" 4 "held lines in review"
finish

begin "a held missing person approved in review is terminated, and rehired when back"
seq=$(q "SELECT e.seq FROM events e JOIN targets t ON t.event_seq = e.seq WHERE e.employee_id = 'G007' AND t.state = 'held'")
rph review approve "$seq:$RT_CONN" --reason "left in November"
expect_rc 0
sim_mark
sync_day 2026-12-03 --as-of 2026-12-03 "$T_TMP/half-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "already applied by run"
expect_eq "$(since DELETE)" 1 "the approved terminate is applied by the next sync"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "hana.sato@example.com") | .active')" false "G007 deactivated"
sim_mark
{ cat "$T_TMP/full-2026-12-01.jsonl"; echo; } >"$T_TMP/full-2026-12-04.jsonl"
sync_day 2026-12-04 "$T_TMP/full-2026-12-04.jsonl"
expect_contains "$OUT" "Total 8 | No change 7 | Processed 1 | Skipped 0 | Held 0"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "hana.sato@example.com") | .active')" true "G007 reactivated"
expect_eq "$(roster_targets G007 | tail -n 1)" "G007|rehire|done" "a rehire"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'held'")" 0 "no held targets left (the rest cancelled)"
finish

begin "mass-change guard: a blank department column (roles lost) is held, nothing is sent"
rt_state mass '.sync.mass_change_min = 2 | .sync.mass_change_share = 0.5'
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
expect_rc 0
eight "" >"$T_TMP/blank-2026-12-02.jsonl"
sim_mark
sync_day 2026-12-02 "$T_TMP/blank-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "Total 8 | No change 0 | Processed 0 | Skipped 0 | Held 8"
expect_contains "$OUT" "held by the mass-change guard: 8 of 8 people (100 %, limit 50 %) would lose roles in this snapshot (department)"
expect_eq "$(since PUT)" 0 "PUTs"
expect_eq "$(sim_users | jq -r '[.[] | .roles[].display] | unique | join(",")')" "Modeller,Viewer" "roles kept"
finish

begin "mass-change guard: a changed mapped attribute for most people is held; a few are not"
rt_state mass2 '.sync.mass_change_min = 2 | .sync.mass_change_share = 0.5'
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
eight Engineering | sed 's/"last_name":"[^"]*"/"last_name":"X"/' >"$T_TMP/names-2026-12-02.jsonl"
sim_mark
sync_day 2026-12-02 "$T_TMP/names-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "would change a mapped attribute in this snapshot (last_name)"
expect_eq "$(since PUT)" 0 "PUTs"
{ eight Engineering 6; eight Engineering | tail -n 2 | sed 's/"last_name":"[^"]*"/"last_name":"Y"/'; } >"$T_TMP/few-2026-12-03.jsonl"
rt_state mass3 '.sync.mass_change_min = 2 | .sync.mass_change_share = 0.5'
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
sim_mark
sync_day 2026-12-03 "$T_TMP/few-2026-12-03.jsonl"
expect_contains "$OUT" "Processed 2"
expect_eq "$(since PUT)" 2 "PUTs for 2 of 8"
finish

begin "a rejected row is not a missing person"
rt_state rejected
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
eight Engineering | sed '3s/"status":"active"/"status":"retired"/' >"$T_TMP/bad-2026-12-02.jsonl"
sim_mark
sync_day 2026-12-02 --reject-file "$REJ" "$T_TMP/bad-2026-12-02.jsonl"
expect_rc 1
expect_contains "$OUT" "line 3: \"status\" must be \"active\", \"terminated\" or \"leave\", not \"retired\""
expect_contains "$OUT" "Total 8 | No change 7 | Processed 0 | Skipped 1 | Held 0"
expect_eq "$(count_state held)" 0 "held targets"
expect_eq "$(since writes)" 0 "writes"
expect_contains "$(cat "$REJ")" "# line 3: \"status\" must be"
finish

begin "status and dates that disagree are held with the reason; leave and return"
rt_state disagree
sync_day 2026-12-01 "$T_TMP/full-2026-12-01.jsonl"
{
	eight Engineering 6
	row G006 active Gia Rossi Engineering 2026-11-02 2026-11-20
	row G007 leave Hana Sato Engineering 2026-11-02
} >"$T_TMP/odd-2026-12-02.jsonl"
sim_mark
sync_day 2026-12-02 "$T_TMP/odd-2026-12-02.jsonl"
expect_rc 4
expect_contains "$OUT" "row 7 (employee G006): status and dates disagree: status active, but the termination date 2026-11-20 has passed; held for review: approve to terminate, discard to keep the account"
expect_eq "$(since DELETE)" 0 "DELETEs"
expect_eq "$(roster_targets G006 G007)" "G006|hire|done
G006|terminate|held
G007|hire|done
G007|leave|skipped" "ledger (policy leave: ignore)"
expect_eq "$(q "SELECT status FROM persons WHERE employee_id = 'G007'")" on_leave "G007 on leave"
rph review
expect_contains "$OUT" "status and dates disagree"
sync_day 2026-12-03 --as-of 2026-12-03 "$T_TMP/full-2026-12-04.jsonl"
expect_eq "$(roster_targets G007 | tail -n 1 | cut -d'|' -f1,2)" "G007|return" "G007 back from leave"
expect_eq "$(q "SELECT status FROM persons WHERE employee_id = 'G007'")" active "G007 active"
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'held'")" 1 "G006's held terminate still waits"
finish

begin "provision_days_before_start: the account is created that many days before the hire date"
rt_state early '.sync.provision_days_before_start = 3'
row N001 active Ivy Chen Engineering 2026-12-10 >"$T_TMP/new-2026-12-01.jsonl"
sim_mark
sync_day 2026-12-01 "$T_TMP/new-2026-12-01.jsonl"
expect_rc 0
expect_eq "$(since POST)" 0 "POSTs on 12-01"
expect_eq "$(roster_targets N001)" "N001|hire|not_yet_effective" "hire waits"
expect_eq "$(q "SELECT json_extract(raw, '$.effective') FROM events WHERE employee_id = 'N001'")" "2026-12-07T00:00:00Z" "effective 3 days before"
cp "$T_TMP/new-2026-12-01.jsonl" "$T_TMP/new-2026-12-07.jsonl"
echo >>"$T_TMP/new-2026-12-07.jsonl"
sync_day 2026-12-07 "$T_TMP/new-2026-12-07.jsonl"
expect_rc 0
expect_eq "$(since POST)" 1 "POSTs on 12-07"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "ivy.chen@example.com") | .active')" true "account ready before day one"
finish

begin "a termination date removed by a later snapshot cancels the scheduled terminate"
rt_state removed
row T001 active Ivy Chen Engineering 2026-11-02 2026-12-20 >"$T_TMP/sched-2026-12-01.jsonl"
row T001 active Ivy Chen Engineering 2026-11-02 >"$T_TMP/unsched-2026-12-02.jsonl"
sync_day 2026-12-01 "$T_TMP/sched-2026-12-01.jsonl"
expect_rc 0
expect_eq "$(roster_targets T001)" "T001|hire|done
T001|terminate|not_yet_effective" "scheduled"
sim_mark
sync_day 2026-12-02 "$T_TMP/unsched-2026-12-02.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 1 | No change 0 | Processed 1 | Skipped 0 | Held 0"
expect_contains "$OUT" "1 scheduled terminate cancelled or moved"
expect_eq "$(since writes)" 0 "writes"
expect_eq "$(roster_targets T001)" "T001|hire|done
T001|terminate|skipped" "cancelled"
expect_eq "$(q "SELECT status FROM persons WHERE employee_id = 'T001'")" active "T001 active again"
{ cat "$T_TMP/unsched-2026-12-02.jsonl"; echo; } >"$T_TMP/unsched-2026-12-21.jsonl"
sync_day 2026-12-21 "$T_TMP/unsched-2026-12-21.jsonl"
expect_eq "$(since DELETE)" 0 "no DELETE after the old date"
expect_contains "$OUT" "Total 1 | No change 1 |"
finish

begin "a terminated person rehired with an end date: rehired now, the terminate scheduled"
rt_state fixedterm
row F001 active Jo Park Engineering 2026-01-05 >"$T_TMP/f-2026-11-01.jsonl"
row F001 terminated Jo Park Engineering 2026-01-05 2026-11-15 >"$T_TMP/f-2026-11-20.jsonl"
row F001 active Jo Park Engineering 2026-12-01 2027-03-31 >"$T_TMP/f-2026-12-01.jsonl"
sync_day 2026-11-01 "$T_TMP/f-2026-11-01.jsonl"
sync_day 2026-11-20 "$T_TMP/f-2026-11-20.jsonl"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "jo.park@example.com") | .active')" false "terminated"
sync_day 2026-12-01 "$T_TMP/f-2026-12-01.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 1 | No change 0 | Processed 1 | Skipped 0 | Held 0"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "jo.park@example.com") | .active')" true "rehired"
expect_eq "$(roster_targets F001 | tail -n 2)" "F001|rehire|done
F001|terminate|not_yet_effective" "rehire, then the end date scheduled"
{ cat "$T_TMP/f-2026-12-01.jsonl"; echo; } >"$T_TMP/f-2026-12-02.jsonl"
sync_day 2026-12-02 "$T_TMP/f-2026-12-02.jsonl"
expect_contains "$OUT" "Total 1 | No change 1 |"
finish

begin "a connection added later gets the snapshot's people, not their cancelled or held work"
rt_state addconn
{
	row A001 active Ada Byron Engineering 2026-11-02
	row A002 active Bo Linn Engineering 2026-11-02 2026-12-20
	row A003 active Cy Moor Engineering 2026-11-02
} >"$T_TMP/a-2026-12-01.jsonl"
{
	row A001 active Ada Byron Engineering 2026-11-02
	row A002 active Bo Linn Engineering 2026-11-02
} >"$T_TMP/a-2026-12-02.jsonl"
sync_day 2026-12-01 "$T_TMP/a-2026-12-01.jsonl"
sync_day 2026-12-02 "$T_TMP/a-2026-12-02.jsonl"
expect_rc 4
expect_eq "$(roster_targets A002 A003 | cut -d'|' -f2,3)" "hire|done
terminate|skipped
hire|done
terminate|held" "cancelled and held on the first connection"
jq --arg p "$ST/files.json" '.connections += [{"name": "files", "connector": "example", "settings": {"path": $p}}]' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"
{ cat "$T_TMP/a-2026-12-02.jsonl"; echo; } >"$T_TMP/a-2026-12-03.jsonl"
sync_day 2026-12-03 "$T_TMP/a-2026-12-03.jsonl"
expect_rc 4
expect_eq "$(jq -r '[.accounts[] | "\(.userName)=\(.active)"] | sort | join(" ")' "$ST/files.json")" \
	"ada.byron@example.com=true bo.linn@example.com=true" "accounts on the new connection"
expect_eq "$(q "SELECT e.employee_id || ' ' || e.kind || ' ' || t.state FROM events e JOIN targets t ON t.event_seq = e.seq WHERE t.connection = 'files' ORDER BY e.seq")" \
	"A001 hire done
A002 hire done" "the new connection's targets: no cancelled terminate, nothing of the missing person"
finish

begin "check-config shows the sync section"
rt_state showcfg '.sync = {"missing": "ignore", "mass_change_share": 0.3, "mass_change_min": 4, "provision_days_before_start": 2}'
rph check-config
expect_rc 0
expect_contains "$OUT" "sync: missing ignore, mass_change_share 0.3 (at least 4 people), provision_days_before_start 2"
finish

begin "sync section errors name file:line:column"
rt_state badcfg '.sync = {"missing": "delete", "mass_change_share": 2}'
rph check-config
expect_rc 2
expect_contains "$ERR" "$CFG:"
expect_contains "$ERR" "\"missing\" must be \"hold\", \"terminate\" or \"ignore\""
rt_state badcfg2 '.sync = {"mising": "hold"}'
rph sync "$T_TMP/full-2026-12-01.jsonl"
expect_rc 2
expect_contains "$ERR" "unknown key \"mising\" in \"sync\" (known: missing, mass_change_share, mass_change_min, provision_days_before_start)"
[[ $ERR =~ $CFG:[0-9]+:[0-9]+: ]] || fail "no file:line:column in: $ERR"
finish

rt_no_secrets_case
done_testing
