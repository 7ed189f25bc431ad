#!/usr/bin/env bash
# provhost reconcile over targets that page badly, list nothing, or cannot
# list (issue 15): a silent page-size cap of 7 over 100 accounts, page 1
# repeated past the end, a totalResults that lies; a token that lists
# nothing; a v1.0 connector without the list op; the reconcile section's
# configuration errors; missing accounts re-checked by a lookup first.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

# state_file N FILE: N hand-made accounts (ids 1..N) for --state.
state_file() {
	jq -n --argjson n "$1" '[range(1; $n + 1) | {id: tostring,
		userName: "user\(.)@hand.example", active: true,
		name: {givenName: "User", familyName: "No\(.)"}}]' >"$2"
}
state_file 100 "$T_TMP/users100.json"

# reconcile_100 CASE SIM-ARGS...: a reconcile of the 100 accounts behind
# the simulator started with SIM-ARGS; checks every one is found once.
reconcile_100() {
	local name=$1
	shift
	cp "$T_TMP/users100.json" "$T_TMP/$name.json"
	rt_sim --state "$T_TMP/$name.json" "$@" || return 1
	rt_state "$name"
	rph reconcile --json
	expect_rc 1
	expect_eq "$(jq '.connections[0].accounts' <<<"$OUT")" 100 "accounts listed"
	expect_eq "$(jq '.connections[0].counts.orphan' <<<"$OUT")" 100 "orphans"
	expect_eq "$(jq '[.connections[0].findings[].account_id] | unique | length' <<<"$OUT")" 100 "distinct accounts"
	expect_eq "$(jq '.connections[0].findings | length' <<<"$OUT")" 100 "findings"
	GETS=$(sim_count GET)
	LAST_429=$(sim_stats | jq '.requests_by_status["429"] // 0')
	sim_stop
}

begin "reconcile: a silent page-size cap of 7 over 100 accounts: every account once"
reconcile_100 cap7 --max-page-size 7
# 15 pages of 7 (the last short) and the /Me probe
[ "$GETS" -ge 15 ] && [ "$GETS" -le 18 ] || fail "GET requests: $GETS (expected about 16)"
finish

begin "reconcile: a target stating its window in X-RateLimit-* headers: pages wait for the reset, no 429"
# 15 pages of 7 (and the /Me probe) through 6 requests per second
reconcile_100 window --max-page-size 7 --window-limit 6:1
expect_eq "$LAST_429" 0 "answers 429"
finish

begin "reconcile: a page answered 503 is asked again: every account once"
# every 4th request fails (503, Retry-After 1): the /Me probe, then pages
# 3, 6, 9, 12 and 15 fail once each
reconcile_100 flaky --max-page-size 7 --fail-every 4
expect_contains "$ERR" "page 3 of the account list failed (promapp answered 503 to GET /Users: service temporarily unavailable (injected)); asking again in 1000 ms (retry 1 of 4)"
finish

begin "reconcile: a page that keeps failing ends the listing after 4 retries (exit 3)"
cp "$T_TMP/users100.json" "$T_TMP/down.json"
rt_sim --state "$T_TMP/down.json" --fail-every 1 || exit 1
rt_state down
rph reconcile
expect_rc 3
expect_contains "$ERR" "(retry 4 of 4)"
expect_not_contains "$ERR" "(retry 5 of"
expect_contains "$ERR" "provhost reconcile: connection \"$RT_CONN\": promapp answered 503"
sim_stop
finish

begin "reconcile: page 1 repeated past the end: no endless loop, every account once"
reconcile_100 repeat --max-page-size 7 --repeat-first-page-past-end
[ "$GETS" -le 20 ] || fail "GET requests: $GETS"
finish

begin "reconcile: totalResults 5 too high: every account once, the scan still ends"
reconcile_100 skew --total-results-skew 5
finish

begin "reconcile: a token that lists nothing while the ledger links accounts is a clear error (exit 3)"
rt_sim --blind-lists || exit 1
rt_state blind
rph run "$DEMO_EVENTS"
rph reconcile
expect_rc 3
expect_contains "$ERR" "the target listed no accounts, but the ledger links"
expect_contains "$ERR" "the token probably lacks permission to read users (check its scope/role); nothing was classified"
expect_eq "$(q "SELECT error IS NOT NULL, exit_code FROM reconcile_runs")" "1|3" "the run's row"
expect_eq "$(q "SELECT count(*) FROM reconcile_findings")" 0 "findings"
sim_stop
finish

begin "reconcile: a token refused reading users (403) says so (exit 3)"
rt_sim || exit 1
rt_state scopeless
rt_token "$TEST_TOKEN_NOSCOPE"
rph reconcile
expect_rc 3
expect_contains "$ERR" "the token lacks permission to read users"
finish

