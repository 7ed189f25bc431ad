#!/usr/bin/env bash
# provhost run --dry-run: no write on the target, "plan:" lines for every
# change, the ledger untouched (not even created); then a real run does the
# work.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

# ledger_fingerprint: every row of every ledger table, for before/after.
ledger_fingerprint() {
	local t
	for t in events targets attempts links rejects runs; do
		echo "== $t"
		q "SELECT * FROM $t ORDER BY 1, 2"
	done
}

rt_sim || exit 1
rt_state dry
mkdir -p "$ST/tmp"

begin "dry run on a fresh ledger: no write, plan lines, no ledger created"
TMPDIR="$ST/tmp" rph run --dry-run "$DEMO_EVENTS"
expect_rc 1 # line 8 is malformed
expect_eq "$(sim_writes)" 0 "writes"
expect_eq "$(sim_users)" "[]" "users"
expect_contains "$OUT" "plan: connection \"$RT_CONN\" event evt-0001 employee E1001: POST /Users {\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"aroha.ngata@example.com\","
# one POST /Users per hire that is due, with its userName
expect_eq "$(grep '^plan: ' <<<"$OUT" | grep -v ': decision ' | grep -E 'evt-000[1-4] ' | sed -E 's/^plan: connection "[^"]*" event ([^ ]*) employee ([^:]*): (POST \/Users) .*"userName":"([^"]*)".*/\1 \2 \3 \4/' | sort)" \
	"evt-0001 E1001 POST /Users aroha.ngata@example.com
evt-0002 E1002 POST /Users liam.obrien@example.com
evt-0003 E1003 POST /Users mei.chen@example.com
evt-0004 E1004 POST /Users jonas.berg@example.com" "hire plans"
# a person's later events are planned against their planned account
expect_eq "$(grep '^plan: ' <<<"$OUT" | grep -v ': decision ' | grep -cvE ': (POST|PUT|PATCH|DELETE) /Users|: (update|reactivate|deactivate) planned:[0-9]+ \(planned by this dry run; not looked up\)')" 0 "plan lines that are neither writes to /Users nor planned"
expect_not_contains "$OUT" "E1007" # effective 2099
expect_not_contains "$OUT" "E1006" # the malformed line
expect_contains "$OUT" "dry run: 10 lines read from $DEMO_EVENTS, 1 rejected"
expect_eq "$(tail -n 1 <<<"$OUT")" "dry run: nothing was sent to any target and the ledger is unchanged" "last line"
[ -e "$LEDGER" ] && fail "the dry run created the ledger $LEDGER"
expect_eq "$(ls -A "$ST/tmp")" "" "temporary ledger copy left behind"
expect_eq "$(jq -r '.dry_run' "$AUDIT" | sort -u)" true "audit lines marked dry_run"
rph status
expect_rc 0
expect_eq "$OUT" "no ledger yet at $LEDGER: nothing has run" "status"
finish

begin "real run after the dry run does the work"
rph run "$DEMO_EVENTS"
expect_rc 1
expect_contains "$OUT" "run 1: 10 lines read from $DEMO_EVENTS, 1 rejected"
expect_contains "$OUT" "Created 4 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0"
expect_eq "$(sim_writes)" 7 "writes"
expect_eq "$(sim_users | jq -r '[.[] | "\(.userName)=\(.active)"] | sort | join(" ")')" \
	"aroha.ngata@example.com=true jonas.berg@example.com=true liam.obrien@example.com=true mei.chen@example.com=true" "users"
expect_eq "$(count_state done)" 8 "done targets"
finish

