#!/usr/bin/env bash
# HR exports as HR systems give them (issue 14): `provhost run` on a CSV
# export read through an "inputs" section, against the real simulator and a
# real ledger. The examples of conf/examples/ (a Workday-style and a
# BambooHR-style export with BOM and CRLF) pass check-config and provision;
# each row becomes the events it implies against the stored person (a
# second run sends nothing, a changed department is one update, a
# terminated status deactivates, back to active reactivates, back active
# with an end date ahead reactivates now and deactivates on that date, a
# later export that removes or moves the end date cancels or moves it);
# bad rows are
# rejected with their row number and the rest goes on; a missing or
# unknown column and a non-UTF-8 file stop the run before anything is
# stored; the format is sniffed and a mismatch says what to pass; a JSON
# array of events and a JSON roster are read; a termination dated today in
# Pacific/Auckland with end_of_day waits for that local midnight (the clock
# driven by PROVHOST_TEST_NOW), for a CSV row and for a JSON Lines event.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

EX="$ROOT/conf/examples"
rt_sim || exit 1

# ex_state NAME: a state directory with conf/examples/provhost-csv.json.in
# for the running simulator (sets ST, CFG, LEDGER, REJ like rt_state).
ex_state() {
	rt_state "$1"
	sed -e "s|@PLUGIN_DIR@|$PLUGIN_DIR|" -e "s|@STATE_DIR@|$ST|g" \
		-e "s|@INSTANCE_URL@|$SIM_URL|" "$EX/provhost-csv.json.in" >"$CFG"
	chmod 600 "$CFG"
}

# user U: the simulator's user with userName U as "active|roles|timezone|title".
user() {
	sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) |
		"\(.active)|\([.roles[]?.display] | join(","))|\(.timezone // "")|\(.title // "")"'
}

begin "examples: check-config passes on conf/examples/provhost-csv.json.in"
ex_state ex
rph check-config
expect_rc 0
expect_contains "$OUT" "configuration ok: 1 connection"
expect_contains "$OUT" "input \"workday\": csv roster, delimiter \",\", employee id \"Employee ID\", status \"Worker Status\" (3 words)"
finish

begin "examples: the Workday-style export provisions every active person"
sim_reset
rph run --input workday --reject-file "$REJ" "$EX/workday-workers.csv"
expect_rc 0
expect_contains "$OUT" "run 1: 6 rows read from $EX/workday-workers.csv, 0 rejected, 1 unchanged"
expect_eq "$(user tama.wiremu@example.com)" "true|Process Expert,Editor|Pacific/Auckland|" "Tama"
expect_eq "$(user jose.garcia@example.com | cut -d'|' -f1-3)" "true|Modeller|Europe/Madrid" "José"
expect_eq "$(user noah.schmidt@example.com | cut -d'|' -f1-2)" "true|Modeller" "Noah (a quoted title over two lines)"
# terminated and never provisioned: nothing; the National ID never leaves
expect_eq "$(user sam.taylor@example.com)" "" "Sam"
expect_eq "$(q "SELECT count(*) FROM events WHERE raw LIKE '%AB123456C%' OR raw LIKE '%National%'")" 0 "ignored column in the ledger"
# a termination dated 12/31/2099 (America/New_York) waits
expect_eq "$(q "SELECT e.kind, e.effective, t.state FROM events e JOIN targets t ON t.event_seq = e.seq WHERE e.employee_id = 'W1005' ORDER BY e.seq")" \
	"hire|1738386000|done
terminate|4102462800|not_yet_effective" "W1005"
finish

begin "examples: the same export again sends nothing"
w0=$(sim_writes)
rph run --input workday "$EX/workday-workers.csv"
expect_rc 0
expect_contains "$OUT" "6 rows read from $EX/workday-workers.csv, 0 rejected, 6 unchanged"
expect_contains "$OUT" "Total 0 |"
expect_eq "$(sim_writes)" "$w0" "writes"
finish

