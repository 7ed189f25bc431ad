#!/usr/bin/env bash
# The simulator's ETags (RFC 7232, RFC 7644 section 3.14) and --no-etags,
# and --window-limit's rate-limit headers.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/sim_helpers.sh"

auth=(-H "Authorization: Bearer $TEST_TOKEN" -H 'Content-Type: application/scim+json')

sim_start --discovery || exit 1
begin "every answer with one user carries a weak ETag that changes with the user"
create_user e1@x.test
expect_eq "$HTTP" 201 create
req GET "$SIM_URL/Users/$ID" "${auth[@]}"
e1=$(header etag)
[[ $e1 == W/\"*\" ]] || fail "no weak ETag on GET: '$e1'"
req GET "$SIM_URL/Users/$ID" "${auth[@]}"
expect_eq "$(header etag)" "$e1" "the same ETag while unchanged"
req PATCH "$SIM_URL/Users/$ID" "${auth[@]}" --data-binary "$(patch_json '[{"op":"replace","path":"name.givenName","value":"New"}]')"
expect_eq "$HTTP" 200 PATCH
e2=$(header etag)
[ -n "$e2" ] && [ "$e2" != "$e1" ] || fail "the ETag did not change: '$e1' -> '$e2'"
req GET "$SIM_URL/Users?count=5" "${auth[@]}"
expect_eq "$(header etag)" "" "no ETag on a list"
finish

begin "If-Match: a stale tag is a 412 and changes nothing; the current tag or * writes"
req PATCH "$SIM_URL/Users/$ID" "${auth[@]}" -H "If-Match: $e1" --data-binary "$(patch_json '[{"op":"replace","path":"name.givenName","value":"Stale"}]')"
expect_eq "$HTTP" 412 "stale If-Match"
req GET "$SIM_URL/Users/$ID" "${auth[@]}"
expect_eq "$(jb .name.givenName)" New "unchanged after the 412"
req PATCH "$SIM_URL/Users/$ID" "${auth[@]}" -H "If-Match: $e2" --data-binary "$(patch_json '[{"op":"replace","path":"name.givenName","value":"Fresh"}]')"
expect_eq "$HTTP" 200 "current If-Match"
req PUT "$SIM_URL/Users/$ID" "${auth[@]}" -H "If-Match: *" --data-binary "$(user_json e1@x.test Star Name)"
expect_eq "$HTTP" 200 "If-Match: *"
req DELETE "$SIM_URL/Users/$ID" "${auth[@]}" -H "If-Match: $e2"
expect_eq "$HTTP" 412 "stale If-Match on DELETE"
finish
sim_stop

sim_start --discovery --no-etags || exit 1
begin "--no-etags: no ETag, If-Match ignored, discovery says unsupported"
create_user n1@x.test
req GET "$SIM_URL/Users/$ID" "${auth[@]}"
expect_eq "$(header etag)" "" "no ETag"
req PATCH "$SIM_URL/Users/$ID" "${auth[@]}" -H 'If-Match: W/"nope"' --data-binary "$(patch_json '[{"op":"replace","path":"name.givenName","value":"X"}]')"
expect_eq "$HTTP" 200 "If-Match ignored"
scim GET /ServiceProviderConfig
expect_eq "$(jb .etag.supported)" false "etag.supported"
finish
sim_stop

sim_start --window-limit 2:30 || exit 1
begin "--window-limit: X-RateLimit-* on every answer, 429 without Retry-After beyond it"
req GET "$SIM_URL/Users?count=1" "${auth[@]}"
expect_eq "$(header x-ratelimit-limit),$(header x-ratelimit-remaining)" "2,1" "first"
r=$(header x-ratelimit-reset)
[ "$r" -ge 1 ] && [ "$r" -le 30 ] || fail "reset $r"
req GET "$SIM_URL/Users?count=1" "${auth[@]}"
expect_eq "$HTTP,$(header x-ratelimit-remaining)" "200,0" "second"
req GET "$SIM_URL/Users?count=1" "${auth[@]}"
expect_eq "$HTTP,$(header x-ratelimit-remaining),$(header retry-after)" "429,0," "third"
finish
sim_stop

sim_start --window-limit 5:30 --ietf-rate-headers || exit 1
begin "--ietf-rate-headers: the same as RateLimit-*"
req GET "$SIM_URL/Users?count=1" "${auth[@]}"
expect_eq "$(header ratelimit-limit),$(header ratelimit-remaining),$(header x-ratelimit-limit)" "5,4," "IETF names only"
finish
sim_stop

sim_start --window-limit 5:30 --rate-reset-epoch || exit 1
begin "--rate-reset-epoch: Reset is the window's end as a Unix time"
req GET "$SIM_URL/Users?count=1" "${auth[@]}"
r=$(header x-ratelimit-reset)
now=$(date +%s)
[ "$r" -gt "$now" ] && [ "$r" -le $((now + 31)) ] || fail "reset $r, now $now"
finish
sim_stop

begin "--window-limit rejects bad values"
"$SIM" --port 0 --token t --window-limit 0:1 >/dev/null 2>"$T_TMP/e"
expect_eq "$?" 2 "exit status"
expect_file_contains "$T_TMP/e" "invalid --window-limit '0:1'"
finish

done_testing
