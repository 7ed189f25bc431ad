#!/usr/bin/env bash
# provhost status and history after real runs, and events with a future
# "effective": kept as "not yet effective" (no write) until they are due,
# then applied by a later run without being sent again.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

TS='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z'
untime() { sed -E "s/(at|started|finished) $TS/\1 TIME/g"; }

rt_sim || exit 1
rt_state status

begin "status before any run"
rph status
expect_rc 0
expect_eq "$OUT" "no ledger yet at $LEDGER: nothing has run" stdout
rph history E1002
expect_rc 1
expect_eq "$OUT" "no ledger yet at $LEDGER: nothing has run" stdout
finish

begin "status after the demo: per-state counts, links and the last run"
rph run "$DEMO_EVENTS"
expect_rc 1
rph status
expect_rc 0
expect_eq "$(untime <<<"$OUT" | head -n 6)" "ledger $LEDGER
connection \"$RT_CONN\":
  pending 0 | not yet effective 1 (due 0) | done 8 | failed 0 | rejected 0 | skipped 0 | held 0 | disputed 0
  accounts linked 4 (active 4)
rejected input lines: 1
last run 1: $DEMO_EVENTS, started TIME, finished TIME, exit 1" "status"
summary=$(sed -n 's/^  summary: //p' <<<"$OUT")
expect_eq "$(jq -c --arg c "$RT_CONN" '.[$c]' <<<"$summary")" \
	'{"Total":10,"Rejected":1,"Skipped":0,"Unchanged":1,"Created":4,"Updated":1,"Reactivated":1,"Deactivated":1,"Failed":0,"Pending":0,"Not yet effective":1,"Held":0,"Disputed":0,"Retries":0,"Calls":9}' "summary"
expect_eq "$(wc -l <<<"$OUT")" 7 "status lines"
finish

begin "history E1002: hire, terminate, rehire with their outcomes and account"
id=$(sim_users | jq -r '.[] | select(.userName == "liam.obrien@example.com") | .id')
rph history E1002
expect_rc 0
expect_eq "$(untime <<<"$OUT")" "employee E1002: 3 events
#2 hire      evt-0002 (line 2 of $DEMO_EVENTS) effective 2026-01-05 00:00:00Z
    $RT_CONN: done created, account $id, 1 attempt, HTTP 201, at TIME
      decision create: hire; rules quality, employees; roles Process Expert, Viewer
#7 terminate evt-0007 (line 7 of $DEMO_EVENTS) effective 2026-04-30 00:00:00Z
    $RT_CONN: done deactivated, account $id, 1 attempt, HTTP 204, at TIME
      decision deactivate: terminate; rules quality, employees; roles none
#8 rehire    evt-0009 (line 9 of $DEMO_EVENTS) effective 2026-09-01 00:00:00Z
    $RT_CONN: done reactivated, account $id, 1 attempt, HTTP 200, at TIME
      decision reactivate: rehire; rules engineering, employees; roles Modeller, Viewer; changed department \"Quality\" → \"Engineering\", title \"Quality Manager\" → \"Engineering Manager\"" "history"
finish

begin "history of a not yet effective and of an unknown employee"
rph history E1007
expect_rc 0
expect_eq "$(untime <<<"$OUT")" "employee E1007: 1 event
#9 hire      evt-0010 (line 10 of $DEMO_EVENTS) effective 2099-01-04 00:00:00Z
    $RT_CONN: not_yet_effective, 0 attempts, at TIME" "history"
rph history E9999
expect_rc 1
expect_eq "$OUT" "no events for employee \"E9999\"" stdout
rph history
expect_rc 2
expect_eq "$ERR" "provhost history: missing EMPLOYEE_ID (or --account ID, --user-name NAME); see 'provhost help history'" stderr
finish

begin "future effective: not yet effective, no write; past effective applied"
sim_reset
rt_state future
future="$T_TMP/future.jsonl"
{
	ev hire F001 f-1 2099-01-04 Sione Tupou Engineering
	ev hire F002 f-2 2020-01-01 Ana Silva Engineering
	ev hire F003 f-3 2021-06-01T09:00:00+12:00 Ben Okafor Quality
	ev hire F004 f-4 - Chloe Dubois Engineering
	ev terminate F002 f-5 2099-06-30T17:00:00Z Ana Silva Engineering
} >"$future"
rph run "$future"
expect_rc 0
expect_contains "$OUT" "Total 5 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 3 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0
  Pending 0 | Not yet effective 2"
expect_eq "$(sim_users | jq -r '[.[] | "\(.userName)=\(.active)"] | sort | join(" ")')" \
	"ana.silva@example.com=true ben.okafor@example.com=true chloe.dubois@example.com=true" "users"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(targets)" "f-1|not_yet_effective|
