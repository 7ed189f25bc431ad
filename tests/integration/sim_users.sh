#!/usr/bin/env bash
# promapp-sim: the /Users resource (create, read, replace, patch, deactivate).
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/sim_helpers.sh"

sim_start --roles "Modeller,Viewer,Process Owner" || exit 1

begin "acceptance: create, 409, filter, PATCH active 400, PUT, DELETE, 401, /Groups"
create_user "jane.doe@example.com" Jane Doe
expect_eq "$HTTP" 201 "create"
uid=$ID
scim POST /Users "$(user_json "JANE.DOE@Example.COM")"
expect_scim_error 409 uniqueness
scim GET "/Users?filter=$(jq -rn --arg f 'userName eq "Jane.Doe@EXAMPLE.com"' '$f|@uri')"
expect_eq "$HTTP" 200 "filter"
expect_eq "$(jb '.totalResults')" 1 "filter totalResults"
expect_eq "$(jb '.Resources[0].id')" "$uid" "filter finds the user"
scim PATCH "/Users/$uid" "$(patch_json '[{"op":"replace","path":"active","value":false}]')"
expect_scim_error 400 mutability
scim PUT "/Users/$uid" "$(user_json "jane.doe@example.com" Jane Doe '"active":false')"
expect_eq "$HTTP" 200 "PUT active false"
expect_eq "$(jb '.active')" false "PUT result active"
scim DELETE "/Users/$uid"
expect_eq "$HTTP" 204 "DELETE"
expect_eq "$BODY" "" "DELETE has no body"
scim GET "/Users/$uid"
expect_eq "$HTTP" 200 "GET after DELETE"
expect_eq "$(jb '.active')" false "active after DELETE"
scim GET "/Users/$uid" "" "wrong-token"
expect_scim_error 401
scim GET /Groups
expect_scim_error 404
finish

begin "POST returns 201, a numeric id, meta, Location and the SCIM content type"
req POST "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN" \
	-H 'Content-Type: application/scim+json' \
	--data-binary "$(user_json "meta.user@example.com" Meta User '"timezone":"Pacific/Auckland"')"
expect_eq "$HTTP" 201 "status"
id=$(jb '.id')
[[ $id =~ ^[0-9]+$ ]] || fail "id '$id' is not a numeric string"
expect_eq "$(jb '.id|type')" string "id type"
expect_eq "$(jb '.schemas[0]')" "urn:ietf:params:scim:schemas:core:2.0:User" "schema"
expect_eq "$(jb '.meta.resourceType')" User "meta.resourceType"
expect_eq "$(jb '.meta.location')" "$SIM_URL/Users/$id" "meta.location"
expect_eq "$(header Location)" "$SIM_URL/Users/$id" "Location header"
expect_eq "$(header Content-Type)" "application/scim+json" "content type"
[[ $(jb '.meta.created') =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]] || fail "meta.created: $(jb '.meta.created')"
expect_eq "$(jb '.meta.created == .meta.lastModified')" true "created == lastModified"
expect_eq "$(jb '.active')" true "active defaults to true"
expect_eq "$(jb '.timezone')" "Pacific/Auckland" "timezone"
expect_eq "$(jb '.emails')" '[
  {
    "value": "meta.user@example.com",
    "type": "work",
    "primary": true
  }
]' "emails"
expect_eq "$(jb 'has("roles")')" false "no roles when none given"
scim GET "/Users/$id"
expect_eq "$HTTP" 200 "GET"
expect_eq "$(jb '.userName')" "meta.user@example.com" "GET userName"
finish

begin "POST requires userName, name.givenName and name.familyName"
scim POST /Users '{"name":{"givenName":"a","familyName":"b"}}'
expect_scim_error 400 invalidValue
expect_contains "$BODY" "userName is required"
scim POST /Users '{"userName":"x1@example.com","name":{"familyName":"b"}}'
expect_scim_error 400 invalidValue
expect_contains "$BODY" "name.givenName is required"
scim POST /Users '{"userName":"x1@example.com","name":{"givenName":"a"}}'
expect_scim_error 400 invalidValue
expect_contains "$BODY" "name.familyName is required"
scim POST /Users '{"userName":"x1@example.com"}'
expect_scim_error 400 invalidValue
scim POST /Users '{"userName":"","name":{"givenName":"a","familyName":"b"}}'
expect_scim_error 400 invalidValue
scim POST /Users '{"userName":42,"name":{"givenName":"a","familyName":"b"}}'
expect_scim_error 400 invalidValue
scim POST /Users '{"userName":"x1@example.com","name":{"givenName":"a","familyName":"b"},"active":"yes"}'
expect_scim_error 400 invalidValue
expect_contains "$BODY" "active must be a boolean"
scim POST /Users '{"userName":"x1@example.com","name":{"givenName":"a","familyName":"b"},"emails":"x"}'
expect_scim_error 400 invalidValue
expect_eq "$(sim_users | jq '[.[] | select(.userName=="x1@example.com")] | length')" 0 "nothing stored"
finish

