#!/usr/bin/env bash
# Supervised mode (issue 13 item 3): policy "supervise" holds the kinds of
# change it lists for a person's approval instead of sending them; an
# approval binds to the plan provhost review showed (a changed plan is held
# again); "supervise_expire_days" discards what nobody approved, never a
# deactivation. The keys are checked with file:line:column errors.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

# id_of EVENT_ID: the review id (SEQ:CONNECTION) of the event's target.
id_of() { echo "$(q "SELECT seq FROM events WHERE id = '$1'"):$RT_CONN"; }
# target_of EVENT_ID: "state|outcome|last_error" of the event's target.
target_of() { q "SELECT t.state, IFNULL(t.outcome, ''), t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = '$1'"; }

begin "supervise deactivate: a terminate is held until approved, the hire goes on"
rt_state sup-deact '.connections[0].policy.supervise = ["deactivate"]'
{
	ev hire S001 s1-hire 2026-01-05 Sara Super Engineering
	ev hire S002 s2-hire 2026-01-05 Sam Super Engineering
} >"$T_TMP/hires.jsonl"
rph run "$T_TMP/hires.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2"
ev terminate S001 s1-term 2026-06-30 Sara Super Engineering >"$T_TMP/term.jsonl"
rph run "$T_TMP/term.jsonl"
expect_rc 4
expect_contains "$OUT" "Deactivated 0"
expect_contains "$OUT" "  HELD: 1 supervised change on connection $RT_CONN waits for approval: provhost review"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "sara.super@example.com") | .active')" true "still active"
expect_eq "$(target_of s1-term)" "held||supervised: deactivate: waits for approval (provhost review approve)" "held target"
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'S001'")
rph review
expect_rc 0
expect_contains "$OUT" "$(id_of s1-term)  held  S001  terminate (s1-term)"
expect_contains "$OUT" "      would send: deactivate: deprovision account $acct {\"userName\":\"sara.super@example.com\"}"
rph review --json
expect_eq "$(jq -r '.items[0] | "\(.change) \(.plan)"' <<<"$OUT")" "deactivate deactivate: deprovision account $acct {\"userName\":\"sara.super@example.com\"}" "JSON change and plan"
finish

begin "supervise deactivate: approved, the next run deactivates (not held again)"
SUDO_USER=olivia rph review approve "$(id_of s1-term)" --reason "leaver confirmed"
expect_rc 0
expect_contains "$OUT" "$(id_of s1-term) approved: pending, the next run applies it"
expect_eq "$(q "SELECT length(approved_sha256) FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 's1-term'")" 64 "approval binds a plan hash"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Deactivated 1"
expect_not_contains "$OUT" HELD
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "sara.super@example.com") | .active')" false "deactivated"
expect_eq "$(targets | grep s1-term)" "s1-term|done|deactivated" "target"
expect_eq "$(jq -rc 'select(.operation == "review") | [.action, .who, .why, .result]' "$AUDIT")" '["approve","olivia","leaver confirmed","pending"]' "audit line"
expect_eq "$(q "SELECT action, who, why, items FROM review_actions")" "approve|olivia|leaver confirmed|$(id_of s1-term)" "ledger review action"
finish

begin "supervise create: the hire is held with its plan; the update behind it waits"
rt_state sup-create '.connections[0].policy.supervise = ["create"]'
sim_reset
{
	ev hire C001 c1-hire 2026-01-05 Cleo Create Engineering
	ev update C001 c1-upd 2026-01-06 Cleo Create Quality
} >"$T_TMP/create.jsonl"
rph run "$T_TMP/create.jsonl"
expect_rc 4
expect_eq "$(sim_count POST)" 0 "POSTs"
expect_eq "$(target_of c1-hire)" "held||supervised: create: waits for approval (provhost review approve)" "hire held"
expect_eq "$(targets | grep c1-upd)" "c1-upd|pending|" "update waits behind it"
expect_contains "$OUT" "event c1-upd (employee C001): waits for an earlier event of the same employee that was held for review in this run; stays pending"
rph review
expect_contains "$OUT" "would send: create: provision account (none) {\"userName\":\"cleo.create@example.com\",\"name\":{\"givenName\":\"Cleo\",\"familyName\":\"Create\"}"
finish