begin "examples: the BambooHR-style export (BOM, CRLF) provisions too"
rph run --input bamboohr "$EX/bamboohr-employees.csv"
expect_rc 0
expect_contains "$OUT" "4 rows read from $EX/bamboohr-employees.csv, 0 rejected, 1 unchanged"
expect_eq "$(user maria.silva@example.com | cut -d'|' -f1-2)" "true|Modeller,Editor" "Maria"
expect_eq "$(user tomas.novak@example.com | cut -d'|' -f1-2)" "true|Process Expert" "Tomás"
expect_eq "$(user amelia.brown@example.com)" "" "Amelia (inactive)"
# a date alone is a day in the input's zone: 2026-01-12 in America/Denver
expect_eq "$(q "SELECT effective FROM events WHERE employee_id = '104'")" 1768201200 "Kenji's hire"
finish

begin "roster: a changed department is one update of that attribute only"
sed 's/^W1002,\(.*\),Engineering,/W1002,\1,Quality,/' "$EX/workday-workers.csv" >"$ST/day2.csv"
w0=$(sim_writes)
rph run --input workday "$ST/day2.csv"
expect_rc 0
expect_contains "$OUT" "5 unchanged"
expect_eq "$(q "SELECT kind || ' ' || json_extract(raw, '\$.attributes') FROM events WHERE employee_id = 'W1002' ORDER BY seq DESC LIMIT 1")" \
	'update {"department":"Quality"}' "the derived event"
expect_eq "$(user jose.garcia@example.com | cut -d'|' -f1-2)" "true|Process Expert" "José's roles"
expect_eq "$(($(sim_writes) - w0))" 1 "writes for one changed person"
finish

begin "roster: a terminated status deactivates, back to active reactivates"
sed 's/^W1006,Noah,Schmidt,noah.schmidt@example.com,Active,04\/14\/2025,/W1006,Noah,Schmidt,noah.schmidt@example.com,Terminated,04\/14\/2025,11\/27\/2026/' \
	"$ST/day2.csv" >"$ST/day3.csv"
rph run --input workday "$ST/day3.csv"
expect_rc 0
expect_eq "$(user noah.schmidt@example.com | cut -d'|' -f1)" "false" "Noah after the termination"
expect_eq "$(q "SELECT kind FROM events WHERE employee_id = 'W1006' ORDER BY seq DESC LIMIT 1")" terminate "the derived event"
rph run --input workday "$ST/day2.csv"
expect_rc 0
expect_eq "$(user noah.schmidt@example.com | cut -d'|' -f1)" "true" "Noah after the rehire"
expect_eq "$(q "SELECT kind FROM events WHERE employee_id = 'W1006' ORDER BY seq DESC LIMIT 1")" rehire "the derived event"
finish

begin "roster: a connection added later gets every person of an unchanged export"
saved=("$ST" "$CFG" "$LEDGER" "$REJ")
ex_state second
sim_reset
rph run --input workday "$EX/workday-workers.csv"
expect_rc 0
SIM1_ROOT=$SIM_ROOT SIM1_URL=$SIM_URL SIM1_PID=$SIM_PID
w1=$(sim_writes)
sim_start --roles "$RT_ROLES" || fail "second simulator"
jq --arg url "$SIM_URL" '.connections += [.connections[0] | .name = "second" | .settings.instance_url = $url]' \
	"$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
rph run --input workday "$EX/workday-workers.csv"
expect_rc 0
expect_contains "$OUT" "6 unchanged"
expect_eq "$(sim_users | jq -r '[.[] | select(.active) | .userName] | sort | join(" ")')" \
	"anika.rao@example.com jose.garcia@example.com noah.schmidt@example.com tama.wiremu@example.com" "the new connection's users"
expect_eq "$(q "SELECT count(*) FROM targets WHERE connection = 'second' AND state = 'not_yet_effective'")" 1 "W1005's terminate waits there too"
sim_stop
SIM_ROOT=$SIM1_ROOT SIM_URL=$SIM1_URL SIM_PID=$SIM1_PID
expect_eq "$(sim_writes)" "$w1" "writes to the first connection"
ST=${saved[0]} CFG=${saved[1]} LEDGER=${saved[2]} REJ=${saved[3]}
finish

