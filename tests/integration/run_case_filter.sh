#!/usr/bin/env bash
# A target whose userName filter compares case-sensitively while its
# uniqueness check does not (issue 12 item 2; the simulator's
# --case-sensitive-filter): an account Mixed.Case@example.com made behind
# provhost's back, then a hire of mixed.case@example.com. The filter lookup
# misses, the create answers 409, and the connector finds the account by
# one scan ignoring case and links it: one POST in all, and a re-run
# writes nothing.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
. "$(dirname "$0")/../lib/sim_helpers.sh"

rt_sim --case-sensitive-filter || exit 1
rt_state cf '.connections[0].engine.workers = 1'

begin "case-sensitive filter: the hire links the case variant after one 409, with one scan"
create_user "Mixed.Case@example.com" Mixed Case
expect_eq "$HTTP" 201 "account made behind provhost's back"
acct=$ID
for i in $(seq 1 150); do create_user "other$i@example.com" Other "N$i" >/dev/null; done
posts0=$(sim_count POST)
gets0=$(sim_count GET)
ev hire E1 - - Mixed Case Engineering >"$T_TMP/hire.jsonl"
rph run -v "$T_TMP/hire.jsonl"
expect_rc 0
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'E1'")" "$acct" "linked account"
expect_contains "$(targets)" "|done|updated"
expect_eq "$(($(sim_count POST) - posts0))" 1 "POSTs (the one that answered 409)"
expect_eq "$(sim_users | jq length)" 151 "accounts (no duplicate)"
expect_eq "$(sim_users | jq -r --arg id "$acct" '.[] | select(.id == $id) | .userName')" "mixed.case@example.com" "userName converged to HR's case"
expect_contains "$ERR" "promapp: the userName filter missed an existing account; scanned 151 accounts once to match ignoring case"
# the no-adopt probe found it through the scan too: reported as the
# candidate, then the adopting write linked it
expect_eq "$(jq -r 'select(.employee == "E1" and .outcome == "candidate") | .account_id' "$AUDIT")" "$acct" "candidate reported by the probe"
# the scan: two pages of 100 (151 accounts), besides the lookups
[ "$(($(sim_count GET) - gets0))" -ge 2 ] || fail "GETs of the scan"
expect_eq "$(grep -c 'scanned .* accounts once' <<<"$ERR")" 1 "scans (the probe and the adopting write share one)"
finish

begin "case-sensitive filter: the re-run and an unchanged update write nothing"
w0=$(sim_writes)
rph run "$T_TMP/hire.jsonl"
expect_rc 0
printf '{"event":"update","employee_id":"E1","attributes":{"first_name":"Mixed","last_name":"Case","email":"mixed.case@example.com","department":"Engineering","employment_type":"Employee"}}\n' >"$T_TMP/upd.jsonl"
rph run "$T_TMP/upd.jsonl"
expect_rc 0
expect_contains "$(targets)" "|done|unchanged"
expect_eq "$(($(sim_writes) - w0))" 0 "writes on the re-runs"
finish

rt_no_secrets_case
done_testing
