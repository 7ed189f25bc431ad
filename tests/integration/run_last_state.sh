#!/usr/bin/env bash
# The last written state (issue 16): the ledger keeps, per link, the record
# provhost last wrote and saw succeed (hash, record, ETag). An event whose
# mapped record equals it sends no request (outcome unchanged, reason "no
# change") unless policy verify is "always"; the generic SCIM connector
# sends a changed update as one PATCH of the changed attributes with
# If-Match, and falls back to read-then-write on 412 (the account changed
# behind provhost's back) or 404. Promapp keeps GET + PUT. A request-less
# "no change" is a decision like any other (action none, reason "no change":
# stored, in the audit decision line and in history).
. "$(dirname "$0")/../lib/lib.sh"
. "$ROOT/tests/lib/run_common.inc"

export SCIM_TOKEN="$TEST_TOKEN"

# scim_state NAME [POLICY MEMBERS]: a state dir with one generic SCIM
# connection "scim" (2 workers) on the running simulator.
scim_state() {
	ST="$T_TMP/st-$1"
	rm -rf "$ST"
	mkdir -p "$ST"
	CFG="$ST/provhost.json"
	LEDGER="$ST/ledger.sqlite"
	AUDIT="$ST/audit.jsonl"
	write_config "$CFG" "{
  \"plugin_dir\": \"$PLUGIN_DIR\", \"state_dir\": \"$ST\", \"audit_file\": \"$AUDIT\",
  \"connections\": [
    { \"name\": \"scim\", \"connector\": \"scim\",
      \"settings\": { \"base_url\": \"$SIM_URL\", \"timeout_ms\": 10000 },
      \"secrets\": { \"access_token\": { \"env\": \"SCIM_TOKEN\" } },
      \"mapping\": { \"userName\": \"{email|lower}\", \"givenName\": \"{first_name}\",
                   \"familyName\": \"{last_name}\", \"email\": \"{email|lower}\" },
      \"policy\": { \"no_match\": \"default_roles\"${2:+, $2} },
      \"engine\": { \"workers\": 2 } }
  ]
}"
}
# events KIND N ID-PREFIX LAST [FIRST]: N events E1..EN (emails fK.lK@...)
events() {
	local i
	for i in $(seq 1 "$2"); do
		printf '{"event":"%s","employee_id":"E%d","id":"%s%d","attributes":{"first_name":"%s%d","last_name":"%s%d","email":"f%d.l%d@example.com","employment_type":"Employee","department":"Engineering"}}\n' \
			"$1" "$i" "$3" "$i" "${5:-F}" "$i" "$4" "$i" "$i" "$i"
	done
}
# mark: remembers the simulator's counters (sim_reset would drop the users
# too); total, cnt METHOD, status CODE and writes give the requests since.
mark() { MARK=$(sim_stats); }
total() { jq -n --argjson a "$MARK" --argjson b "$(sim_stats)" '$b.total - $a.total'; }
cnt() { jq -n --argjson a "$MARK" --argjson b "$(sim_stats)" --arg m "$1" '($b.requests_by_method[$m] // 0) - ($a.requests_by_method[$m] // 0)'; }
status() { jq -n --argjson a "$MARK" --argjson b "$(sim_stats)" --arg m "$1" '($b.requests_by_status[$m] // 0) - ($a.requests_by_status[$m] // 0)'; }
writes() { echo $(($(cnt POST) + $(cnt PUT) + $(cnt PATCH) + $(cnt DELETE))); }
writes_of() { cnt "$1"; }
user_of() { sim_users | jq -r --arg u "$1" ".[] | select(.userName == \$u) | $2"; }

sim_start --discovery || exit 1

begin "generic SCIM: an unchanged update sends no request (outcome unchanged, no change)"
scim_state g
events hire 5 h L >"$T_TMP/h.jsonl"
rph run "$T_TMP/h.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 5"
expect_eq "$(q "SELECT count(*) FROM link_states WHERE etag LIKE 'W/%'")" 5 "last states with the account's ETag"
events update 5 same L >"$T_TMP/same.jsonl"
mark
rph run "$T_TMP/same.jsonl"
expect_rc 0
expect_contains "$OUT" "Unchanged 5"
# the run's one preflight authenticate (GET /ServiceProviderConfig and
# GET /Users?count=1) and nothing else
expect_eq "$(total)" 2 "requests (the preflight only)"
expect_eq "$(q "SELECT count(*) FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id LIKE 'same%' AND t.outcome = 'unchanged' AND t.last_error = 'no change' AND t.attempts = 0")" 5 "targets unchanged, no change, no attempt"
expect_eq "$(jq -s '[.[] | select(.event == "same1")][0] | [.attempt, .outcome] | map(tostring) | join(",")' -r "$AUDIT")" "0,unchanged" "audit line"
# the one decision vocabulary: action none, reason "no change", stored,
# in the audit "decision" line and in history
expect_eq "$(q "SELECT t.decision FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.id = 'same1'" | jq -c .)" \
	'{"action":"none","reason":"no change","rules":[],"roles":[],"changes":[]}' "the stored decision"