begin "an approval binds to the plan: the mapping changed since, so the hire is held again"
rph review approve "$(id_of c1-hire)" --reason "new starter"
expect_rc 0
jq '.connections[0].mapping.familyName = "{last_name|upper}"' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
rph run "$T_TMP/empty.jsonl"
expect_rc 4
expect_eq "$(sim_count POST)" 0 "POSTs"
expect_contains "$OUT" "  HELD: 1 approved item on connection $RT_CONN held again: the plan changed since the approval: provhost review"
expect_contains "$(target_of c1-hire)" "held||supervised: create: held again: the plan changed since it was approved (approved plan "
expect_contains "$(target_of c1-hire)" "what would be sent is different); provhost review shows the new plan"
rph review
expect_contains "$OUT" "\"familyName\":\"CREATE\""
finish

begin "approved again (the new plan): created, then the update applies"
rph review approve --all-held --reason "checked the new name"
expect_rc 0
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 1 | Updated 1"
expect_eq "$(users_brief)" "cleo.create@example.com active=true roles=Process Expert,Viewer name=Cleo CREATE" "account"
finish

begin "supervise link: adopting an account that exists on the target waits for approval"
rt_state sup-link '.connections[0].policy.supervise = ["link"]'
sim_reset
curl -s -X POST -H 'Content-Type: application/json' "$SIM_ROOT/__sim/users" \
	--data-binary '{"userName":"lina.link@example.com","name":{"givenName":"Lina","familyName":"Before"},"active":true}' >/dev/null
acct=$(sim_users | jq -r '.[0].id')
{
	ev hire K001 k1-hire 2026-01-05 Lina Link Engineering
	ev hire K002 k2-hire 2026-01-05 Kai Fresh Engineering
} >"$T_TMP/link.jsonl"
rph run "$T_TMP/link.jsonl"
expect_rc 4
expect_contains "$OUT" "Created 1"
expect_eq "$(target_of k1-hire)" "held||supervised: link: the target has account $acct for employee K001; adopting it waits for approval (provhost review approve)" "held link"
expect_eq "$(sim_users | jq -r '.[] | select(.id == "'"$acct"'") | .name.familyName')" Before "account not written"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'K001'")" 0 "no link yet"
rph review
expect_contains "$OUT" "would send: link: provision account $acct {\"userName\":\"lina.link@example.com\""
rph review approve "$(id_of k1-hire)" --reason "that is her account"
expect_rc 0
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1"
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'K001'")" "$acct" "linked to the approved account"
expect_eq "$(sim_users | jq -r '.[] | select(.id == "'"$acct"'") | .name.familyName')" Link "account converged"
expect_eq "$(sim_users | jq length)" 2 "accounts: no second one for K001"
finish

begin "an approved link whose account is gone is not turned into a create"
sim_reset
rt_state sup-link2 '.connections[0].policy.supervise = ["link"]'
curl -s -X POST -H 'Content-Type: application/json' "$SIM_ROOT/__sim/users" \
	--data-binary '{"userName":"lina.link@example.com","name":{"givenName":"Lina","familyName":"Before"},"active":true}' >/dev/null
acct=$(sim_users | jq -r '.[0].id')
ev hire K001 k1-hire 2026-01-05 Lina Link Engineering >"$T_TMP/link1.jsonl"
rph run "$T_TMP/link1.jsonl"
expect_rc 4
rph review approve --all-held --reason "her account"
sim_reset # the account is removed on the target
expect_eq "$(sim_users | jq length)" 0 "accounts before the run"
rph run "$T_TMP/empty.jsonl"
expect_rc 4
expect_eq "$(sim_count POST)" 0 "POSTs: nothing created"
expect_eq "$(sim_users | jq length)" 0 "accounts"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'K001'")" 0 "links"
expect_eq "$(target_of k1-hire)" "held||held again: the plan changed since it was approved: account $acct that was approved for adoption is no longer on the target; provisioning now would create an account nobody approved" "held again"
rph review
expect_contains "$OUT" "would send: create: provision account (none) {\"userName\":\"lina.link@example.com\""
rph review approve --all-held --reason "create her a new one"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 1"
expect_eq "$(sim_users | jq length)" 1 "accounts"
finish

begin "supervise create and link: an approved create that turns out to be a link is held again"
sim_reset
rt_state sup-link3 '.connections[0].policy.supervise = ["create", "link"]'
curl -s -X POST -H 'Content-Type: application/json' "$SIM_ROOT/__sim/users" \
	--data-binary '{"userName":"lina.link@example.com","name":{"givenName":"Lina","familyName":"Before"},"active":true}' >/dev/null
