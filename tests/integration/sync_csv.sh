#!/usr/bin/env bash
# provhost sync of a CSV export through a configured roster input (the
# intake reader): a Workday-style file day 1 and day 2; only the changed
# person costs a request; --input picks among several roster inputs.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
. "$(dirname "$0")/../lib/sync_common.inc"

rt_sim || exit 1
INPUT='{"format": "csv", "employee_id": "Employee ID",
  "status": {"column": "Status", "values": {"Active": "active", "Terminated": "terminated", "On Leave": "leave"}},
  "hire_date": {"column": "Hire Date", "formats": ["%m/%d/%Y"]},
  "termination_date": {"column": "Termination Date", "formats": ["%m/%d/%Y"]},
  "columns": {"First Name": "first_name", "Last Name": "last_name", "Email": "email",
              "Department": "department", "Type": "employment_type"},
  "ignore": ["SSN"]}'
rt_state csv ".inputs.workday = $INPUT"
hdr='Employee ID,First Name,Last Name,Email,Department,Type,Status,Hire Date,Termination Date,SSN'
printf '%s\r\n' "$hdr" \
	'W1,Ana,Silva,ana.silva@example.com,Engineering,Employee,Active,11/02/2026,,111-11-1111' \
	'W2,Ben,Okafor,ben.okafor@example.com,Sales,Employee,Active,11/02/2026,,222-22-2222' \
	'W3,Chloe,Dubois,chloe.dubois@example.com,"Quality, EU",Employee,Active,11/02/2026,,333-33-3333' \
	>"$T_TMP/workday-2026-12-01.csv"
printf '%s\r\n' "$hdr" \
	'W1,Ana,Silva,ana.silva@example.com,Finance,Employee,Active,11/02/2026,,111-11-1111' \
	'W2,Ben,Okafor,ben.okafor@example.com,Sales,Employee,Active,11/02/2026,,222-22-2222' \
	'W3,Chloe,Dubois,chloe.dubois@example.com,"Quality, EU",Employee,Terminated,11/02/2026,12/02/2026,333-33-3333' \
	>"$T_TMP/workday-2026-12-02.csv"

begin "sync a CSV export: day 1 hires everyone"
sync_day 2026-12-01 "$T_TMP/workday-2026-12-01.csv"
expect_rc 0
expect_contains "$OUT" "Total 3 | No change 0 | Processed 3 | Skipped 0 | Held 0"
expect_eq "$(sim_users | jq -r '[.[].userName] | sort | join(" ")')" \
	"ana.silva@example.com ben.okafor@example.com chloe.dubois@example.com" "users"
expect_eq "$(q "SELECT json_extract(record, '$.department') FROM persons WHERE employee_id = 'W3'")" "Quality, EU" "quoted cell"
expect_eq "$(q "SELECT count(*) FROM persons WHERE record LIKE '%333-33%'")" 0 "ignored column never stored"
finish

begin "sync a CSV export: day 2 sends only the department change and the termination"
sim_mark
sync_day 2026-12-02 "$T_TMP/workday-2026-12-02.csv"
expect_rc 0
expect_contains "$OUT" "Total 3 | No change 1 | Processed 2 | Skipped 0 | Held 0"
expect_eq "$(since PUT)" 1 "PUTs"
expect_eq "$(since DELETE)" 1 "DELETEs"
expect_eq "$(since POST)" 0 "POSTs"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "chloe.dubois@example.com") | .active')" false "W3 deactivated"
finish

begin "sync: several roster inputs need --input; a CSV without one is refused with a hint"
rt_state csv2 ".inputs.workday = $INPUT | .inputs.bamboo = $INPUT"
sync_day 2026-12-01 "$T_TMP/workday-2026-12-01.csv"
expect_rc 2
expect_contains "$ERR" "provhost sync: $CFG has several CSV inputs (\"workday\", \"bamboo\"): pass --input NAME"
sync_day 2026-12-01 --input workday "$T_TMP/workday-2026-12-01.csv"
expect_rc 0
expect_contains "$OUT" "Processed 3"
rt_state csv3
sync_day 2026-12-01 "$T_TMP/workday-2026-12-01.csv"
expect_rc 2
expect_contains "$ERR" "provhost sync: CSV needs an \"inputs\" section that maps its columns"
[ -e "$LEDGER" ] && fail "a ledger was created"
rt_state csv4 ".inputs.hrevents = {\"format\": \"jsonl\", \"kind\": \"events\"}"
row W9 active Ann Lee Sales >"$T_TMP/ev-2026-12-01.jsonl"
sync_day 2026-12-01 --input hrevents "$T_TMP/ev-2026-12-01.jsonl"
expect_rc 2
expect_contains "$ERR" "provhost sync: input \"hrevents\" reads lifecycle events; provhost sync needs a roster"
finish

begin "sync is in --help, help sync and its own --help"
ph --help
expect_contains "$OUT" "sync"
ph help sync
expect_rc 0
expect_contains "$OUT" "usage: provhost sync [-c FILE] [--input NAME] [--as-of YYYY-MM-DD]"
expect_contains "$OUT" "mass-change guard"
ph sync --help
expect_contains "$OUT" "usage: provhost sync"
ph sync
expect_rc 2
expect_contains "$ERR" "provhost sync: missing SNAPSHOT (a roster file); see 'provhost help sync'"
ph sync -
expect_rc 2
expect_contains "$ERR" "SNAPSHOT must be a file, not stdin"
finish

rt_no_secrets_case
done_testing
