#!/usr/bin/env bash
# provhost reconcile (issue 15) against the simulator, with accounts seeded
# behind provhost's back through the simulator's SCIM API: a hand-made
# account (orphan), a leaver reactivated by hand (orphan, repaired ->
# inactive), a role changed in the target (drift, repaired), an account
# made by hand for a person provhost has not provisioned yet (unlinked
# match: linked, nothing sent), a second account for one person (disputed,
# nothing sent), service accounts (ignored), the protect list and the
# token's own account (/Me: protected). --repair --dry-run sends no write.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim --me owner@example.com || exit 1
rt_state rec '.connections[0].reconcile = {"ignore": ["svc-*"], "protect": ["keep@example.com"]}'

# seed USERNAME [GIVEN FAMILY [EMAIL]]: one account made by hand; sets ID.
seed() {
	local email=${4:-$1}
	scim POST /Users "$(printf '{"userName":"%s","name":{"givenName":"%s","familyName":"%s"},"emails":[{"value":"%s","type":"work","primary":true}]}' \
		"$1" "${2:-Hand}" "${3:-Made}" "$email")"
	[ "$HTTP" = 201 ] || echo "seed $1: HTTP $HTTP $BODY" >&2
	ID=$(jq -r .id <<<"$BODY")
}
# uid USERNAME: the simulator's id of that user.
uid() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .id'; }
# active USERNAME: true / false.
active() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .active'; }
# finding CLASS USERNAME: the finding row of that account in the last reconcile run.
finding() {
	q "SELECT class || '|' || coalesce(employee_id, '') || '|' || detail || '|' || coalesce(repair, '')
	   FROM reconcile_findings WHERE run_id = (SELECT max(id) FROM reconcile_runs)
	   AND class = '$1' AND user_name = '$2'"
}

ev_file="$T_TMP/hr.jsonl"
{
	ev hire E1 e1-hire 2026-01-05 Ana Silva Engineering
	ev hire E2 e2-hire 2026-01-05 Ben Okafor Engineering
	ev hire E3 e3-hire 2099-01-05 Chloe Dubois Engineering
	ev hire E4 e4-hire 2026-01-05 Dan Kim Engineering
	ev terminate E2 e2-term 2026-03-01 Ben Okafor Engineering
} >"$ev_file"

begin "reconcile: setup: provhost provisions E1, E2 (then terminates), E4; E3 starts in 2099"
rph run "$ev_file"
expect_rc 0
expect_eq "$(active ana.silva@example.com)" true "E1 active"
expect_eq "$(active ben.okafor@example.com)" false "E2 deactivated"
expect_eq "$(uid chloe.dubois@example.com)" "" "E3 has no account yet"
finish

begin "reconcile: everything provhost did is ok; the token's own account is protected (exit 0)"
seed owner@example.com Site Owner
rph reconcile
expect_rc 0
expect_contains "$OUT" "4 account(s) listed"
expect_contains "$OUT" "$(printf '  %-15s %s' ok 3)"
expect_contains "$OUT" "$(printf '  %-15s %s' protected 1)"
expect_contains "$OUT" "the token's own account: never deprovisioned"
finish

begin "reconcile: accounts changed and made behind provhost's back are classified"
seed handmade@example.com Hand Made
seed svc-backup@example.com Svc Backup
seed keep@example.com Keep Me
# a leaver reactivated in the admin console
u2=$(uid ben.okafor@example.com)
scim GET "/Users/$u2"
scim PUT "/Users/$u2" "$(jq -c '.active = true | del(.meta)' <<<"$BODY")"
expect_eq "$HTTP" 200 "reactivate by hand"
# a Promaster changes Ana's role
u1=$(uid ana.silva@example.com)
scim GET "/Users/$u1"
scim PUT "/Users/$u1" "$(jq -c '.roles = [{"display":"Viewer"}] | del(.meta)' <<<"$BODY")"
expect_eq "$HTTP" 200 "role change by hand"
# IT made Chloe's account before her start date, with her roles
seed chloe.dubois@example.com Chloe Dubois
scim PUT "/Users/$ID" "$(jq -c '.roles = [{"display":"Modeller"},{"display":"Viewer"}] | del(.meta)' <<<"$BODY")"
# a second account for Dan
seed dan.kim.2@example.com Dan Kim dan.kim@example.com
writes_before=$(sim_writes)
rph reconcile
expect_rc 1
expect_contains "$OUT" "9 account(s) listed"
for c in "ok 1" "drift 1" "orphan 2" "unlinked_match 1" "disputed 1" "missing 0" "ignored 1" "protected 2"; do
	expect_contains "$OUT" "$(printf '  %-15s %s' $c)"