expect_eq "$(jq -c 'select(.operation == "decision" and .event == "same1") | del(.time, .run)' "$AUDIT")" \
	'{"operation":"decision","event":"same1","employee":"E1","connection":"scim","state":"done","outcome":"unchanged","account_id":"'"$(q "SELECT account_id FROM links WHERE employee_id = 'E1'")"'","decision":{"action":"none","reason":"no change","rules":[],"roles":[],"changes":[]}}' "the audit decision line"
rph history E1
expect_rc 0
expect_contains "$OUT" "      decision none: no change; rules none; roles none"
finish

begin "after a change of the connection's settings the same record is not \"no change\""
jq '.connections[0].settings.timeout_ms = 9000' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG" && chmod 600 "$CFG"
events update 5 same2 L >"$T_TMP/same2.jsonl"
mark
rph run "$T_TMP/same2.jsonl"
expect_rc 0
expect_contains "$OUT" "Unchanged 5"
gets=$(cnt GET)
[ "$gets" -ge 7 ] || fail "expected a read per event after the settings changed, got $gets GETs"
expect_eq "$(writes)" 0 "writes"
# and then it is known again: no request
events update 5 same3 L >"$T_TMP/same3.jsonl"
mark
rph run "$T_TMP/same3.jsonl"
expect_eq "$(total)" 2 "requests (the preflight only)"
finish

begin "generic SCIM: a changed update is one PATCH with If-Match, no read first"
events update 5 chg M >"$T_TMP/chg.jsonl"
mark
rph run "$T_TMP/chg.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 5"
expect_eq "$(writes_of PATCH)" 5 "PATCH requests"
expect_eq "$(writes_of PUT)" 0 "PUT requests"
gets=$(cnt GET)
# preflight + discovery once per worker: no GET per event
[ "$gets" -le 3 ] || fail "expected at most 3 GETs (preflight, discovery per worker), got $gets"
expect_eq "$(user_of f3.l3@example.com .name.familyName)" M3 "familyName changed"
expect_eq "$(user_of f3.l3@example.com .name.givenName)" F3 "givenName kept"
finish

begin "a PATCH answered 412 (changed behind provhost's back) falls back to read-then-write and converges"
id=$(user_of f2.l2@example.com .id)
scim PUT "/Users/$id" '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"f2.l2@example.com","name":{"givenName":"Someone","familyName":"Else"},"emails":[{"value":"f2.l2@example.com","type":"work","primary":true}]}'
expect_eq "$HTTP" 200 "change behind provhost's back"
printf '{"event":"update","employee_id":"E2","id":"x2","attributes":{"first_name":"G2","last_name":"M2","email":"f2.l2@example.com","employment_type":"Employee","department":"Engineering"}}\n' >"$T_TMP/x.jsonl"
mark
rph run -v "$T_TMP/x.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 1"
expect_eq "$(writes_of PATCH),$(writes_of PUT)" "1,1" "PATCH (412) then PUT"
expect_eq "$(status 412)" 1 "412 answers"
expect_contains "$ERR" "answered 412 (it changed since provhost wrote it); reading the account and converging it instead"
expect_eq "$(user_of f2.l2@example.com '.name.givenName + " " + .name.familyName')" "G2 M2" "converged"
# and the next change is one PATCH again, with the new ETag
printf '{"event":"update","employee_id":"E2","id":"y2","attributes":{"first_name":"H2","last_name":"M2","email":"f2.l2@example.com","employment_type":"Employee","department":"Engineering"}}\n' >"$T_TMP/y.jsonl"
mark
rph run "$T_TMP/y.jsonl"
expect_eq "$(writes_of PATCH),$(writes_of PUT),$(status 412)" "1,0,0" "one PATCH, no 412"
finish

begin "a PATCH answered 404 (the account is gone) falls back: read, then create, linked again"
# the employee linked to the highest account id loses the account; the
# simulator numbers accounts from 1 again, so the ids below it are taken
# by others first
read -r emp max <<<"$(q "SELECT employee_id, account_id FROM links ORDER BY CAST(account_id AS INTEGER) DESC LIMIT 1" | tr '|' ' ')"
curl -s -X POST "$SIM_ROOT/__sim/reset" >/dev/null # every account vanishes
for i in $(seq 1 $((max - 1))); do
	scim POST /Users "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"filler$i@x.test\",\"name\":{\"givenName\":\"F\",\"familyName\":\"F\"}}"
