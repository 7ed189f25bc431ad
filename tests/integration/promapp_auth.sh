#!/usr/bin/env bash
# Promapp connector: authenticate and transport failures, against the
# simulator and a fake server, with exact messages and no token in output.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/promapp_common.inc"

HINT_TOKEN="the access token was rejected — it may have expired (Promapp SCIM tokens are valid for one year); a Promaster creates a new one under My Profile → Access Tokens with scope SCIM"
HINT_SIGNIN="this looks like the sign-in URL, not the API URL (https://api.promapp.com)"

sim_start || exit 1
S=$(settings)

begin "authenticate succeeds with a good token"
drive "$TEST_TOKEN" authenticate --settings "$S"
expect_rc 0
expect_eq "$STATUS" ok status
expect_eq "$HTTP_CODE" 200 http
expect_eq "$DETAIL" "authenticated to $SIM_URL: GET /Users answered 200 with a SCIM ListResponse listing 0 users" detail
finish

begin "authenticate accepts the host URL with a trailing slash"
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$SIM_ROOT/\"}"
expect_eq "$STATUS" ok status
expect_contains "$DETAIL" "authenticated to $SIM_URL:"
finish

begin "bad token gives the one-year-token hint"
drive "$BAD_TOKEN" authenticate --settings "$S"
expect_rc 1
expect_eq "$STATUS" credential status
expect_eq "$HTTP_CODE" 401 http
expect_contains "$ERROR" "$HINT_TOKEN (promapp answered 401 to GET /Users"
[[ $ERROR == "$HINT_TOKEN"* ]] || fail "message does not start with the hint: $ERROR"
finish

begin "token without the SCIM scope is a permission error"
drive "$TEST_TOKEN_NOSCOPE" authenticate --settings "$S"
expect_rc 1
expect_eq "$STATUS" permission status
expect_eq "$HTTP_CODE" 403 http
[[ $ERROR == "the access token lacks the SCIM scope or its account may not provision users"* ]] ||
	fail "unexpected message: $ERROR"
expect_contains "$ERROR" "(promapp answered 403 to GET /Users"
finish

begin "missing token is a config error naming the secret"
"$DRIVE" "$PLUGIN" authenticate --settings "$S" >"$T_TMP/o" 2>&1 </dev/null
RC=$?
expect_rc 1
expect_eq "$(sed -n 's/^error: //p' "$T_TMP/o")" "secret 'access_token' is not set for this connection" message
finish

begin "sign-in-like URL (HTML page) is a config error"
fake_start html
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL\"}"
expect_rc 1
expect_eq "$STATUS" config status
expect_eq "$ERROR" "$HINT_SIGNIN: GET $FAKE_URL/api/scim/Users answered 200 with an HTML page" message
finish

begin "a 200 with invalid JSON (not HTML) says so, without the sign-in hint"
fake_start badjson
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL/api/scim/\"}"
expect_eq "$STATUS" protocol status
expect_eq "$ERROR" "the answer at $FAKE_URL/api/scim/Users (promapp answered 200 to GET) is not valid JSON (unexpected token near end of file at line 1 column 42): {\"totalResults\": 1, \"Resources\": [ {\"id\":" message
expect_not_contains "$ERROR" "sign-in"
finish

MAIN_SIM=("$SIM_PID" "$SIM_URL" "$SIM_ROOT")
begin "simulator answering invalid JSON to the check: not valid JSON, no sign-in hint"
sim_start --hostile-lists bad-json || exit 1
drive "$TEST_TOKEN" authenticate --settings "$(settings)"
expect_rc 1
expect_eq "$STATUS" protocol status
expect_eq "$HTTP_CODE" 200 http
[[ $ERROR == "the answer at $SIM_URL/Users (promapp answered 200 to GET) is not valid JSON ("* ]] ||
	fail "unexpected message: $ERROR"
expect_not_contains "$ERROR" "sign-in"
finish
sim_stop

begin "100,000-deep JSON at the check: nested too deeply, no crash, no sign-in hint"
sim_start --hostile-lists deep-json:100000 || exit 1
drive "$TEST_TOKEN" authenticate --settings "$(settings)"
expect_rc 1
expect_eq "$STATUS" protocol status
expect_eq "$ERROR" "the answer at $SIM_URL/Users (promapp answered 200 to GET) is JSON nested too deeply (more than 2048 levels), so it was not read" message
expect_eq "$(grep -c 'AddressSanitizer\|runtime error' "$T_TMP/d.err")" 0 "sanitizer reports"
finish
sim_stop
SIM_PID=${MAIN_SIM[0]} SIM_URL=${MAIN_SIM[1]} SIM_ROOT=${MAIN_SIM[2]}

begin "a redirect is not followed and points at the sign-in URL"
fake_start redirect
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL\"}"
expect_eq "$STATUS" config status
expect_eq "$HTTP_CODE" 302 http
expect_eq "$ERROR" "$HINT_SIGNIN: GET $FAKE_URL/api/scim/Users answered 302 (a redirect, which provhost does not follow)" message
finish

begin "404 on the collection: no SCIM API under this URL"
fake_start 404
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL\"}"
expect_eq "$STATUS" config status
expect_eq "$ERROR" "no SCIM API under $FAKE_URL/api/scim: promapp answered 404 to GET /Users; instance_url should be https://api.promapp.com" message
finish

begin "429 is rate limited with the Retry-After hint"
fake_start 429
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL\"}"
expect_eq "$STATUS" rate_limited status
expect_eq "$ERROR" "promapp answered 429 to GET /Users: slow down" message
expect_contains "$OUT" "retryable=1 retry_after_ms=7000"
finish

begin "a response over 4 MiB is a protocol error"
fake_start big
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$FAKE_URL\"}"
expect_eq "$STATUS" protocol status
expect_eq "$ERROR" "promapp answered GET /Users with more than 4194304 bytes" message
finish

begin "503 from the target is transient and retryable"
sim_start --fail-every 1 || exit 1
drive "$TEST_TOKEN" authenticate --settings "$(settings)"
expect_eq "$STATUS" transient status
expect_eq "$HTTP_CODE" 503 http
expect_contains "$OUT" "retryable=1"
expect_contains "$ERROR" "promapp answered 503 to GET /Users: "
finish

begin "unreachable port is a connect error with curl's reason"
sim_start || exit 1
dead_url=$SIM_URL
sim_stop
drive "$TEST_TOKEN" authenticate --settings "{\"instance_url\":\"$dead_url\"}"
expect_rc 1
expect_eq "$STATUS" connect status
expect_contains "$ERROR" "could not connect to $dead_url: Failed to connect to 127.0.0.1 port"
expect_contains "$OUT" "retryable=1"
finish

begin "plain http to a non-loopback host is refused before any I/O"
drive "$TEST_TOKEN" validate --settings '{"instance_url":"http://api.promapp.com"}'
expect_eq "$STATUS" config status
expect_eq "$ERROR" "setting 'instance_url' must use https:// (plain http:// is only allowed for loopback addresses): 'http://api.promapp.com' (expected https://api.promapp.com)" message
finish

begin "no token appears in any output"
expect_no_secrets
finish

done_testing
