#!/usr/bin/env bash
# Issue 11 item 11, the connector parts, through the real provhost binary:
# `provhost test` on a 200 answer that is invalid or 100,000-deep JSON says
# so (the sign-in hint is only for an HTML page), and `check-config` catches
# a ca_file that is missing, not a file, or unreadable, naming the setting.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

PREFIX="provhost: connection \"$RT_CONN\": authentication failed: the answer at"

begin "provhost test: invalid JSON in a 200 is reported as such, not as the sign-in URL"
rt_sim --hostile-lists bad-json || exit 1
rt_state badjson
rph test "$RT_CONN"
expect_rc 1
expect_eq "$OUT" "" stdout
[[ $ERR == "$PREFIX $SIM_URL/Users (promapp answered 200 to GET) is not valid JSON (unexpected token near end of file at line 1 column 102): {\"schemas\":"* ]] ||
	fail "unexpected message: $ERR"
expect_contains "$ERR" "[status protocol, HTTP 200]"
expect_not_contains "$ERR" "sign-in"
finish
sim_stop

begin "provhost test: 100,000-deep JSON is 'nested too deeply', no crash"
rt_sim --hostile-lists deep-json:100000 || exit 1
rt_state deep
rph test "$RT_CONN"
expect_rc 1
expect_eq "$ERR" "$PREFIX $SIM_URL/Users (promapp answered 200 to GET) is JSON nested too deeply (more than 2048 levels), so it was not read [status protocol, HTTP 200]"
finish

begin "provhost test: a good answer still authenticates (the HTML sign-in case is in promapp_auth.sh)"
sim_stop
rt_sim || exit 1
rt_state good
rph test "$RT_CONN"
expect_rc 0
expect_contains "$OUT" "authenticated to $SIM_URL"
finish

# cfg_ca PATH: a configuration for the running simulator with ca_file PATH.
cfg_ca() { rt_state "ca-$RANDOM" ".connections[0].settings.ca_file = \"$1\""; }
AT="connection \"$RT_CONN\": connector \"promapp\" rejected the settings: setting 'ca_file'"

begin "check-config: a missing ca_file is caught, naming the setting"
cfg_ca "$T_TMP/no-such-ca.pem"
rph check-config
expect_rc 2
expect_eq "$OUT" "" stdout
[[ $ERR == "$CFG:"*": $AT: cannot use '$T_TMP/no-such-ca.pem': No such file or directory" ]] ||
	fail "unexpected message: $ERR"
finish

begin "check-config: a ca_file that is a directory is caught"
mkdir -p "$T_TMP/ca-dir"
cfg_ca "$T_TMP/ca-dir"
rph check-config
expect_rc 2
[[ $ERR == "$CFG:"*": $AT: '$T_TMP/ca-dir' is not a regular file (a PEM file of CA certificates is expected)" ]] ||
	fail "unexpected message: $ERR"
finish

if [ "$(id -u)" != 0 ]; then # root reads any file: this case needs a user
	begin "check-config: an unreadable ca_file is caught"
	: >"$T_TMP/ca-locked.pem"
	chmod 000 "$T_TMP/ca-locked.pem"
	cfg_ca "$T_TMP/ca-locked.pem"
	rph check-config
	expect_rc 2
	[[ $ERR == "$CFG:"*": $AT: cannot read '$T_TMP/ca-locked.pem': Permission denied" ]] ||
		fail "unexpected message: $ERR"
	finish
fi

begin "check-config: a readable ca_file passes, and provhost test refuses it too when missing"
printf -- '-----BEGIN CERTIFICATE-----\n' >"$T_TMP/ca.pem"
cfg_ca "$T_TMP/ca.pem"
rph check-config
expect_rc 0
expect_contains "$OUT" "configuration ok: 1 connection"
cfg_ca "$T_TMP/no-such-ca.pem"
rph test "$RT_CONN"
expect_rc 2
expect_contains "$ERR" "$AT: cannot use '$T_TMP/no-such-ca.pem'"
finish

rt_no_secrets_case
done_testing