done
k=${emp#E}
printf '{"event":"update","employee_id":"%s","id":"z%s","attributes":{"first_name":"Z%s","last_name":"M%s","email":"f%s.l%s@example.com","employment_type":"Employee","department":"Engineering"}}\n' "$emp" "$k" "$k" "$k" "$k" "$k" >"$T_TMP/z.jsonl"
mark
rph run -v "$T_TMP/z.jsonl"
expect_rc 0
expect_contains "$OUT" "Created 1"
expect_contains "$ERR" "PATCH /Users/$max answered 404 (it is gone); reading the account and converging it instead"
expect_eq "$(cnt PATCH),$(cnt POST)" "1,1" "PATCH (404), then POST"
expect_eq "$(status 404)" 2 "404 answers (the PATCH and the read)"
expect_eq "$(user_of "f$k.l$k@example.com" .name.givenName)" "Z$k" "created with the record"
expect_eq "$(q "SELECT account_id FROM links WHERE employee_id = '$emp'")" "$(user_of "f$k.l$k@example.com" .id)" "linked to the new account"
finish

begin "policy verify always: an unchanged update reads the account"
scim_state v '"verify": "always"'
events hire 3 h L >"$T_TMP/vh.jsonl"
mark
rph run "$T_TMP/vh.jsonl"
events update 3 vs L >"$T_TMP/vs.jsonl"
mark
rph run "$T_TMP/vs.jsonl"
expect_rc 0
expect_contains "$OUT" "Unchanged 3"
gets=$(cnt GET)
[ "$gets" -ge 4 ] || fail "expected a read per event with verify always, got $gets GETs"
expect_eq "$(writes)" 0 "writes"
finish

begin "a rehire after a terminate reactivates although the record equals the last written state"
scim_state r
events hire 1 h L >"$T_TMP/rh.jsonl"
rph run "$T_TMP/rh.jsonl"
printf '{"event":"terminate","employee_id":"E1","id":"t1","attributes":{"email":"f1.l1@example.com"}}\n' >"$T_TMP/rt.jsonl"
rph run "$T_TMP/rt.jsonl"
expect_eq "$(user_of f1.l1@example.com .active)" false "deactivated"
expect_eq "$(q "SELECT count(*) FROM link_states WHERE employee_id = 'E1'")" 0 "the last state is forgotten"
events rehire 1 rr L >"$T_TMP/rr.jsonl"
rph run "$T_TMP/rr.jsonl"
expect_rc 0
expect_contains "$OUT" "Reactivated 1"
expect_eq "$(user_of f1.l1@example.com .active)" true "active again"
finish
sim_stop

sim_start --discovery --no-etags || exit 1
begin "--no-etags: a changed update is still one PATCH (no If-Match)"
scim_state n
events hire 2 h L >"$T_TMP/nh.jsonl"
rph run "$T_TMP/nh.jsonl"
expect_eq "$(q "SELECT count(*) FROM link_states WHERE etag IS NULL")" 2 "states without ETag"
events update 2 nc M >"$T_TMP/nc.jsonl"
mark
rph run "$T_TMP/nc.jsonl"
expect_rc 0
expect_contains "$OUT" "Updated 2"
expect_eq "$(writes_of PATCH),$(writes_of PUT)" "2,0" "PATCH, PUT"
finish
sim_stop

rt_sim || exit 1
begin "Promapp: unchanged is zero requests; a change keeps GET + PUT"
rt_state pm
ev hire P1 ph1 - Ana Lima Engineering >"$T_TMP/ph.jsonl"
rph run "$T_TMP/ph.jsonl"
expect_contains "$OUT" "Created 1"
ev update P1 pu1 - Ana Lima Engineering >"$T_TMP/pu.jsonl"
mark
rph run "$T_TMP/pu.jsonl"
expect_contains "$OUT" "Unchanged 1"
expect_eq "$(total)" 1 "requests (the preflight only)"
ev update P1 pu2 - Ana Silva Engineering >"$T_TMP/pu2.jsonl"
mark
rph run "$T_TMP/pu2.jsonl"
expect_contains "$OUT" "Updated 1"
expect_eq "$(cnt PUT),$(cnt PATCH)" "1,0" "PUT, PATCH"
finish
sim_stop

rt_no_secrets_case
