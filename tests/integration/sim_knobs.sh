#!/usr/bin/env bash
# promapp-sim: knobs (latency, rate limit, fail/drop every N, state file,
# threads) and the test-only /__sim endpoints.
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/sim_helpers.sh"

# codes N PATH: N sequential GETs on one keep-alive connection; prints the
# status codes separated by spaces.
codes() {
	local args=() i
	for ((i = 0; i < $1; i++)); do args+=(-o /dev/null "$SIM_URL$2"); done
	curl -s -m 20 -H "Authorization: Bearer $TEST_TOKEN" \
		-w '%{http_code} ' "${args[@]}" | sed 's/ $//'
}

begin "without knobs there is no fault injection"
sim_start || exit 1
create_user "plain@example.com"
expect_eq "$(codes 60 /Users/1 | tr ' ' '\n' | sort -u | tr '\n' ' ')" "200 " "60 GETs all 200"
expect_eq "$(sim_stats | jq '[.requests_by_status["200"], .dropped]|map(tostring)|join(",")')" '"60,0"' "stats"
finish

begin "/__sim/stats counts /api/scim requests by method and status only"
curl -s -X POST "$SIM_ROOT/__sim/reset" -o /dev/null
create_user "first@example.com"
scim GET /Users/1
scim GET /Users/999
scim POST /Users "$(user_json "stats@example.com")"
scim PATCH /Users/1 "$(patch_json '[{"op":"replace","path":"active","value":false}]')"
scim DELETE /Users/2
scim PUT /Users/2 "$(user_json "stats@example.com")"
scim GET /Users/1 "" bad-token
sim_users >/dev/null
BODY=$(sim_stats)
expect_eq "$(jb '.total')" 8 "total"
expect_eq "$(jb '.requests_by_method|tojson')" '{"GET":3,"POST":2,"PUT":1,"PATCH":1,"DELETE":1}' "by method"
expect_eq "$(jb '.requests_by_status|tojson')" '{"200":2,"201":2,"204":1,"400":1,"401":1,"404":1}' "by status"
expect_eq "$(jb '.dropped')" 0 "dropped"
[ "$(jb '.max_concurrent_connections')" -ge 1 ] || fail "max_concurrent_connections: $(jb .max_concurrent_connections)"
expect_eq "$(sim_writes)" 5 "sim_writes helper"
finish

begin "/__sim/users lists inactive users; POST /__sim/users inserts without auth"
req POST "$SIM_ROOT/__sim/users" --data-binary '{"userName":"direct@example.com","name":{"givenName":"D","familyName":"I"},"active":false,"roles":[{"display":"Any Role"}]}'
expect_eq "$HTTP" 201 "insert"
expect_eq "$(jb '[.id, (.active|tostring), .roles[0].display]|join(",")')" "3,false,Any Role" "inserted user"
req POST "$SIM_ROOT/__sim/users" --data-binary '{"userName":"DIRECT@example.com","name":{"givenName":"D","familyName":"I"}}'
expect_scim_error 409 uniqueness
req POST "$SIM_ROOT/__sim/users" --data-binary 'nope'
expect_scim_error 400
BODY=$(sim_users)
expect_eq "$(jb '[.[]|.id+":"+(.active|tostring)]|join(",")')" "1:true,2:true,3:false" "all users"
expect_eq "$(sim_stats | jq .total)" 8 "/__sim requests are not counted"
req DELETE "$SIM_ROOT/__sim/users"
expect_scim_error 405
req GET "$SIM_ROOT/__sim/nope"
expect_scim_error 404
finish

begin "POST /__sim/reset empties users and stats; ids restart at 1"
req POST "$SIM_ROOT/__sim/reset"
expect_eq "$HTTP" 204 "reset"
expect_eq "$(sim_users)" "[]" "no users"
expect_eq "$(sim_stats | jq -c '[.total, .requests_by_status, .dropped]')" '[0,{},0]' "stats zeroed"
create_user "after.reset@example.com"
expect_eq "$ID" 1 "first id again"
sim_stop_clean
finish

