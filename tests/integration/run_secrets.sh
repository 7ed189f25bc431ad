#!/usr/bin/env bash
# Secrets and unusable credentials: a bad or scopeless token stops the
# connection after the one pre-flight request, sends no write and leaves
# every event pending; the right token then finishes them. No token ever
# appears in what provhost prints or writes.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1
rt_state secrets
rt_token "$BAD_TOKEN"
clean="$T_TMP/clean.jsonl"
sed 8d "$DEMO_EVENTS" >"$clean" # the demo without its malformed line

stopped_401="  STOPPED: connection check failed: the access token was rejected — it may have expired (Promapp SCIM tokens are valid for one year); a Promaster creates a new one under My Profile → Access Tokens with scope SCIM (promapp answered 401 to GET /Users: the bearer token is invalid or expired) (credential)"

begin "bad token: exit 3 after one request, no write, events stay pending"
rph run -v -v --reject-file "$REJ" "$clean"
expect_rc 3
expect_contains "$OUT" "run 1: 9 lines read from $clean, 0 rejected"
expect_contains "$OUT" "Total 9 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0
  Pending 8 | Not yet effective 1"
expect_contains "$OUT" "$stopped_401"
expect_eq "$(sim_stats | jq -c '[.total, .requests_by_method.GET, .requests_by_status]')" '[1,1,{"401":1}]' "requests"
expect_eq "$(sim_writes)" 0 "writes"
expect_eq "$(count_state pending) $(count_state not_yet_effective) $(q "SELECT count(*) FROM targets")" "8 1 9" "pending targets"
expect_eq "$(q "SELECT sum(attempts) FROM targets")" 0 "attempts"
rph status
expect_contains "$OUT" "  pending 8 | not yet effective 1 (due 0) | done 0 | failed 0 | rejected 0 | skipped 0"
expect_contains "$OUT" "last run 1: $clean, started"
expect_contains "$OUT" ", exit 3"
finish

begin "token without the SCIM scope: exit 3 after one request, no write"
rt_token "$TEST_TOKEN_NOSCOPE"
rph run "$clean"
expect_rc 3
expect_contains "$OUT" "  STOPPED: connection check failed: "
expect_contains "$OUT" "(permission)"
expect_eq "$(sim_stats | jq -c '[.total, .requests_by_status]')" '[2,{"401":1,"403":1}]' "requests"
expect_eq "$(sim_writes)" 0 "writes"
expect_eq "$(count_state pending)" 8 "pending targets"
finish

begin "the right token finishes the pending events, even from empty input"
rt_token "$TEST_TOKEN"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "run 3: 0 lines read from $T_TMP/empty.jsonl, 0 rejected"
expect_contains "$OUT" "Created 4 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0"
expect_eq "$(users_brief)" \
	"aroha.ngata@example.com active=true roles=Modeller,Viewer name=Aroha Ngata
jonas.berg@example.com active=true roles=Editor,Modeller,Viewer name=Jonas Berg
liam.obrien@example.com active=true roles=Modeller,Viewer name=Liam O'Brien
mei.chen@example.com active=true roles=Process Expert,Viewer name=Mei Chen" "users"
expect_eq "$(count_state done) $(count_state pending)" "8 0" "targets"
finish

begin "token from the environment: works, and is not echoed"
sim_reset
rt_state secrets-env '.connections[0].secrets.access_token = {"env": "PH_RUNTEST_TOKEN"}'
rm -f "$ST/promapp-token"
PH_RUNTEST_TOKEN="$TEST_TOKEN" rph run -v -v "$clean"
expect_rc 0
expect_contains "$OUT" "Created 4 |"
expect_eq "$(sim_writes)" 7 "writes"
finish

begin "two connections: the one with a bad token stops, the other finishes"
A_URL=$SIM_URL A_ROOT=$SIM_ROOT
rt_sim || exit 1
B_URL=$SIM_URL B_ROOT=$SIM_ROOT
SIM_URL=$A_URL SIM_ROOT=$A_ROOT
sim_reset
second_token="$T_TMP/second-token" # outside the state dirs the secret scan reads
(umask 077 && printf '%s\n' "$BAD_TOKEN" >"$second_token")
rt_state two ".connections += [.connections[0] | .name = \"Second\"
	| .settings.instance_url = \"$B_URL\"
	| .secrets.access_token = {\"file\": \"$second_token\"}]"
rph run "$clean"
expect_rc 3
expect_contains "$OUT" "connection \"$RT_CONN\":
  Total 9 | Rejected 0 | Skipped 0 | Unchanged 1 | Created 4 | Updated 1 | Reactivated 1 | Deactivated 1 | Failed 0
  Pending 0 | Not yet effective 1
"
expect_contains "$OUT" "connection \"Second\":
  Total 9 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0
  Pending 8 | Not yet effective 1
"
expect_contains "$OUT" "$stopped_401"
expect_eq "$(sim_writes)" 7 "writes on the first connection's target"
expect_eq "$(SIM_ROOT=$B_ROOT sim_stats | jq -c '[.total, .requests_by_status]')" '[1,{"401":1}]' "requests to the second"
expect_eq "$(q "SELECT connection, state, count(*) FROM targets GROUP BY 1, 2 ORDER BY 1, 2")" \
	"$RT_CONN|done|8
$RT_CONN|not_yet_effective|1
Second|not_yet_effective|1
Second|pending|8" "targets per connection"
(umask 077 && printf '%s\n' "$TEST_TOKEN" >"$second_token")
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(sim_writes)" 7 "no new write on the first connection's target"
expect_eq "$(SIM_ROOT=$B_ROOT sim_writes)" 7 "writes on the second"
expect_eq "$(SIM_ROOT=$B_ROOT users_brief)" "$(users_brief)" "same users on both"
rph status
expect_contains "$OUT" "connection \"$RT_CONN\":
  pending 0 | not yet effective 1 (due 0) | done 8 | failed 0 | rejected 0 | skipped 0 | held 0 | disputed 0
  accounts linked 4 (active 4)
connection \"Second\":
  pending 0 | not yet effective 1 (due 0) | done 8 | failed 0 | rejected 0 | skipped 0 | held 0 | disputed 0
  accounts linked 4 (active 4)"
finish

rt_no_secrets_case
done_testing
