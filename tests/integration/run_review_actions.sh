#!/usr/bin/env bash
# provhost review's actions beyond approve/discard (issue 13 items 1-2):
# retry re-decides rejected events against today's configuration and the
# person's current state; link/unlink resolve a dispute under one person
# one account; --now runs the released work at once; a terminate after a
# failed update of the same person goes ahead and supersedes the update.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

id_of() { echo "$(q "SELECT seq FROM events WHERE id = '$1'"):$RT_CONN"; }
target_of() { q "SELECT t.state, IFNULL(t.outcome, ''), t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = '$1'"; }
set_cfg() { jq "$1" "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"; }

begin "retry --rejected after a mapping fix: the hires are created, a leaver's hire is superseded"
# the userName template names an attribute HR does not send: every
# provision and every deprovision of a person without a link is rejected
rt_state retry '.connections[0].mapping.userName = "{mail|lower}"'
{
	ev hire R001 r1-hire 2026-01-05 Rita Retry Engineering
	ev hire R002 r2-hire 2026-01-05 Rob Retry Quality
	ev hire R003 r3-hire 2026-01-05 Ria Gone Engineering
	ev terminate R003 r3-term 2026-02-01 Ria Gone Engineering
} >"$T_TMP/retry.jsonl"
rph run --allow-mass-deprovision "$T_TMP/retry.jsonl"
expect_rc 1
expect_eq "$(count_state rejected)" 4 "rejected"
# review shows what the run decided for items without a plan
rph review
expect_contains "$OUT" "      decided: none: hire; rejected: missing HR attribute \"mail\" (required by mapping \"userName\"); rules engineering, employees; roles Modeller, Viewer"
rph review --json
expect_eq "$(jq -c '.items[0].decision | [.action, .roles]' <<<"$OUT")" '["none",["Modeller","Viewer"]]' "the decision in --json"
set_cfg '.connections[0].mapping.userName = "{email|lower}"'
rph run "$T_TMP/retry.jsonl"
expect_contains "$OUT" "Skipped 4" # rejected is final without a person
rph review retry --rejected --reason "userName template fixed"
expect_rc 0
expect_contains "$OUT" "$(id_of r1-hire) retried: pending, the next run applies it"
expect_contains "$OUT" "$(id_of r3-hire) superseded: superseded: not replayed: employee R003 left since (#4 terminate, rejected); retried by "
expect_contains "$OUT" "$(id_of r3-term) retried: pending"
expect_eq "$(targets | tr '\n' ' ')" "r1-hire|pending| r2-hire|pending| r3-hire|skipped|superseded r3-term|pending| " "targets"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 2"
expect_eq "$(users_brief)" "rita.retry@example.com active=true roles=Modeller,Viewer name=Rita Retry
rob.retry@example.com active=true roles=Process Expert,Viewer name=Rob Retry" "accounts: none for the leaver"
expect_eq "$(targets | grep r3-term)" "r3-term|done|absent" "leaver's terminate"
expect_eq "$(jq -r 'select(.operation == "review") | .action' "$AUDIT" | sort | uniq -c | tr -s ' ')" " 4 retry" "audit lines"
expect_eq "$(q "SELECT count(*) FROM review_actions WHERE action = 'retry' AND why = 'userName template fixed'")" 4 "ledger review actions"
rph review retry "$(id_of r1-hire)"
expect_rc 1
expect_contains "$ERR" "is not rejected: not changed"
finish

begin "retry: a hire replayed after a later update was applied is superseded"
rt_state retry2
sim_reset
ev hire R010 r10-hire 2026-01-05 Ray Later Engineering >"$T_TMP/r10a.jsonl"
ev update R010 r10-upd 2026-01-06 Ray Later Quality >"$T_TMP/r10b.jsonl"
set_cfg '.connections[0].mapping.userName = "{mail|lower}"'
rph run "$T_TMP/r10a.jsonl"
expect_rc 1
set_cfg '.connections[0].mapping.userName = "{email|lower}"'
rph run "$T_TMP/r10b.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 1"
rph review retry --rejected
expect_rc 0
expect_contains "$OUT" "superseded: not replayed: a later event of employee R010 (#2 update) was applied since with their whole HR record"
expect_eq "$(users_brief)" "ray.later@example.com active=true roles=Process Expert,Viewer name=Ray Later" "account keeps the later state"
finish

begin "a terminate after a failed update of the same person goes ahead; the update is superseded"
MAIN_URL=$SIM_URL MAIN_ROOT=$SIM_ROOT
sim_start --roles "Viewer,Modeller,Editor" || exit 1 # no "Process Expert"
rt_state supersede
ev hire U001 u1-hire 2026-01-05 Una Update Engineering >"$T_TMP/u1.jsonl"
rph run "$T_TMP/u1.jsonl"
expect_rc 0
{
	ev update U001 u1-upd 2026-02-01 Una Update Quality
	ev terminate U001 u1-term 2026-03-01 Una Update Quality
} >"$T_TMP/u2.jsonl"
rph run "$T_TMP/u2.jsonl"
expect_rc 1 # the update did fail
expect_contains "$OUT" "Deactivated 1"
expect_contains "$OUT" "Role not found: Process Expert"
expect_contains "$OUT" "SUPERSEDED: 1 earlier item of leavers on connection $RT_CONN will not be sent"
expect_eq "$(target_of u1-upd)" "skipped|superseded|superseded by event u1-term (#3 terminate) of the same employee: a leaver is deprovisioned, their earlier open work is not sent" "update"
expect_eq "$(targets | grep u1-term)" "u1-term|done|deactivated" "terminate"
expect_eq "$(sim_users | jq -r '.[0].active')" false "account deactivated"
expect_eq "$(q "SELECT status FROM attempts a JOIN events e ON e.seq = a.event_seq WHERE e.id = 'u1-upd' ORDER BY attempt DESC LIMIT 1")" superseded "attempt row"
rph run "$T_TMP/empty.jsonl"
expect_rc 0 # nothing left: the update is never retried
finish

