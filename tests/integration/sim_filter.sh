#!/usr/bin/env bash
# promapp-sim: GET /Users filters (eq on userName, emails.value, active;
# "and") and RFC 7644 paging.
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/sim_helpers.sh"

# q FILTER [EXTRA QUERY]: GET /Users?filter=FILTER (URL-encoded)
q() { scim GET "/Users?filter=$(jq -rn --arg f "$1" '$f|@uri')${2:-}"; }

sim_start || exit 1
for n in 1 2 3 4 5; do create_user "user$n@example.com" "G$n" "F$n"; done
scim DELETE /Users/4
scim PUT /Users/5 '{"userName":"user5@example.com","name":{"givenName":"G5","familyName":"F5"},"emails":[{"value":"Shared@Example.com","type":"work"}]}'
scim PUT /Users/2 '{"userName":"user2@example.com","name":{"givenName":"G2","familyName":"F2"},"emails":[{"value":"x2@example.com","type":"home"},{"value":"shared@example.com","type":"work"}]}'

begin "userName eq is case-insensitive, attribute and operator names too"
q 'userName eq "USER3@example.COM"'
expect_eq "$HTTP" 200 "status"
expect_eq "$(jb '[.totalResults,.itemsPerPage,.startIndex]|map(tostring)|join(",")')" "1,1,1" "counts"
expect_eq "$(jb '.Resources[0].id')" 3 "user 3"
expect_eq "$(jb '.schemas[0]')" "urn:ietf:params:scim:api:messages:2.0:ListResponse" "schema"
q 'USERNAME EQ "user3@example.com"'
expect_eq "$(jb '.Resources[0].id')" 3 "upper-case attribute and operator"
q 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "user3@example.com"'
expect_eq "$(jb '.Resources[0].id')" 3 "schema-qualified attribute"
q 'userName eq "nobody@example.com"'
expect_eq "$(jb '[.totalResults,.itemsPerPage]|map(tostring)|join(",")')" "0,0" "no match"
expect_eq "$(jb '.Resources|length')" 0 "empty Resources"
finish

begin "inactive users are found by userName too"
q 'userName eq "user4@example.com"'
expect_eq "$(jb '.Resources[0].active')" false "inactive user listed"
finish

begin "emails.value eq (case-insensitive, any of the emails)"
q 'emails.value eq "SHARED@example.com"'
expect_eq "$(jb '[.Resources[].id]|join(",")')" "2,5" "users 2 and 5"
expect_eq "$(jb '.totalResults')" 2 "totalResults"
finish

begin "active eq true / false"
q 'active eq false'
expect_eq "$(jb '[.Resources[].id]|join(",")')" "4" "inactive"
q 'active eq true'
expect_eq "$(jb '[.Resources[].id]|join(",")')" "1,2,3,5" "active ones"
finish

begin "clauses joined by and"
q 'emails.value eq "shared@example.com" and userName eq "user5@example.com"'
expect_eq "$(jb '[.Resources[].id]|join(",")')" "5" "both match"
q 'emails.value eq "shared@example.com" AND active eq true and userName eq "user4@example.com"'
expect_eq "$(jb '.totalResults')" 0 "one clause fails"
q 'userName eq "user4@example.com" and active eq false'
expect_eq "$(jb '[.Resources[].id]|join(",")')" "4" "userName + active"
finish

begin "string values use JSON escapes"
create_user 'quo\"te@example.com' Q T
expect_eq "$HTTP" 201 "created"
q 'userName eq "quo\"te@example.com"'
expect_eq "$(jb '.Resources[0].userName')" 'quo"te@example.com' "escaped quote"
q 'userName eq "\u0075ser1@example.com"'
expect_eq "$(jb '.Resources[0].id')" 1 "unicode escape"
finish

begin "everything else is 400 invalidFilter"
for f in 'userName sw "user"' 'userName co "1"' 'userName ne "x"' 'userName pr' \
	'userName eq "user1@example.com" or userName eq "user2@example.com"' \
	'(userName eq "user1@example.com")' 'not (userName eq "x")' \
	'displayName eq "x"' 'emails[type eq "work"].value eq "x"' \
	'userName eq user1' 'active eq "true"' 'active eq yes' 'userName eq 5' \
	'userName eq "unterminated' 'userName eq "a" and' 'userName eq "a" garbage' \
	'userName  eq' '' ' ' 'and' 'userName eq "a"and active eq true'; do
	q "$f"
	expect_scim_error 400 invalidFilter
	[ "$HTTP" = 400 ] || fail "filter: [$f]"
done
finish

begin "paging: startIndex and count per RFC 7644"
scim GET "/Users?startIndex=2&count=2"
expect_eq "$(jb '[.totalResults,.startIndex,.itemsPerPage]|map(tostring)|join(",")')" "6,2,2" "page numbers"
expect_eq "$(jb '[.Resources[].id]|join(",")')" "2,3" "page items"
scim GET "/Users?startIndex=5&count=10"
expect_eq "$(jb '[.itemsPerPage, (.Resources|length)]|map(tostring)|join(",")')" "2,2" "last page is short"
expect_eq "$(jb '[.Resources[].id]|join(",")')" "5,6" "last page items"
scim GET "/Users?startIndex=7&count=10"
expect_eq "$(jb '[.totalResults,.startIndex,.itemsPerPage,(.Resources|length)]|map(tostring)|join(",")')" "6,7,0,0" "past the end is empty"
scim GET "/Users?count=0"
expect_eq "$(jb '[.totalResults,.itemsPerPage]|map(tostring)|join(",")')" "6,0" "count=0 counts only"
scim GET "/Users?startIndex=0&count=1"
expect_eq "$(jb '[.startIndex,.Resources[0].id]|map(tostring)|join(",")')" "1,1" "startIndex < 1 means 1"
scim GET "/Users?startIndex=-50&count=-3"
expect_eq "$(jb '[.startIndex,.itemsPerPage,.totalResults]|map(tostring)|join(",")')" "1,0,6" "negative values"
q 'active eq true' "&startIndex=2&count=2"
expect_eq "$(jb '[.totalResults,.Resources[].id]|map(tostring)|join(",")')" "5,2,3" "paging a filter"
scim GET "/Users"
expect_eq "$(jb '[.totalResults,.itemsPerPage]|map(tostring)|join(",")')" "6,6" "no paging parameters: everything (up to 100)"
finish

begin "simulator exits cleanly on SIGTERM"
sim_stop_clean
finish

begin "--max-count caps the page size"
sim_start --max-count 2 || exit 1
for n in 1 2 3; do create_user "cap$n@example.com"; done
scim GET "/Users?count=50"
expect_eq "$(jb '[.totalResults,.itemsPerPage]|map(tostring)|join(",")')" "3,2" "capped"
scim GET "/Users?startIndex=3&count=50"
expect_eq "$(jb '[.Resources[].userName]|join(",")')" "cap3@example.com" "next page"
sim_stop_clean
finish

done_testing