begin "roster: bad rows are rejected with their row number, the rest goes on"
{
	head -n 1 "$EX/workday-workers.csv"
	echo 'W2001,Ana,Bad,ana.bad@example.com,Active,13/45/2026,,Engineering,Engineer,Employee,,1'
	echo 'W2002,Ben,Retired,ben@example.com,Retired,01/01/2026,,Engineering,Engineer,Employee,,1'
	echo ',No,Id,noid@example.com,Active,01/01/2026,,Engineering,Engineer,Employee,,1'
	echo 'W2004,Cleo,Good,cleo.good@example.com,Active,01/01/2026,,Engineering,Engineer,Employee,,1'
	echo 'W2005,Short,Row,short@example.com,Active'
	echo 'W2006,Dee,Past,dee@example.com,Active,01/01/2026,01/31/2026,Engineering,Engineer,Employee,,1'
} >"$ST/bad.csv"
rph run --input workday --reject-file "$ST/bad-rejects.txt" "$ST/bad.csv"
expect_rc 1
expect_contains "$OUT" "6 rows read from $ST/bad.csv, 5 rejected"
expect_contains "$OUT" 'row 2: bad date "13/45/2026" in column "Hire Date": not a date in the expected format (%m/%d/%Y)'
expect_contains "$OUT" 'row 3: unknown status "Retired" in column "Worker Status" (input "workday" knows "Active", "On Leave", "Terminated")'
expect_contains "$OUT" 'row 4: empty employee id (column "Employee ID")'
expect_contains "$OUT" "row 6: the row has 5 fields, the header has 12"
expect_contains "$OUT" "row 7: status and dates disagree: status active, but the termination date 2026-01-31 has passed"
expect_eq "$(user cleo.good@example.com | cut -d'|' -f1)" "true" "the good row"
expect_eq "$(grep -c '	# row ' "$ST/bad-rejects.txt")" 5 "reject file lines"
expect_contains "$(cat "$ST/bad-rejects.txt")" "W2002,Ben,Retired,ben@example.com,Retired,01/01/2026,,Engineering,Engineer,Employee,,1	# row 3: unknown status"
expect_eq "$(q "SELECT line_no FROM rejects ORDER BY line_no" | tr '\n' ' ')" "2 3 4 6 7 " "ledger rejects"
finish

begin "roster: a missing column stops the run before anything is stored"
cut -d, -f1-5,7- "$EX/workday-workers.csv" | head -n 3 >"$ST/nohire.csv"
n0=$(q "SELECT count(*) FROM events")
rph run --input workday "$ST/nohire.csv"
expect_rc 2
expect_contains "$ERR" "provhost run: \"$ST/nohire.csv\": the header has no column \"Hire Date\", which input \"workday\" maps; the header has: \"Employee ID\", \"Legal First Name\""
expect_eq "$(q "SELECT count(*) FROM events")" "$n0" "events stored"
finish

begin "roster: an unknown column stops the run, naming it"
sed '1s/$/,Salary/; 2,$s/$/,1000/' "$EX/workday-workers.csv" >"$ST/salary.csv"
rph run --input workday "$ST/salary.csv"
expect_rc 2
expect_eq "$ERR" "provhost run: \"$ST/salary.csv\": unknown column \"Salary\" (column 13) in the header: map it in \"columns\" of input \"workday\" or list it in \"ignore\"" stderr
expect_eq "$(q "SELECT count(*) FROM events")" "$n0" "events stored"
finish

begin "roster: a non-UTF-8 file is refused, saying where"
{
	head -n 1 "$EX/workday-workers.csv"
	printf 'W3001,Ren\xe9,Dupont,rene@example.com,Active,01/01/2026,,Engineering,Engineer,Employee,,1\n'
} >"$ST/latin1.csv"
rph run --input workday "$ST/latin1.csv"
expect_rc 2
expect_contains "$ERR" "provhost run: \"$ST/latin1.csv\" is not UTF-8: line 2, byte 10 is 0xE9; provhost reads UTF-8 exports only (convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8, or export as UTF-8)"
expect_eq "$(q "SELECT count(*) FROM events")" "$n0" "events stored"
finish

