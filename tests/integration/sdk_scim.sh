#!/usr/bin/env bash
# The generic SCIM connector against the simulator: with --discovery it
# reads /ServiceProviderConfig; without it falls back loudly; deprovision
# disables (PATCH, or PUT when PATCH of "active" is refused or unsupported)
# or deletes; dry run writes nothing; the token is never printed.
. "$(dirname "$0")/../lib/lib.sh"

export SCIM_TOKEN="$TEST_TOKEN"

# config FILE [EXTRA SETTINGS]: one connection "scim" on the running sim.
config() {
	write_config "$1" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/state-$(basename "$1" .json)\",
  \"connections\": [
    { \"name\": \"scim\", \"connector\": \"scim\",
      \"settings\": { \"base_url\": \"$SIM_URL\", \"timeout_ms\": 10000${2:+, $2} },
      \"secrets\": { \"access_token\": { \"env\": \"SCIM_TOKEN\" } },
      \"mapping\": { \"userName\": \"{email|lower}\", \"givenName\": \"{first_name}\",
                   \"familyName\": \"{last_name}\", \"email\": \"{email|lower}\" },
      \"policy\": { \"no_match\": \"default_roles\" } }
  ]
}"
}
user_field() { sim_users | jq -r --arg u "$1" "[.[] | select(.userName == \$u)][0] | $2"; }
method_count() { sim_stats | jq ".requests_by_method.$1 // 0"; }

cat >"$T_TMP/hire.jsonl" <<'EOF'
{"event":"hire","employee_id":"E1","id":"h1","attributes":{"first_name":"Ana","last_name":"Lima","email":"ana@example.com"}}
{"event":"hire","employee_id":"E2","id":"h2","attributes":{"first_name":"Bo","last_name":"Chen","email":"bo@example.com"}}
EOF
cat >"$T_TMP/change.jsonl" <<'EOF'
{"event":"update","employee_id":"E1","id":"u1","attributes":{"first_name":"Ana","last_name":"Silva","email":"ana@example.com"}}
{"event":"terminate","employee_id":"E2","id":"t1","attributes":{"email":"bo@example.com"}}
EOF

sim_start --discovery || exit 1
config "$T_TMP/disc.json"

begin "with discovery: test reports what /ServiceProviderConfig says"
ph test -c "$T_TMP/disc.json" scim
expect_rc 0
expect_eq "$OUT" "connection \"scim\": authenticated with connector scim 1.0.0: authenticated to $SIM_URL: GET /Users answered 200 with a SCIM ListResponse listing 0 users; PATCH yes, filter yes (max 1000), ETag yes (from /ServiceProviderConfig)"
expect_not_contains "$ERR" "WARN"
finish

begin "with discovery: run creates, updates with one PATCH (from the last written state), deactivates (PATCH refused for active, then PUT)"
ph run -c "$T_TMP/disc.json" "$T_TMP/hire.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2"
ph run -c "$T_TMP/disc.json" "$T_TMP/change.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1 | Reactivated 0 | Deactivated 1 | Failed 0"
expect_eq "$(user_field ana@example.com '.name.familyName + " " + (.active|tostring)')" "Silva true" "ana"
expect_eq "$(user_field bo@example.com '.active')" false "bo active"
expect_eq "$(method_count PATCH)" 2 "PATCH requests (the update, and active that is refused)"
expect_eq "$(method_count PUT)" 1 "PUT requests (deactivate)"
expect_contains "$ERR" "refused PATCH of \"active\" (scim answered 400 to PATCH /Users/"
expect_contains "$ERR" "using PUT of the whole user instead"
finish

begin "a rehire reactivates the account"
printf '%s\n' '{"event":"rehire","employee_id":"E2","id":"r1","attributes":{"first_name":"Bo","last_name":"Chen","email":"bo@example.com"}}' >"$T_TMP/rehire.jsonl"
ph run -c "$T_TMP/disc.json" "$T_TMP/rehire.jsonl"
expect_rc 0
expect_contains "$OUT" "Reactivated 1"
expect_eq "$(user_field bo@example.com '.active')" true "bo active"
finish

begin "dry run plans the POST and writes nothing"
w0=$(sim_writes)
printf '%s\n' '{"event":"hire","employee_id":"E3","id":"h3","attributes":{"first_name":"Cy","last_name":"Ode","email":"cy@example.com"}}' >"$T_TMP/dry.jsonl"
ph run --dry-run -c "$T_TMP/disc.json" "$T_TMP/dry.jsonl"
expect_rc 0
expect_contains "$OUT" ": POST /Users {\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"cy@example.com\""
expect_eq "$(sim_writes)" "$w0" "writes"
finish
sim_stop

sim_start || exit 1
config "$T_TMP/plain.json"

begin "without discovery: falls back loudly and never sends PATCH"
ph test -c "$T_TMP/plain.json" scim
expect_rc 0
expect_contains "$OUT" "PATCH no, filter yes, ETag no (assumed: no /ServiceProviderConfig)"
expect_contains "$ERR" "provhost: [WARN] connection \"scim\": no /ServiceProviderConfig at $SIM_URL (HTTP 404): assuming PATCH unsupported, filter supported, ETag unsupported"
ph run -c "$T_TMP/plain.json" "$T_TMP/hire.jsonl"
ph run -c "$T_TMP/plain.json" "$T_TMP/change.jsonl"
expect_rc 0
expect_contains "$OUT" "Deactivated 1"
expect_eq "$(user_field bo@example.com '.active')" false "bo active"
expect_eq "$(method_count PATCH)" 0 "PATCH requests"
expect_contains "$ERR" "no /ServiceProviderConfig at $SIM_URL (HTTP 404)"
finish

begin "delete mode sends DELETE"
config "$T_TMP/del.json" '"deprovision": "delete"'
d0=$(method_count DELETE)
printf '%s\n' '{"event":"terminate","employee_id":"E1","id":"t2","attributes":{"email":"ana@example.com"}}' >"$T_TMP/del.jsonl"
ph run -c "$T_TMP/del.json" "$T_TMP/del.jsonl"
expect_rc 0
expect_eq "$(method_count DELETE)" $((d0 + 1)) "DELETE requests"
finish

begin "settings: base_url required, unknown keys and bad modes rejected without I/O"
config "$T_TMP/bad.json" '"deprovision": "archive"'
ph check-config -c "$T_TMP/bad.json"
expect_rc 2
expect_contains "$ERR" "connector \"scim\" rejected the settings: setting 'deprovision' must be \"disable\" or \"delete\""
finish

begin "the token never appears in any output"
expect_not_contains "$OUT$ERR" "$TEST_TOKEN"
for f in "$T_TMP"/out "$T_TMP"/err; do expect_file_not_contains "$f" "$TEST_TOKEN"; done
finish

done_testing
