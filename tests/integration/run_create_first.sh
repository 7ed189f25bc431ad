#!/usr/bin/env bash
# Create-first (issue 16): a new hire is one POST, no lookup first, on the
# generic SCIM connector by default; a 409 finds the existing account and
# the host checks it against the ledger before linking it (never an
# account linked to someone else). Promapp by default and a dry run look
# up first; a record with externalId too (abi11_connector.sh: "a renamed
# account is still found").
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/run_common.inc"

export SCIM_TOKEN="$TEST_TOKEN"

# scim_state NAME [EXTRA SETTINGS] [EXTRA MAPPING]: a state dir with one
# generic SCIM connection "scim" on the running simulator; sets CFG, LEDGER.
scim_state() {
	ST="$T_TMP/st-$1"
	rm -rf "$ST"
	mkdir -p "$ST"
	CFG="$ST/provhost.json"
	LEDGER="$ST/ledger.sqlite"
	write_config "$CFG" "{
  \"plugin_dir\": \"$PLUGIN_DIR\", \"state_dir\": \"$ST\",
  \"connections\": [
    { \"name\": \"scim\", \"connector\": \"scim\",
      \"settings\": { \"base_url\": \"$SIM_URL\", \"timeout_ms\": 10000${2:+, $2} },
      \"secrets\": { \"access_token\": { \"env\": \"SCIM_TOKEN\" } },
      \"mapping\": { \"userName\": \"{email|lower}\", \"givenName\": \"{first_name}\",
                   \"familyName\": \"{last_name}\", \"email\": \"{email|lower}\"${3:+, $3} },
      \"policy\": { \"no_match\": \"default_roles\" },
      \"engine\": { \"workers\": 4 } }
  ]
}"
}

# hires N [PREFIX]: N hire lines E<PREFIX>1.. with emails <prefix>k@example.com
hires() {
	local i p=${2:-p}
	for i in $(seq 1 "$1"); do
		printf '{"event":"hire","employee_id":"E%s%d","id":"h-%s%d","attributes":{"first_name":"F%d","last_name":"L%d","email":"%s%d@example.com","employment_type":"Employee"}}\n' \
			"$p" "$i" "$p" "$i" "$i" "$i" "$p" "$i"
	done
}
user_id() { sim_users | jq -r --arg u "$1" '[.[] | select(.userName == $u)][0].id // empty'; }
link_of() { q "SELECT account_id FROM links WHERE employee_id = '$1'"; }

sim_start --discovery || exit 1

begin "generic SCIM: 20 new hires are 20 POSTs and no lookup per hire"
scim_state cf
hires 20 >"$T_TMP/h20.jsonl"
sim_reset
rph run "$T_TMP/h20.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 20"
expect_eq "$(sim_count POST)" 20 "POST requests"
# discovery (/ServiceProviderConfig) once per worker at most; no /Users GET
gets=$(sim_count GET)
[ "$gets" -le 4 ] || fail "expected at most 4 GETs (discovery per worker), got $gets"
expect_eq "$(sim_users | jq length)" 20 "accounts"
expect_eq "$(q "SELECT count(*) FROM links")" 20 "links"
finish

begin "create_first false: each new hire is looked up first (GET + POST)"
scim_state lf '"create_first": false'
hires 5 q >"$T_TMP/h5.jsonl"
sim_reset
rph run "$T_TMP/h5.jsonl"
expect_rc 0
expect_eq "$(sim_count POST)" 5 "POST requests"
gets=$(sim_count GET)
[ "$gets" -ge 5 ] || fail "expected a lookup per hire, got $gets GETs"
finish

begin "a 409 on create links the existing unlinked account (one POST, no second account)"
scim_state c409
sim_reset
scim POST /Users "$(printf '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"r1@example.com","name":{"givenName":"Old","familyName":"Name"}}')"
expect_eq "$HTTP" 201 "seeding the account"
pre=$(user_id r1@example.com)
hires 1 r >"$T_TMP/hr.jsonl"
rph run "$T_TMP/hr.jsonl"
expect_rc 0
expect_eq "$(sim_count POST)" 2 "POSTs (the seed and the one create that answered 409)"
expect_eq "$(sim_users | jq '[.[] | select(.userName == "r1@example.com")] | length')" 1 "accounts named r1"
expect_eq "$(link_of Er1)" "$pre" "linked account"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "r1@example.com") | .name.givenName')" F1 "converged givenName"
finish

begin "a 409 for an account linked to another employee is disputed, nothing written to it"
scim_state own
sim_reset
hires 1 o >"$T_TMP/ho.jsonl"
rph run "$T_TMP/ho.jsonl"
expect_rc 0
owned=$(user_id o1@example.com)
[ -n "$owned" ] || fail "no account for o1"
# behind provhost's back the account is renamed to the next hire's userName
scim PUT "/Users/$owned" '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"n1@example.com","name":{"givenName":"F1","familyName":"L1"}}'
expect_eq "$HTTP" 200 "renaming behind provhost's back"
writes=$(sim_writes)
hires 1 n >"$T_TMP/hn.jsonl"
rph run "$T_TMP/hn.jsonl"
expect_rc 4
expect_contains "$OUT" "Disputed 1"
expect_eq "$(link_of En1)" "" "no link for En1"
expect_eq "$(link_of Eo1)" "$owned" "Eo1 keeps its account"
expect_eq "$(sim_writes)" $((writes + 1)) "writes (only the POST that answered 409)"
expect_eq "$(sim_users | jq -r --arg i "$owned" '.[] | select(.id == $i) | .name.givenName')" F1 "the owned account is untouched"
expect_contains "$(q "SELECT last_error FROM targets WHERE state = 'disputed'")" "linked to employee Eo1"
finish

begin "dry run looks up first (a plan is exact) and writes nothing"
scim_state dry
sim_reset
hires 3 d >"$T_TMP/hd.jsonl"
rph run --dry-run "$T_TMP/hd.jsonl"
expect_rc 0
expect_eq "$(sim_writes)" 0 "writes"
gets=$(sim_count GET)
[ "$gets" -ge 3 ] || fail "expected lookups in a dry run, got $gets GETs"
finish

sim_stop

rt_sim || exit 1
begin "Promapp: lookup first by default; create_first true makes one POST per hire"
rt_state pm
hires 4 pm >"$T_TMP/hpm.jsonl"
sim_reset
rph run "$T_TMP/hpm.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 4"
gets=$(sim_count GET)
[ "$gets" -ge 4 ] || fail "expected a lookup per hire on Promapp by default, got $gets GETs"
rt_state pm2 '.connections[0].settings.create_first = true'
hires 4 pn >"$T_TMP/hpn.jsonl"
sim_reset
rph run "$T_TMP/hpn.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 4"
expect_eq "$(sim_count POST)" 4 "POST requests"
gets=$(sim_count GET)
[ "$gets" -le 1 ] || fail "expected no lookup per hire (at most one GET for the whole run), got $gets"
finish
sim_stop

rt_no_secrets_case