begin "--fail-every N: every Nth request is a 503 with Retry-After"
sim_start --fail-every 3 || exit 1
expect_eq "$(codes 7 /Users)" "200 200 503 200 200 503 200" "statuses"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 503
expect_eq "$(header Retry-After)" 1 "Retry-After"
expect_eq "$(sim_stats | jq -c '.requests_by_status')" '{"200":6,"503":3}' "stats"
sim_stop_clean
finish

begin "--fail-retry-after: the 503s' Retry-After; 0 sends none"
sim_start --fail-every 1 --fail-retry-after 7 || exit 1
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 503
expect_eq "$(header Retry-After)" 7 "Retry-After"
sim_stop_clean
sim_start --fail-every 1 --fail-retry-after 0 || exit 1
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 503
expect_eq "$(header Retry-After)" "" "Retry-After"
sim_stop_clean
finish

begin "--drop-every N: every Nth request gets no answer"
sim_start --drop-every 2 || exit 1
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_eq "$HTTP" 200 "first"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_eq "$HTTP" 000 "second: no status"
expect_eq "$CURL_RC" 52 "curl: empty reply"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_eq "$HTTP" 200 "third"
expect_eq "$(sim_stats | jq -c '[.total, .dropped, .requests_by_status]')" '[3,1,{"200":2}]' "stats"
sim_stop_clean
finish

begin "--rate-limit RPS:BURST: a token bucket; empty bucket is a 429 with Retry-After"
sim_start --rate-limit 0.2:3 || exit 1
expect_eq "$(codes 5 /Users)" "200 200 200 429 429" "burst of 3, then limited"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 429
# one token every 5 s and the bucket is (nearly) empty: the wait is 3-5 s
ra=$(header Retry-After)
[[ $ra == [345] ]] || fail "Retry-After '$ra', expected 3, 4 or 5"
expect_eq "$(sim_stats | jq -c '.requests_by_status')" '{"200":3,"429":3}' "stats"
sim_stop_clean
sim_start --rate-limit 2:1 || exit 1
expect_eq "$(codes 2 /Users)" "200 429" "burst of 1"
req GET "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_eq "$(header Retry-After)" 1 "Retry-After rounds up to 1"
sleep 0.6
expect_eq "$(codes 1 /Users)" "200" "a token is back after half a second"
sim_stop_clean
finish

begin "--rate-limit RPS: default burst is RPS/10 (at least 1)"
sim_start --rate-limit 1 || exit 1
expect_eq "$(codes 3 /Users)" "200 429 429" "burst of 1"
sim_stop_clean
sim_start --rate-limit 50 || exit 1
expect_eq "$(codes 6 /Users | cut -d' ' -f1-5)" "200 200 200 200 200" "burst of 5"
sim_stop_clean
finish

begin "--latency-ms delays answers; 40 slow requests overlap"
sim_start --latency-ms 300 || exit 1
t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TEST_TOKEN" "$SIM_URL/Users")
awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }' || fail "answer took ${t}s, expected >= 0.3s"
sim_stop_clean
sim_start --latency-ms 2000 || exit 1
# one curl opens 40 connections at once (--parallel, no connection reuse)
args=()
for i in $(seq 1 40); do args+=(-o /dev/null "$SIM_URL/Users?count=$i"); done
codes_out=$(curl -s -m 120 --parallel --parallel-immediate --parallel-max 50 \
	-H "Authorization: Bearer $TEST_TOKEN" -w '%{http_code}\n' "${args[@]}" 2>/dev/null)
expect_eq "$(grep -c '^200$' <<<"$codes_out")" 40 "40 answers"
# the overlap is proven by the simulator's own count of connections open at
# once while answers were delayed (no wall-clock assertion: machines are noisy)
m=$(sim_stats | jq .max_concurrent_connections)
[ "$m" -ge 32 ] || fail "max_concurrent_connections $m, expected >= 32"
sim_stop_clean
finish

begin "--latency-ms N:JITTER with --seed, and --threads 1"
sim_start --latency-ms 10:40 --seed 42 --threads 1 || exit 1
expect_eq "$(codes 5 /Users)" "200 200 200 200 200" "answers"
sim_stop_clean
sim_start --threads 1 || exit 1
expect_eq "$(codes 5 /Users)" "200 200 200 200 200" "single thread"
sim_stop_clean
finish