acct=$(sim_users | jq -r '.[0].id')
rph run "$T_TMP/link1.jsonl"
expect_rc 4
expect_eq "$(target_of k1-hire)" "held||supervised: create: waits for approval (provhost review approve)" "held as a create"
rph review approve --all-held --reason "new starter"
rph run "$T_TMP/empty.jsonl"
expect_rc 4
expect_contains "$(target_of k1-hire)" "held||supervised: link: held again: the plan changed since it was approved (approved plan "
expect_contains "$(target_of k1-hire)" "the target has an account for them, it would be linked); provhost review shows the new plan"
expect_eq "$(sim_users | jq -r '.[0].name.familyName')" Before "account not written"
rph review approve --all-held --reason "yes, her account"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'K001'")" "$acct" "linked"
expect_eq "$(sim_users | jq -r '.[0].name.familyName')" Link "converged"
expect_eq "$(sim_users | jq length)" 1 "accounts"
finish

begin "supervise_expire_days: an unapproved create is discarded, a deactivation never expires"
rt_state sup-expire '.connections[0].policy.supervise = ["create", "deactivate"] | .connections[0].policy.supervise_expire_days = 7'
sim_reset
ev hire X001 x1-hire 2026-01-05 Xena Old Engineering >"$T_TMP/x1.jsonl"
rph run "$T_TMP/x1.jsonl"
expect_rc 4
rph review approve --all-held --reason "existing staff"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
{
	ev hire X002 x2-hire 2026-02-01 Xavier New Engineering
	ev terminate X001 x1-term 2026-02-01 Xena Old Engineering
} >"$T_TMP/x2.jsonl"
rph run "$T_TMP/x2.jsonl"
expect_rc 4
expect_eq "$(count_state held)" 2 "held"
# both were held more than 7 days ago
q "UPDATE targets SET updated_at = updated_at - 8 * 86400 WHERE state = 'held'"
rph run "$T_TMP/empty.jsonl"
expect_rc 4 # the deactivation still waits for a person
expect_contains "$OUT" "  EXPIRED: 1 supervised change on connection $RT_CONN nobody approved within supervise_expire_days 7: discarded, never sent"
expect_contains "$OUT" "  WAITING: 1 supervised deactivation on connection $RT_CONN older than supervise_expire_days 7: a deactivation never expires, it waits for approval: provhost review"
expect_eq "$(target_of x2-hire)" "skipped|discarded|discarded: nobody approved it within supervise_expire_days 7 (run 4); never sent" "expired hire"
expect_eq "$(target_of x1-term)" "held||supervised: deactivate: waits for approval (provhost review approve)" "deactivation"
expect_eq "$(sim_count POST)" 1 "POSTs (only the approved first hire)"
expect_eq "$(sim_count DELETE)" 0 "DELETEs"
expect_eq "$(q "SELECT a.status FROM attempts a JOIN events e ON e.seq = a.event_seq WHERE e.id = 'x2-hire' ORDER BY a.attempt")" "held
expired" "attempts of the expired hire"
rph history X002
expect_contains "$OUT" "skipped discarded"
# reconcile: no account for X002 was a decision, not a missing account
rph reconcile --json
expect_eq "$(jq '.connections[0].counts.missing' <<<"$OUT")" 0 "missing"
expect_eq "$(jq '[.connections[0].findings[] | select(.employee_id == "X002")] | length' <<<"$OUT")" 0 "findings of X002"
finish

begin "supervise and supervise_expire_days are checked with file:line:column"
rt_state sup-ok '.connections[0].policy.supervise = ["deactivate", "create"] | .connections[0].policy.supervise_expire_days = 5'
rph check-config
expect_rc 0
expect_contains "$OUT" "  supervised (held for approval): create, deactivate; unapproved items expire after 5 days (never a deactivation)"
rt_state sup-bad '.connections[0].policy.supervise = ["create", "delete"]'
rph check-config
expect_rc 2
line=$(grep -n '"delete"' "$CFG" | cut -d: -f1)
expect_eq "$ERR" "$CFG:$line:11: connection \"$RT_CONN\": \"supervise\": unknown kind of change \"delete\" (expected create, update, deactivate, reactivate or link)"
rt_state sup-bad2 '.connections[0].policy.supervise = ["link", "link"]'
rph check-config
expect_rc 2
expect_contains "$ERR" "\"supervise\" lists \"link\" twice"
rt_state sup-bad3 '.connections[0].policy.supervise_expire_days = 0 | .connections[0].policy.supervise = ["create"]'
rph check-config
expect_rc 2
expect_contains "$ERR" "\"supervise_expire_days\" must be a number of days from 1 to 36500"
rt_state sup-bad4 '.connections[0].policy.supervise_expire_days = 3'
rph check-config
expect_rc 2
line=$(grep -n '"supervise_expire_days"' "$CFG" | cut -d: -f1)
expect_contains "$ERR" "$CFG:$line:"
expect_contains "$ERR" "\"supervise_expire_days\" needs \"supervise\""
finish

rt_no_secrets_case
done_testing