f-2|done|created
f-3|done|created
f-4|done|created
f-5|not_yet_effective|" "targets"
rph status
expect_contains "$OUT" "  pending 0 | not yet effective 2 (due 0) | done 3 | failed 0 | rejected 0 | skipped 0"
w0=$(sim_writes)
rph run "$future"
expect_rc 0
expect_eq "$(sim_writes)" "$w0" "writes of a second run"
expect_contains "$OUT" "Skipped 3 |"
expect_contains "$OUT" "Pending 0 | Not yet effective 2"
finish

begin "future effective: a stored event is applied once it is due, input not sent again"
soon=$(($(date +%s) + 3))
ev hire F006 f-6 "$(date -u -d "@$soon" +%Y-%m-%dT%H:%M:%SZ)" Dan Kim Engineering >"$T_TMP/soon.jsonl"
rph run "$T_TMP/soon.jsonl"
expect_rc 0
if [ "$(date +%s)" -lt "$soon" ]; then # else the machine was too slow to tell
	expect_contains "$OUT" "Pending 0 | Not yet effective 1"
	expect_eq "$(sim_users | jq '[.[] | select(.userName == "dan.kim@example.com")] | length')" 0 "created early"
fi
for _ in $(seq 1 100); do
	[ "$(date +%s)" -gt "$soon" ] && break
	sleep 0.1
done
rph status
expect_contains "$OUT" "not yet effective 3 (due 1)"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "run 4: 0 lines read from $T_TMP/empty.jsonl, 0 rejected"
expect_contains "$OUT" "Created 1 |"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "dan.kim@example.com") | .active')" true "created when due"
expect_eq "$(targets | grep f-6)" "f-6|done|created" "target"
finish

begin "status on an empty, a damaged and a read-only ledger says what is wrong"
good_ledger=$LEDGER
rt_state damaged
cp "$good_ledger" "$LEDGER"
: >"$LEDGER"
rph status
expect_rc 2
expect_contains "$ERR" "ledger \"$LEDGER\" is an empty file (0 bytes), not a provhost ledger"
rph run "$DEMO_EVENTS"
expect_contains "$ERR" "ledger \"$LEDGER\" is an empty file (0 bytes), not a provhost ledger"
expect_eq "$(stat -c %s "$LEDGER")" 0 "ledger left as it was"
python3 - "$good_ledger" "$LEDGER" <<'PY'
import shutil, sqlite3, sys
src, dst = sys.argv[1], sys.argv[2]
db = sqlite3.connect(src); db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.close()
shutil.copy(src, dst)
db = sqlite3.connect(dst)
db.execute("CREATE TABLE filler(x TEXT)")
db.executemany("INSERT INTO filler VALUES (?)", [("%0300d" % i,) for i in range(3000)])
db.execute("CREATE INDEX filler_x ON filler(x)")
db.commit(); db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.close()
with open(dst, "r+b") as f:
    size = f.seek(0, 2)
    for page in range(size // 4096 // 2, size // 4096 // 2 + 20):
        f.seek(page * 4096 + 8); f.write(b"\x5a" * 600)
PY
rph status
expect_rc 2
expect_contains "$ERR" "ledger \"$LEDGER\" is damaged"
expect_contains "$ERR" "restore it from a backup"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	ro=$(mktemp -d /tmp/provhost-ro.XXXXXX)
	chmod 755 "$ro"
	cp "$good_ledger" "$ro/ledger.sqlite"
	chmod 644 "$ro/ledger.sqlite"
	jq --arg d "$ro" '.state_dir = $d | .audit_file = null | del(.audit_file)
		| .connections[0].secrets.access_token = {"env": "RO_TOKEN"}' "$CFG" >"$ro/provhost.json"
	chmod 644 "$ro/provhost.json"
	RO_TOKEN=$TEST_TOKEN setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PROVHOST" status -c "$ro/provhost.json" >"$T_TMP/ro.out" 2>&1 </dev/null
	rc=$?
	expect_eq "$rc" 2 "exit status as another user"
	expect_contains "$(cat "$T_TMP/ro.out")" "ledger \"$ro/ledger.sqlite\" is read-only for this user (uid 65534)"
	expect_not_contains "$(cat "$T_TMP/ro.out")" "attempt to write a readonly database"
	rm -rf "$ro"
else
	echo "# read-only ledger part skipped: needs root and setpriv"
fi
finish

begin "a run that stops on a rejected token stores the reason, and status shows it"
rt_state stopped
rt_token "$BAD_TOKEN"
rph run "$DEMO_EVENTS"
expect_rc 3
rt_token "$TEST_TOKEN"
rph status
expect_rc 0
expect_contains "$OUT" "exit 3"
expect_contains "$OUT" "connection \"$RT_CONN\" stopped: "
expect_contains "$(grep 'stopped: ' <<<"$OUT")" "token"
expect_eq "$(q "SELECT json_extract(summary, '\$.\"$RT_CONN\".Stopped') IS NOT NULL FROM runs ORDER BY id DESC LIMIT 1")" 1 "stop reason stored with the run"
expect_not_contains "$OUT" "$BAD_TOKEN"
finish

rt_no_secrets_case
done_testing
