#!/usr/bin/env bash
# A full disk during `provhost run`: a ledger, audit or reject-file write
# that fails stops the run (exit 3) with a reason naming the file, the
# summary counts each event once, nothing half-written stays behind (no
# torn audit line), and the same command again — with space again —
# finishes the work with exactly one account per person. The full disk is
# build/shims/enospc.so (tests/shims/enospc.c), preloaded into provhost
# only: writes to a chosen file get N bytes, then ENOSPC, like a real disk.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

SHIM="$BUILD/shims/enospc.so"
[ -f "$SHIM" ] || { echo "FAIL setup: $SHIM not built (make unit-tests)"; exit 1; }
rt_sim || exit 1

# hires N PREFIX: N hire lines for distinct people PREFIX0001.. .
hires() {
	local i n
	for ((i = 1; i <= $1; i++)); do
		printf -v n '%04d' "$i"
		ev hire "$2$n" "$2-$n" 2026-01-05 "$2$n" Person Engineering
	done
}

# run_full PATH_PART BYTES [ARM] -- ARGS...: provhost run -c $CFG ARGS with
# writes to files whose path contains PATH_PART limited to BYTES in all
# (counted from the first write to a file matching ARM, when given, after
# the first $ARM_SKIP writes to it: 1 passes the audit file's run_start
# line, written before ingest). Sets OUT, ERR, RC.
run_full() {
	local part=$1 bytes=$2 arm=${3:-}
	shift 3
	[ "$1" = -- ] && shift
	env PH_ENOSPC_PATH="$part" PH_ENOSPC_AFTER="$bytes" PH_ENOSPC_ARM="$arm" \
		PH_ENOSPC_ARM_SKIP="${ARM_SKIP:-0}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD="$SHIM" "$PROVHOST" run -c "$CFG" "$@" \
		>"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
	cat "$T_TMP/out" "$T_TMP/err" >>"$ALL_OUT"
}

# summary_counts: "TOTAL CREATED UNCHANGED SKIPPED PENDING" from $OUT.
summary_counts() {
	local total created unchanged skipped pending
	total=$(sed -nE 's/^  Total ([0-9]+) .*/\1/p' <<<"$OUT")
	created=$(sed -nE 's/.*\| Created ([0-9]+) .*/\1/p' <<<"$OUT")
	unchanged=$(sed -nE 's/.*\| Unchanged ([0-9]+) .*/\1/p' <<<"$OUT")
	skipped=$(sed -nE 's/.*\| Skipped ([0-9]+) .*/\1/p' <<<"$OUT")
	pending=$(sed -nE 's/^  Pending ([0-9]+) .*/\1/p' <<<"$OUT")
	echo "${total:-?} ${created:-?} ${unchanged:-?} ${skipped:-?} ${pending:-0}"
}