begin "attribute names are case-insensitive; unknown attributes are ignored, externalId kept"
scim POST /Users '{"USERNAME":"ci.user@example.com","Name":{"GivenName":"C","FAMILYNAME":"I"},"title":"CEO","externalId":"e1"}'
expect_eq "$HTTP" 201 "status"
expect_eq "$(jb '.userName + "/" + .name.givenName + "/" + .name.familyName')" "ci.user@example.com/C/I" "values"
expect_eq "$(jb 'has("title")')" false "unknown attributes dropped"
expect_eq "$(jb '.externalId')" e1 "externalId (RFC 7643 section 3.1) kept"
finish

begin "POST with roles and active:false; roles are validated case-sensitively"
create_user "roles.user@example.com" R U '"roles":[{"display":"Modeller"},{"display":"Process Owner"}],"active":false'
expect_eq "$HTTP" 201 "status"
expect_eq "$(jb '[.roles[].display]|join(",")')" "Modeller,Process Owner" "roles"
expect_eq "$(jb '.active')" false "active"
create_user "roles.bad@example.com" R U '"roles":[{"display":"modeller"}]'
expect_scim_error 400 invalidValue
expect_eq "$(jb '.detail')" "Role not found: modeller" "detail"
finish

begin "GET of an unknown or malformed id is a 404 SCIM error"
for bad in 999999 0 abc 01 -1 1.0; do
	scim GET "/Users/$bad"
	expect_scim_error 404
done
finish

begin "PUT replaces userName, name, emails, timezone, active and roles"
create_user "put.user@example.com" Put User '"timezone":"UTC","roles":[{"display":"Viewer"}]'
pid=$ID
created=$(jb '.meta.created')
sleep 0.01
scim PUT "/Users/$pid" '{"userName":"Put.Renamed@example.com","name":{"givenName":"P2","familyName":"U2"},"emails":[{"value":"new@example.com","type":"work","primary":true}],"timezone":"Europe/Berlin","active":true,"roles":[{"display":"Modeller"}]}'
expect_eq "$HTTP" 200 "status"
expect_eq "$(jb '[.userName,.name.givenName,.name.familyName,.emails[0].value,.timezone,(.active|tostring),.roles[0].display]|join("|")')" \
	"Put.Renamed@example.com|P2|U2|new@example.com|Europe/Berlin|true|Modeller" "replaced values"
expect_eq "$(jb '.meta.created')" "$created" "meta.created kept"
[ "$(jb '.meta.lastModified')" != "$created" ] || fail "lastModified not updated"
scim GET "/Users?filter=$(jq -rn --arg f 'userName eq "put.renamed@example.com"' '$f|@uri')"
expect_eq "$(jb '.totalResults')" 1 "found under the new userName"
scim GET "/Users?filter=$(jq -rn --arg f 'userName eq "put.user@example.com"' '$f|@uri')"
expect_eq "$(jb '.totalResults')" 0 "old userName released"
create_user "put.user@example.com" Again User
expect_eq "$HTTP" 201 "old userName reusable"
# omitted attributes are cleared (active falls back to its default, true)
scim PUT "/Users/$pid" '{"userName":"Put.Renamed@example.com","name":{"givenName":"P3","familyName":"U3"}}'
expect_eq "$HTTP" 200 "minimal PUT"
expect_eq "$(jb '[has("emails"),has("timezone"),has("roles"),.active]|map(tostring)|join(",")')" "false,false,false,true" "omitted attributes cleared"
finish

begin "PUT errors: unknown role, taken userName, unknown id, missing name"
scim PUT "/Users/$pid" '{"userName":"Put.Renamed@example.com","name":{"givenName":"P","familyName":"U"},"roles":[{"display":"Admin"}]}'
expect_scim_error 400 invalidValue
expect_eq "$(jb '.detail')" "Role not found: Admin" "detail"
scim PUT "/Users/$pid" '{"userName":"PUT.USER@example.com","name":{"givenName":"P","familyName":"U"}}'
expect_scim_error 409 uniqueness
scim PUT /Users/424242 '{"userName":"nobody@example.com","name":{"givenName":"P","familyName":"U"}}'
expect_scim_error 404
scim PUT "/Users/$pid" '{"userName":"Put.Renamed@example.com"}'
expect_scim_error 400 invalidValue
scim GET "/Users/$pid"
expect_eq "$(jb '.name.givenName')" P3 "user unchanged after failed PUTs"
finish