begin "formats: CSV without an inputs section says what is needed"
rt_state plain
cp "$EX/workday-workers.csv" "$ST/hr-export.csv"
rph run "$ST/hr-export.csv"
expect_rc 2
expect_eq "$ERR" "provhost run: CSV needs an \"inputs\" section that maps its columns (which is the employee id, the status, the dates, the attributes) and --input NAME; $CFG has none (README \"HR exports\", conf/examples/)" stderr
finish

begin "formats: CSV read as JSON Lines says what it saw and what to pass"
cp "$EX/workday-workers.csv" "$ST/hr-export.txt"
rph run --format jsonl "$ST/hr-export.txt"
expect_rc 2
expect_eq "$ERR" "provhost run: \"$ST/hr-export.txt\" is read as JSON Lines (--format jsonl), but this looks like CSV (header \"Employee ID,Legal First Name,Legal Last Name,Work Email,Worker Status,Hire D…\"); use --format csv with an \"inputs\" section that maps its columns (README \"HR exports\")" stderr
expect_eq "$(q "SELECT count(*) FROM events")" 0 "events stored"
ex_state fmt
printf '%s\n' "$(ev hire J1 j-1 - Jo Lines Engineering)" >"$ST/events.csv"
rph run --input workday "$ST/events.csv"
expect_rc 2
expect_contains "$ERR" "provhost run: \"$ST/events.csv\" is read as CSV (input \"workday\"), but this looks like JSON Lines (it starts with \"{\"event\":\"hire\""
expect_contains "$ERR" "); use --format jsonl"
finish

begin "formats: CSV on stdin is found by its content"
ex_state stdin
sim_reset
cat "$EX/workday-workers.csv" | "$PROVHOST" run -c "$CFG" --input workday - >"$T_TMP/out" 2>"$T_TMP/err"
RC=$?
OUT=$(cat "$T_TMP/out")
expect_rc 0
expect_contains "$OUT" "6 rows read from stdin, 0 rejected, 1 unchanged"
expect_eq "$(user tama.wiremu@example.com | cut -d"|" -f1)" "true" "Tama"
finish

begin "formats: a JSON array of events is applied like JSON Lines"
rt_state arr
sim_reset
{
	echo "[$(ev hire A1 arr-1 - Ann Array Engineering),"
	echo ' {"event": "promote", "employee_id": "A2"},'
	echo " $(ev hire A3 arr-3 - Bob Array Quality)]"
} >"$ST/events.json"
rph run --reject-file "$REJ" "$ST/events.json"
expect_rc 1
expect_contains "$OUT" "3 elements read from $ST/events.json, 1 rejected"
expect_contains "$OUT" 'element 2: unknown event kind "promote"'
expect_eq "$(sim_users | jq -r '[.[].userName] | sort | join(" ")')" "ann.array@example.com bob.array@example.com" "users"
# the same events as JSON Lines: the same identities, nothing new
printf '%s\n' "$(ev hire A1 arr-1 - Ann Array Engineering)" >"$ST/events.jsonl"
w0=$(sim_writes)
rph run "$ST/events.jsonl"
expect_rc 0
expect_eq "$(sim_writes)" "$w0" "writes"
finish

begin "formats: a JSON roster (kind roster) derives events too"
rt_state jroster '.inputs = {"hris": {"format": "json", "kind": "roster", "zone": "Europe/Berlin"}}'
sim_reset
cat >"$ST/roster.json" <<'EOF'
[{"employee_id": "R1", "status": "active", "hire_date": "2026-01-05",
  "attributes": {"first_name": "Rita", "last_name": "Roster", "email": "rita.roster@example.com", "department": "Engineering"}},
 {"employee_id": "R2", "status": "maybe"}]
