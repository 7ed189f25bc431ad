#!/usr/bin/env bash
# The example connector end to end: `provhost run` against a JSON accounts
# file; asserts the file's exact contents, atomic writes, the lock under
# parallel workers, dry run, the api_key secret and delete mode.
. "$(dirname "$0")/../lib/lib.sh"

ACC="$T_TMP/accounts.json"
export EX_KEY="ex-key-Vq93Lw"

# config FILE PATH [EXTRA SETTINGS] [EXTRA CONNECTION MEMBERS] [WORKERS]
config() {
	write_config "$1" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/state-$(basename "$1" .json)\",
  \"connections\": [
    { \"name\": \"file\", \"connector\": \"example\",
      \"settings\": { \"path\": \"$2\"${3:+, $3} },
      \"mapping\": { \"userName\": \"{email|lower}\", \"givenName\": \"{first_name}\",
                   \"familyName\": \"{last_name}\", \"email\": \"{email|lower}\",
                   \"timezone\": \"{timezone?}\" },
      \"policy\": { \"no_match\": \"default_roles\" },
      \"engine\": { \"workers\": ${5:-4} }${4:+, $4} }
  ]
}"
}

# accounts JQ: runs JQ over the accounts, sorted by userName, compact (the
# workers create in parallel, so which person gets id 1 varies).
accounts() { jq -c "[.accounts[]] | sort_by(.userName) | map($1)" "$ACC"; }

config "$T_TMP/a.json" "$ACC"
cat >"$T_TMP/ev1.jsonl" <<'EOF'
{"event":"hire","employee_id":"E1","id":"e1","attributes":{"first_name":"Ana","last_name":"Lima","email":"Ana@Example.com","timezone":"Europe/Lisbon"}}
{"event":"hire","employee_id":"E2","id":"e2","attributes":{"first_name":"Bo","last_name":"Chen","email":"bo@example.com"}}
{"event":"update","employee_id":"E1","id":"e3","attributes":{"first_name":"Ana","last_name":"Silva","email":"ana@example.com","timezone":"Europe/Lisbon"}}
{"event":"terminate","employee_id":"E2","id":"e4","attributes":{"email":"bo@example.com"}}
EOF

begin "run creates, updates and deactivates accounts in the JSON file"
ph run -c "$T_TMP/a.json" "$T_TMP/ev1.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2 | Updated 1 | Reactivated 0 | Deactivated 1 | Failed 0"
expect_eq "$(accounts '[.userName, .name.givenName, .name.familyName, .emails[0].value, .timezone, .active]')" \
	'[["ana@example.com","Ana","Silva","ana@example.com","Europe/Lisbon",true],["bo@example.com","Bo","Chen","bo@example.com",null,false]]' "accounts"
expect_eq "$(jq -c '[.accounts | to_entries[] | .key == .value.id] | unique' "$ACC")" '[true]' "keyed by id"
expect_eq "$(jq -c '[.next_id, (.accounts|keys)]' "$ACC")" '[3,["1","2"]]' "ids"
expect_eq "$(stat -c %a "$ACC")" 600 "file mode"
expect_eq "$(find "$T_TMP" -maxdepth 1 -name 'accounts.json.tmp.*' | wc -l)" 0 "temporary files left"
finish

begin "the same person again is unchanged and the file is not rewritten"
sum0=$(sha256sum <"$ACC")
ino0=$(stat -c %i "$ACC")
printf '%s\n' '{"event":"update","employee_id":"E1","id":"e5","attributes":{"first_name":"Ana","last_name":"Silva","email":"ana@example.com","timezone":"Europe/Lisbon"}}' >"$T_TMP/ev2.jsonl"
ph run -c "$T_TMP/a.json" "$T_TMP/ev2.jsonl"
expect_rc 0
expect_contains "$OUT" "Unchanged 1 | Created 0 | Updated 0"
expect_eq "$(sha256sum <"$ACC")" "$sum0" "file contents"
expect_eq "$(stat -c %i "$ACC")" "$ino0" "inode (not replaced)"
finish

begin "a rehire reactivates; every write replaces the file atomically (new inode)"
printf '%s\n' '{"event":"rehire","employee_id":"E2","id":"e6","attributes":{"first_name":"Bo","last_name":"Chen","email":"bo@example.com"}}' >"$T_TMP/ev3.jsonl"
ph run -c "$T_TMP/a.json" "$T_TMP/ev3.jsonl"
expect_rc 0
expect_contains "$OUT" "Reactivated 1"
expect_eq "$(accounts '[.userName, .active]')" '[["ana@example.com",true],["bo@example.com",true]]' "active"
[ "$(stat -c %i "$ACC")" != "$ino0" ] || fail "the file was rewritten in place"
finish

