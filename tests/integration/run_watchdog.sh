#!/usr/bin/env bash
# Nothing hangs a run for ever: a connector call that never returns is
# ended by the watchdog (deadline + engine.watchdog_grace_ms, or a second
# SIGTERM) with exit 3 and its work pending; a connector calling exit()
# cannot make provhost exit 0; a FIFO where provhost expects a file is
# refused instead of blocking open(). Uses the "stall" fixture connector.
# Every command runs under a time limit so a regression fails, not hangs.
. "$(dirname "$0")/../lib/lib.sh"
FIX="$BUILD/fixtures"
ST="$T_TMP/state"
MARK="$T_TMP/in-provision"
mkdir -p "$ST"
EVENTS="$T_TMP/events.jsonl"
printf '%s\n' '{"event":"hire","employee_id":"E12","id":"e-12","effective":"2026-01-05","attributes":{"first_name":"Ada","last_name":"Hung","email":"ada.hung@example.com","department":"X","employment_type":"Employee"}}' >"$EVENTS"

# stall_config FILE MODE GRACE_MS: one connection "stuck" on the stall
# connector, call deadline 500 ms.
stall_config() {
	write_config "$1" "{ \"plugin_dir\": \"$FIX\", \"state_dir\": \"$ST\",
  \"connections\": [ { \"name\": \"stuck\", \"connector\": \"stall\",
    \"settings\": { \"mode\": \"$2\", \"marker\": \"$MARK\" },
    \"engine\": { \"workers\": 2, \"call_timeout_ms\": 500,
                \"watchdog_grace_ms\": $3 } } ] }"
}

