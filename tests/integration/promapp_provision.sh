#!/usr/bin/env bash
# Promapp connector: provision, deprovision, lookup and dry run against the
# simulator; asserts on the simulator's state and exact messages.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/promapp_common.inc"

U="jdoe@example.org"
sim_start --roles "Modeller,Viewer" || exit 1
S=$(settings '"roles":true')
R=$(record "$U" Jane Doe '[{"display":"Viewer"}]')
user_field() { sim_users | jq -r --arg u "$1" "[.[] | select(.userName|ascii_downcase == (\$u|ascii_downcase))][0] | $2"; }
n_users() { sim_users | jq length; }

begin "acceptance: create, then the same person again is unchanged"
drive "$TEST_TOKEN" provision --settings "$S" --record "$R"
expect_rc 0
expect_eq "$OUTCOME" created outcome
expect_eq "$HTTP_CODE" 201 http
id=$ACCOUNT
expect_eq "$DETAIL" "created '$U' (account $id)" detail
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$S" --record "$R"
expect_eq "$OUTCOME" unchanged outcome
expect_eq "$ACCOUNT" "$id" account
expect_eq "$(sim_writes)" "$w0" "writes after unchanged"
expect_eq "$(n_users)" 1 "accounts"
expect_eq "$(user_field "$U" '.name.givenName + " " + .name.familyName + " " + .emails[0].value + " " + .timezone + " " + (.roles|map(.display)|join(",")) + " " + (.active|tostring)')" \
	"Jane Doe $U Europe/Berlin Viewer true" "stored user"
finish

begin "changed name is updated with one PUT, unmanaged attributes kept"
curl -s -X PUT -H "Authorization: Bearer $TEST_TOKEN" -H 'Content-Type: application/json' \
	--data-binary "$(sim_users | jq -c --arg u "$U" '.[] | select(.userName==$u) | del(.meta) | .emails += [{value:"home@example.net", type:"home"}]')" \
	"$SIM_URL/Users/$id" >/dev/null
puts0=$(sim_stats | jq '.requests_by_method.PUT')
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "$U" Jane Smith '[{"display":"Viewer"}]')" --account-id "$id"
expect_eq "$OUTCOME" updated outcome
expect_eq "$DETAIL" "updated '$U' (account $id; changed name)" detail
expect_eq "$(user_field "$U" .name.familyName)" Smith familyName
expect_eq "$(user_field "$U" '.emails|map(.value)|join(",")')" "$U,home@example.net" "emails (home kept)"
expect_eq "$(sim_stats | jq '.requests_by_method.PUT')" $((puts0 + 1)) "PUTs"
finish

begin "unknown role is a permanent invalid-input error quoting the server"
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "$U" Jane Smith '[{"display":"Auditor"}]')"
expect_rc 1
expect_eq "$STATUS" invalid_input status
expect_eq "$ERROR" "promapp answered 400 to PUT /Users/$id: Role not found: Auditor" message
expect_not_contains "$OUT" "retryable=1"
expect_eq "$(user_field "$U" '.roles|map(.display)|join(",")')" Viewer "roles kept"
finish

begin "roles are ignored unless enabled"
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$(record "$U" Jane Smith '[{"display":"Auditor"}]')"
expect_eq "$STATUS" ok status
expect_eq "$OUTCOME" unchanged outcome
finish

begin "dry run of a change reads but writes nothing"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "$U" Janet Smith '[{"display":"Modeller"}]')" --dry-run
expect_eq "$OUTCOME" updated outcome
expect_eq "$DETAIL" "dry run: would update '$U' (account $id; changed name, roles)" detail
plan=$(grep '^plan: ' <<<"$OUT")
[[ $plan == "plan: PUT /Users/$id {"* ]] || fail "unexpected plan: $plan"
expect_eq "$(sed 's/^plan: PUT [^ ]* //' <<<"$plan" | jq -c '[.name.givenName, .roles[0].display, (.emails|map(.value)|join(",")), has("id"), has("meta")]')" \
	"[\"Janet\",\"Modeller\",\"$U,home@example.net\",false,false]" "planned body"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(user_field "$U" .name.givenName)" Jane "givenName unchanged"
finish

begin "lookup returns the account"
drive "$TEST_TOKEN" lookup --settings "$S" --record "{\"userName\":\"JDOE@example.org\"}"
expect_rc 0
rec=$(grep '^{' <<<"$OUT")
expect_eq "$(jq -c '[.id, .userName, .name.familyName, .active, .roles[0].display, .emails[0].value, .emails[1].value]' <<<"$rec")" \
	"[\"$id\",\"$U\",\"Smith\",true,\"Viewer\",\"$U\",\"home@example.net\"]" "lookup record"
drive "$TEST_TOKEN" lookup --settings "$S" --record '{"userName":"nobody@example.org"}'
expect_eq "$STATUS" not_found status
expect_eq "$ERROR" "no account for 'nobody@example.org' on promapp" message
finish

begin "dry run of a deprovision plans the DELETE only"
w0=$(sim_writes)
drive "$TEST_TOKEN" deprovision --settings "$S" --record "{\"userName\":\"$U\"}" --dry-run
expect_eq "$OUTCOME" deactivated outcome
expect_eq "$(grep '^plan: ' <<<"$OUT")" "plan: DELETE /Users/$id " plan
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(user_field "$U" .active)" true active
finish

