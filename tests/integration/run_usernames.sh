#!/usr/bin/env bash
# userNames (issue 12 items 2, 3): a chosen userName is reserved in the
# ledger (case-folded, one employee per name and connection) before the
# request is sent; with candidates a name someone else holds is skipped,
# with one template it is a dispute; the name is kept with the link, and an
# HR rename renames the account only with policy rename=follow.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

CANDIDATES='.connections[0].mapping.userName = ["{first_name|ascii|lower}.{last_name|ascii|lower}{n}@acme.example"]'
SINGLE='.connections[0].mapping.userName = "{first_name|ascii|lower}.{last_name|ascii|lower}@acme.example"'

hire() { # EMP FIRST LAST EMAIL
	printf '{"event":"hire","employee_id":"%s","attributes":{"first_name":"%s","last_name":"%s","email":"%s","department":"Engineering","employment_type":"Employee"}}\n' "$@"
}
rename() { # EMP LAST
	printf '{"event":"update","employee_id":"%s","attributes":{"last_name":"%s"}}\n' "$@"
}
user_names() { sim_users | jq -r '[.[].userName] | sort | join(" ")'; }
link_name() { q "SELECT user_name FROM links WHERE employee_id = '$1'"; }
{
	hire J001 John Smith john.smith@corp.example
	hire J002 John Smith jsmith@corp.example
} >"$T_TMP/johns.jsonl"

begin "two John Smiths, one worker: john.smith@ and john.smith2@, one account each"
rt_state one "$CANDIDATES | .connections[0].engine.workers = 1"
sim_reset
rph run "$T_TMP/johns.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2 |"
expect_eq "$(user_names)" "john.smith2@acme.example john.smith@acme.example" "accounts"
expect_eq "$(link_name J001)" john.smith@acme.example "J001's link"
expect_eq "$(link_name J002)" john.smith2@acme.example "J002's link"
expect_eq "$(q "SELECT employee_id || '=' || key FROM user_names ORDER BY key")" \
	"$(printf 'J002=john.smith2@acme.example\nJ001=john.smith@acme.example')" "reservations"
finish

begin "a second run sends the same names again: no new accounts"
rph run "$T_TMP/johns.jsonl"
expect_rc 0
expect_eq "$(user_names)" "john.smith2@acme.example john.smith@acme.example" "accounts"
finish

begin "two John Smiths hired in one run by 8 workers (5 rounds): the reservation decides, one account each"
for round in 1 2 3 4 5; do
	rt_state race$round "$CANDIDATES | .connections[0].engine = {\"workers\": 8, \"max_rps\": 0}"
	sim_reset
	rph run "$T_TMP/johns.jsonl"
	expect_rc 0
	expect_contains "$OUT" "Created 2 |"
	expect_eq "$(user_names)" "john.smith2@acme.example john.smith@acme.example" "round $round accounts"
	expect_eq "$(q "SELECT count(DISTINCT user_name) FROM links")" 2 "round $round distinct linked names"
	expect_eq "$(count_state disputed)" 0 "round $round disputed"
done
finish

begin "rename=keep (default): an HR rename keeps the account's userName"
rt_state keep "$CANDIDATES | .connections[0].engine.workers = 1"
sim_reset
rph run "$T_TMP/johns.jsonl"
expect_rc 0
rename J001 Smyth >"$T_TMP/smyth.jsonl"
rph run "$T_TMP/smyth.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1 |"
expect_eq "$(user_names)" "john.smith2@acme.example john.smith@acme.example" "accounts"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "john.smith@acme.example") | .name.familyName')" Smyth "family name updated"
expect_eq "$(link_name J001)" john.smith@acme.example "J001's link"
finish

