#!/usr/bin/env bash
# Terminal and log injection (issue 11 item 8): HR text with newlines, ESC,
# BEL, C1 controls or bidi overrides is echoed escaped — in the summary, the
# reject file's "# line N:" comments, the ledger and plan lines — so it can
# neither forge a "# line 99:" line nor drive the terminal; identifiers with
# C1 or bidi controls are rejected with their line number.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

# expect_clean FILE: no raw ESC, BEL, C1 control or bidi control in FILE
# (the check itself prints no byte of FILE).
expect_clean() {
	local what
	for what in $'\x1b' $'\x07'; do
		if LC_ALL=C grep -aqF -- "$what" "$1"; then
			fail "raw control byte $(printf '%s' "$what" | od -An -tx1 | tr -d ' ') in $(basename "$1")"
		fi
	done
	LC_ALL=C grep -aqP '\xc2[\x80-\x9f]' "$1" && fail "raw C1 control in $(basename "$1")"
	LC_ALL=C grep -aqP '\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1" &&
		fail "raw bidi control in $(basename "$1")"
	return 0
}

rt_sim || exit 1
rt_state inject
IN="$ST/inject.jsonl"
{
	ev hire I001 inj-1 - Ana Good Engineering
	printf '%s\n' '{"event":"hire\n# line 99: forged","employee_id":"I002"}'
	printf '%s\n' '{"event":"hire","employee_id":"I003","effective":"2026-01-01\u001b[2J\u001b]0;pwned\u0007"}'
	printf '%s\n' '{"event":"hire","employee_id":"I\u202e4001"}'
	printf '%s\n' '{"event":"hire","employee_id":"I005","id":"evt\u009b5"}'
	printf '%s\n' '{"event":"hire","employee_id":"I006","x\u0085\u202ey":1}'
} >"$IN"

begin "control characters in HR text are escaped, never echoed raw"
rph run --reject-file "$REJ" "$IN"
expect_rc 1
expect_contains "$OUT" "run 1: 6 lines read from $IN, 5 rejected"
expect_eq "$(wc -l <"$REJ")" 5 "reject file lines"
expect_eq "$(grep -c $'^{.*\t# line [2-6]: ' "$REJ")" 5 "each reject line is the input line plus its comment"
expect_eq "$(grep -c '# line 99' "$REJ")" 1 "the forgery stays inside its own line"
expect_contains "$(cat "$REJ")" '# line 2: unknown event kind "hire\n# line 99: forged" (expected'
expect_contains "$(cat "$REJ")" '# line 3: "effective" is not an ISO 8601 date or date-time with offset: "2026-01-01\x1b[2J\x1b]0;pwned\x07" ('
expect_contains "$(cat "$REJ")" '# line 6: unknown key "x\u0085\u202ey" (known:'
expect_contains "$OUT" '    line 2: unknown event kind "hire\n# line 99: forged" (expected'
expect_not_contains "$OUT" $'\n# line 99'
q "SELECT reason FROM rejects" >"$T_TMP/reasons"
expect_contains "$(cat "$T_TMP/reasons")" 'offset: "2026-01-01\x1b[2J\x1b]0;pwned\x07" ('
printf '%s\n%s\n' "$OUT" "$ERR" >"$T_TMP/printed"
for f in "$T_TMP/printed" "$REJ" "$T_TMP/reasons"; do expect_clean "$f"; done
finish

begin "an employee_id or event id with a C1 or bidi control is rejected with its line"
expect_contains "$OUT" '    line 4: "employee_id" must not contain control or bidirectional formatting characters (U+202E at byte 2)'
expect_contains "$OUT" '    line 5: "id" must not contain control or bidirectional formatting characters (U+009B at byte 4)'
expect_eq "$(q "SELECT line_no FROM rejects ORDER BY line_no" | tr '\n' ' ')" "2 3 4 5 6 " "rejected lines in the ledger"
expect_eq "$(q "SELECT count(*) FROM events")" 1 "only the good line stored"
expect_eq "$(sim_writes)" 1 "only the good line applied"
finish

begin "history escapes a reason stored raw (by an older provhost)"
q "UPDATE targets SET last_error = 'old' || char(27) || '[2J' || char(10) || '# line 99: forged' WHERE event_seq = (SELECT seq FROM events WHERE id = 'inj-1')"
rph history I001
expect_rc 0
expect_contains "$OUT" '      old\x1b[2J\n# line 99: forged'
printf '%s\n' "$OUT" >"$T_TMP/printed-history"
expect_clean "$T_TMP/printed-history"
finish

begin "dry-run plan lines escape bidi controls from HR attributes"
rt_state inject-plan
printf '%s\n' '{"event":"hire","employee_id":"I007","attributes":{"first_name":"Ra\u2066\u202ech","last_name":"Bidi","email":"i007@example.com","department":"Engineering"}}' >"$T_TMP/plan.jsonl"
rph run --dry-run "$T_TMP/plan.jsonl"
expect_rc 0
expect_contains "$OUT" 'plan: connection'
expect_contains "$OUT" 'Ra\u2066\u202ech'
printf '%s\n%s\n' "$OUT" "$ERR" >"$T_TMP/printed-plan"
expect_clean "$T_TMP/printed-plan"
finish

rt_no_secrets_case
done_testing