EOF
rph run --input hris "$ST/roster.json"
expect_rc 1
expect_contains "$OUT" "2 elements read from $ST/roster.json, 1 rejected"
expect_contains "$OUT" 'element 2: "status" must be "active", "terminated" or "leave", not "maybe"'
expect_eq "$(q "SELECT kind, effective FROM events WHERE employee_id = 'R1'")" "hire|1767567600" "R1 (a Berlin date)"
expect_eq "$(user rita.roster@example.com | cut -d'|' -f1)" "true" "Rita"
finish

begin "roster: a terminated person back on a fixed term is rehired now and leaves on the end date"
rt_state fixed '.inputs = {"hr": {"format": "csv", "employee_id": "Id", "status": "Status",
	  "hire_date": {"column": "Hire", "formats": ["%Y-%m-%d"]},
	  "termination_date": {"column": "End", "formats": ["%Y-%m-%d"]},
	  "columns": {"First": "first_name", "Last": "last_name", "Email": "email", "Dept": "department"}}}'
sim_reset
at() { date -u -d "$1" +%s; }
hdr='Id,First,Last,Email,Dept,Status,Hire,End'
printf '%s\nF1,Fay,Term,fay.term@example.com,Engineering,active,2026-01-05,\n' "$hdr" >"$ST/f1.csv"
printf '%s\nF1,Fay,Term,fay.term@example.com,Engineering,terminated,2026-01-05,2026-09-30\n' "$hdr" >"$ST/f2.csv"
printf '%s\nF1,Fay,Term,fay.term@example.com,Engineering,active,2026-11-02,2027-01-31\n' "$hdr" >"$ST/f3.csv"
printf '%s\nF1,Fay,Term,fay.term@example.com,Engineering,terminated,2026-11-02,2027-01-31\n' "$hdr" >"$ST/f4.csv"
PROVHOST_TEST_NOW=$(at 2026-06-01T12:00Z) rph run --input hr "$ST/f1.csv"
expect_rc 0
PROVHOST_TEST_NOW=$(at 2026-10-01T12:00Z) rph run --input hr "$ST/f2.csv"
expect_rc 0
expect_eq "$(user fay.term@example.com | cut -d'|' -f1)" "false" "Fay after the termination"
PROVHOST_TEST_NOW=$(at 2026-11-02T09:00Z) rph run --input hr "$ST/f3.csv"
expect_rc 0
expect_eq "$(user fay.term@example.com | cut -d'|' -f1)" "true" "Fay reactivated on her new hire date"
expect_eq "$(q "SELECT group_concat(x, ', ') FROM (SELECT e.kind || ' ' || t.state || ' ' || coalesce(datetime(e.effective, 'unixepoch'), '-') AS x FROM events e JOIN targets t ON t.event_seq = e.seq ORDER BY e.seq DESC LIMIT 2)")" \
	"terminate not_yet_effective 2027-01-31 00:00:00, rehire done 2026-11-02 00:00:00" "the rehire sent, the terminate scheduled"
n=$(q "SELECT count(*) FROM events")
# the same export the next hour: the terminate is scheduled already
PROVHOST_TEST_NOW=$(at 2026-11-02T10:00Z) rph run --input hr "$ST/f3.csv"
expect_rc 0
expect_contains "$OUT" "1 unchanged"
expect_eq "$(q "SELECT count(*) FROM events")" "$n" "events after the same export again"
# the export after the end date: the scheduled terminate applies, no second one
PROVHOST_TEST_NOW=$(at 2027-02-02T09:00Z) rph run --input hr "$ST/f4.csv"
expect_rc 0
expect_eq "$(user fay.term@example.com | cut -d'|' -f1)" "false" "Fay after her fixed term"
expect_eq "$(q "SELECT count(*) FROM events")" "$n" "events after the end date"
expect_eq "$(q "SELECT t.state FROM events e JOIN targets t ON t.event_seq = e.seq ORDER BY e.seq DESC LIMIT 1")" done "the scheduled terminate"
finish

