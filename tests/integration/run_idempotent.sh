#!/usr/bin/env bash
# provhost run is idempotent: a re-run of the same input sends no write,
# events without an "id" are identified by their content, and one person's
# events are applied in input order whatever the number of workers.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

begin "re-run of the demo file: no write, every processed event skipped"
rt_state rerun
rph run "$DEMO_EVENTS"
expect_rc 1
users0=$(users_brief)
w0=$(sim_writes)
expect_eq "$w0" 7 "writes of the first run"
rph run --reject-file "$REJ" "$DEMO_EVENTS"
expect_rc 1 # line 8 is still malformed
expect_eq "$(sim_writes)" "$w0" "writes after the second run"
expect_eq "$(users_brief)" "$users0" "users unchanged"
expect_contains "$OUT" "run 2: 10 lines read from $DEMO_EVENTS, 1 rejected"
expect_contains "$OUT" "  Total 10 | Rejected 1 | Skipped 8 | Unchanged 0 | Created 0 | Updated 0 | Reactivated 0 | Deactivated 0 | Failed 0
  Pending 0 | Not yet effective 1"
expect_eq "$(q "SELECT count(*) FROM events")" 9 "events stored once"
expect_eq "$(q "SELECT sum(attempts) FROM targets")" 8 "no new attempt"
expect_eq "$(q "SELECT count(*) FROM rejects")" 1 "line 8 stored once, by run 1"
expect_eq "$(q "SELECT count(*) FROM rejects WHERE run_id = 2")" 0 "rows added by run 2"
expect_eq "$(wc -l <"$REJ")" 1 "reject file of run 2"
finish

# three events without "id": hire A, hire B, update A
noid="$T_TMP/noid.jsonl"
{
	ev hire N001 - 2026-01-05 Hana Sato Engineering
	ev hire N002 - 2026-01-05 Ravi Patel Finance
	ev update N001 - 2026-02-01 Hana Sato Quality
} >"$noid"

begin "events without id: applied once, identified by content"
sim_reset
rt_state noid
rph run "$noid"
expect_rc 0
expect_eq "$(users_brief)" "hana.sato@example.com active=true roles=Process Expert,Viewer name=Hana Sato
ravi.patel@example.com active=true roles=Viewer name=Ravi Patel" "users"
expect_eq "$(q "SELECT count(*) FROM events WHERE id LIKE 'sha256:%' AND length(id) = 71")" 3 "content ids"
w0=$(sim_writes)
expect_eq "$w0" 3 "writes: 2 POST + 1 PUT"
rph run "$noid"
expect_rc 0
expect_eq "$(sim_writes)" "$w0" "writes after the same file again"
expect_contains "$OUT" "Total 3 | Rejected 0 | Skipped 3 | Unchanged 0 | Created 0"
finish

begin "events without id: other key order and spacing is the same event"
jq -c '{attributes: .attributes, employee_id: .employee_id, effective: .effective, event: .event}' "$noid" |
	sed 's/,/ , /g; s/:/ : /g' >"$T_TMP/noid-reordered.jsonl"
expect_eq "$(head -c 14 "$T_TMP/noid-reordered.jsonl")" '{"attributes" ' "reordered input"
rph run "$T_TMP/noid-reordered.jsonl"
expect_rc 0
expect_eq "$(sim_writes)" "$w0" "writes"
expect_contains "$OUT" "Skipped 3 |"
expect_eq "$(q "SELECT count(*) FROM events")" 3 "events stored"
finish

begin "events without id: a changed line is a new event and is processed"
sed '3s/"department":"Quality"/"department":"Engineering"/' "$noid" >"$T_TMP/noid-changed.jsonl"
rph run "$T_TMP/noid-changed.jsonl"
expect_rc 0
expect_eq "$(sim_writes)" $((w0 + 1)) "writes: one PUT"
expect_contains "$OUT" "Total 3 | Rejected 0 | Skipped 2 | Unchanged 0 | Created 0 | Updated 1 |"
expect_eq "$(users_brief | head -n 1)" "hana.sato@example.com active=true roles=Modeller,Viewer name=Hana Sato" "changed user"
expect_eq "$(q "SELECT count(*) FROM events")" 4 "events stored"
finish

begin "hire then terminate of one person in one file: ends inactive"
sim_reset
rt_state hire-term
{
	ev hire T001 t-1 2026-01-05 Tama Rewi Engineering
	ev terminate T001 t-2 2026-01-06 Tama Rewi Engineering
} >"$T_TMP/hire-term.jsonl"
rph run "$T_TMP/hire-term.jsonl"
expect_rc 0
expect_eq "$(users_brief)" "tama.rewi@example.com active=false roles=Modeller,Viewer name=Tama Rewi" "user"
expect_eq "$(targets)" "t-1|done|created
t-2|done|deactivated" "targets"
expect_eq "$(q "SELECT active FROM links WHERE employee_id = 'T001'")" 0 "link inactive"
finish

begin "an update after a terminate does not reactivate; a rehire does"
{
	ev update T001 t-3 2026-01-07 Tama Rewi Quality
} >"$T_TMP/after-term.jsonl"
w0=$(sim_writes)
rph run "$T_TMP/after-term.jsonl"
expect_rc 0
expect_contains "$OUT" "Total 1 | Rejected 0 | Skipped 1 | Unchanged 0 | Created 0 | Updated 0 |"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(q "SELECT state, last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 't-3'")" \
	"skipped|account was deprovisioned; an update does not reactivate it (send rehire or return)" "target"
