#!/usr/bin/env bash
# Notifications (the "notify" section): a loopback webhook receiver
# (tests/tools/webhook_receiver.py, started and killed by its PID) gets
# exactly one notification per triggering run, with the documented body
# (generic JSON and Slack-style {"text"}) and no secret in it (neither the
# token nor the webhook URL's path and query); the command notifier gets
# the notification on stdin and in its environment, never in argv; a
# failing or unreachable webhook is retried once, logged and audited, and
# never changes the run's exit code.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

HOOK_SECRET="hooksecret-P9xQ2"
RECV_PIDS=()
# recv_start MODE NAME [PEM]: a receiver (HTTPS with PEM); sets RECV_PORT
# and RECV_LOG.
recv_start() {
	local out="$T_TMP/recv-$2.out" i line=""
	RECV_LOG="$T_TMP/recv-$2.jsonl"
	: >"$RECV_LOG"
	python3 "$ROOT/tests/tools/webhook_receiver.py" "$1" "$RECV_LOG" ${3:+"$3"} >"$out" 2>&1 &
	RECV_PIDS+=("$!")
	for i in $(seq 1 100); do
		line=$(head -n 1 "$out" 2>/dev/null)
		[[ $line == "listening on "* ]] && break
		sleep 0.05
	done
	[[ $line == "listening on "* ]] || { echo "receiver did not start: $(cat "$out")" >&2; return 1; }
	RECV_PORT=${line#listening on }
}
recv_stop_all() {
	local p
	for p in "${RECV_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
}
trap 'recv_stop_all; _cleanup' EXIT

# the command notifier: records its argv, environment and stdin
NOTIFIER="$T_TMP/notifier.sh"
cat >"$NOTIFIER" <<SH
#!/bin/sh
printf '%s\n' "\$#" "\$@" >"$T_TMP/cmd.argv"
env >"$T_TMP/cmd.env"
cat >"$T_TMP/cmd.stdin"
exit \${NOTIFIER_EXIT:-0}
SH
chmod 755 "$NOTIFIER"
# one that fails (its environment is not provhost's: the status is fixed)
FAILING="$T_TMP/failing-notifier.sh"
printf '#!/bin/sh\ncat >/dev/null\nexit 7\n' >"$FAILING"
chmod 755 "$FAILING"

rt_sim || exit 1
recv_start ok a || exit 1
PORT_A=$RECV_PORT LOG_A=$RECV_LOG
recv_start ok b || exit 1
PORT_B=$RECV_PORT LOG_B=$RECV_LOG
recv_start fail c || exit 1
PORT_C=$RECV_PORT LOG_C=$RECV_LOG

# state NAME NOTIFY_JSON: a state directory whose configuration notifies.
state() {
	rt_state "$1" ".notify = $2"
	(umask 077 && printf '%s\n' "http://127.0.0.1:$PORT_B/services/$HOOK_SECRET?token=$HOOK_SECRET" >"$ST/hook-b")
}
export HOOK_A="http://127.0.0.1:$PORT_A/hooks/$HOOK_SECRET?key=$HOOK_SECRET"
export HOOK_C="http://127.0.0.1:$PORT_C/hooks/$HOOK_SECRET"
BOTH='{"webhooks": [{"url": {"env": "HOOK_A"}}, {"url": {"file": "hook-b"}, "format": "slack"}], "command": ["'"$NOTIFIER"'", "--fixed-arg"], "timeout_seconds": 5}'
good="$T_TMP/good.jsonl"
ev hire G001 g-1 - Greta Good Engineering >"$good"
ev hire G002 g-2 - Gus Good Quality >"$T_TMP/good2.jsonl"
lines() { [ -s "$1" ] && wc -l <"$1" || echo 0; }

begin "a run with nothing to report notifies nobody"
state quiet "$BOTH"
rph check-config
expect_rc 0
expect_contains "$OUT" "notify: on run_stopped, events_failed, review_waiting, credentials_rejected, token_expiring, orphans_found; timeout 5 s, one retry"
expect_contains "$OUT" "  webhook http://127.0.0.1:$PORT_A/*** (json): URL from environment variable HOOK_A"
expect_contains "$OUT" "  webhook http://127.0.0.1:$PORT_B/*** (slack): URL from file $ST/hook-b"
expect_contains "$OUT" "  command: $NOTIFIER --fixed-arg"
expect_not_contains "$OUT" "$HOOK_SECRET"
rph run "$good"
expect_rc 0
expect_eq "$(lines "$LOG_A")" 0 "webhook A requests"
expect_eq "$(lines "$LOG_B")" 0 "webhook B requests"
[ -e "$T_TMP/cmd.stdin" ] && fail "the command ran"
finish

begin "credentials rejected: exactly one notification per channel, documented body, no secret"
rt_token "$BAD_TOKEN"
rph run "$T_TMP/good2.jsonl"
expect_rc 3
rph status --json
RUN=$(jq -r '.last_run.id' <<<"$OUT")
expect_eq "$(lines "$LOG_A")" 1 "webhook A requests"
expect_eq "$(lines "$LOG_B")" 1 "webhook B requests"
a=$(jq -r '.body' "$LOG_A")
expect_eq "$(jq -r '.path, .content_type' "$LOG_A" | tr '\n' ' ')" "/hooks/$HOOK_SECRET?key=$HOOK_SECRET application/json " "request A"
expect_eq "$(jq -r '"\(.schema) \(.kind) \(.event) \(.events | join(",")) \(.run) \(.exit_code)"' <<<"$a")" \
	"provhost/v1 notification credentials_rejected credentials_rejected,run_stopped $RUN 3" "body A"
expect_eq "$(jq -r --arg c "$RT_CONN" '.connections[] | select(.name == $c) | "\(.credentials_rejected) \(.stopped | test("credential"))"' <<<"$a")" "true true" "connection facts"
expect_contains "$(jq -r '.text' <<<"$a")" "provhost run $RUN exited 3"
expect_contains "$(jq -r '.text' <<<"$a")" "connection \"$RT_CONN\" stopped:"
expect_eq "$(jq -r '.host | length > 0' <<<"$a")" true "host"
expect_eq "$(jq -r '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' <<<"$a")" true "time"
b=$(jq -r '.body' "$LOG_B")
expect_eq "$(jq -r 'keys | join(",")' <<<"$b")" text "slack body keys"
expect_eq "$(jq -r '.text' <<<"$b")" "$(jq -r '.text' <<<"$a")" "slack text"
for f in "$LOG_A" "$LOG_B"; do
	expect_eq "$(jq -r '.body' "$f" | grep -cF -e "$BAD_TOKEN" -e "$TEST_TOKEN" -e "$HOOK_SECRET")" 0 "secret in a body"
done
finish

begin "the command notifier: JSON on stdin, data in its environment, argv as configured"
expect_eq "$(cat "$T_TMP/cmd.argv")" "1
--fixed-arg" "argv"
expect_eq "$(jq -r '.event' "$T_TMP/cmd.stdin")" credentials_rejected "stdin"
expect_eq "$(jq -c 'del(.time)' "$T_TMP/cmd.stdin")" "$(jq -c 'del(.time)' <<<"$a")" "same body as the webhook"
expect_contains "$(cat "$T_TMP/cmd.env")" "PROVHOST_NOTIFY_EVENT=credentials_rejected"
expect_contains "$(cat "$T_TMP/cmd.env")" "PROVHOST_NOTIFY_RUN=$RUN"
expect_contains "$(grep '^PROVHOST_NOTIFY_TEXT=' "$T_TMP/cmd.env")" "provhost run $RUN exited 3"
grep -q '^HOOK_A=' "$T_TMP/cmd.env" && fail "the command got provhost's environment (HOOK_A)"
finish

begin "every delivery is audited with the redacted channel; nothing secret in the audit or output"
expect_eq "$(jq -r 'select(.notify) | "\(.notify) \(.channel) \(.attempts) \(.delivered)"' "$AUDIT")" \
	"credentials_rejected webhook http://127.0.0.1:$PORT_A/*** 1 true
credentials_rejected webhook http://127.0.0.1:$PORT_B/*** 1 true
credentials_rejected command $NOTIFIER 1 true" "audit"
expect_file_not_contains "$AUDIT" "$HOOK_SECRET"
expect_file_not_contains "$ALL_OUT" "$HOOK_SECRET"
rt_token "$TEST_TOKEN"
finish

begin "events failed: one notification per run; a clean run after it sends none"
state failing "$BOTH"
: >"$LOG_A"
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$LOG_A")" 1 "webhook A requests"
expect_eq "$(jq -r '.body | fromjson | "\(.event) \(.rejected_lines)"' "$LOG_A")" "events_failed 1" "event"
expect_contains "$(jq -r '.body | fromjson | .text' "$LOG_A")" "1 event or line failed or rejected"
rph run "$T_TMP/good2.jsonl"
expect_rc 0
expect_eq "$(lines "$LOG_A")" 1 "no new notification for a clean run"
finish

begin "items held for review: review_waiting, counted in the text"
rt_state held '.notify = {"webhooks": [{"url": {"env": "HOOK_A"}}]} | .connections[0].policy.max_deprovisions_per_run = 0'
: >"$LOG_A"
{ ev hire H001 h-1 - Hana Held Engineering; ev terminate H001 h-2 - Hana Held Engineering; } >"$T_TMP/held.jsonl"
rph run "$T_TMP/held.jsonl"
expect_rc 4
expect_eq "$(lines "$LOG_A")" 1 "webhook A requests"
expect_eq "$(jq -r '.body | fromjson | "\(.event) \(.events | join(",")) \(.connections[0].held)"' "$LOG_A")" "review_waiting review_waiting 1" "event"
expect_contains "$(jq -r '.body | fromjson | .text' "$LOG_A")" "1 item waits for review (provhost review)"
finish

begin "\"on\" selects the events: review_waiting only, a run with failures notifies nobody"
state selective '{"webhooks": [{"url": {"env": "HOOK_A"}}], "on": ["review_waiting"]}'
: >"$LOG_A"
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$LOG_A")" 0 "webhook A requests"
finish

begin "a failing webhook (HTTP 500) is retried once, logged, audited; the exit code is unchanged"
state fail500 '{"webhooks": [{"url": {"env": "HOOK_C"}}, {"url": {"env": "HOOK_A"}}], "timeout_seconds": 5}'
: >"$LOG_A"
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$LOG_C")" 2 "attempts at the failing webhook"
expect_eq "$(lines "$LOG_A")" 1 "the other webhook still got it"
expect_contains "$ERR" "notification events_failed to webhook http://127.0.0.1:$PORT_C/*** failed after 2 attempts: HTTP 500 (the run's outcome is unchanged)"
expect_eq "$(jq -r 'select(.notify and (.delivered | not)) | "\(.attempts) \(.error)"' "$AUDIT")" "2 HTTP 500" "audit"
expect_not_contains "$ERR" "$HOOK_SECRET"
finish

begin "an unreachable webhook and a failing command change nothing either"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export HOOK_DEAD="http://127.0.0.1:$closed/x/$HOOK_SECRET"
state dead '{"webhooks": [{"url": {"env": "HOOK_DEAD"}}], "command": ["'"$FAILING"'"], "timeout_seconds": 2}'
rt_token "$BAD_TOKEN"
rph run "$T_TMP/good2.jsonl"
expect_rc 3
expect_contains "$ERR" "notification credentials_rejected to webhook http://127.0.0.1:$closed/*** failed after 2 attempts"
expect_contains "$ERR" "notification credentials_rejected to command $FAILING failed after 2 attempts: $FAILING exited with status 7"
expect_not_contains "$ERR" "$HOOK_SECRET"
rt_token "$TEST_TOKEN"
finish

begin "TLS is verified: a self-signed server is refused, accepted with its ca_file"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T_TMP/tls.key" -out "$T_TMP/tls.crt" >/dev/null 2>&1 ||
	fail "openssl could not make a certificate"
cat "$T_TMP/tls.key" "$T_TMP/tls.crt" >"$T_TMP/tls.pem"
recv_start ok tls "$T_TMP/tls.pem" || fail "no TLS receiver"
export HOOK_TLS="https://127.0.0.1:$RECV_PORT/tls/$HOOK_SECRET"
state tls '{"webhooks": [{"url": {"env": "HOOK_TLS"}}], "timeout_seconds": 5}'
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$RECV_LOG")" 0 "requests through an unverified TLS connection"
expect_contains "$ERR" "to webhook https://127.0.0.1:$RECV_PORT/*** failed after 2 attempts: SSL"
state tls-ca '{"webhooks": [{"url": {"env": "HOOK_TLS"}, "ca_file": "'"$T_TMP/tls.crt"'"}], "timeout_seconds": 5}'
rph run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$RECV_LOG")" 1 "requests with the ca_file"
expect_eq "$(jq -r '.path' "$RECV_LOG")" "/tls/$HOOK_SECRET" "path"
finish

begin "a webhook that does not answer in timeout_seconds: two attempts, the exit code unchanged"
recv_start slow slow || fail "no slow receiver"
export HOOK_SLOW="http://127.0.0.1:$RECV_PORT/slow"
state slow '{"webhooks": [{"url": {"env": "HOOK_SLOW"}}], "timeout_seconds": 1}'
rph run "$DEMO_EVENTS"
expect_rc 1
expect_contains "$ERR" "to webhook http://127.0.0.1:$RECV_PORT/*** failed after 2 attempts: Timeout was reached"
finish

begin "a full disk while the input is stored: run_stopped names the ledger"
state full '{"webhooks": [{"url": {"env": "HOOK_A"}}]}'
: >"$LOG_A"
for ((i = 1000; i < 2000; i++)); do ev hire "F$i" "f-$i" 2026-01-05 "F$i" Full Engineering; done >"$T_TMP/full.jsonl"
env PH_ENOSPC_PATH="ledger.sqlite" PH_ENOSPC_AFTER=300000 PH_ENOSPC_ARM= \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	LD_PRELOAD="$BUILD/shims/enospc.so" "$PROVHOST" run -c "$CFG" "$T_TMP/full.jsonl" \
	>"$T_TMP/out" 2>"$T_TMP/err" </dev/null
expect_eq "$?" 3 "exit status ($(head -c 600 "$T_TMP/err"))"
expect_contains "$(cat "$T_TMP/err")" "stopped while storing line"
expect_eq "$(lines "$LOG_A")" 1 "webhook A requests"
expect_eq "$(jq -r '.body | fromjson | .event' "$LOG_A")" run_stopped "event"
expect_contains "$(jq -r '.body | fromjson | .text' "$LOG_A")" "ledger"
finish

begin "a dry run notifies nobody"
state dry "$BOTH"
: >"$LOG_A"
rph run --dry-run "$DEMO_EVENTS"
expect_rc 1
expect_eq "$(lines "$LOG_A")" 0 "webhook A requests"
finish

begin "configuration errors: http:// to another host, unknown keys and events, no URL quoted"
export HOOK_REMOTE="http://hooks.example.com/services/$HOOK_SECRET"
state bad1 '{"webhooks": [{"url": {"env": "HOOK_REMOTE"}}]}'
rph check-config
expect_rc 2
expect_contains "$ERR" "webhook URL (environment variable HOOK_REMOTE) must be https:// (plain http:// only to a loopback address)"
expect_not_contains "$ERR" "$HOOK_SECRET"
state bad2 '{"webhooks": [{"url": "https://inline.example.com/x"}]}'
rph check-config
expect_rc 2
expect_contains "$ERR" "never inline"
state bad3 '{"command": ["'"$NOTIFIER"'"], "on": ["run_stoped"]}'
rph check-config
expect_rc 2
expect_contains "$ERR" 'unknown notify event "run_stoped" (known: run_stopped,'
state bad4 '{"command": ["notifier.sh"]}'
rph check-config
expect_rc 2
expect_contains "$ERR" "the notify command must be an absolute path"
state bad5 '{}'
rph check-config
expect_rc 2
expect_contains "$ERR" '"notify" needs "webhooks" or "command" (or both)'
state bad6 '{"webhooks": [{"url": {"env": "HOOK_A"}, "format": "teams"}]}'
rph check-config
expect_rc 2
expect_contains "$ERR" '"format" must be "json"'
finish

rt_no_secrets_case
done_testing