begin "--state FILE: saved while running and at exit, reloaded on restart"
state="$T_TMP/state.json"
sim_start --state "$state" || exit 1
create_user "keep1@example.com" Keep One '"timezone":"UTC"'
create_user "keep2@example.com" Keep Two
scim DELETE /Users/2
for i in $(seq 1 50); do
	[ "$(jq -r '.[1].active' "$state" 2>/dev/null)" = false ] && break
	sleep 0.1
done
expect_eq "$(jq -r '[.[]|.userName+":"+(.active|tostring)]|join(",")' "$state")" "keep1@example.com:true,keep2@example.com:false" "saved while running"
scim PATCH /Users/1 "$(patch_json '[{"op":"replace","path":"name.givenName","value":"Kept"}]')"
sim_stop_clean
expect_eq "$(jq -r '.[0].name.givenName' "$state")" Kept "final save at exit"
expect_eq "$(stat -c %a "$state")" 600 "file mode"
expect_eq "$(ls "$T_TMP" | grep -c 'state.json.tmp')" 0 "no temporary file left"
sim_start --state "$state" || exit 1
scim GET /Users/1
expect_eq "$(jb '[.userName, .name.givenName, .timezone, .meta.location]|join(",")')" \
	"keep1@example.com,Kept,UTC,$SIM_URL/Users/1" "user 1 after restart"
scim GET /Users/2
expect_eq "$(jb '.active')" false "user 2 still inactive"
create_user "KEEP1@example.com"
expect_scim_error 409 uniqueness
create_user "keep3@example.com"
expect_eq "$ID" 3 "ids continue"
sim_stop_clean
finish

begin "--state with a corrupt file refuses to start"
printf '[{"id":"7","userName":"x"}]' >"$T_TMP/bad.json"
"$SIM" --port 0 --token t --state "$T_TMP/bad.json" >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
expect_rc 1
expect_contains "$(cat "$T_TMP/e")" "invalid state file"
printf '{not json' >"$T_TMP/bad.json"
"$SIM" --port 0 --token t --state "$T_TMP/bad.json" >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
expect_rc 1
expect_contains "$(cat "$T_TMP/e")" "cannot load state file"
expect_eq "$(cat "$T_TMP/o")" "" "no listening line"
finish

begin "SIGINT stops the simulator cleanly too"
sim_start || exit 1
kill -INT "$SIM_PID"
wait "$SIM_PID"; rc=$?
expect_eq "$rc" 0 "exit status"
finish

begin "paging knobs: a page-size cap, page 1 again past the end, a skewed total"
sim_start --max-page-size 2 --repeat-first-page-past-end --total-results-skew -1 || exit 1
for u in a b c; do create_user "$u@example.com"; done
scim GET "/Users?startIndex=1&count=50"
expect_eq "$(jb '[.Resources[].id] | join(",")')" "1,2" "capped page"
expect_eq "$(jb '.totalResults')" 2 "totalResults off by -1"
scim GET "/Users?startIndex=4&count=50"
expect_eq "$(jb '([.Resources[].id] | join(",")) + " " + (.startIndex|tostring)')" "1,2 4" "page 1 again past the end"
sim_stop_clean
finish

begin "--case-sensitive-filter: the filter misses a case variant, uniqueness does not"
sim_start --case-sensitive-filter || exit 1
create_user "Ana@example.com" Ana Lima '"externalId":"E7"'
scim GET "/Users?filter=userName%20eq%20%22ana@example.com%22"
expect_eq "$(jb '.totalResults')" 0 "case variant not found"
scim GET "/Users?filter=userName%20eq%20%22Ana@example.com%22"
expect_eq "$(jb '.totalResults')" 1 "exact case found"
create_user "ana@example.com"
expect_scim_error 409 uniqueness
scim GET "/Users?filter=externalId%20eq%20%22E7%22"
expect_eq "$(jb '.Resources[0].externalId')" E7 "externalId filter"
scim GET "/Users?filter=externalId%20eq%20%22e7%22"
expect_eq "$(jb '.totalResults')" 0 "externalId is case-exact"
sim_stop_clean
finish

done_testing
