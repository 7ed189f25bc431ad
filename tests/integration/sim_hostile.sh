#!/usr/bin/env bash
# promapp-sim: hostile input. Every case asserts the exact error and that
# the simulator keeps serving; the last case checks it exits cleanly (no
# sanitizer report) after all of it.
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/sim_helpers.sh"

# post_file FILE [CURL ARGS]: POST FILE as JSON to /Users.
post_file() {
	local f=$1
	shift
	req POST "$SIM_URL/Users" -H "Authorization: Bearer $TEST_TOKEN" \
		-H 'Content-Type: application/json' "$@" --data-binary "@$f"
}

sim_start --max-body 65536 || exit 1
create_user "victim@example.com" Vic Tim

begin "oversized bodies are a 413 SCIM error (Content-Length and chunked)"
head -c 200000 /dev/zero | tr '\0' 'a' >"$T_TMP/big"
post_file "$T_TMP/big"
expect_scim_error 413
expect_contains "$(jb .detail)" "65536 bytes"
post_file "$T_TMP/big" -H 'Transfer-Encoding: chunked'
expect_scim_error 413
{ printf '{"userName":"big@example.com","name":{"givenName":"a","familyName":"b"},"pad":"'; head -c 70000 /dev/zero | tr '\0' 'x'; printf '"}'; } >"$T_TMP/bigjson"
post_file "$T_TMP/bigjson"
expect_scim_error 413
req PUT "$SIM_URL/Users/1" -H "Authorization: Bearer $TEST_TOKEN" -H 'Content-Type: application/json' --data-binary "@$T_TMP/big"
expect_scim_error 413
req POST "$SIM_ROOT/__sim/users" --data-binary "@$T_TMP/big"
expect_scim_error 413
expect_eq "$(sim_users | jq 'length')" 1 "nothing stored"
expect_sim_alive
finish

begin "malformed JSON is a 400 invalidSyntax"
for body in '{' '{"userName":' 'null' '[1,2]' '"just a string"' '{"userName":"a",}' \
	'{"userName":"a"}{"x":1}' "{'userName':'a'}" '   ' 'true'; do
	printf '%s' "$body" >"$T_TMP/b"
	post_file "$T_TMP/b"
	[ "$HTTP" = 400 ] || fail "body [$body]: HTTP $HTTP"
	expect_scim_error 400
done
printf '' >"$T_TMP/b"
post_file "$T_TMP/b"
expect_scim_error 400 invalidSyntax
expect_contains "$(jb .detail)" "empty"
expect_sim_alive
finish

begin "invalid UTF-8 and NUL characters are rejected with valid JSON errors"
printf '{"userName":"bad\xff\xfe@example.com","name":{"givenName":"a","familyName":"b"}}' >"$T_TMP/b"
post_file "$T_TMP/b"
expect_scim_error 400 invalidSyntax
printf '{"userName":"\xc0\xaf@example.com","name":{"givenName":"a","familyName":"b"}}' >"$T_TMP/b"
post_file "$T_TMP/b"
expect_scim_error 400 invalidSyntax
printf '{"userName":"nul\\u0000@example.com","name":{"givenName":"a","familyName":"b"}}' >"$T_TMP/b"
post_file "$T_TMP/b"
expect_scim_error 400 invalidSyntax
req GET "$SIM_URL/Users?filter=userName%20eq%20%22%ff%fe%22" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 400 invalidFilter
req GET "$SIM_URL/Users/%ff%fe%00" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 404
req GET "$SIM_URL/%ff%c0" -H "Authorization: Bearer $TEST_TOKEN"
expect_scim_error 404
printf '{"schemas":["%s"],"Operations":[{"op":"replace","path":"\xff\xfe","value":"x"}]}' "$PATCH_URN" >"$T_TMP/b"
req PATCH "$SIM_URL/Users/1" -H "Authorization: Bearer $TEST_TOKEN" -H 'Content-Type: application/json' --data-binary "@$T_TMP/b"
expect_scim_error 400 invalidSyntax
expect_sim_alive
finish

begin "Unicode userNames work and unique checks still apply"
create_user "jörg.müller@example.com" Jörg Müller
expect_eq "$HTTP" 201 "created"
expect_eq "$(jb '.name.givenName')" "Jörg" "kept as sent"
create_user "JÖRG.MÜLLER@EXAMPLE.COM" X Y
expect_eq "$HTTP" 201 "non-ASCII letters compare exactly (ASCII-only case folding)"
create_user "JöRG.MüLLER@EXAMPLE.COM" X Y
expect_scim_error 409 uniqueness
finish

begin "deeply nested JSON is rejected, not a stack overflow"
python3 -c "import sys; sys.stdout.write('['*60000)" >"$T_TMP/deep"
post_file "$T_TMP/deep"
expect_scim_error 400 invalidSyntax
python3 -c "import sys; sys.stdout.write('{\"a\":'*10000 + '1' + '}'*10000)" >"$T_TMP/deep"
post_file "$T_TMP/deep"
expect_scim_error 400 invalidSyntax
expect_sim_alive
finish