begin "dry run prints the planned write and changes nothing"
sum0=$(sha256sum <"$ACC")
printf '%s\n' '{"event":"hire","employee_id":"E3","id":"e7","attributes":{"first_name":"Cy","last_name":"Ode","email":"cy@example.com"}}' >"$T_TMP/ev4.jsonl"
ph run --dry-run -c "$T_TMP/a.json" "$T_TMP/ev4.jsonl"
expect_rc 0
expect_contains "$OUT" "plan: connection \"file\" event e7 employee E3: WRITE $ACC {\"active\":true,\"emails\":[{\"primary\":true,\"type\":\"work\",\"value\":\"cy@example.com\"}],\"id\":\"3\",\"meta\":{"
expect_eq "$(sha256sum <"$ACC")" "$sum0" "file contents"
finish

begin "eight workers writing one file lose no account (the lock)"
ACC2="$T_TMP/many.json"
config "$T_TMP/many.cfg.json" "$ACC2" "" "" 8
for i in $(seq 1 40); do
	printf '{"event":"hire","employee_id":"P%d","id":"p%d","attributes":{"first_name":"P","last_name":"N%d","email":"p%d@example.com"}}\n' "$i" "$i" "$i" "$i"
done >"$T_TMP/ev5.jsonl"
ph run -c "$T_TMP/many.cfg.json" "$T_TMP/ev5.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 40"
expect_eq "$(jq '.accounts | length' "$ACC2")" 40 "accounts"
expect_eq "$(jq '[.accounts[].userName] | unique | length' "$ACC2")" 40 "distinct userNames"
expect_eq "$(jq -c '[.accounts | keys[] | tonumber] | sort | [first, last]' "$ACC2")" '[1,40]' "ids"
finish

begin "a file with an api_key needs the matching secret, which is never printed"
jq --arg k "$EX_KEY" '. + {api_key: $k}' "$ACC" >"$T_TMP/k.json" && mv "$T_TMP/k.json" "$ACC"
ph test -c "$T_TMP/a.json" file
expect_rc 1
expect_eq "$ERR" "provhost: connection \"file\": authentication failed: '$ACC' is protected by an api_key but the connection has no secret 'api_key' [status credential]"
config "$T_TMP/k.json" "$ACC" "" '"secrets": { "api_key": { "env": "EX_KEY" } }'
ph test -c "$T_TMP/k.json" file
expect_rc 0
expect_eq "$OUT" "connection \"file\": authenticated with connector example 1.0.0: '$ACC' is readable and the api_key matches: 2 accounts"
EX_KEY="wrong-key-1" ph test -c "$T_TMP/k.json" file
expect_rc 1
expect_contains "$ERR" "the secret 'api_key' does not match the one in '$ACC' [status credential]"
expect_not_contains "$OUT$ERR" "$EX_KEY"
finish

begin "delete mode removes the account from the file"
config "$T_TMP/d.json" "$ACC" '"deprovision": "delete"' '"secrets": { "api_key": { "env": "EX_KEY" } }'
printf '%s\n' '{"event":"terminate","employee_id":"E2","id":"e8","attributes":{"email":"bo@example.com"}}' >"$T_TMP/ev6.jsonl"
ph run -c "$T_TMP/d.json" "$T_TMP/ev6.jsonl"
expect_rc 0
expect_eq "$(accounts .userName)" '["ana@example.com"]' "accounts left"
expect_eq "$(jq -r .api_key "$ACC")" "$EX_KEY" "api_key kept"
finish

begin "a broken accounts file is a protocol error naming the file"
printf '{"accounts": [' >"$T_TMP/broken.json"
config "$T_TMP/b.json" "$T_TMP/broken.json"
ph test -c "$T_TMP/b.json" file
expect_rc 1
expect_contains "$ERR" "authentication failed: '$T_TMP/broken.json' is not valid JSON: "
expect_contains "$ERR" "[status protocol]"
finish

begin "settings are checked without I/O: relative path, unknown key"
config "$T_TMP/r.json" "accounts.json"
ph check-config -c "$T_TMP/r.json"
expect_rc 2
expect_contains "$ERR" "connector \"example\" rejected the settings: setting 'path' must be an absolute path: 'accounts.json'"
finish

done_testing
