#!/usr/bin/env bash
# provhost reconcile and notifications (issue 15): a reconcile that finds
# orphans sends exactly one "orphans_found" notification per connection
# (loopback webhook receiver, tests/tools/webhook_receiver.py, started and
# killed by its PID) with the documented body and no secret; a reconcile
# without orphans and a --repair --dry-run send none; a failing webhook
# never changes reconcile's exit code.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

HOOK_SECRET="hooksecret-R7kW3"
RECV_PIDS=()
recv_start() { # MODE NAME: sets RECV_PORT and RECV_LOG
	local out="$T_TMP/recv-$2.out" i line=""
	RECV_LOG="$T_TMP/recv-$2.jsonl"
	: >"$RECV_LOG"
	python3 "$ROOT/tests/tools/webhook_receiver.py" "$1" "$RECV_LOG" >"$out" 2>&1 &
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
lines() { [ -s "$1" ] && wc -l <"$1" || echo 0; }
seed() { # USERNAME
	scim POST /Users "$(printf '{"userName":"%s","name":{"givenName":"Hand","familyName":"Made"},"emails":[{"value":"%s","type":"work","primary":true}]}' "$1" "$1")"
	[ "$HTTP" = 201 ] || echo "seed $1: HTTP $HTTP $BODY" >&2
}

rt_sim || exit 1
recv_start ok a || exit 1
PORT_A=$RECV_PORT LOG_A=$RECV_LOG
recv_start fail c || exit 1
PORT_C=$RECV_PORT LOG_C=$RECV_LOG
export HOOK_A="http://127.0.0.1:$PORT_A/hooks/$HOOK_SECRET?key=$HOOK_SECRET"
export HOOK_C="http://127.0.0.1:$PORT_C/hooks/$HOOK_SECRET"
rt_state notify '.notify = {"webhooks": [{"url": {"env": "HOOK_A"}}], "on": ["orphans_found"], "timeout_seconds": 5}'
ev hire N1 n1-hire 2026-01-05 Nora Lind Engineering >"$T_TMP/hr.jsonl"

begin "reconcile without orphans notifies nobody"
rph run "$T_TMP/hr.jsonl"
expect_rc 0
rph reconcile
expect_rc 0
expect_eq "$(lines "$LOG_A")" 0 "webhook requests"
finish

begin "reconcile --repair --dry-run with orphans notifies nobody"
seed hand1@example.com
seed hand2@example.com
rph reconcile --repair --dry-run
expect_rc 1
expect_eq "$(lines "$LOG_A")" 0 "webhook requests"
finish

begin "reconcile with two orphans: exactly one orphans_found notification, documented body, no secret"
rph reconcile
expect_rc 1
RUN=$(q "SELECT max(id) FROM reconcile_runs")
expect_eq "$(lines "$LOG_A")" 1 "webhook requests"
a=$(jq -r '.body' "$LOG_A")
expect_eq "$(jq -r '.content_type' "$LOG_A")" application/json "content type"
expect_eq "$(jq -r '"\(.schema) \(.kind) \(.event) \(.run) \(.connection) \(.orphans)"' <<<"$a")" \
	"provhost/v1 notification orphans_found $RUN $RT_CONN 2" "body"
expect_eq "$(jq -r '[.accounts[].userName] | sort | join(",")' <<<"$a")" "hand1@example.com,hand2@example.com" "accounts"
expect_eq "$(jq -r '[.accounts[] | .id | length > 0] | all' <<<"$a")" true "account ids"
expect_contains "$(jq -r '.text' <<<"$a")" "connection \"$RT_CONN\": 2 accounts no employee owns (orphans)"
expect_eq "$(jq -r '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' <<<"$a")" true "time"
expect_eq "$(jq -r '.body' "$LOG_A" | grep -cF -e "$TEST_TOKEN" -e "$HOOK_SECRET")" 0 "secret in the body"
expect_eq "$(grep -c '"notify": *"orphans_found"' "$AUDIT")" 1 "audited deliveries"
finish

begin "reconcile --repair deactivates the orphans: one more notification (they were found), then none"
rph reconcile --repair
expect_rc 0
expect_eq "$(lines "$LOG_A")" 2 "webhook requests"
rph reconcile
expect_rc 0
expect_eq "$(lines "$LOG_A")" 2 "webhook requests after a clean reconcile"
finish

begin "a failing webhook never changes reconcile's exit code"
jq '.notify.webhooks = [{"url": {"env": "HOOK_C"}}]' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
seed hand3@example.com
rph reconcile
expect_rc 1
expect_eq "$(lines "$LOG_C")" 2 "attempts (one retry)"
expect_contains "$ERR" "notification orphans_found to webhook http://127.0.0.1:$PORT_C/*** failed after 2 attempts: HTTP 500"
expect_not_contains "$ERR$OUT" "$HOOK_SECRET"
expect_eq "$(grep -c '"delivered": *false' "$AUDIT")" 1 "audited failure"
finish
