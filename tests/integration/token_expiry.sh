#!/usr/bin/env bash
# Token lifetime: a secret's "expires" day. With the clock driven by
# $PROVHOST_TEST_NOW (host/util/clock.c): test, status and run warn from
# expiry_warn_days (30) days before — 31 days: nothing; 30 and 1 day: "expires
# on ... in N days"; the day itself and later: "expired" — status --json
# shows it, and with notify a run sends token_expiring once per day.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

EXP=2027-11-01
# at DATE [HH]: $PROVHOST_TEST_NOW for DATE at HH:00 UTC (default 12)
at() { date -u -d "$1 ${2:-12}:00:00" +%s; }
# each COMMAND...: runs test, status and run (empty input) at $NOW; sets
# W_TEST, W_STATUS, W_RUN to the warning lines each printed.
empty="$T_TMP/empty.jsonl"
: >"$empty"
each() {
	PROVHOST_TEST_NOW=$NOW rph test
	[ "$RC" -eq 0 ] || fail "test exited $RC: $ERR"
	W_TEST=$(grep 'warning:' <<<"$ERR")
	PROVHOST_TEST_NOW=$NOW rph status
	[ "$RC" -eq 0 ] || fail "status exited $RC: $ERR"
	W_STATUS=$(grep 'warning:' <<<"$OUT")
	PROVHOST_TEST_NOW=$NOW rph run "$empty"
	[ "$RC" -eq 0 ] || fail "run exited $RC: $ERR"
	W_RUN=$(grep 'warning:' <<<"$ERR")
}
SRC="file $T_TMP/st-exp/promapp-token"

rt_sim || exit 1
rt_state exp ".connections[0].secrets.access_token.expires = \"$EXP\""

begin "status before any run warns too"
PROVHOST_TEST_NOW=$(at 2027-10-15) rph status
expect_rc 0
expect_contains "$OUT" "no ledger yet"
expect_contains "$OUT" "warning: connection \"$RT_CONN\": secret access_token ($SRC) expires on $EXP, in 17 days"
finish

begin "31 days before: no warning from test, status or run"
NOW=$(at 2027-10-01)
each
expect_eq "$W_TEST$W_STATUS$W_RUN" "" "warnings"
finish

begin "30 days before: test, status and run warn, naming the connection, secret, source and day"
NOW=$(at 2027-10-02 0)
each
want="connection \"$RT_CONN\": secret access_token ($SRC) expires on $EXP, in 30 days: create a new token and update the secret and its \"expires\" before then"
expect_eq "$W_TEST" "provhost: warning: $want" "test"
expect_eq "$W_STATUS" "warning: $want" "status"
expect_eq "$W_RUN" "provhost: warning: $want" "run"
finish

begin "1 day before: warns \"in 1 day\""
NOW=$(at 2027-10-31 23)
each
expect_contains "$W_TEST" "expires on $EXP, in 1 day: create"
expect_contains "$W_STATUS" "expires on $EXP, in 1 day: create"
expect_contains "$W_RUN" "expires on $EXP, in 1 day: create"
finish

begin "the day itself and after: says expired"
NOW=$(at $EXP 0)
each
expect_contains "$W_TEST" "secret access_token ($SRC) expired on $EXP (today); requests with it fail until it is replaced"
expect_contains "$W_STATUS" "expired on $EXP (today)"
expect_contains "$W_RUN" "expired on $EXP (today)"
NOW=$(at 2027-11-05)
each
expect_contains "$W_RUN" "expired on $EXP; requests with it fail"
expect_not_contains "$W_RUN" "(today)"
finish

begin "status --json: days_left and state per stated secret, valid against the schema"
for d in 2027-10-01:31:ok 2027-10-02:30:expiring 2027-11-01:0:expired; do
	IFS=: read -r day left state <<<"$d"
	PROVHOST_TEST_NOW=$(at "$day") rph status --json
	python3 "$ROOT/tests/tools/schema_check.py" "$ROOT/doc/schema/provhost-state-v1.json" <<<"$OUT" >/dev/null ||
		fail "status --json on $day does not validate"
	expect_eq "$(jq -r --arg c "$RT_CONN" '.connections[] | select(.name == $c) | .secrets[] | "\(.secret) \(.expires) \(.days_left) \(.state)"' <<<"$OUT")" \
		"access_token $EXP $left $state" "secrets on $day"
done
finish

begin "expiry_warn_days 7: 30 days before nothing, 7 days before a warning"
rt_state exp7 ".expiry_warn_days = 7 | .connections[0].secrets.access_token.expires = \"$EXP\""
SRC="file $T_TMP/st-exp7/promapp-token"
NOW=$(at 2027-10-02)
each
expect_eq "$W_TEST$W_STATUS$W_RUN" "" "warnings at 30 days"
NOW=$(at 2027-10-25)
each
expect_contains "$W_RUN" "expires on $EXP, in 7 days"
finish

begin "with notify: token_expiring once per day while due (the ledger remembers the day)"
NOTES="$T_TMP/notes"
mkdir -p "$NOTES"
REC="$T_TMP/record.sh"
printf '#!/bin/sh\ncat >"%s/$PROVHOST_NOTIFY_EVENT.$$.json"\n' "$NOTES" >"$REC"
chmod 755 "$REC"
rt_state expn ".notify = {\"command\": [\"$REC\"]} | .connections[0].secrets.access_token.expires = \"$EXP\""
n_notes() { ls "$NOTES" | grep -c "^token_expiring\." ; }
PROVHOST_TEST_NOW=$(at 2027-10-01 3) rph run "$empty"
expect_eq "$(n_notes)" 0 "31 days before"
PROVHOST_TEST_NOW=$(at 2027-10-02 3) rph run "$empty"
expect_rc 0
expect_eq "$(n_notes)" 1 "first run of a due day"
PROVHOST_TEST_NOW=$(at 2027-10-02 4) rph run "$empty"
PROVHOST_TEST_NOW=$(at 2027-10-02 23) rph run "$empty"
expect_eq "$(n_notes)" 1 "later runs of the same day"
PROVHOST_TEST_NOW=$(at 2027-10-03 0) rph run "$empty"
expect_eq "$(n_notes)" 2 "the next day"
expect_eq "$(cat "$NOTES"/token_expiring.*.json | jq -r '"\(.days_left) \(.state) \(.secret) \(.expires)"' | sort -n | tr '\n' ' ')" \
	"29 expiring access_token $EXP 30 expiring access_token $EXP " "bodies"
PROVHOST_TEST_NOW=$(at 2027-10-03 5) rph run --dry-run "$empty"
expect_eq "$(n_notes)" 2 "a dry run"
finish

begin "a bad \"expires\" is a configuration error at its position"
rt_state expbad '.connections[0].secrets.access_token.expires = "2027-13-01"'
rph check-config
expect_rc 2
expect_contains "$ERR" "secret \"access_token\": \"expires\" \"2027-13-01\" is not a date: month 13 out of range"
expect_contains "$ERR" "provhost.json:"
rt_state expbad2 '.connections[0].secrets.access_token.expires = 20271101'
rph check-config
expect_rc 2
expect_contains "$ERR" "\"expires\" must be a date \"YYYY-MM-DD\""
rt_state expbad3 '.expiry_warn_days = -1'
rph check-config
expect_rc 2
expect_contains "$ERR" "\"expiry_warn_days\" must be an integer from 0 to 366"
finish

rt_no_secrets_case
done_testing
