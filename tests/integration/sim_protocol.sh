#!/usr/bin/env bash
# promapp-sim: authentication, routing, methods, content types, discovery
# and command-line errors.
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/sim_helpers.sh"

sim_start || exit 1
create_user "proto@example.com" Pro To

begin "missing, malformed or wrong bearer token is a 401 SCIM error"
req GET "$SIM_URL/Users/1"
expect_scim_error 401
expect_eq "$(header WWW-Authenticate)" 'Bearer realm="promapp-sim"' "challenge"
expect_eq "$(header Content-Type)" "application/scim+json" "error content type"
for auth in "Bearer wrong" "Basic dXNlcjpwYXNz" "Bearer" "Bearer ${TEST_TOKEN}x" \
	"Bearer ${TEST_TOKEN:0:5}" "$TEST_TOKEN"; do
	req GET "$SIM_URL/Users/1" -H "Authorization: $auth"
	expect_scim_error 401
done
expect_not_contains "$BODY" "$TEST_TOKEN"
finish

begin "the bearer scheme is case-insensitive"
req GET "$SIM_URL/Users/1" -H "Authorization: bearer $TEST_TOKEN"
expect_eq "$HTTP" 200 "lower-case scheme"
finish

begin "a valid token without the SCIM scope is a 403 SCIM error"
scim GET /Users/1 "" "$TEST_TOKEN_NOSCOPE"
expect_scim_error 403
expect_contains "$(jb '.detail')" "SCIM scope"
scim POST /Users "$(user_json "noscope@example.com")" "$TEST_TOKEN_NOSCOPE"
expect_scim_error 403
expect_eq "$(sim_users | jq 'length')" 1 "nothing created"
finish

begin "Promapp lists no discovery endpoints and no Groups: 404"
for p in /Groups /Groups/1 /ServiceProviderConfig /Schemas /ResourceTypes /Bulk /Me "" /; do
	scim GET "$p"
	expect_scim_error 404
done
req GET "$SIM_ROOT/" ; expect_scim_error 404
req GET "$SIM_ROOT/api/scimUsers" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 404
finish

begin "authentication comes before routing"
req GET "$SIM_URL/Groups"
expect_scim_error 401
finish

begin "unsupported methods are a 405 with Allow"
scim DELETE /Users
expect_scim_error 405
scim PUT /Users "$(user_json a@example.com)"
expect_scim_error 405
req POST "$SIM_URL/Users/1" -H "Authorization: Bearer $TEST_TOKEN" -H 'Content-Type: application/json' --data-binary '{}'
expect_scim_error 405
expect_eq "$(header Allow)" "GET, PUT, PATCH, DELETE" "Allow on an item"
req OPTIONS "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 405
expect_eq "$(header Allow)" "GET, POST" "Allow on the collection"
finish

begin "request bodies: application/json, scim+json, json-patch+json accepted"
for ct in application/json "application/scim+json; charset=utf-8" application/json-patch+json APPLICATION/JSON; do
	n=$((${n:-0} + 1))
	req POST "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN" -H "Content-Type: $ct" \
		--data-binary "$(user_json "ct$n@example.com")"
	expect_eq "$HTTP" 201 "POST with $ct"
done
req PATCH "$SIM_URL/Users/1" -H "Authorization: Bearer $TEST_TOKEN" \
	-H 'Content-Type: application/json-patch+json' -H 'Accept: application/json' \
	--data-binary "$(patch_json '[{"op":"replace","path":"name.familyName","value":"Patched"}]')"
expect_eq "$HTTP" 200 "PATCH with json-patch+json"
expect_eq "$(header Content-Type)" "application/scim+json" "response type"
finish

begin "other or missing content types are a 415 SCIM error"
for ct in text/plain application/x-www-form-urlencoded application/jsonx "application/xml"; do
	req POST "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN" -H "Content-Type: $ct" \
		--data-binary "$(user_json "bad-ct@example.com")"
	expect_scim_error 415
done
req PUT "$SIM_URL/Users/1" -H "Authorization: Bearer $TEST_TOKEN" -H "Content-Type:" \
	--data-binary "$(user_json "proto@example.com")"
