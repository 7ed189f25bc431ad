#!/usr/bin/env bash
# A hostile target (promapp-sim --hostile-writes): no part of the token may
# reach anything provhost prints or writes when the target echoes it in an
# error, wherever the echo falls relative to the 120-byte excerpt cut; and
# invalid UTF-8 in an error detail still reaches the audit as valid JSON.
. "$(dirname "$0")/../lib/lib.sh"
# 24 characters, so the echo can straddle the cut at every offset
TEST_TOKEN="tok-Leak8Yq3Zr7Wx2Pm5Kd9"
. "$(dirname "$0")/../lib/run_common.inc"

# dump_all FILE: everything provhost left: stdout, stderr, the ledger as SQL
# text, the audit file and the reject file.
dump_all() {
	{
		cat "$T_TMP/out" "$T_TMP/err"
		if command -v sqlite3 >/dev/null 2>&1; then
			sqlite3 "$LEDGER" .dump
		else
			python3 -c 'import sqlite3,sys
for l in sqlite3.connect(sys.argv[1]).iterdump(): print(l)' "$LEDGER"
		fi
		cat "$AUDIT" "$REJ" 2>/dev/null
	} >"$1"
}

# expect_no_token_run FILE TOKEN: no 8-byte substring of TOKEN is in FILE.
# Failures name the offset only, never the token's bytes.
expect_no_token_run() {
	local i
	for ((i = 0; i + 8 <= ${#2}; i++)); do
		if grep -aqF -- "${2:i:8}" "$1"; then
			fail "bytes $i..$((i + 7)) of the token are in $(basename "$1")"
			return
		fi
	done
}

# expect_grep FILE TEXT WHAT: FILE contains TEXT (says only WHAT if not,
# so a leaked token is never printed).
expect_grep() { grep -aqF -- "$2" "$1" || fail "no $3 in $(basename "$1")"; }

hires() { # N: N new hires H101.. whose creation the target refuses
	local n
	for ((n = 101; n < 101 + $1; n++)); do
		ev hire "H$n" "h-$n" - "Hire$n" Person Engineering
	done
}

rt_sim --hostile-writes echo-token:70 || exit 1

begin "token echoed across the excerpt cut at every offset: no 8 bytes of it leak"
rt_state echo
hires 36 >"$T_TMP/hires.jsonl"
rph run -v -v --reject-file "$REJ" "$T_TMP/hires.jsonl"
expect_eq "$(sim_count POST)" 36 "POSTs refused (one per offset)"
expect_eq "$(count_state failed)" 36 "failed targets"
dump_all "$T_TMP/echo.all"
expect_no_token_run "$T_TMP/echo.all" "$TEST_TOKEN"
# the refusals themselves are still reported, cut and redacted
q "SELECT last_error FROM targets" >"$T_TMP/echo.errors"
expect_grep "$T_TMP/echo.errors" "promapp answered 400 to POST /Users: xxxx" "refusal"
expect_grep "$T_TMP/echo.errors" "Authorization: Bearer [redacted]" "redacted echo"
expect_grep "$T_TMP/echo.errors" "..." "excerpt cut"
expect_grep "$AUDIT" "Authorization: Bearer [redacted]" "redacted echo"
finish

begin "invalid UTF-8 in an error detail: the audit keeps the error, as valid UTF-8"
rt_sim --hostile-writes bad-utf8 || exit 1
rt_state badutf8
hires 2 >"$T_TMP/hires2.jsonl"
rph run --reject-file "$REJ" "$T_TMP/hires2.jsonl"
expect_eq "$(sim_count POST)" 2 "POSTs refused"
expect_eq "$(count_state failed)" 2 "failed targets"
expect_eq "$(jq -c 'select((.operation == "provision" or .operation == "deprovision" or .operation == "authenticate") and .status != "ok") | has("error")' "$AUDIT" | sort -u)" "true" "every failed audit line has its error"
expect_eq "$(jq -r 'select(.error != null) | .error' "$AUDIT" | grep -c 'name M�ller ���� refused �')" 2 "errors with U+FFFD for each bad byte"
python3 - "$AUDIT" "$T_TMP/out" <<'PY' || fail "a file is not valid UTF-8"
import sys
for f in sys.argv[1:]:
    open(f, "rb").read().decode("utf-8")
PY
q "SELECT last_error FROM targets" >"$T_TMP/badutf8.errors"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T_TMP/badutf8.errors" ||
	fail "the ledger's last_error is not valid UTF-8"
expect_grep "$T_TMP/badutf8.errors" "name M�ller" "repaired error"
finish

rt_no_secrets_case
done_testing