begin "acceptance: deprovision leaves the account inactive"
drive "$TEST_TOKEN" deprovision --settings "$S" --account-id "$id" --record "{\"userName\":\"$U\"}"
expect_rc 0
expect_eq "$OUTCOME" deactivated outcome
expect_eq "$HTTP_CODE" 204 http
expect_eq "$DETAIL" "deactivated '$U' (account $id; DELETE /Users/$id)" detail
expect_eq "$(user_field "$U" .active)" false active
expect_eq "$(n_users)" 1 accounts
finish

begin "deprovision of an inactive account is unchanged, no write"
w0=$(sim_writes)
drive "$TEST_TOKEN" deprovision --settings "$S" --record "{\"userName\":\"$U\"}"
expect_eq "$OUTCOME" unchanged outcome
expect_eq "$DETAIL" "'$U' (account $id) is already inactive" detail
expect_eq "$(sim_writes)" "$w0" writes
finish

begin "deprovision of an unknown account is absent, success"
w0=$(sim_writes)
drive "$TEST_TOKEN" deprovision --settings "$S" --account-id 999999 --record '{"userName":"ghost@example.org"}'
expect_rc 0
expect_eq "$OUTCOME" absent outcome
expect_eq "$DETAIL" "no account for 'ghost@example.org' on promapp; nothing to do" detail
expect_eq "$(sim_writes)" "$w0" writes
finish

begin "acceptance: reprovisioning reactivates the account"
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "$U" Jane Smith '[{"display":"Viewer"}]')" --account-id "$id"
expect_rc 0
expect_eq "$OUTCOME" reactivated outcome
expect_eq "$ACCOUNT" "$id" account
expect_eq "$(user_field "$U" .active)" true active
expect_eq "$(n_users)" 1 accounts
finish

begin "a stale account id falls back to the userName"
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "$U" Jane Smith '[{"display":"Viewer"}]')" --account-id 424242
expect_eq "$OUTCOME" unchanged outcome
expect_eq "$ACCOUNT" "$id" account
expect_contains "$ERR" "account 424242 not found on promapp; looking it up by its identity"
finish

begin "a userName differing only in case is corrected, same account"
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "JDoe@Example.org" Jane Smith '[{"display":"Viewer"}]')"
expect_eq "$OUTCOME" updated outcome
expect_eq "$ACCOUNT" "$id" account
expect_eq "$(sim_users | jq -r '.[0].userName')" "JDoe@Example.org" userName
expect_eq "$(n_users)" 1 accounts
finish

begin "dry run of a new account sends no write"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$S" --record "$(record "new@example.org" New Person '[{"display":"Modeller"}]')" --dry-run
expect_eq "$OUTCOME" created outcome
expect_eq "$ACCOUNT" "" account
expect_eq "$DETAIL" "dry run: would create 'new@example.org' (POST /Users)" detail
expect_eq "$(grep -c '^plan: POST /Users {' <<<"$OUT")" 1 plans
expect_eq "$(sim_writes)" "$w0" writes
expect_eq "$(n_users)" 1 accounts
finish

begin "malformed JSON in a 2xx is a protocol error with an excerpt"
fake_start badjson
drive "$TEST_TOKEN" provision --settings "{\"instance_url\":\"$FAKE_URL\"}" --record "$R"
expect_eq "$STATUS" protocol status
expect_eq "$ERROR" "the answer at $FAKE_URL/api/scim/Users (promapp answered 200 to GET) is not valid JSON (unexpected token near end of file at line 1 column 42): {\"totalResults\": 1, \"Resources\": [ {\"id\":" message
finish

begin "409 race: the account appears between lookup and create"
sim_start --latency-ms 700 || exit 1
RACE="race@example.org"
drive_bg() {
	PROVHOST_SECRET_ACCESS_TOKEN=$TEST_TOKEN "$DRIVE" "$PLUGIN" provision \
		--settings "$(settings)" --record "$(record "$RACE" Race Case)" \
		>"$T_TMP/race.out" 2>"$T_TMP/race.err" </dev/null
}
drive_bg &
bg=$!
for i in $(seq 1 200); do
	[ "$(sim_stats | jq '.requests_by_method.POST // 0')" -ge 1 ] && break
	sleep 0.02
done
# another writer creates the same person (other case) while our POST waits
curl -s -X POST -H 'Content-Type: application/json' "$SIM_ROOT/__sim/users" \
	--data-binary "$(record "RACE@example.org" Race Case | jq -c '. + {active:true}')" >/dev/null
wait "$bg"
cat "$T_TMP/race.out" "$T_TMP/race.err" >>"$ALL_OUT"
out=$(cat "$T_TMP/race.out")
expect_contains "$out" "status=ok outcome=updated"
expect_contains "$out" "detail: linked the existing account after 409; updated '$RACE'"
expect_eq "$(sim_users | jq length)" 1 accounts
expect_eq "$(sim_users | jq -r '.[0].userName')" "$RACE" userName
expect_eq "$(sim_stats | jq '.requests_by_status["409"] // 0')" 1 "409 answers"
finish

begin "no token appears in any output"
expect_no_secrets
finish

done_testing
