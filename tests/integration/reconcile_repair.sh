#!/usr/bin/env bash
# provhost reconcile --repair (issue 15): an orphan is deactivated, never
# deleted, even through a connector set to delete on deprovision; more
# orphans than max_deprovisions_per_run are all held by the guard (exit 4,
# nothing sent) until --allow-mass-deprovision; an orphan linked to a
# person whose work is outstanding waits for it (per-person order).
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

seed() { # USERNAME
	scim POST /Users "$(printf '{"userName":"%s","name":{"givenName":"Hand","familyName":"Made"},"emails":[{"value":"%s","type":"work","primary":true}]}' "$1" "$1")"
	[ "$HTTP" = 201 ] || echo "seed $1: HTTP $HTTP $BODY" >&2
}
active() { sim_users | jq -r --arg u "$1" '.[] | select(.userName == $u) | .active'; }

begin "reconcile --repair through the scim connector with deprovision=delete: the orphan is deactivated, not deleted"
rt_sim --discovery || exit 1
ST="$T_TMP/st-scim"
mkdir -p "$ST" && chmod 700 "$ST"
(umask 077 && printf '%s\n' "$TEST_TOKEN" >"$ST/promapp-token")
CFG="$ST/provhost.json"
LEDGER="$ST/ledger.sqlite"
write_config "$CFG" "{\"plugin_dir\": \"$PLUGIN_DIR\", \"state_dir\": \"$ST\",
  \"connections\": [{\"name\": \"generic\", \"connector\": \"scim\",
    \"settings\": {\"base_url\": \"$SIM_URL\", \"deprovision\": \"delete\"},
    \"secrets\": {\"access_token\": {\"file\": \"$ST/promapp-token\"}}}]}"
ev hire E1 e1 2026-01-05 Ana Silva Engineering >"$T_TMP/one.jsonl"
rph run "$T_TMP/one.jsonl"
expect_rc 0
seed orphan@example.com
rph reconcile --repair
expect_rc 0
expect_eq "$(active orphan@example.com)" false "the orphan"
expect_eq "$(sim_count DELETE)" 0 "DELETE requests"
expect_eq "$(sim_users | jq length)" 2 "accounts on the target"
expect_contains "$OUT" "repair: deactivated"
rph reconcile
expect_rc 0
sim_stop
finish

begin "reconcile --repair: 30 orphans over max_deprovisions_per_run 25 are all held (exit 4), nothing sent"
rt_sim || exit 1
rt_state guard
for i in $(seq 1 30); do seed "hand$i@example.com"; done
writes=$(sim_writes)
rph reconcile --repair
expect_rc 4
expect_eq "$(sim_writes)" "$writes" "writes"
expect_eq "$(q "SELECT repair, count(*) FROM reconcile_findings GROUP BY repair")" "held|30" "repairs"
expect_contains "$(q "SELECT repair_detail FROM reconcile_findings LIMIT 1")" \
	"held by the mass-deprovision guard: 30 orphans, policy max_deprovisions_per_run=25"
finish

begin "reconcile --repair --allow-mass-deprovision: the 30 orphans are deactivated"
rph reconcile --repair --allow-mass-deprovision
expect_rc 0
expect_eq "$(sim_users | jq '[.[] | select(.active)] | length')" 0 "active accounts"
expect_eq "$(sim_users | jq length)" 30 "accounts (none deleted)"
rph reconcile --allow-mass-deprovision
expect_rc 2
expect_contains "$ERR" "--allow-mass-deprovision needs --repair"
sim_stop
finish

begin "reconcile --repair: an orphan of a terminated person with an event not yet effective waits for it"
rt_sim || exit 1
rt_state order
{
	ev hire E7 e7-hire 2026-01-05 Gus Lund Engineering
	ev terminate E7 e7-term 2026-02-01 Gus Lund Engineering
} >"$T_TMP/e7.jsonl"
rph run "$T_TMP/e7.jsonl"
uid7=$(sim_users | jq -r '.[0].id')
scim GET "/Users/$uid7"
scim PUT "/Users/$uid7" "$(jq -c '.active = true | del(.meta)' <<<"$BODY")"
ev update E7 e7-update 2099-01-05 Gus Lund Finance >"$T_TMP/e7b.jsonl"
rph run "$T_TMP/e7b.jsonl"
writes=$(sim_writes)
rph reconcile --repair
expect_eq "$(sim_writes)" "$writes" "writes"
expect_contains "$(q "SELECT repair || ': ' || repair_detail FROM reconcile_findings WHERE employee_id = 'E7'")" \
	"skipped: the employee has work not done yet"
sim_stop
finish

rt_no_secrets_case
done_testing