begin "a terminate is not held back by a held update either; other later events still wait"
rt_state supersede-held '.connections[0].policy.supervise = ["update"]'
sim_reset
rph run "$T_TMP/u1.jsonl"
expect_rc 0
{
	ev update U001 u3-upd 2026-02-01 Una Update Engineering Contractor
	ev update U001 u3-upd2 2026-02-02 Una Update Engineering
} >"$T_TMP/u3.jsonl"
rph run "$T_TMP/u3.jsonl"
expect_rc 4
expect_eq "$(targets | grep u3- | tr '\n' ' ')" "u3-upd|held| u3-upd2|pending| " "held update, later update waits"
ev terminate U001 u3-term 2026-03-01 Una Update Engineering >"$T_TMP/u4.jsonl"
rph run "$T_TMP/u4.jsonl"
expect_rc 0
expect_eq "$(targets | grep u3- | tr '\n' ' ')" "u3-upd|skipped|superseded u3-upd2|skipped|superseded u3-term|done|deactivated " "after the terminate"
SIM_URL=$MAIN_URL SIM_ROOT=$MAIN_ROOT
finish

begin "review link: refused while the account is someone else's; unlink, link, the next run converges the account"
rt_state link '.connections[0].policy.shared_email = "allow"'
sim_reset
ev hire L001 l1-hire 2026-01-05 Lea Link Engineering >"$T_TMP/l1.jsonl"
rph run "$T_TMP/l1.jsonl"
expect_rc 0
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'L001'")
# HR re-hired the same person under a new employee id
ev hire L002 l2-hire 2026-04-01 Lea Link Quality >"$T_TMP/l2.jsonl"
rph run "$T_TMP/l2.jsonl"
expect_rc 4
expect_eq "$(targets | grep l2-hire)" "l2-hire|disputed|" "disputed"
rph review link L002 "$acct" --reason "same person, new id"
expect_rc 1
expect_contains "$ERR" "not linked: account $acct is linked to employee L001 on connection \"$RT_CONN\" (one person, one account: unlink it first)"
expect_eq "$(targets | grep l2-hire)" "l2-hire|disputed|" "still disputed"
rph review link L001 other-account
expect_rc 1
expect_contains "$ERR" "employee L001 is linked to account $acct"
SUDO_USER=hr-admin rph review unlink L001 --reason "old id of L002"
expect_rc 0
expect_contains "$OUT" "employee L001 unlinked from account $acct on connection \"$RT_CONN\"; 0 disputed items released"
SUDO_USER=hr-admin rph review link L002 "$acct" --reason "same person, new id"
expect_rc 0
expect_contains "$OUT" "employee L002 linked to account $acct on connection \"$RT_CONN\"; 1 disputed item released: the next run applies it"
expect_eq "$(targets | grep l2-hire)" "l2-hire|pending|" "released"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1"
expect_eq "$(users_brief)" "lea.link@example.com active=true roles=Process Expert,Viewer name=Lea Link" "one account, converged"
expect_eq "$(q "SELECT employee_id, account_id FROM links")" "L002|$acct" "links"
expect_eq "$(jq -rc 'select(.operation == "review") | [.action, .employee, .account_id, .who, .why]' "$AUDIT" | tr '\n' ' ')" \
	"[\"unlink\",\"L001\",\"$acct\",\"hr-admin\",\"old id of L002\"] [\"link\",\"L002\",\"$acct\",\"hr-admin\",\"same person, new id\"] " "audit lines"
rph review unlink L001
expect_rc 1
expect_contains "$ERR" "employee L001 has no link on connection"
rph review link L002
expect_rc 2
finish

begin "approve --now runs the released work at once and exits with the run's code"
rt_state now '.connections[0].policy.supervise = ["create"]'
sim_reset
ev hire W001 w1-hire 2026-01-05 Will Now Engineering >"$T_TMP/w1.jsonl"
rph run "$T_TMP/w1.jsonl"
expect_rc 4
rph review approve --all-held --now --reason "go"
expect_rc 0
expect_contains "$OUT" "approved: pending, the next run applies it"
expect_contains "$OUT" "Created 1"
expect_eq "$(users_brief)" "will.now@example.com active=true roles=Modeller,Viewer name=Will Now" "created"
rph review approve --all-held --now
expect_rc 0
expect_contains "$OUT" "nothing was released: no run"
rph review discard 1:x --now --reason r
expect_rc 2
finish

rt_no_secrets_case
done_testing