begin "roster: a later export that removes or moves the termination date cancels or moves the scheduled terminate"
rt_state moved '.inputs = {"hr": {"format": "csv", "employee_id": "Id", "status": "Status",
	  "termination_date": {"column": "End", "formats": ["%Y-%m-%d"]},
	  "columns": {"First": "first_name", "Last": "last_name", "Email": "email", "Dept": "department"}}}'
sim_reset
hdr='Id,First,Last,Email,Dept,Status,End'
row() { printf '%s\nM1,Mo,Ved,mo.ved@example.com,%s,active,%s\n' "$hdr" "$1" "$2"; }
row Engineering "" >"$ST/m1.csv"
row Engineering 2026-12-20 >"$ST/m2.csv"
row Engineering "" >"$ST/m3.csv"
row Quality 2026-12-28 >"$ST/m4.csv"
row Quality "" | sed "s/,active,/,terminated,/; s/,\$/,2026-12-28/" >"$ST/m5.csv"
state_of() { q "SELECT group_concat(x, ', ') FROM (SELECT e.kind || ' ' || t.state || coalesce(' ' || t.outcome, '') || coalesce(' ' || date(e.effective, 'unixepoch'), '') AS x FROM events e JOIN targets t ON t.event_seq = e.seq WHERE e.kind = 'terminate' ORDER BY e.seq)"; }
PROVHOST_TEST_NOW=$(at 2026-12-01T09:00Z) rph run --input hr "$ST/m1.csv"
expect_rc 0
PROVHOST_TEST_NOW=$(at 2026-12-02T09:00Z) rph run --input hr "$ST/m2.csv"
expect_rc 0
expect_eq "$(state_of)" "terminate not_yet_effective 2026-12-20" "the terminate scheduled"
# the date is gone: the scheduled terminate is cancelled, nothing is sent
PROVHOST_TEST_NOW=$(at 2026-12-03T09:00Z) rph run --input hr "$ST/m3.csv"
expect_rc 0
expect_contains "$OUT" "1 scheduled terminate cancelled or moved (the termination date changed)"
expect_eq "$(state_of)" "terminate skipped cancelled 2026-12-20" "cancelled"
expect_eq "$(q "SELECT last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.kind = 'terminate'")" \
	"cancelled: the termination date was removed or moved in $ST/m3.csv (row 2)" "the reason"
expect_eq "$(q "SELECT status FROM persons WHERE employee_id = 'M1'")" active "the person"
# the same export again: nothing left to cancel
PROVHOST_TEST_NOW=$(at 2026-12-04T09:00Z) rph run --input hr "$ST/m3.csv"
expect_contains "$OUT" "1 unchanged"
expect_not_contains "$OUT" "cancelled or moved"
# a new date with a changed department: an update now, the terminate then
# (a later export says terminated)
PROVHOST_TEST_NOW=$(at 2026-12-05T09:00Z) rph run --input hr "$ST/m2.csv"
PROVHOST_TEST_NOW=$(at 2026-12-06T09:00Z) rph run --input hr "$ST/m4.csv"
expect_rc 0
expect_contains "$OUT" "1 scheduled terminate cancelled or moved"
expect_eq "$(state_of)" "terminate skipped cancelled 2026-12-20, terminate skipped cancelled 2026-12-20, terminate not_yet_effective 2026-12-28" "moved to the 28th"
expect_eq "$(user mo.ved@example.com)" "true|Process Expert||" "Mo now: in Quality (its role), still active"
# the old date passes: still active; the new one: deactivated
PROVHOST_TEST_NOW=$(at 2026-12-21T09:00Z) rph run --input hr "$ST/m4.csv"
expect_rc 0
expect_eq "$(user mo.ved@example.com | cut -d'|' -f1)" "true" "Mo on the 21st"
PROVHOST_TEST_NOW=$(at 2026-12-29T09:00Z) rph run --input hr "$ST/m5.csv"
expect_rc 0
expect_eq "$(user mo.ved@example.com | cut -d'|' -f1)" "false" "Mo on the 29th"
finish