# tph SECONDS ARGS...: like ph, killed after SECONDS (then RC is 124).
tph() {
	local limit=$1
	shift
	timeout -s KILL "$limit" "$PROVHOST" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# wait_limit PID SECONDS: waits for PID; kills it after SECONDS. Sets RC
# (124 when it had to be killed).
wait_limit() {
	local i
	for i in $(seq 1 $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" 2>/dev/null
		RC=124
		return
	fi
	wait "$1"
	RC=$?
}

pending() {
	"$PROVHOST" status -c "$1" </dev/null | sed -n 's/^  pending \([0-9]*\) .*/\1/p'
}

begin "a provision that never returns is stopped at deadline + grace: exit 3, work pending"
stall_config "$T_TMP/hang.json" hang 1000
t0=$(date +%s%N)
tph 20 run -c "$T_TMP/hang.json" --no-progress "$EVENTS"
ms=$((($(date +%s%N) - t0) / 1000000))
expect_rc 3
expect_contains "$ERR" 'provhost run: connector "stall" (connection "stuck") did not return from provision for E12 within 1.5 s (its deadline 0.5 s + grace 1 s); the run is stopped, its work stays pending (exit 3)'
[ "$ms" -ge 1500 ] || fail "stopped after $ms ms, before deadline + grace"
expect_eq "$(pending "$T_TMP/hang.json")" 1 "pending events"
finish

begin "a re-run with a working connector finishes the pending work"
stall_config "$T_TMP/ok.json" ok 1000
tph 20 run -c "$T_TMP/ok.json" --no-progress "$EVENTS"
expect_rc 0
expect_contains "$OUT" "Created 1"
expect_eq "$(pending "$T_TMP/ok.json")" 0 "pending events"
finish

begin "a second SIGTERM while a call hangs stops the run at once with exit 3"
rm -rf "$ST" "$MARK"
mkdir -p "$ST"
stall_config "$T_TMP/slow.json" hang 600000
"$PROVHOST" run -c "$T_TMP/slow.json" --no-progress "$EVENTS" >"$T_TMP/sig.out" 2>"$T_TMP/sig.err" </dev/null &
pid=$!
for _ in $(seq 1 200); do
	[ -e "$MARK" ] && break
	sleep 0.05
done
[ -e "$MARK" ] || fail "provision was never entered"
kill -TERM "$pid"
sleep 0.5
kill -0 "$pid" 2>/dev/null || fail "the first SIGTERM ended the run although a call was in flight"
kill -TERM "$pid"
wait_limit "$pid" 5
expect_rc 3
ERR=$(cat "$T_TMP/sig.err")
expect_contains "$ERR" "provhost run: a second Terminated: stopping now without waiting for the calls in flight; their work stays pending (exit 3)"
expect_contains "$ERR" 'provhost run: connector "stall" (connection "stuck") had not returned from provision for E12 after'
expect_eq "$(pending "$T_TMP/slow.json")" 1 "pending events"
finish

begin "a connector calling exit(0) during a run makes provhost exit 3 with the work pending"
rm -rf "$ST"
mkdir -p "$ST"
stall_config "$T_TMP/exit.json" exit 1000
tph 20 run -c "$T_TMP/exit.json" --no-progress "$EVENTS"
expect_rc 3
expect_contains "$ERR" 'provhost run: connector "stall" (connection "stuck") called exit() during provision for E12; the run is stopped, its work stays pending (exit 3)'
expect_eq "$(pending "$T_TMP/exit.json")" 1 "pending events"
tph 20 run -c "$T_TMP/ok.json" --no-progress "$EVENTS"
expect_rc 0
expect_eq "$(pending "$T_TMP/ok.json")" 0 "pending events after the re-run"
finish

begin "a FIFO as a secret file is refused with file:line:column, no hang"
mkfifo "$T_TMP/token.fifo"
write_config "$T_TMP/fifo-secret.json" "{ \"plugin_dir\": \"$FIX\",
  \"connections\": [ { \"name\": \"f\", \"connector\": \"fake\",
    \"settings\": { \"mode\": \"ok\" },
    \"secrets\": { \"token\": { \"file\": \"$T_TMP/token.fifo\" } } } ] }"
tph 10 check-config -c "$T_TMP/fifo-secret.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/fifo-secret.json:4:18: connection \"f\": secret \"token\": file \"$T_TMP/token.fifo\" is not a regular file (it is a FIFO)"
finish

begin "a FIFO as a drop-in *.json or as the configuration itself is refused, no hang"
mkdir -p "$T_TMP/conf.d"
mkfifo "$T_TMP/conf.d/10-pipe.json"
export PH_WD_TOKEN="tok-wd-SeCrEt-1"
write_config "$T_TMP/dropin.json" "{ \"plugin_dir\": \"$FIX\", \"include\": \"conf.d\",
  \"connections\": [ { \"name\": \"f\", \"connector\": \"fake\",
    \"settings\": { \"mode\": \"ok\" },
    \"secrets\": { \"token\": { \"env\": \"PH_WD_TOKEN\" } } } ] }"
tph 10 check-config -c "$T_TMP/dropin.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/10-pipe.json: cannot read configuration: not a regular file (it is a FIFO)"
mkfifo "$T_TMP/main.fifo"
tph 10 check-config -c "$T_TMP/main.fifo"
expect_rc 2
expect_eq "$ERR" "$T_TMP/main.fifo: cannot read configuration: not a regular file (it is a FIFO)"
finish

begin "an audit file that is a FIFO nobody reads fails the run instead of blocking"
stall_config "$T_TMP/ok.json" ok 1000
mkfifo "$T_TMP/audit.fifo"
tph 10 run -c "$T_TMP/ok.json" --no-progress --audit "$T_TMP/audit.fifo" "$EVENTS"
expect_rc 2
expect_eq "$ERR" "provhost run: cannot open audit file \"$T_TMP/audit.fifo\": it is a FIFO that no process is reading"
finish

begin "events from a named FIFO are streamed (a writer is expected)"
rm -rf "$ST"
mkdir -p "$ST"
mkfifo "$T_TMP/events.fifo"
(sleep 0.3; cat "$EVENTS") >"$T_TMP/events.fifo" &
writer=$!
tph 20 run -c "$T_TMP/ok.json" --no-progress "$T_TMP/events.fifo"
run_rc=$RC
wait_limit "$writer" 5 # a run that never opened the FIFO leaves it blocked
RC=$run_rc
expect_rc 0
expect_contains "$OUT" "Created 1"
finish

done_testing