ev rehire T001 t-4 2026-02-01 Tama Rewi Quality >"$T_TMP/rehire.jsonl"
rph run "$T_TMP/rehire.jsonl"
expect_rc 0
expect_contains "$OUT" "Reactivated 1 |"
expect_eq "$(users_brief)" "tama.rewi@example.com active=true roles=Process Expert,Viewer name=Tama Rewi" "user"
expect_eq "$(sim_count POST)" 1 "POSTs: the account was reused"
finish

begin "8 workers, 50 people each hired, updated, terminated: 50 inactive accounts"
sim_reset
# policy rename=follow: the update's new name renames the account
rt_state many '.connections[0].engine = {"workers": 8, "max_rps": 0}
	| .connections[0].policy.max_deprovisions_per_run = 50
	| .connections[0].policy.rename = "follow"'
many="$T_TMP/many.jsonl"
# all hires, then all updates, then all terminations: a person's three
# events are far apart and other people's events run in between
for step in hire update terminate; do
	for i in $(seq -w 1 50); do
		case $step in
		hire) ev hire "P0$i" "p$i-1" 2026-01-05 "Person$i" Before Engineering ;;
		update) ev update "P0$i" "p$i-2" 2026-02-01 "Person$i" After Quality ;;
		terminate) ev terminate "P0$i" "p$i-3" 2026-03-01 "Person$i" After Quality ;;
		esac
	done
done >"$many"
# the update changes the email (and so the userName): look accounts up by
# the name given at hire, which the update does not change
rph run "$many"
expect_rc 0
expect_contains "$OUT" "Total 150 | Rejected 0 | Skipped 0 | Unchanged 0 | Created 50 | Updated 50 | Reactivated 0 | Deactivated 50 | Failed 0"
people=$(sim_users | jq -c '[.[] | select(.name.givenName | startswith("Person"))]')
expect_eq "$(jq length <<<"$people")" 50 "accounts"
expect_eq "$(jq '[.[].name.givenName] | unique | length' <<<"$people")" 50 "distinct people"
expect_eq "$(jq '[.[].userName] | unique | length' <<<"$people")" 50 "distinct userNames"
expect_eq "$(jq -c '[.[] | "\(.active) \(.name.familyName) \([.roles[]?.display] | sort | join(","))"] | unique' <<<"$people")" \
	'["false After Process Expert,Viewer"]' "every account updated, then deactivated"
expect_eq "$(jq -r '[.[].userName] | sort | .[0]' <<<"$people")" "person01.after@example.com" "userName after the update"
expect_eq "$(sim_users | jq length)" 50 "no other account created"
expect_eq "$(count_state done)" 150 "done targets"
expect_eq "$(q "SELECT count(*) FROM links WHERE active = 0")" 50 "inactive links"
finish

begin "ordering across runs: a failed hire does not hold back the later terminate: the hire is superseded"
# The hire fails for good this run (the target lacks the role "Process
# Expert"); the terminate of the same person comes after it in the input.
# A leaver never keeps access because an earlier item failed (issue 13):
# the terminate goes ahead and the failed hire ends as superseded, so the
# next run, once the role exists, does not re-create the leaver's account.
MAIN_URL=$SIM_URL MAIN_ROOT=$SIM_ROOT
sim_start --roles "Viewer,Modeller,Editor" || exit 1
rt_state order-fail
{
	ev hire O001 o-1 2026-01-05 Olga Order Quality
	ev terminate O001 o-2 2026-03-01 Olga Order Quality
} >"$T_TMP/order-fail.jsonl"
rph run "$T_TMP/order-fail.jsonl"
expect_rc 1 # the hire did fail in this run
expect_contains "$OUT" "event o-1 (employee O001): promapp answered 400 to POST /Users: Role not found: Process Expert"
expect_contains "$OUT" "SUPERSEDED: 1 earlier item of leavers on connection $RT_CONN will not be sent"
expect_not_contains "$OUT" "waits for an earlier event"
expect_eq "$(targets | grep '^o-')" "o-1|skipped|superseded
o-2|done|absent" "targets after the first run"
expect_eq "$(q "SELECT t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'o-1'")" \
	"superseded by event o-2 (#2 terminate) of the same employee: a leaver is deprovisioned, their earlier open work is not sent" "reason"
sim_stop
SIM_URL=$MAIN_URL SIM_ROOT=$MAIN_ROOT # knows every role
sed -i "s|\"instance_url\": \"[^\"]*\"|\"instance_url\": \"$SIM_URL\"|" "$CFG"
: >"$T_TMP/empty.jsonl"
rph run "$T_TMP/empty.jsonl"
expect_rc 0
expect_eq "$(sim_users | jq -c '[.[] | select(.userName == "olga.order@example.com" and .active) | .id]')" "[]" "active account of the terminated person"
expect_eq "$(targets | grep '^o-' | grep -cE '\|(pending|failed)\|')" 0 "targets left open"
finish

rt_no_secrets_case
done_testing