begin "PATCH changes given name, family name and emails (with or without path)"
create_user "patch.user@example.com" Pat Ch
tid=$ID
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"name.givenName","value":"Patricia"}]')"
expect_eq "$HTTP" 200 "replace name.givenName"
expect_eq "$(jb '.name.givenName')" Patricia "givenName"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"Replace","value":{"name":{"familyName":"Chen"}}}]')"
expect_eq "$HTTP" 200 "no-path replace, op in mixed case"
expect_eq "$(jb '.name.familyName')" Chen "familyName"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"REPLACE","value":{"name.givenName":"Pia"}}]')"
expect_eq "$(jb '.name.givenName')" Pia "dotted key without path"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"emails[type eq \"work\"].value","value":"pia@example.com"}]')"
expect_eq "$HTTP" 200 "filtered email path"
expect_eq "$(jb '[.emails[].value]|join(",")')" "pia@example.com" "email replaced"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"add","path":"emails","value":[{"value":"home@example.com","type":"home"}]}]')"
expect_eq "$(jb '[.emails[].value]|join(",")')" "pia@example.com,home@example.com" "email added"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"remove","path":"emails[type eq \"home\"]"}]')"
expect_eq "$(jb '[.emails[].value]|join(",")')" "pia@example.com" "email removed"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work","primary":true}]}]')"
expect_eq "$(jb '[.emails[].value]|join(",")')" "only@example.com" "emails replaced"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"add","path":"emails[type eq \"other\"].value","value":"o@example.com"}]')"
expect_eq "$(jb '[.emails[]|.type+"="+.value]|join(",")')" "work=only@example.com,other=o@example.com" "add through a filter creates the email"
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"remove","path":"emails[value eq \"O@example.com\"]"}]')"
expect_eq "$(jb '[.emails[].value]|join(",")')" "only@example.com" "removed by value"
expect_eq "$(jb '.userName')" "patch.user@example.com" "userName untouched"
finish

begin "PATCH of anything else is a 400 and changes nothing (atomic)"
for op in '{"op":"replace","path":"active","value":false}' \
	'{"op":"replace","value":{"active":false}}' \
	'{"op":"replace","path":"userName","value":"other@example.com"}' \
	'{"op":"replace","path":"timezone","value":"UTC"}' \
	'{"op":"add","path":"roles","value":[{"display":"Viewer"}]}' \
	'{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:active","value":false}'; do
	scim PATCH "/Users/$tid" "$(patch_json "[$op]")"
	expect_scim_error 400 mutability
done
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"favouriteColour","value":"red"}]')"
expect_scim_error 400 invalidPath
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"name.givenName","value":"Changed"},{"op":"replace","path":"active","value":false}]')"
expect_scim_error 400 mutability
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"remove","path":"name.givenName"}]')"
expect_scim_error 400 invalidValue
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"move","path":"name.givenName","value":"x"}]')"
expect_scim_error 400 invalidSyntax
scim PATCH "/Users/$tid" '{"Operations":[{"op":"replace","path":"name.givenName","value":"NoSchema"}]}'
expect_scim_error 400 invalidSyntax
scim PATCH "/Users/$tid" "$(patch_json '[]')"
expect_scim_error 400 invalidSyntax
scim PATCH "/Users/$tid" "$(patch_json '[{"op":"replace","path":"emails[type eq \"fax\"].value","value":"f@example.com"}]')"
expect_scim_error 400 noTarget
scim GET "/Users/$tid"
expect_eq "$(jb '[.name.givenName, (.active|tostring), .userName]|join("|")')" "Pia|true|patch.user@example.com" "unchanged"
scim PATCH /Users/777777 "$(patch_json '[{"op":"replace","path":"name.givenName","value":"x"}]')"
expect_scim_error 404
finish

begin "DELETE deactivates, keeps the user readable, is idempotent; unknown id 404"
create_user "del.user@example.com" Del User
did=$ID
scim DELETE "/Users/$did"
expect_eq "$HTTP" 204 "DELETE"
scim GET "/Users/$did"
expect_eq "$(jb '.active')" false "inactive"
expect_eq "$(sim_users | jq -r --arg id "$did" '.[] | select(.id==$id) | .active')" false "in /__sim/users"
scim DELETE "/Users/$did"
expect_eq "$HTTP" 204 "second DELETE"
scim DELETE /Users/999999
expect_scim_error 404
scim PUT "/Users/$did" "$(user_json "del.user@example.com" Del User '"active":true')"
expect_eq "$(jb '.active')" true "PUT active:true reactivates"
finish

begin "the path is case-insensitive and takes a trailing slash"
scim GET "/users/$did"
expect_eq "$HTTP" 200 "/users/ID"
scim GET "/USERS/$did/"
expect_eq "$HTTP" 200 "/USERS/ID/"
expect_eq "$(jb '.id')" "$did" "same user"
scim GET "/Users/"
expect_eq "$HTTP" 200 "/Users/"
expect_eq "$(jb '.schemas[0]')" "urn:ietf:params:scim:api:messages:2.0:ListResponse" "list"
req GET "${SIM_ROOT}/API/SCIM/Users/$did" -H "Authorization: Bearer $TEST_TOKEN"
expect_eq "$HTTP" 200 "/API/SCIM"
scim GET "/Users/$did/extra"
expect_scim_error 404
finish

begin "simulator exits cleanly on SIGTERM"
sim_stop_clean
finish

done_testing