begin "reconcile: a v1.0 connector without list: \"connector X cannot list accounts\", nothing is called"
mkdir -p "$T_TMP/v10"
chmod 755 "$T_TMP/v10"
cp "$BUILD/fixtures/frozen_v1_0.so" "$T_TMP/v10/"
chmod 644 "$T_TMP/v10/frozen_v1_0.so"
write_config "$T_TMP/v10.json" "{\"plugin_dir\": \"$T_TMP/v10\", \"state_dir\": \"$T_TMP/v10-state\",
  \"connections\": [{\"name\": \"old\", \"connector\": \"frozen\"}]}"
ph reconcile -c "$T_TMP/v10.json"
expect_rc 3
expect_contains "$ERR" 'connection "old": connector "frozen" cannot list accounts'
finish

begin "reconcile: configuration errors in the reconcile section carry file:line:column"
rt_state badcfg '.connections[0].reconcile = {"ignore": ["svc-*", 7]}'
rph check-config
expect_rc 2
pos=$(awk '/^ *7$/ { print NR ":" index($0, "7"); exit }' "$CFG")
expect_contains "$ERR" "$CFG:$pos: connection \"$RT_CONN\": reconcile: \"ignore\"[1] must be a non-empty string"
rt_state badkey '.connections[0].reconcile = {"ignroe": []}'
rph reconcile
expect_rc 2
expect_contains "$ERR" 'reconcile: unknown key "ignroe" (known: ignore, protect)'
rt_state badtype '.connections[0].reconcile = {"protect": "admin"}'
rph check-config
expect_rc 2
pos=$(awk '/"protect"/ { print NR ":" index($0, "\"protect\""); exit }' "$CFG")
expect_contains "$ERR" "$CFG:$pos: connection \"$RT_CONN\": reconcile: \"protect\" must be a list of strings"
finish

begin "reconcile: missing accounts are re-checked with a lookup first: one the listing skipped is not created again"
rt_sim --state "$T_TMP/site.json" || exit 1
rt_state missing
rph run "$DEMO_EVENTS"
expect_eq "$(sim_users | jq length)" 4 "accounts"
last=$(sim_users | jq -r '.[3].userName')
skipped=$(sim_users | jq -r '.[2].userName')
sim_stop # saves the site to site.json
# the site restored from a backup without its last account, and listing
# badly: pages of 2 and a totalResults one short, so the scan ends after
# the first page and never sees the third account
jq '.[0:3]' "$T_TMP/site.json" >"$T_TMP/restored.json"
rt_sim --state "$T_TMP/restored.json" --max-page-size 2 --total-results-skew -1 || exit 1
sed -i "s|\"instance_url\": \"[^\"]*\"|\"instance_url\": \"$SIM_URL\"|" "$CFG"
rph reconcile
expect_rc 1
expect_contains "$OUT" "2 account(s) listed"
expect_contains "$OUT" "$(printf '  %-15s %s' missing 2)"
posts=$(sim_count POST)
rph reconcile --repair
expect_rc 0
expect_eq "$(sim_count POST)" $((posts + 1)) "accounts created (only the one really missing)"
expect_eq "$(sim_users | jq -r --arg u "$skipped" '[.[] | select(.userName == $u)] | length')" 1 "accounts of the skipped person"
expect_eq "$(sim_users | jq -r --arg u "$last" '[.[] | select(.userName == $u and .active)] | length')" 1 "the missing person's new account"
expect_contains "$(q "SELECT repair_detail FROM reconcile_findings WHERE repair = 'found'")" "the listing skipped it; nothing sent"
finish

begin "reconcile --json over two connections is one JSON document with both"
rt_sim || exit 1
rt_state two '.connections += [.connections[0] | .name = "second"]'
rph run "$DEMO_EVENTS"
rph reconcile --json
expect_rc 0 # both connections linked the same four accounts
expect_eq "$(jq -r '[.connections[].connection] | join(",")' <<<"$OUT")" "$RT_CONN,second" "connections"
expect_eq "$(jq '[.connections[].accounts] | add' <<<"$OUT")" 8 "accounts listed"
rph reconcile --json --connection second
expect_eq "$(jq '.connections | length' <<<"$OUT")" 1 "with --connection"
rph reconcile --connection nosuch
expect_rc 2
expect_contains "$ERR" 'no connection named "nosuch"'
sim_stop
finish

begin "reconcile: a listing cut short by a 503 classifies nothing (exit 3, no findings kept)"
# 600 accounts in pages of 100: from the 5th request on (/Me, then pages
# 1-4) every request fails, after more than 256 findings were written;
# page 4 is asked again 4 times
state_file 600 "$T_TMP/fail.json"
rt_sim --state "$T_TMP/fail.json" --fail-from 5 || exit 1
rt_state fail
rph reconcile
expect_rc 3
expect_contains "$ERR" "provhost reconcile: connection \"$RT_CONN\":"
expect_eq "$(q "SELECT count(*) FROM reconcile_findings")" 0 "findings kept"
expect_eq "$(q "SELECT exit_code, error IS NOT NULL FROM reconcile_runs")" "3|1" "the run's row"
expect_eq "$(grep -c '"operation":"reconcile"' "$AUDIT")" 1 "the counts line (with the error)"
sim_stop
finish

rt_no_secrets_case
done_testing
