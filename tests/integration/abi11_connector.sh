#!/usr/bin/env bash
# ABI 1.1 in the SCIM connectors, driven op by op (connector-drive) against
# the simulator: list pages through every account exactly once whatever the
# server's paging quirks (a page-size cap, page 1 again past the end, a
# totalResults that is off), a 403 is a permission message, no-adopt
# reports an existing account as a candidate without writing, externalId is
# the generic connector's first correlation key, and a v1.0 connector
# cannot list.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/promapp_common.inc"

SCIMGEN="$PLUGIN_DIR/scim.so"

# seed N: creates users u1@x.test .. uN@x.test on the running simulator.
seed() {
	for i in $(seq 1 "$1"); do
		scim POST /Users "$(jq -cn --arg u "u$i@x.test" \
			'{userName:$u, name:{givenName:"G", familyName:"F"}, emails:[{value:$u}]}')"
		[ "$HTTP" = 201 ] || { fail "seeding u$i: HTTP $HTTP $BODY"; return 1; }
	done
}
gets() { sim_stats | jq '.requests_by_method.GET // 0'; }
# listed_ids: the ids of the records list printed, sorted numerically.
listed_ids() { grep '^{' "$T_TMP/d.out" | jq -r .id | sort -n | tr '\n' ' '; }
all_ids() { seq 1 "$1" | tr '\n' ' '; }

# list_case N SIM-ARGS...: N accounts behind a simulator with SIM-ARGS;
# list must return each exactly once. Sets G (GET requests of the list).
list_case() {
	local n=$1
	shift
	sim_start "$@" || return 1
	seed "$n" || return 1
	local g0
	g0=$(gets)
	drive "$TEST_TOKEN" list --settings "$(settings)"
	G=$(($(gets) - g0 - 1)) # not counting the one GET /Me (the token's account)
	expect_rc 0
	expect_eq "$STATUS" ok status
	expect_contains "$OUT" "listed=$n distinct=$n"
	expect_eq "$(listed_ids)" "$(all_ids "$n")" "every account once"
	sim_stop
}

begin "list: a page-size cap of 7 over 100 accounts, each once, 15 pages"
list_case 100 --max-page-size 7
expect_eq "$G" 15 "GET requests (14 full pages and one of 2)"
expect_contains "$ERR" "listed 100 accounts of promapp in 15 pages (up to 7 per page); ended by totalResults reached"
finish

begin "list: page 1 again past the end (totalResults too high) ends, each once"
list_case 100 --max-page-size 7 --repeat-first-page-past-end --total-results-skew 5
expect_eq "$G" 16 "GET requests (15 pages, then page 1 again)"
expect_contains "$ERR" "ended by a page of accounts already listed"
finish

begin "list: a last page exactly full with page 1 again past the end"
list_case 98 --max-page-size 7 --repeat-first-page-past-end
expect_eq "$G" 15 "GET requests (14 full pages, one probe)"
finish

begin "list: a totalResults too low loses nothing"
list_case 100 --max-page-size 7 --total-results-skew -3
expect_eq "$G" 15 "GET requests"
finish

begin "list: a totalResults too high ends on the empty page"
list_case 30 --max-page-size 7 --total-results-skew 40
expect_eq "$G" 6 "GET requests (5 pages and an empty one)"
expect_contains "$ERR" "ended by an empty page"
finish

begin "list: paces before every page; records carry what reconciliation needs"
sim_start --max-page-size 3 --latency-ms 150 || exit 1
seed 7
g0=$(gets)
drive "$TEST_TOKEN" list --settings "$(settings)" --deadline-ms 220
expect_eq "$STATUS" timeout "status once the deadline passed (pace before every page)"
pages=$(($(gets) - g0))
[ "$pages" -ge 1 ] && [ "$pages" -lt 3 ] || fail "pages fetched before the deadline: $pages (the scan needs 3)"
drive "$TEST_TOKEN" list --settings "$(settings '"match_external_id":true')"
expect_eq "$(grep -c '^{' "$T_TMP/d.out")" 7 records
expect_eq "$(grep '^{' "$T_TMP/d.out" | head -n 1 | jq -c 'keys')" '["active","emails","id","name","userName"]' "members of a record"
finish

begin "list: a token without read permission is a permission message"
drive "$TEST_TOKEN_NOSCOPE" list --settings "$(settings)"
expect_rc 1
expect_eq "$STATUS" permission status
expect_eq "$HTTP_CODE" 403 http
expect_contains "$ERROR" "promapp refused to list accounts (HTTP 403): the token lacks permission to read users"
expect_not_contains "$OUT$ERR" "$TEST_TOKEN_NOSCOPE"
sim_stop
finish

begin "list: an empty listing is ok and warns that read permission may lack"
sim_start || exit 1
drive "$TEST_TOKEN" list --settings "$(settings)"
expect_rc 0
expect_contains "$OUT" "listed=0 distinct=0"
expect_contains "$ERR" "log warn: the target listed no accounts; if it has some, the token may lack permission to read users"
sim_stop
finish