begin "dry run on a ledger with history: plans use the links, ledger unchanged"
next="$T_TMP/next.jsonl"
{
	ev terminate E1001 evt-1001 2026-10-01 Aroha Ngata Engineering
	ev hire E1008 evt-1002 2026-10-01 Tui Walker Quality
	ev update E1004 evt-1003 2026-10-01 Jonas Berg Quality
} >"$next"
before=$(ledger_fingerprint)
w0=$(sim_writes)
users0=$(users_brief)
aroha=$(q "SELECT account_id FROM links WHERE employee_id = 'E1001'")
TMPDIR="$ST/tmp" rph run --dry-run "$next"
expect_rc 0
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(users_brief)" "$users0" "users"
expect_eq "$(ledger_fingerprint)" "$before" "ledger rows"
expect_eq "$(grep '^plan: ' <<<"$OUT" | grep -v ': decision ' | sed -E 's/^plan: connection "[^"]*" event ([^ ]*) employee ([^:]*): ([A-Z]+ [^ ]*).*/\1 \2 \3/' | sort)" \
	"evt-1001 E1001 DELETE /Users/$aroha
evt-1002 E1008 POST /Users
evt-1003 E1004 PUT /Users/$(q "SELECT account_id FROM links WHERE employee_id = 'E1004'")" "plans"
expect_contains "$OUT" "Total 3 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 1 | Updated 1 | Reactivated 0 | Deactivated 1 | Failed 0"
expect_eq "$(ls -A "$ST/tmp")" "" "temporary ledger copy left behind"
finish

begin "the same file for real afterwards"
rph run "$next"
expect_rc 0
expect_contains "$OUT" "run 2: 3 lines read from $next, 0 rejected"
expect_contains "$OUT" "Total 3 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 1 | Updated 1 | Reactivated 0 | Deactivated 1 | Failed 0"
expect_eq "$(sim_writes)" $((w0 + 3)) "writes"
expect_eq "$(sim_users | jq -r --arg id "$aroha" '.[] | select(.id == $id) | "\(.userName) \(.active)"')" "aroha.ngata@example.com false" "terminated"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "tui.walker@example.com") | "\(.active) \([.roles[].display] | sort | join(","))"')" "true Process Expert,Viewer" "hired"
finish

begin "dry run keeps its ledger copy in memory: nothing on disk, even after kill -9"
fast_url=$SIM_URL fast_root=$SIM_ROOT fast_pid=$SIM_PID
rt_sim --latency-ms 400 || exit 1
slow_pid=$SIM_PID
rt_state drykill
mkdir -p "$ST/tmp"
ev hire E2001 evt-2001 2026-10-01 Ana Silva Quality >"$T_TMP/one.jsonl"
rph run "$T_TMP/one.jsonl"
expect_rc 0
# a copy an older provhost left behind (world-readable), to be cleaned up
stale="$ST/tmp/provhost-dry-run.Ab12Cd"
printf 'HR data\n' >"$stale"
chmod 644 "$stale"
files0=$(ls -A "$ST" | grep -vE '^audit|^ledger.sqlite-(wal|shm)$' | sort)
TMPDIR="$ST/tmp" "$PROVHOST" run --dry-run -c "$CFG" "$DEMO_EVENTS" >"$T_TMP/dk.out" 2>&1 </dev/null &
dry_pid=$!
for i in $(seq 1 100); do # until it has planned its first event
	grep -q '^plan: ' "$T_TMP/dk.out" 2>/dev/null && break
	sleep 0.05
done
expect_contains "$(cat "$T_TMP/dk.out")" "plan: "
expect_eq "$(ls -A "$ST/tmp")" "" "files in TMPDIR during the dry run"
expect_eq "$(ls -A "$ST" | grep -vE '^audit|^ledger.sqlite-(wal|shm)$' | sort)" "$files0" "files next to the ledger during the dry run"
kill -9 "$dry_pid"
wait "$dry_pid" 2>/dev/null
expect_eq "$(ls -A "$ST/tmp")" "" "files in TMPDIR after kill -9"
expect_eq "$(ls -A "$ST" | grep -vE '^audit|^ledger.sqlite-(wal|shm)$' | sort)" "$files0" "files next to the ledger after kill -9"
sim_stop "$slow_pid"
SIM_URL=$fast_url SIM_ROOT=$fast_root SIM_PID=$fast_pid
finish

rt_no_secrets_case
done_testing