begin "rename=follow: an HR rename renames the account (a free candidate, reserved)"
rt_state follow "$CANDIDATES | .connections[0].policy.rename = \"follow\" | .connections[0].engine.workers = 1"
sim_reset
rph run "$T_TMP/johns.jsonl"
expect_rc 0
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'J001'")
rph run "$T_TMP/smyth.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1 |"
expect_eq "$(user_names)" "john.smith2@acme.example john.smyth@acme.example" "accounts"
expect_eq "$(link_name J001)" john.smyth@acme.example "J001's link"
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'J001'")" "$acct" "same account"
expect_eq "$(q "SELECT employee_id FROM user_names WHERE key = 'john.smyth@acme.example'")" J001 "new name reserved"
# J002 renamed to Smith again by HR (no change): keeps john.smith2, not
# J001's old name (which stays J001's)
rename J002 Smith >"$T_TMP/smith2.jsonl"
rph run "$T_TMP/smith2.jsonl"
expect_rc 0
expect_eq "$(link_name J002)" john.smith2@acme.example "J002's link"
finish

begin "one template: a userName another person holds is still a dispute, nothing sent"
rt_state single "$SINGLE | .connections[0].engine.workers = 1"
sim_reset
rph run "$T_TMP/johns.jsonl"
expect_rc 4 # done; a dispute waits for a person
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'J001'")
expect_contains "$OUT" "Disputed 1"
expect_contains "$OUT" "userName \"john.smith@acme.example\" of employee J002 is account $acct, linked to employee J001"
expect_eq "$(user_names)" "john.smith@acme.example" "accounts"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'J002'")" 0 "J002 links"
finish

begin "one template: a name reserved (not yet linked) by another person, in another case, is a dispute"
rt_state reserved "$SINGLE | .connections[0].engine.workers = 1"
sim_reset
hire J001 John Smith john.smith@corp.example >"$T_TMP/j1.jsonl"
rph run "$T_TMP/j1.jsonl"
expect_rc 0
# J001's create is lost from the ledger but the reservation stays (as after
# a failed create), spelled in another case
q "DELETE FROM links; UPDATE user_names SET user_name = 'JOHN.SMITH@ACME.EXAMPLE'" >/dev/null
hire J002 John Smith jsmith@corp.example >"$T_TMP/j2.jsonl"
w0=$(sim_writes)
rph run "$T_TMP/j2.jsonl"
expect_rc 4 # done; a dispute waits for a person
expect_contains "$OUT" "userName \"john.smith@acme.example\" of employee J002 is reserved for employee J001"
expect_eq "$(sim_writes)" "$w0" "writes"
finish

begin "a create that fails keeps its reservation: the next person gets the next name, the retry the same"
# every 2nd request of this simulator is a 503 (the first, the connection
# check, works; with max_attempts 1 J002's create fails); then a working
# simulator, with the same ledger: the reservation made before the failed
# request is still J002's
sim_stop
rt_sim --fail-every 2 || exit 1
rt_state failed "$CANDIDATES | .connections[0].engine.workers = 1 | .connections[0].engine.max_attempts = 1"
hire J002 John Smith jsmith@corp.example >"$T_TMP/j2.jsonl"
rph run "$T_TMP/j2.jsonl"
expect_rc 1
expect_eq "$(q "SELECT count(*) FROM targets WHERE state = 'failed'")" 1 "failed targets"
expect_eq "$(q "SELECT employee_id || '=' || user_name FROM user_names")" J002=john.smith@acme.example "J002's reservation"
sim_stop
rt_sim || exit 1
jq --arg u "$SIM_URL" '.connections[0].settings.instance_url = $u' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"
hire J001 John Smith john.smith@corp.example >"$T_TMP/j1.jsonl"
rph run "$T_TMP/j1.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2 |"
expect_eq "$(link_name J002)" john.smith@acme.example "J002's link (the retry)"
expect_eq "$(link_name J001)" john.smith2@acme.example "J001's link"
finish

begin "a candidate on the target with the reserved name (other case) is adopted"
rt_state adopt "$CANDIDATES | .connections[0].engine.workers = 1"
sim_reset
curl -s -X POST -H 'Content-Type: application/json' "$SIM_ROOT/__sim/users" \
	--data-binary '{"userName":"John.Smith@ACME.example","name":{"givenName":"John","familyName":"Smith"},"active":true}' >/dev/null
hire J001 John Smith john.smith@corp.example >"$T_TMP/j1.jsonl"
rph run "$T_TMP/j1.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 0 |"
expect_eq "$(sim_users | jq length)" 1 "accounts"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'J001'")" 1 "J001 linked"
finish

rt_no_secrets_case
done_testing