begin "no-adopt: an existing account is a candidate, nothing is written"
sim_start || exit 1
seed 3
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --no-adopt --settings "$(settings)" --record "$(record U2@x.test Ann Other)"
expect_rc 0
expect_eq "$OUTCOME" candidate outcome
expect_eq "$ACCOUNT" 2 "candidate id"
expect_contains "$OUT" "candidate: n=1 active=1 userName=u2@x.test"
expect_eq "$DETAIL" "found existing account 'u2@x.test' (account 2, active) that is not linked; wrote nothing (no-adopt)" detail
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(sim_users | jq -r '.[1].name.givenName')" G "the candidate is untouched"
finish

begin "no-adopt: the host adopts by calling again with the candidate's id"
drive "$TEST_TOKEN" provision --no-adopt --account-id 2 --settings "$(settings)" --record "$(record U2@x.test Ann Other)"
expect_eq "$OUTCOME" updated outcome
expect_eq "$ACCOUNT" 2 account
expect_eq "$(sim_users | jq -r '.[1].name.givenName + " " + .[1].userName')" "Ann U2@x.test" "adopted"
finish

begin "no-adopt: nothing matches, so the account is created"
drive "$TEST_TOKEN" provision --no-adopt --settings "$(settings)" --record "$(record new@x.test New Person)"
expect_eq "$OUTCOME" created outcome
expect_eq "$(sim_users | jq length)" 4 accounts
sim_stop
finish

begin "externalId (scim): sent on create, and a renamed account is still found"
sim_start --discovery || exit 1
export PROVHOST_SECRET_ACCESS_TOKEN="$TEST_TOKEN"
GS="{\"base_url\":\"$SIM_URL\",\"timeout_ms\":10000}"
ER=$(record ana@x.test Ana Lima | jq -c '. + {externalId:"E100"}')
PLUGIN="$SCIMGEN" drive "$TEST_TOKEN" provision --settings "$GS" --record "$ER"
expect_eq "$OUTCOME" created outcome
id=$ACCOUNT
expect_eq "$(sim_users | jq -r '.[0].externalId')" E100 "externalId stored"
# renamed behind provhost's back
scim PUT "/Users/$id" "$(record ana.renamed@x.test Ana Lima | jq -c '. + {externalId:"E100"}')"
expect_eq "$HTTP" 200 "rename on the target"
PLUGIN="$SCIMGEN" drive "$TEST_TOKEN" provision --settings "$GS" --record "$ER"
expect_eq "$OUTCOME" updated outcome
expect_eq "$ACCOUNT" "$id" "the same account"
expect_contains "$DETAIL" "changed userName"
expect_eq "$(sim_users | jq length)" 1 "no duplicate"
expect_eq "$(sim_users | jq -r '.[0].userName')" ana@x.test "userName converged back"
finish

begin "externalId (scim): set on an existing account that lacks it"
scim POST /Users "$(record bo@x.test Bo Chen)"
bo=$(jq -r .id <<<"$BODY")
PLUGIN="$SCIMGEN" drive "$TEST_TOKEN" provision --settings "$GS" --record "$(record bo@x.test Bo Chen | jq -c '. + {externalId:"E200"}')"
expect_eq "$OUTCOME" updated outcome
expect_eq "$ACCOUNT" "$bo" account
expect_contains "$DETAIL" "changed externalId"
expect_eq "$(sim_users | jq -r --arg i "$bo" '.[] | select(.id == $i) | .externalId')" E200 externalId
finish

begin "no-adopt (scim): externalId and userName naming two accounts is two candidates"
w0=$(sim_writes)
PLUGIN="$SCIMGEN" drive "$TEST_TOKEN" provision --no-adopt --settings "$GS" --record "$(record bo@x.test Bo Chen | jq -c '. + {externalId:"E100"}')"
expect_eq "$OUTCOME" candidate outcome
expect_eq "$ACCOUNT" "$id" "first candidate: the externalId match"
expect_contains "$OUT" "candidate: n=2 active=1 userName=ana@x.test"
expect_contains "$DETAIL" "; 2 accounts match"
expect_eq "$(sim_writes)" "$w0" writes
finish

begin "list (scim): externalId is listed"
PLUGIN="$SCIMGEN" drive "$TEST_TOKEN" list --settings "$GS"
expect_contains "$OUT" "listed=2 distinct=2"
expect_eq "$(grep '^{' "$T_TMP/d.out" | jq -r .externalId | sort | tr '\n' ' ')" "E100 E200 " externalIds
sim_stop
finish

begin "externalId (promapp): ignored unless match_external_id is true"
sim_start || exit 1
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$(record p1@x.test P One | jq -c '. + {externalId:"E1"}')"
expect_eq "$OUTCOME" created outcome
expect_eq "$(sim_users | jq -r '.[0].externalId // "none"')" none "not sent by default"
drive "$TEST_TOKEN" provision --settings "$(settings '"match_external_id":true')" --record "$(record p2@x.test P Two | jq -c '. + {externalId:"E2"}')"
expect_eq "$(sim_users | jq -r '.[1].externalId')" E2 "sent when enabled"
drive "$TEST_TOKEN" validate --settings "$(settings '"match_external_id":"yes"')"
expect_eq "$ERROR" "setting 'match_external_id' must be true or false" message
sim_stop
finish

begin "a v1.0 connector cannot list"
PLUGIN="$BUILD/fixtures/frozen_v1_0.so" drive x list --settings '{}'
expect_rc 1
expect_eq "$STATUS" unsupported status
expect_eq "$ERROR" 'connector "frozen" cannot list accounts' message
finish

begin "no token in any output"
expect_no_secrets
finish
done_testing
