#!/usr/bin/env bash
# provhost check-connector: every shipped connector passes the contract
# (promapp and scim live against the simulator, example against a temp
# file); the deliberately broken fixture fails with clear reasons.
. "$(dirname "$0")/../lib/lib.sh"

sim_start --discovery || exit 1
export SDK_TOKEN="$TEST_TOKEN"
CFG="$T_TMP/provhost.json"
write_config "$CFG" "{
  \"plugin_dir\": \"$PLUGIN_DIR\",
  \"state_dir\": \"$T_TMP/state\",
  \"connections\": [
    { \"name\": \"promapp-sim\", \"connector\": \"promapp\",
      \"settings\": { \"instance_url\": \"$SIM_URL\", \"timeout_ms\": 10000 },
      \"secrets\": { \"access_token\": { \"env\": \"SDK_TOKEN\" } } },
    { \"name\": \"scim-sim\", \"connector\": \"scim\",
      \"settings\": { \"base_url\": \"$SIM_URL\", \"timeout_ms\": 10000 },
      \"secrets\": { \"access_token\": { \"env\": \"SDK_TOKEN\" } } },
    { \"name\": \"file\", \"connector\": \"example\",
      \"settings\": { \"path\": \"$T_TMP/accounts.json\" } },
    { \"name\": \"broken\", \"connector\": \"broken\",
      \"settings\": { \"target\": \"nowhere\" } },
    { \"name\": \"trusting\", \"connector\": \"etag_trusting\",
      \"settings\": {} }
  ]
}"
BROKEN="$BUILD/fixtures/broken_contract.so"

# summary_of: the runner's last line.
summary_of() { tail -n 1 <<<"$OUT"; }

for c in promapp-sim:promapp scim-sim:scim file:example; do
	conn=${c%%:*} name=${c##*:}
	begin "check-connector passes for $name with live checks on \"$conn\""
	ph check-connector -c "$CFG" --connection "$conn" "$PLUGIN_DIR/$name.so"
	expect_rc 0
	expect_not_contains "$OUT" "FAIL "
	for check in "descriptor" "exports" "validate_config rejects an unknown key" \
		"open/close 1000 times" "provision rejects bad records" \
		"deprovision rejects bad identities" "lookup rejects bad identities" \
		"authenticate" "dry run plans and writes nothing" \
		"provision creates the account" "provision again is unchanged" \
		"lookup finds the account" "list emits every account once" \
		"no-adopt reports the existing account as a candidate" \
		"deprovision deactivates the account" \
		"deprovision again changes nothing"; do
		expect_contains "$OUT" "PASS $check: "
	done
	if [ "$name" = example ]; then
		expect_contains "$OUT" "SKIP ETag checks: the connector does not advertise etag (ABI 1.2)"
	else
		# the simulator gives ETags: every ABI 1.2 check runs
		for check in "provision returns the account's ETag" \
			"provision with the last state writes the change" \
			"a stale ETag is not trusted"; do
			expect_contains "$OUT" "PASS $check: "
		done
	fi
	expect_contains "$OUT" "PASS exports: only provhost_connector_v1"
	expect_contains "$OUT" "PASS provision rejects bad records: NULL, \"\", \"{\" and \"[]\" give invalid_input before any I/O"
	expect_not_contains "$OUT$ERR" "$TEST_TOKEN"
	finish
done

begin "every shipped connector is covered above"
# a new plugins/<name>/ must get a connection here so make check runs its
# contract
expect_eq "$(cd "$PLUGIN_DIR" && ls -- *.so | tr '\n' ' ')" "example.so promapp.so scim.so " "shipped connectors"
finish

begin "the live checks leave exactly one deactivated test person per connector"
# promapp and scim share the simulator: two contract persons, both inactive
expect_eq "$(sim_users | jq '[.[] | select(.userName|startswith("provhost-contract-"))] | length')" 2 "contract users"
expect_eq "$(sim_users | jq '[.[] | select(.userName|startswith("provhost-contract-")) | .active] | unique')" "[
  false
]" "active"
expect_eq "$(jq '[.accounts[] | select(.userName|startswith("provhost-contract-")) | .active]' "$T_TMP/accounts.json" | tr -d ' \n')" "[false]" "example file"
finish

begin "exact summaries: what was run, passed and skipped"
ph check-connector -c "$CFG" --connection scim-sim "$PLUGIN_DIR/scim.so"
expect_eq "$(summary_of)" "check-connector: 26 passed, 0 failed, 0 skipped"
ph check-connector -c "$CFG" --connection promapp-sim "$PLUGIN_DIR/promapp.so"
expect_eq "$(summary_of)" "check-connector: 25 passed, 0 failed, 1 skipped"
expect_contains "$OUT" "SKIP validate_config rejects a missing required key: the schema has no required setting"
ph check-connector "$PLUGIN_DIR/example.so"
expect_rc 0
expect_eq "$(summary_of)" "check-connector: 9 passed, 0 failed, 5 skipped"
expect_contains "$OUT" "PASS descriptor: name \"example\" version 1.0.0, ABI 1.0, capabilities lookup,dry-run,roles,reactivate,delete,list,no-adopt, 4 settings (1 secret)"
expect_contains "$OUT" "PASS validate_config rejects a missing required key: without 'path': config: missing required setting 'path'"
expect_contains "$OUT" "SKIP live checks: needs --connection"
finish

begin "the broken fixture fails offline with the exact reasons"
ph check-connector "$BROKEN"
expect_rc 1
while IFS= read -r line; do
	expect_contains "$OUT" "$line"
done <<'EOT'
FAIL exports: also exports "broken_contract_helper" (a connector exports only provhost_connector_v1: link with a version script and -fvisibility=hidden)
FAIL validate_config rejects a missing required key: without 'target': returned ok
FAIL validate_config rejects an unknown key: returned ok
FAIL validate_config("["): did I/O (openat)
FAIL validate_config("null"): crashed with signal 6 (Aborted)
FAIL validate_config({"unknown":1}): returned ok
EOT
expect_eq "$(summary_of)" "check-connector: 3 passed, 6 failed, 5 skipped"
finish

begin "the broken fixture fails the live checks with the exact reasons"
ph check-connector -c "$CFG" --connection broken "$BROKEN"
expect_rc 1
while IFS= read -r line; do
	expect_contains "$OUT" "$line"
done <<'EOT'
FAIL provision rejects bad records: NULL: returned ok; "": returned ok; "{": returned ok; "[]": returned ok
FAIL dry run plans and writes nothing: provision of a new person returned outcome none with 0 planned writes, expected created with at least one
FAIL provision creates the account: returned ok with outcome none (expected created) and no account id
FAIL deprovision deactivates the account: returned ok with outcome absent (expected deactivated or deleted)
SKIP lookup finds the account: the connector has no lookup
SKIP list emits every account once: the connector does not advertise list (ABI 1.1)
SKIP no-adopt reports the existing account as a candidate: the connector does not advertise no-adopt (ABI 1.1)
SKIP ETag checks: the connector does not advertise etag (ABI 1.2)
EOT
expect_contains "$(summary_of)" " failed, "
expect_not_contains "$(summary_of)" " 0 failed"
finish

begin "a connector that trusts a stale last state fails the ETag check"
# etag_trusting sends only what differs from the host's last state and
# ignores the ETag: an account changed since keeps the hidden change
ph check-connector -c "$CFG" --connection trusting "$BUILD/fixtures/etag_trusting.so"
expect_rc 1
expect_contains "$OUT" "PASS provision returns the account's ETag: W/\"1\""
expect_contains "$OUT" "PASS provision with the last state writes the change: 0 requests, ETag W/\"1\" -> W/\"2\""
expect_contains "$OUT" "FAIL a stale ETag is not trusted: with the stale ETag W/\"1\" the account reads Third/Check, expected Third/Stale: the connector trusted a last state older than the account (send If-Match and re-read on 412)"
finish

begin "usage and configuration errors exit 2"
ph check-connector
expect_rc 2
expect_eq "$ERR" "provhost check-connector: missing PLUGIN.so (the connector file to check); see 'provhost help check-connector'"
ph check-connector -c "$CFG" "$PLUGIN_DIR/scim.so"
expect_rc 2
expect_contains "$ERR" "-c needs --connection NAME"
ph check-connector -c "$CFG" --connection file "$PLUGIN_DIR/scim.so"
expect_rc 2
expect_eq "$ERR" "provhost check-connector: connection \"file\" uses connector \"example\", but $PLUGIN_DIR/scim.so is connector \"scim\""
ph check-connector -c "$CFG" --connection nosuch "$PLUGIN_DIR/scim.so"
expect_rc 2
expect_eq "$ERR" "provhost check-connector: no connection named \"nosuch\" in $CFG"
ph check-connector "$T_TMP/none.so"
expect_rc 2
expect_eq "$ERR" "provhost check-connector: cannot read \"$T_TMP/none.so\": No such file or directory"
ph help check-connector
expect_rc 0
expect_contains "$OUT" "usage: provhost check-connector [-c FILE --connection NAME] PLUGIN.so"
finish

begin "a file the loader refuses fails the descriptor check with the loader's reason"
ph check-connector "$BUILD/fixtures/missing_op.so"
expect_rc 1
expect_contains "$OUT" "FAIL descriptor: the loader refuses $BUILD/fixtures/missing_op.so: required op \"provision\" is missing"
finish

done_testing