expect_scim_error 415
expect_eq "$(sim_users | jq '[.[]|select(.userName=="bad-ct@example.com")]|length')" 0 "nothing created"
finish

begin "--token-file reads the token from a file (the last token option wins)"
printf 'file-token-123\n' >"$T_TMP/token"
sim_stop_clean
sim_start --token-file "$T_TMP/token" || exit 1
scim GET /Users "" file-token-123
expect_eq "$HTTP" 200 "token from the file"
scim GET /Users
expect_scim_error 401
sim_stop_clean
finish

begin "--discovery serves ServiceProviderConfig, Schemas, ResourceTypes"
sim_start --discovery || exit 1
scim GET /ServiceProviderConfig
expect_eq "$HTTP" 200 "SPC"
expect_eq "$(jb '.schemas[0]')" "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig" "SPC schema"
expect_eq "$(jb '[.patch.supported,.bulk.supported,.filter.supported,.sort.supported,.etag.supported,.changePassword.supported]|map(tostring)|join(",")')" \
	"true,false,true,false,true,false" "features"
expect_eq "$(jb '.filter.maxResults')" 1000 "maxResults"
expect_eq "$(jb '.authenticationSchemes[0].type')" oauthbearertoken "auth scheme"
scim GET /Schemas
expect_eq "$(jb '[.totalResults, .Resources[0].id]|map(tostring)|join(",")')" "1,urn:ietf:params:scim:schemas:core:2.0:User" "Schemas"
expect_eq "$(jb '[.Resources[0].attributes[].name]|join(",")')" "userName,name,emails,timezone,active,roles" "attributes"
expect_eq "$(jb '.Resources[0].attributes[0].uniqueness')" server "userName unique"
scim GET /Schemas/urn:ietf:params:scim:schemas:core:2.0:User
expect_eq "$(jb '.name')" User "one schema"
scim GET /ResourceTypes
expect_eq "$(jb '.Resources[0].endpoint')" /Users "ResourceTypes"
scim GET /ResourceTypes/User
expect_eq "$(jb '.schema')" urn:ietf:params:scim:schemas:core:2.0:User "one resource type"
scim GET /Schemas/urn:example:nope
expect_scim_error 404
scim GET /Groups
expect_scim_error 404
scim POST /Schemas '{}'
expect_scim_error 405
scim GET /ServiceProviderConfig "" wrong
expect_scim_error 401
sim_stop_clean
finish

begin "command-line errors exit 2 with a message and no token"
"$SIM" --port 0 >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
expect_rc 2
expect_contains "$(cat "$T_TMP/e")" "a token is required"
for args in "--port 70000" "--port abc" "--threads 0" "--rate-limit 0" "--rate-limit 5:0" "--rate-limit -1" "--rate-limit 1.5x" \
	"--fail-every 0" "--fail-retry-after x" "--fail-retry-after 86401" "--drop-every -1" "--latency-ms x" "--max-body 1" "--bogus" \
	"--scopeless-token secret-tok" "--hostile-lists bogus" "--hostile-lists total-plus" "--hostile-lists total-plus:0" \
	"--hostile-lists count0:3" "--hostile-lists deep-json:x"; do
	# shellcheck disable=SC2086
	"$SIM" --token secret-tok $args >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
	expect_rc 2
	expect_file_not_contains "$T_TMP/e" "secret-tok"
	expect_eq "$(cat "$T_TMP/o")" "" "nothing on stdout for $args"
done
"$SIM" --token-file "$T_TMP/does-not-exist" >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
expect_rc 2
expect_contains "$(cat "$T_TMP/e")" "cannot read a token from"
"$SIM" --help >"$T_TMP/o" 2>&1; RC=$?
expect_rc 0
expect_contains "$(cat "$T_TMP/o")" "--rate-limit RPS[:BURST]"
expect_contains "$(cat "$T_TMP/o")" "--hostile-lists MODE"
"$SIM" --token secret-tok --hostile-lists total-plus:x >"$T_TMP/o" 2>"$T_TMP/e"; RC=$?
expect_contains "$(cat "$T_TMP/e")" "invalid --hostile-lists 'total-plus:x' (want count0, total-plus:N, empty, bad-json or deep-json:N)"
finish

done_testing
