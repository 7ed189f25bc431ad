#!/usr/bin/env bash
# userName candidate lists and the ascii filter through the real binary:
# check-config reports a bad candidate list as file:line:column, and a run
# (parallel workers, so concurrent transliteration) creates accounts whose
# userNames are the ASCII transliterations of names in several scripts.
. "$(dirname "$0")/../lib/lib.sh"

ACC="$T_TMP/accounts.json"

# config FILE USERNAME_JSON: the example connector with this userName.
config() {
	write_config "$1" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/state-$(basename "$1" .json)\",
  \"connections\": [
    { \"name\": \"file\", \"connector\": \"example\",
      \"settings\": { \"path\": \"$ACC\" },
      \"mapping\": { \"userName\": $2,
                   \"email\": \"{email?}\" },
      \"engine\": { \"workers\": 4 } }
  ]
}"
}

begin "check-config: {n} outside the last candidate is an error at its line and column"
config "$T_TMP/bad.json" '[
          "{email|lower}{n}",
          "{first_name|ascii|lower}{n}" ]'
ph check-config -c "$T_TMP/bad.json"
expect_rc 2
expect_eq "$OUT" "" "stdout"
expect_eq "$ERR" "$T_TMP/bad.json:8:11: connection \"file\": invalid template for \"userName[0]\": the counter {n} at column 14 is allowed only in the last userName candidate"
finish

begin "check-config: a candidate that is not a string, an empty list, {n} in another target"
config "$T_TMP/bad2.json" '[ "{email}",
      42 ]'
ph check-config -c "$T_TMP/bad2.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/bad2.json:8:7: connection \"file\": \"userName[1]\" must be a template string"
config "$T_TMP/bad3.json" '[]'
ph check-config -c "$T_TMP/bad3.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/bad3.json:7:20: connection \"file\": \"userName\" must be a template string or a non-empty list of template strings"
config "$T_TMP/bad4.json" '"{email}", "displayName": "{first_name}{n}"'
ph check-config -c "$T_TMP/bad4.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/bad4.json:7:43: connection \"file\": invalid template for \"displayName\": the counter {n} at column 13 is allowed only in the last userName candidate"
finish

begin "check-config accepts a candidate list with ascii and {n}"
config "$T_TMP/good.json" '["{login}",
        "{first_name|ascii|lower}.{last_name|ascii|lower}{n}@acme.example"]'
ph check-config -c "$T_TMP/good.json"
expect_rc 0
expect_contains "$OUT" "configuration ok: 1 connection"
finish

begin "run: userNames are the first candidate that renders, transliterated to ASCII"
cat >"$T_TMP/ev.jsonl" <<'EOS'
{"event":"hire","employee_id":"E1","id":"e1","attributes":{"first_name":"Zoë","last_name":"Ångström"}}
{"event":"hire","employee_id":"E2","id":"e2","attributes":{"first_name":"Jürgen","last_name":"Weiß"}}
{"event":"hire","employee_id":"E3","id":"e3","attributes":{"first_name":"Bruce","last_name":"李"}}
{"event":"hire","employee_id":"E4","id":"e4","attributes":{"first_name":"Łukasz","last_name":"Żółć"}}
{"event":"hire","employee_id":"E5","id":"e5","attributes":{"first_name":"Владимир","last_name":"Путин"}}
{"event":"hire","employee_id":"E6","id":"e6","attributes":{"first_name":"Søren","last_name":"Kierkegaard"}}
{"event":"hire","employee_id":"E7","id":"e7","attributes":{"first_name":"Γιώργος","last_name":"Παπαδόπουλος"}}
{"event":"hire","employee_id":"E8","id":"e8","attributes":{"first_name":"İsmail","last_name":"Işık"}}
{"event":"hire","employee_id":"E9","id":"e9","attributes":{"login":"jsmith","first_name":"John","last_name":"Smith"}}
EOS
ph run -c "$T_TMP/good.json" "$T_TMP/ev.jsonl"
expect_rc 0
expect_eq "$ERR" "" "stderr"
expect_contains "$OUT" "Created 9 |"
expect_eq "$(jq -c '[.accounts[] | .userName] | sort' "$ACC")" \
	'["bruce.li@acme.example","giorgos.papadopoulos@acme.example","ismail.isik@acme.example","jsmith","jurgen.weiss@acme.example","lukasz.zolc@acme.example","soren.kierkegaard@acme.example","vladimir.putin@acme.example","zoe.angstrom@acme.example"]' "userNames"
expect_eq "$(jq -r '.accounts[] | select(.userName == "zoe.angstrom@acme.example") | .name.givenName' "$ACC")" "Zoë" "givenName untouched"
finish

done_testing