done
expect_eq "$(finding orphan handmade@example.com)" "orphan||active, linked to nobody, correlates to no person|" "hand-made"
expect_eq "$(finding orphan ben.okafor@example.com)" "orphan|E2|active, linked to employee E2, who is terminated|" "reactivated leaver"
expect_eq "$(finding drift ana.silva@example.com)" "drift|E1|linked to employee E1; roles: target [Viewer], mapping wants [Modeller, Viewer]|" "drift"
expect_eq "$(finding unlinked_match chloe.dubois@example.com)" "unlinked_match|E3|not linked; correlates to employee E3 only|" "unlinked"
expect_contains "$(finding disputed dan.kim.2@example.com)" "disputed|E4|not linked, but correlates to employee E4, who is linked to account"
expect_eq "$(finding ignored svc-backup@example.com)" "ignored||matches the ignore filter: never touched|" "ignored"
expect_contains "$(finding protected keep@example.com)" "on the protect list"
expect_eq "$(sim_writes)" "$writes_before" "writes by a reconcile without --repair"
expect_eq "$(q "SELECT accounts, exit_code, json_extract(counts, '$.orphan') FROM reconcile_runs ORDER BY id DESC LIMIT 1")" "9|1|2" "reconcile run row"
expect_contains "$(grep '"operation":"reconcile"' "$AUDIT" | tail -1)" '"orphan":2'
expect_eq "$(grep -c '"operation":"finding"' "$AUDIT")" 8 "finding audit lines (two protected earlier and now, not the ignored one)"
finish

begin "reconcile --json lists every finding"
rph reconcile --json
expect_rc 1
expect_eq "$(jq '.connections[0].counts.orphan' <<<"$OUT")" 2 "orphans"
expect_eq "$(jq '.connections[0].findings | length' <<<"$OUT")" 8 "findings (all but ok)"
expect_eq "$(jq -r '.connections[0].findings[] | select(.class == "drift") | .employee_id' <<<"$OUT")" E1 "drift employee"
finish

begin "reconcile --repair --dry-run shows the plan and sends zero writes"
writes_before=$(sim_writes)
runs_before=$(q "SELECT count(*) FROM reconcile_runs")
rph reconcile --repair --dry-run
expect_rc 1
expect_contains "$OUT" "plan: connection \"$RT_CONN\": deactivate account $(uid handmade@example.com) \"handmade@example.com\" (orphan; never deleted)"
expect_contains "$OUT" "plan: connection \"$RT_CONN\": deactivate account $(uid ben.okafor@example.com) \"ben.okafor@example.com\""
expect_contains "$OUT" "plan: connection \"$RT_CONN\": link account $(uid chloe.dubois@example.com) to employee E3 (nothing sent)"
expect_contains "$OUT" "employee E1: PUT /Users/$u1"
expect_contains "$OUT" "repairs (planned): none 1 planned 4"
expect_eq "$(sim_writes)" "$writes_before" "writes of a dry run"
expect_eq "$(q "SELECT count(*) FROM reconcile_runs")" "$runs_before" "reconcile runs stored by a dry run"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'E3'")" 0 "links made by a dry run"
finish

begin "reconcile --repair: orphans deactivated (not deleted), drift fixed, the match linked without a write, the dispute untouched"
puts_before=$(sim_count PUT)
posts_before=$(sim_count POST)
rph reconcile --repair
expect_rc 1 # the dispute is left for a person
expect_eq "$(active handmade@example.com)" false "hand-made account"
expect_eq "$(active ben.okafor@example.com)" false "reactivated leaver"
expect_eq "$(sim_users | jq -r '.[] | select(.userName == "ana.silva@example.com") | [.roles[].display] | sort | join(",")')" "Modeller,Viewer" "Ana's roles"
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = 'E3'")" "$(uid chloe.dubois@example.com)" "E3's link"
expect_eq "$(active dan.kim.2@example.com)" true "disputed second account"
expect_eq "$(active svc-backup@example.com)" true "ignored account"
expect_eq "$(active keep@example.com)" true "protected account"
expect_eq "$(active owner@example.com)" true "the token's own account"
expect_eq "$(sim_count POST)" "$posts_before" "accounts created"
expect_eq "$(sim_count DELETE)" 3 "DELETEs (the terminate and the two orphans: Promapp's DELETE deactivates)"
expect_eq "$(sim_users | jq length)" 9 "accounts on the target (none deleted)"
expect_eq "$(q "SELECT repair FROM reconcile_findings WHERE run_id = (SELECT max(id) FROM reconcile_runs) AND repair IS NOT NULL" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	"deactivated=2 done=1 linked=1 none=1 " "repairs"
expect_eq "$(targets | grep '^reconcile-' | cut -d'|' -f2,3)" "done|updated" "the drift's event went through an ordinary run"
expect_contains "$OUT" "repairs: deactivated 2 done 1 linked 1 none 1"
expect_eq "$(q "SELECT json_extract(counts, '$.repairs.deactivated') || ' ' || json_extract(counts, '$.orphan') FROM reconcile_runs ORDER BY id DESC LIMIT 1")" "2 2" "stored counts"
expect_contains "$(grep '"operation":"repair"' "$AUDIT" | grep '"outcome":"linked"')" '"employee":"E3"'
finish

begin "reconcile after the repair: only the dispute is left"
rph reconcile
expect_rc 1
for c in "drift 0" "orphan 0" "unlinked_match 0" "disputed 1"; do
	expect_contains "$OUT" "$(printf '  %-15s %s' $c)"
done
finish

begin "reconcile: --dry-run without --repair is a usage error"
rph reconcile --dry-run
expect_rc 2
expect_contains "$ERR" "--dry-run needs --repair"
finish

rt_no_secrets_case
done_testing