# Pacific/Auckland, 1 December 2026 (NZDT, +13:00): the day ends at
# 2026-12-01T11:00:00Z = 1796122800.
AKL_END=1796122800
akl_state() {
	rt_state "$1" '.dates = {"zone": "Pacific/Auckland", "terminate_at": "end_of_day"}
		| .inputs = {"hr": {"format": "csv", "employee_id": "Id", "status": "Status",
		  "termination_date": {"column": "Termination", "formats": ["%d/%m/%Y"]},
		  "columns": {"First": "first_name", "Last": "last_name", "Email": "email", "Dept": "department"}}}'
}

begin "time zones: a termination dated today in Auckland (end_of_day) waits for local midnight"
akl_state akl
sim_reset
printf 'Id,First,Last,Email,Dept,Status,Termination\nK1,Kiri,Tane,kiri.tane@example.com,Engineering,active,\n' >"$ST/d1.csv"
PROVHOST_TEST_NOW=$((AKL_END - 86400)) rph run --input hr "$ST/d1.csv"
expect_rc 0
expect_eq "$(user kiri.tane@example.com | cut -d'|' -f1)" "true" "Kiri hired"
printf 'Id,First,Last,Email,Dept,Status,Termination\nK1,Kiri,Tane,kiri.tane@example.com,Engineering,terminated,01/12/2026\n' >"$ST/d2.csv"
# 23:00 on 1 December in Auckland: still her last day
PROVHOST_TEST_NOW=$((AKL_END - 3600)) rph run --input hr "$ST/d2.csv"
expect_rc 0
expect_contains "$OUT" "Not yet effective 1"
expect_eq "$(user kiri.tane@example.com | cut -d'|' -f1)" "true" "Kiri before local midnight"
expect_eq "$(q "SELECT effective FROM events WHERE kind = 'terminate'")" "$AKL_END" "stored effective"
# 00:01 on 2 December in Auckland: the terminate is due
PROVHOST_TEST_NOW=$((AKL_END + 60)) rph run --input hr "$ST/d2.csv"
expect_rc 0
expect_eq "$(user kiri.tane@example.com | cut -d'|' -f1)" "false" "Kiri after local midnight"
finish

begin "time zones: start_of_day applies the same termination at the start of the day"
akl_state akl2
sim_reset
PROVHOST_TEST_NOW=$((AKL_END - 86400)) rph run --input hr "$ST/../st-akl/d1.csv"
jq '.dates.terminate_at = "start_of_day"' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
PROVHOST_TEST_NOW=$((AKL_END - 3600)) rph run --input hr "$ST/../st-akl/d2.csv"
expect_rc 0
expect_eq "$(user kiri.tane@example.com | cut -d'|' -f1)" "false" "Kiri"
expect_eq "$(q "SELECT effective FROM events WHERE kind = 'terminate'")" "$((AKL_END - 86400))" "stored effective"
finish

begin "time zones: a JSON Lines terminate with a date follows the same rules"
akl_state akl3
sim_reset
printf '%s\n' "$(ev hire K2 k2-hire - Mere Lines Engineering)" >"$ST/h.jsonl"
PROVHOST_TEST_NOW=$((AKL_END - 86400)) rph run "$ST/h.jsonl"
printf '%s\n' '{"event":"terminate","employee_id":"K2","id":"k2-term","effective":"2026-12-01"}' >"$ST/t.jsonl"
PROVHOST_TEST_NOW=$((AKL_END - 3600)) rph run "$ST/t.jsonl"
expect_rc 0
expect_eq "$(user mere.lines@example.com | cut -d'|' -f1)" "true" "before local midnight"
PROVHOST_TEST_NOW=$((AKL_END + 60)) rph run "$ST/t.jsonl"
expect_eq "$(user mere.lines@example.com | cut -d'|' -f1)" "false" "after local midnight"
finish

rt_no_secrets_case
done_testing
