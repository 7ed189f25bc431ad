#!/usr/bin/env bash
# Issue 11 item 7: a userName lookup whose totalResults is more than it
# returned is paged through or fails clearly; it never ends in a POST (a
# duplicate) or a link to the one account it happened to see. Driven through
# the real promapp.so against promapp-sim --hostile-lists.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/promapp_common.inc"

NOT_RETRYABLE="(not retryable: the answer contradicts itself and the target would answer the same)"
sim_count() { sim_stats | jq ".requests_by_method.$1 // 0"; }
NEW=$(record "new@example.org" New Person)
OLD=$(record "old@example.org" Old Person)

# seed_old: creates old@example.org directly on the simulator; prints its id.
seed_old() {
	scim POST /Users "$OLD"
	jq -r .id <<<"$BODY"
}

sim_start --hostile-lists total-plus:5 || exit 1
OLD_ID=$(seed_old)

begin "totalResults 5 with no resources: no POST, a clear non-retryable error"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$NEW"
expect_rc 1
expect_eq "$STATUS" protocol status
expect_eq "$OUTCOME" none outcome
expect_eq "$ERROR" "promapp answered 200 to GET /Users?filter=... with totalResults 5 but no resources at startIndex 1 (count 100), so the lookup of 'new@example.org' is incomplete and nothing was created or linked $NOT_RETRYABLE" message
expect_not_contains "$OUT" "retryable=1"
expect_eq "$(sim_writes)" "$w0" writes
expect_eq "$(sim_count POST)" 1 "POSTs (only the seeding one)"
expect_eq "$(sim_users | jq 'length')" 1 accounts
finish

begin "totalResults 6 with the one account: paged, not linked, retryable error"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$OLD"
expect_rc 1
expect_eq "$STATUS" transient status
expect_eq "$ACCOUNT" "" "account (not linked)"
expect_eq "$ERROR" "promapp answered 200 to GET /Users?filter=... with an empty page at startIndex 2 after 1 of totalResults 6, so the lookup of 'old@example.org' is incomplete and nothing was created or linked (retryable: the accounts may have changed while paging)" message
expect_contains "$OUT" "retryable=1"
expect_eq "$(sim_writes)" "$w0" writes
finish

begin "lookup by userName on an incomplete answer fails instead of 'not found'"
drive "$TEST_TOKEN" lookup --settings "$(settings)" --record '{"userName":"new@example.org"}'
expect_rc 1
expect_eq "$STATUS" protocol status
expect_contains "$ERROR" "with totalResults 5 but no resources at startIndex 1"
finish
sim_stop

sim_start --hostile-lists total-plus:1 || exit 1
OLD_ID=$(seed_old)

begin "totalResults 2 with one resource: the account is not linked"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$(record "OLD@example.org" Old Changed)"
expect_rc 1
expect_eq "$STATUS" transient status
expect_eq "$ACCOUNT" "" "account (not linked)"
expect_contains "$ERROR" "with an empty page at startIndex 2 after 1 of totalResults 2"
expect_eq "$(sim_writes)" "$w0" writes
expect_eq "$(sim_users | jq -r '.[0].name.familyName')" Person "account unchanged"
finish
sim_stop

sim_start --hostile-lists empty || exit 1
OLD_ID=$(seed_old)

begin "an empty page with totalResults 1 for an existing account: no POST"
w0=$(sim_writes)
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$OLD"
expect_rc 1
expect_eq "$STATUS" protocol status
expect_eq "$ERROR" "promapp answered 200 to GET /Users?filter=... with totalResults 1 but no resources at startIndex 1 (count 100), so the lookup of 'old@example.org' is incomplete and nothing was created or linked $NOT_RETRYABLE" message
expect_eq "$(sim_writes)" "$w0" writes
expect_eq "$(sim_users | jq 'length')" 1 accounts
finish
sim_stop

sim_start --hostile-lists count0 || exit 1
OLD_ID=$(seed_old)

begin "a server whose default page is 0 is paged: the existing account is found"
w0=$(sim_writes)
g0=$(sim_count GET)
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$OLD"
expect_rc 0
expect_eq "$OUTCOME" unchanged outcome
expect_eq "$ACCOUNT" "$OLD_ID" account
expect_eq "$(sim_writes)" "$w0" writes
expect_eq "$(($(sim_count GET) - g0))" 2 "GETs (the default page, then startIndex 1)"
finish

begin "... and a new account is still created once"
drive "$TEST_TOKEN" provision --settings "$(settings)" --record "$NEW"
expect_rc 0
expect_eq "$OUTCOME" created outcome
expect_eq "$(sim_users | jq '[.[] | select(.userName == "new@example.org")] | length')" 1 accounts
finish

begin "no token in any output"
expect_no_secrets
finish
done_testing