begin "absurd paging values are clamped or refused"
scim GET "/Users?startIndex=99999999999999999999999999&count=5"
expect_eq "$HTTP" 200 "huge startIndex"
expect_eq "$(jb '[.itemsPerPage, (.Resources|length)]|map(tostring)|join(",")')" "0,0" "empty page"
scim GET "/Users?count=99999999999999999999999999"
expect_eq "$(jb '.itemsPerPage')" "$(jb '.totalResults')" "huge count capped to what exists"
scim GET "/Users?startIndex=-99999999999999999999999&count=-99999999999999999999"
expect_eq "$(jb '[.startIndex,.itemsPerPage]|map(tostring)|join(",")')" "1,0" "huge negatives"
for v in "count=abc" "count=1.5" "count=" "startIndex=1e3" "startIndex=%20" "count=0x10"; do
	scim GET "/Users?$v"
	expect_scim_error 400 invalidValue
done
finish

begin "hostile filters"
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
scim GET "/Users?filter=userName%20eq%20%22$long%22"
expect_eq "$(jb .totalResults)" 0 "long value"
many=$(for i in $(seq 1 40); do printf 'active eq true and '; done)
scim GET "/Users?filter=$(jq -rn --arg f "${many}active eq true" '$f|@uri')"
expect_scim_error 400 invalidFilter
scim GET "/Users?filter=%22%22%22%22%5C%5C%5C"
expect_scim_error 400 invalidFilter
scim GET "/Users?filter=userName%20eq%20%22%5Cud800%22"
expect_scim_error 400 invalidFilter
expect_sim_alive
finish

begin "hostile PATCH paths and values"
for op in '{"op":"replace","path":"emails[type eq \"work\"","value":"x"}' \
	'{"op":"replace","path":"emails[type eq work].value","value":"x"}' \
	'{"op":"replace","path":"emails[type eq \"work\"].value.deeper","value":"x"}' \
	'{"op":"replace","path":"name.givenName","value":{"nested":true}}' \
	'{"op":"replace","path":"name.givenName","value":""}' \
	'{"op":"replace","path":"emails","value":[{"type":"work"}]}' \
	'{"op":"replace","path":"","value":"x"}' \
	'{"op":"replace","path":5,"value":"x"}' \
	'{"op":7}' '"not an object"' '{"op":"replace"}' '{"op":"remove"}'; do
	scim PATCH /Users/1 "$(patch_json "[$op]")"
	[ "$HTTP" = 400 ] || fail "op [$op]: HTTP $HTTP: $BODY"
	expect_scim_error 400
done
scim GET /Users/1
expect_eq "$(jb '[.name.givenName, .emails[0].value]|join(",")')" "Vic,victim@example.com" "user unchanged"
finish

begin "garbage on the socket and oversized headers do not hurt"
exec 3<>"/dev/tcp/127.0.0.1/${SIM_ROOT##*:}"
printf '\x00\x01\x02GARBAGE\r\n\r\n\xff\xfe' >&3
# the simulator neither answers garbage nor closes: read what it might
# send for a moment (the requests below prove it still serves)
timeout 0.5 cat <&3 >/dev/null
exec 3>&-
exec 3<>"/dev/tcp/127.0.0.1/${SIM_ROOT##*:}"
printf 'POST /api/scim/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc' >&3
exec 3>&-
req GET "$SIM_URL/Users" -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' 'h')"
[ "$HTTP" -ge 400 ] && [ "$HTTP" -lt 500 ] || fail "oversized header: HTTP $HTTP"
req GET "$SIM_URL/Users/$(head -c 100000 /dev/zero | tr '\0' '9')" -H "Authorization: Bearer $TEST_TOKEN"
[ "$HTTP" -ge 400 ] && [ "$HTTP" -lt 500 ] || fail "long URL: HTTP $HTTP"
scim GET "/Users/99999999999999999999999999999"
expect_scim_error 404
expect_sim_alive
finish

begin "many parallel writers: unique userNames stay unique"
pids=()
for i in $(seq 1 20); do
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TEST_TOKEN" \
		-H 'Content-Type: application/json' --data-binary "$(user_json "race@example.com")" \
		"$SIM_URL/Users" >"$T_TMP/race.$i" &
	pids+=($!)
done
wait "${pids[@]}"
expect_eq "$(cat "$T_TMP"/race.* | sort | uniq -c | awk '{print $2":"$1}' | tr '\n' ' ')" "201:1 409:19 " "one 201, nineteen 409"
expect_eq "$(sim_users | jq '[.[]|select(.userName=="race@example.com")]|length')" 1 "stored once"
finish

begin "simulator exits cleanly on SIGTERM after all of it"
sim_stop_clean
finish

done_testing