# one_account_each N PREFIX: the simulator holds exactly N accounts, one
# per person PREFIX0001..N, and every target of the ledger is done.
one_account_each() {
	expect_eq "$(sim_users | jq length)" "$1" "accounts"
	expect_eq "$(sim_users | jq "[.[].userName | select(startswith(\"${2,,}\"))] | unique | length")" "$1" "distinct userNames"
	expect_eq "$(count_state done) $(q "SELECT count(*) FROM targets")" "$1 $1" "done targets"
	expect_eq "$(q "SELECT count(DISTINCT account_id) FROM links WHERE active = 1")" "$1" "links"
}

# audit_all_json: every line of $AUDIT is one JSON object and the file
# ends with a newline (no torn line).
audit_all_json() {
	local bad
	[ -s "$AUDIT" ] || { fail "audit file is empty"; return; }
	[ "$(tail -c 1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "audit file does not end with a newline: $(tail -c 120 "$AUDIT")"
	# one jq for the file: each line read raw, printed when it is not
	# one JSON object (the same test as jq -c on each line)
	bad=$(jq -Rr '. as $l | select((try fromjson catch null | type) != "object") | $l' "$AUDIT")
	[ -z "$bad" ] || fail "audit lines that are not JSON objects: $(head -c 600 <<<"$bad")"
}

begin "ledger full mid-run: exit 3, the reason names the ledger, counts add up"
rt_state ledger '.connections[0].engine = {"workers": 4, "max_rps": 0}'
hires 300 L >"$T_TMP/l.jsonl"
# ingest is never hit: the limit counts from the first audit line after
# the run_start line on (the connection's authenticate)
ARM_SKIP=1 run_full ledger.sqlite 200000 audit.jsonl -- "$T_TMP/l.jsonl"
expect_rc 3
# the first write to fail is either an outcome's commit (after the account
# was made) or the userName reservation before a create (nothing sent):
# four workers race for the last free page
stop=$(grep -m1 'STOPPED: ledger' <<<"$OUT")
expect_contains "$stop" "STOPPED: ledger $LEDGER cannot be written ("
expect_contains "$stop" ": database or disk is full): stopped; "
case $stop in
*"cannot commit to the ledger"*)
	expect_contains "$stop" "the account of employee L"
	expect_contains "$stop" "was created (id "
	expect_contains "$stop" "but that is not recorded — the target stays pending and the next run applies the event again" ;;
*"cannot reserve a userName"*)
	expect_contains "$stop" "no userName was reserved for employee L"
	expect_contains "$stop" "nothing was sent for it" ;;
*) fail "unexpected stop reason: $stop" ;;
esac
read -r total created unchanged skipped pending <<<"$(summary_counts)"
expect_eq "$total" 300 "Total (each event once)"
expect_eq "$((created + pending))" 300 "Created + Pending ($created + $pending)"
[ "$created" -gt 0 ] && [ "$created" -lt 300 ] || fail "the disk did not fill mid-run: $created created"
unrecorded=$(sed -nE 's/^  Not recorded in the ledger ([0-9]+) .*/\1/p' <<<"$OUT")
unrecorded=${unrecorded:-0}
[ "${unrecorded:-0}" -le 4 ] ||
	fail "not recorded: expected at most 4 (one per worker), got '${unrecorded:-}'"
expect_eq "$(sim_users | jq length)" "$created" "accounts made = Created"
# the stop is one message per failed outcome, not one per remaining event
n_err=$(grep -c 'cannot be written' <<<"$ERR")
[ "$n_err" -le 5 ] || fail "$n_err 'cannot be written' messages on stderr"
finish

begin "ledger full: status afterwards agrees with the ledger and the target"
rph status
expect_rc 0
done_n=$(count_state done)
expect_contains "$OUT" "pending $((300 - done_n)) | not yet effective 0 (due 0) | done $done_n |"
expect_contains "$OUT" "accounts linked $done_n (active $done_n)"
expect_eq "$((done_n + unrecorded))" "$created" "done + not recorded = created"
finish

begin "ledger full: the same command again finishes with one account per person"
rph run "$T_TMP/l.jsonl"
expect_rc 0
read -r total created2 unchanged2 skipped2 pending2 <<<"$(summary_counts)"
expect_eq "$total $pending2" "300 0" "Total, Pending"
expect_eq "$skipped2" "$done_n" "skipped (recorded done before)"
expect_eq "$unchanged2" "${unrecorded:-0}" "unchanged (made but not recorded: found again)"
expect_eq "$((created + created2))" 300 "created over both runs"
one_account_each 300 L
finish

