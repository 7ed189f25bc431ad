#!/usr/bin/env bash
# Bad input: every malformed line of tests/data/events/bad.jsonl (plus the
# byte-level cases generated here: invalid UTF-8, a NUL byte, a line over
# 64 KiB, a \u0000 escape) is rejected with its line number and exact
# reason, in the reject file, the ledger and the summary; the good lines
# around them are applied; exit 1.
#
# Input lines: 1 good | 2 invalid JSON | 3 no employee_id | 4 employee_id a
# number | 5 unknown kind | 6 Feb 30 | 7 date-time without offset | 8 unknown
# top-level key | 9 nested attribute | 10 good | 11 an array | 12 duplicate
# key | 13 empty employee_id | 14 id of line 1 with other content | 15 no
# email (accepted; its target is rejected by the mapping) | 16 blank | 17
# good | 18 \xff | 19 NUL | 20 70000+ bytes | 21 good, CRLF | 22 \u0000 |
# 23 good, no final newline.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state bad
IN="$ST/bad-input.jsonl"
cp "$ROOT/tests/data/events/bad.jsonl" "$IN"
p18='{"event":"hire","employee_id":"B018","id":"bad-18","attributes":{"email":"'
printf '%s\xff@example.com"}}\n' "$p18" >>"$IN"
p19='{"event":"hire","employee_id":"B019","id":"bad-19"}'
printf '%s\0{"x":1}\n' "$p19" >>"$IN"
{
	printf '{"event":"hire","employee_id":"B020","id":"bad-20","attributes":{"pad":"'
	head -c 70000 /dev/zero | tr '\0' a
	printf '"}}\n'
} >>"$IN"
printf '%s\r\n' "$(ev hire B021 bad-21 - Dan Kim Engineering)" >>"$IN"
printf '{"event":"hire","employee_id":"B022","id":"bad-22","attributes":{"email":"nul\\u0000@example.com"}}\n' >>"$IN"
printf '%s' "$(ev hire B023 bad-23 - Eve Last Engineering)" >>"$IN"
len20=$(sed -n 20p "$IN" | tr -d '\n' | wc -c)
known="event, employee_id, id, effective, attributes"
reasons="2	invalid JSON: '}' expected near end of file (column 86)
3	missing \"employee_id\"
4	\"employee_id\" must be a string, got a number
5	unknown event kind \"promote\" (expected hire, update, terminate, rehire, leave, return)
6	\"effective\" is not an ISO 8601 date or date-time with offset: \"2026-02-30\" (day 30 out of range for 2026-02)
7	\"effective\" is not an ISO 8601 date or date-time with offset: \"2026-03-01T09:00:00\" (no UTC offset (add Z or +hh:mm))
8	unknown key \"department\" (known: $known)
9	attribute \"manager\" must be a string, number, boolean or null, not an object
11	an event must be a JSON object
12	invalid JSON: duplicate object key near '\"employee_id\"' (column 50)
13	\"employee_id\" must not be empty
14	event id \"bad-01\" was already used for an event with other content
18	invalid UTF-8 at byte $((${#p18} + 1))
19	NUL byte at byte $((${#p19} + 1))
20	line too long ($len20 bytes, limit 65536)
22	invalid JSON: \\u0000 (NUL) is not allowed in strings (column 96)"

# expected_reject_line N REASON: line N of the input as read (a line over
# the limit is kept up to the limit), a tab, "# line N: REASON".
expected_reject_line() {
	if [ "$1" = 20 ]; then
		sed -n 20p "$IN" | head -c 65536
	else
		sed -n "$1p" "$IN" | tr -d '\n'
	fi
	printf '\t# line %s: %s\n' "$1" "$2"
}

begin "bad input: exit 1, the good lines around the bad ones are applied"
rph run --reject-file "$REJ" "$IN"
expect_rc 1
expect_eq "$(users_brief)" "ana.silva@example.com active=true roles=Modeller,Viewer name=Ana Silva
ben.okafor@example.com active=true roles=Process Expert,Viewer name=Ben Okafor
chloe.dubois@example.com active=true roles=Process Expert,Viewer name=Chloe Dubois
dan.kim@example.com active=true roles=Modeller,Viewer name=Dan Kim
eve.last@example.com active=true roles=Modeller,Viewer name=Eve Last" "users"
expect_eq "$(targets)" "bad-01|done|created
bad-10|done|created
bad-15|rejected|
bad-17|done|created
bad-21|done|created
bad-23|done|created" "targets"
finish

begin "bad input: the summary lists each rejected line with its number and reason"
expect_contains "$OUT" "run 1: 23 lines read from $IN, 16 rejected, 1 blank
  rejected lines:
$(sed 's/^\([0-9]*\)\t/    line \1: /' <<<"$reasons")
connection \"$RT_CONN\":
  Total 22 | Rejected 17 | Skipped 0 | Unchanged 0 | Created 5 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0
"
expect_contains "$OUT" "  failed or rejected:
    event bad-15 (employee B015): missing HR attribute \"email\" (required by mapping \"userName\")"
finish

begin "bad input: the ledger records each rejected line, its reason and bytes"
expect_eq "$(q "SELECT line_no || '	' || reason FROM rejects ORDER BY line_no")" "$reasons" "rejects"
expect_eq "$(q "SELECT length(CAST(raw AS BLOB)) FROM rejects WHERE line_no = 19")" \
	"$(sed -n 19p "$IN" | tr -d '\n' | wc -c)" "line 19 (with its NUL) kept whole"
expect_eq "$(q "SELECT last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'bad-15'")" \
	"missing HR attribute \"email\" (required by mapping \"userName\")" "mapping rejection"
expect_eq "$(q "SELECT count(*) FROM events")" 6 "events stored"
rph history B015
expect_rc 0
expect_eq "$(sed -n '3,4p' <<<"$OUT" | sed -E 's/, at [0-9TZ: -]+$//')" "    $RT_CONN: rejected, 0 attempts
      missing HR attribute \"email\" (required by mapping \"userName\")" "history of the rejected target"
finish

begin "bad input: the reject file has each rejected line as read and its reason"
while IFS='	' read -r n why; do
	[ "$n" = 19 ] && continue # the NUL line has its own case below
	expected_reject_line "$n" "$why"
done <<<"$reasons" >"$T_TMP/expected-rejects"
grep -av '	# line 19: ' "$REJ" >"$T_TMP/actual-rejects"
if ! cmp -s "$T_TMP/expected-rejects" "$T_TMP/actual-rejects"; then
	fail "reject file differs: $(diff <(cut -c1-200 "$T_TMP/expected-rejects" | cat -v) <(cut -c1-200 "$T_TMP/actual-rejects" | cat -v) | head -n 12)"
fi
expect_eq "$(grep -ac '# line ' "$REJ")" 16 "reject lines"
finish

begin "bad input: a line with a NUL byte is written whole to the reject file"
# the reject file is for fixing and re-feeding lines: it must hold the
# line's bytes, not the part before the NUL
expected_reject_line 19 "NUL byte at byte $((${#p19} + 1))" >"$T_TMP/expected-19"
grep -a '	# line 19: ' "$REJ" >"$T_TMP/actual-19"
cmp -s "$T_TMP/expected-19" "$T_TMP/actual-19" ||
	fail "line 19 in the reject file: expected $(cat -v "$T_TMP/expected-19"), got $(cat -v "$T_TMP/actual-19")"
finish

begin "bad input: a second run rejects the same lines again, applies nothing new"
w0=$(sim_writes)
rph run "$IN"
expect_rc 1
expect_eq "$(sim_writes)" "$w0" "writes"
expect_contains "$OUT" "run 2: 23 lines read from $IN, 16 rejected, 1 blank"
expect_contains "$OUT" "Total 22 | Rejected 16 | Skipped 6 | Unchanged 0 | Created 0"
expect_eq "$(q "SELECT count(*) FROM rejects WHERE run_id = 2")" 0 "rows added by run 2"
expect_eq "$(q "SELECT count(*) FROM rejects")" 16 "each rejected line stored once"
expect_eq "$(grep -ac '# line ' "$REJ")" 16 "the reject file of run 1 is untouched"
finish

begin "bad input: a new file at the same path stores its own rejected lines"
# line 2 now holds other garbage; line 3 is as before
sed -i '2s/.*/{"event": not json either/' "$IN"
rph run --reject-file "$ST/rejects-3.txt" "$IN"
expect_rc 1
expect_contains "$OUT" "run 3: 23 lines read from $IN, 16 rejected, 1 blank"
expect_eq "$(grep -ac '# line ' "$ST/rejects-3.txt")" 16 "the reject file lists every rejected line"
expect_eq "$(q "SELECT line_no FROM rejects WHERE run_id = 3")" 2 "rows added by run 3: the new line 2"
expect_eq "$(q "SELECT count(*) FROM rejects")" 17 "rows"
expect_eq "$(q "SELECT count(*) FROM rejects WHERE line_no = 3")" 1 "line 3 once"
finish

rt_no_secrets_case
done_testing
