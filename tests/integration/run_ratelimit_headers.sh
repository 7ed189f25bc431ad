#!/usr/bin/env bash
# A target that states its limit in X-RateLimit-* / RateLimit-* headers
# (issue 16): provhost keeps within "remaining" until the window's reset
# and holds every request until the reset when none is left, across all
# workers, so the target never has to answer 429. The simulator's
# --window-limit N:S allows N requests per S-second window, announces it
# in those headers and answers 429 without Retry-After beyond it.
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/run_common.inc"

hires() {
	local i
	for i in $(seq 1 "$1"); do ev hire "E$2$i" "h$2$i" - "F$2$i" "L$i" Engineering; done
}
count_429() { sim_stats | jq '.requests_by_status["429"] // 0'; }

# one_case NAME RESET SIM-ARGS...: 25 hires, 8 workers, no max_rps, one
# request per hire (create_first), against a 10-per-second window whose
# reset provhost takes as at most RESET seconds away
one_case() {
	local name=$1 reset=$2
	shift 2
	rt_sim "$@" || return 1
	rt_state "$name" '.connections[0].engine = {"workers": 8} | .connections[0].settings.create_first = true'
	hires 25 "$name" >"$T_TMP/$name.jsonl"
	rph run "$T_TMP/$name.jsonl"
	expect_rc 0
	expect_contains "$OUT" "Created 25"
	expect_contains "$OUT" "Failed 0"
	expect_eq "$(count_429)" 0 "answers 429"
	expect_eq "$(sim_users | jq length)" 25 "accounts"
	expect_contains "$OUT" "rate: kept within the target's rate-limit headers (10 requests per window, reset within $reset s); waited for a window's reset"
	sim_stop
}

begin "X-RateLimit-* headers: 25 hires through a 10/s window without a single 429"
one_case x 1 --window-limit 10:1
finish

begin "RateLimit-* (IETF draft) headers: the same"
one_case ietf 1 --window-limit 10:1 --ietf-rate-headers
finish

begin "X-RateLimit-Reset as a Unix time (GitHub): the same, a second later"
# a Unix time and the clock are whole seconds: the true reset may be up to
# a second after their difference, so provhost waits that second too
one_case epoch 2 --window-limit 10:1 --rate-reset-epoch
finish

begin "a small window (3 requests per 2 s): requests wait for its reset, no 429"
# without the headers provhost would send the 4th request at once
rt_sim --window-limit 3:2 || exit 1
rt_state w3 '.connections[0].engine = {"workers": 2} | .connections[0].settings.create_first = true'
hires 7 w >"$T_TMP/w.jsonl"
rph run "$T_TMP/w.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 7"
expect_eq "$(count_429)" 0 "answers 429"
sim_stop
finish

begin "a window reset beyond the deadline stops the connection and says why; events stay pending"
rt_sim --window-limit 1:30 || exit 1
rt_state late '.connections[0].engine = {"workers": 2, "call_timeout_ms": 1500, "event_deadline_ms": 3000} | .connections[0].settings.create_first = true'
hires 3 late >"$T_TMP/late.jsonl"
rph run "$T_TMP/late.jsonl"
expect_rc 3
expect_contains "$OUT" "rate limited: the target's rate-limit headers left no request in its window"
expect_eq "$(count_429)" 0 "answers 429"
expect_eq "$(sim_users | jq length)" 0 "accounts"
expect_eq "$(count_state pending)" 3 "pending targets"
sim_stop
finish

rt_no_secrets_case