begin "ledger full: the other connections stop too (the ledger is one file)"
sim_reset
url1=$SIM_URL
sim_start --roles "$RT_ROLES" || exit 1
url2=$SIM_URL
SIM_URL=$url1 # the first connection's target
rt_state two ".connections[0].engine = {\"workers\": 2, \"max_rps\": 0}
	| .connections += [.connections[0] | .name = \"second\" | .settings.instance_url = \"$url2\"]"
hires 60 W >"$T_TMP/w.jsonl"
run_full ledger.sqlite 100000 audit.jsonl -- "$T_TMP/w.jsonl"
expect_rc 3
expect_contains "$OUT" "STOPPED: ledger $LEDGER cannot be written ("
expect_contains "$OUT" "connection \"second\":"
expect_contains "$OUT" "STOPPED: not started: ledger $LEDGER cannot be written ("
expect_eq "$(curl -s "${url2%/api/scim}/__sim/users" | jq length)" 0 "accounts on the second connection's target"
rph run "$T_TMP/w.jsonl"
expect_rc 0
expect_eq "$(curl -s "${url1%/api/scim}/__sim/users" | jq '[.[].userName] | unique | length')" 60 "accounts on the first target after the re-run"
expect_eq "$(curl -s "${url2%/api/scim}/__sim/users" | jq '[.[].userName] | unique | length')" 60 "accounts on the second target after the re-run"
expect_eq "$(count_state done)" 120 "done targets"
sim_stop "$SIM_PID"
SIM_URL=$url1
SIM_ROOT=${SIM_URL%/api/scim}
finish

begin "ledger full while storing the input: exit 3, nothing sent, the re-run finishes"
sim_reset
rt_state ingest
hires 300 I >"$T_TMP/i.jsonl"
# the limit leaves room for creating the ledger (all migrations) and
# recording the run, not for storing all 300 lines
run_full ledger.sqlite 250000 "" -- "$T_TMP/i.jsonl"
expect_rc 3
expect_contains "$ERR" "ledger $LEDGER cannot be written (cannot commit to the ledger: database or disk is full): stopped while storing line "
expect_contains "$ERR" "nothing was sent"
expect_eq "$(sim_users | jq length)" 0 "accounts"
rph run "$T_TMP/i.jsonl"
expect_rc 0
one_account_each 300 I
finish

begin "audit file full: exit 3, the partial line is cut off, the re-run's audit is all JSON"
sim_reset
rt_state audit '.connections[0].engine = {"workers": 4, "max_rps": 0}'
hires 120 A >"$T_TMP/a.jsonl"
run_full audit.jsonl 6000 "" -- "$T_TMP/a.jsonl"
expect_rc 3
# the line that does not fit is a call's or the decision after it
stop=$(grep -m1 'STOPPED: audit' <<<"$OUT")
case $stop in
*"stopped; the provision of event A-"*)
	expect_contains "$stop" "is recorded in the ledger but has no audit line" ;;
*"stopped; the decision about event A-"*)
	expect_contains "$stop" "has no audit line" ;;
*) fail "unexpected stop reason: $stop" ;;
esac
expect_contains "$stop" "STOPPED: audit file \"$AUDIT\" cannot be written: No space left on device: stopped; the "
read -r total created unchanged skipped pending <<<"$(summary_counts)"
expect_eq "$total" 120 "Total"
expect_eq "$((created + pending))" 120 "Created + Pending"
[ "$created" -gt 0 ] && [ "$created" -lt 120 ] || fail "the disk did not fill mid-run: $created created"
audit_all_json
lines1=$(jq -c 'select(.operation == "decision")' "$AUDIT" | wc -l)
[ "$lines1" -lt "$created" ] || fail "every decision has its audit line ($lines1 of $created): the disk was not full"
rph run "$T_TMP/a.jsonl"
expect_rc 0
audit_all_json
one_account_each 120 A
# the re-run's lines follow the first run's, none glued on
expect_eq "$(jq -s '[.[] | select(.run == 2 and .operation == "provision")] | length' "$AUDIT")" "$((120 - created))" "audit lines of run 2's calls"
finish

begin "a torn audit line from an earlier process is kept as a torn_line record"
sim_reset
rt_state torn
hires 3 T >"$T_TMP/t.jsonl"
printf '{"time":"2026-01-01T00:00:00Z","run":1,"ev' >"$AUDIT"
rph run "$T_TMP/t.jsonl"
expect_rc 0
audit_all_json
expect_eq "$(head -n 1 "$AUDIT" | jq -r .torn_line)" '{"time":"2026-01-01T00:00:00Z","run":1,"ev' "first line's torn_line"
expect_eq "$(jq -r '.operation // "torn"' "$AUDIT" | sort | uniq -c | sed -E 's/^ +//' | tr '\n' ' ')" \
	"1 authenticate 3 decision 3 provision 1 run_start 1 run_stop 1 torn " "audit lines (torn record, then the run's)"
expect_contains "$ERR" "ended in a torn line"
finish

begin "a torn reject-file line is ended before the next rejection is appended"
printf 'half a line' >"$REJ"
printf 'not json\n' >"$T_TMP/bad.jsonl"
rph run --reject-file "$REJ" "$T_TMP/bad.jsonl"
expect_rc 1
expect_eq "$(head -n 1 "$REJ")" "half a line" "first line"
expect_eq "$(sed -n 2p "$REJ" | cut -f 1)" "not json" "second line"
finish

begin "reject file full: exit 3 before anything is sent, the line stays whole"
sim_reset
rt_state rej
{ hires 5 R; printf 'not json\n'; } >"$T_TMP/r.jsonl"
printf 'old rejected line\t# line 1: x\n' >"$REJ"
run_full rejects.txt 10 "" -- --reject-file "$REJ" "$T_TMP/r.jsonl"
expect_rc 3
expect_contains "$OUT" "STOPPED: not started: reject file \"$REJ\" cannot be written (No space left on device): stopped; line 6 was rejected"
expect_eq "$(sim_users | jq length)" 0 "accounts"
expect_eq "$(cat "$REJ")" "$(printf 'old rejected line\t# line 1: x')" "reject file unchanged"
rph run --reject-file "$REJ" "$T_TMP/r.jsonl"
expect_rc 1
expect_eq "$(sim_users | jq length)" 5 "accounts after the re-run"
finish

# A real full disk, as in the report: a 1 MiB tmpfs holding the ledger and
# the audit file, 600 hires (storing them all fits; applying them does not). Needs mount(2) (root); without it the shim
# cases above cover the same paths and this case is not run.
SMALL="$T_TMP/small"
mkdir -p "$SMALL"
if mount -t tmpfs -o size=1m,mode=0700 tmpfs "$SMALL" 2>/dev/null; then
	trap 'umount "$SMALL" 2>/dev/null; _cleanup' EXIT
	begin "a real 1 MiB tmpfs fills up during 600 hires: exit 3, then the re-run finishes"
	sim_reset
	rt_state tmpfs ".state_dir = \"$SMALL\" | .audit_file = \"$SMALL/audit.jsonl\"
		| .connections[0].engine = {\"workers\": 4, \"max_rps\": 0}"
	LEDGER="$SMALL/ledger.sqlite"
	AUDIT="$SMALL/audit.jsonl"
	hires 600 F >"$T_TMP/f.jsonl"
	rph run "$T_TMP/f.jsonl"
	expect_rc 3
	expect_contains "$OUT" "cannot be written ("
	n_full=$(grep -c 'cannot be written' <<<"$ERR")
	[ "$n_full" -le 8 ] || fail "$n_full 'cannot be written' lines on stderr"
	read -r total created unchanged skipped pending <<<"$(summary_counts)"
	[ "$total" -le 600 ] || fail "Total $total for 600 events"
	expect_eq "$((created + pending))" "$total" "Created + Pending"
	[ "$created" -lt 600 ] || fail "the run went on with a full disk: $created created"
	expect_eq "$(sim_users | jq length)" "$created" "accounts made = Created"
	echo "  (tmpfs full: $created created, $pending pending, $n_full messages)"
	mount -o remount,size=64m "$SMALL" || fail "cannot grow the tmpfs"
	rph run "$T_TMP/f.jsonl"
	expect_rc 0
	one_account_each 600 F
	audit_all_json
	finish
	umount "$SMALL" || fail "cannot unmount $SMALL"
fi

rt_no_secrets_case
done_testing
