#!/usr/bin/env bash
# The identity model (issue 12 items 1, 4, 5): one account per person and one
# person per account per connection, enforced by the ledger; two people with
# one HR work email are disputed (no write) unless policy shared_email=allow;
# person records (an update carries only what changed); bad identity data
# has a clear reason and is never written; a ledger of schema 2 that links
# two employees to one account is migrated with the later link disputed.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"

rt_sim || exit 1

# hr LINE-JSON-FIELDS: one hire of a person with its own names
hire() { # EMP FIRST LAST EMAIL DEPT
	printf '{"event":"hire","employee_id":"%s","attributes":{"first_name":"%s","last_name":"%s","email":"%s","department":"%s","employment_type":"Employee"}}\n' "$@"
}
state_of() { q "SELECT t.state FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.employee_id = '$1' AND e.kind = '$2'"; }
reason_of() { q "SELECT t.last_error FROM targets t JOIN events e ON e.seq = t.event_seq WHERE e.employee_id = '$1' AND e.kind = '$2'"; }

begin "two employees with one work email: E1 created, E2 disputed with both ids and the account, nothing sent for E2"
# one worker: S001 is linked before S002 is looked at, so the reason can
# name the account (with more workers the dispute is the same, by the order
# the emails reached the ledger, but S001's link may not exist yet)
rt_state shared '.connections[0].engine.workers = 1'
{
	hire S001 Ana Lopez ana.lopez@example.com Engineering
	hire S002 Anabel Lopes Ana.Lopez@Example.com Finance
} >"$T_TMP/shared.jsonl"
rph run "$T_TMP/shared.jsonl"
expect_rc 4 # disputed, nothing failed: needs a person
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'S001'")
[ -n "$acct" ] || fail "S001 has no link"
expect_contains "$OUT" "Created 1 |"
expect_contains "$OUT" "  Disputed 1 (nothing sent"
expect_contains "$OUT" "employee S002 has the same work email (ana.lopez@example.com) as employee S001, linked to account $acct; two people with one work email are an HR data error (policy shared_email=dispute); nothing was sent"
expect_eq "$(sim_count POST)" 1 "POSTs"
expect_eq "$(sim_writes)" 1 "writes (the create of S001 only)"
expect_eq "$(users_brief)" "ana.lopez@example.com active=true roles=Modeller,Viewer name=Ana Lopez" "users"
expect_eq "$(state_of S002 hire)" disputed "S002 hire"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'S002'")" 0 "S002 links"
expect_eq "$(grep -c '"employee":"S002"' "$AUDIT")" 0 "audit lines (calls) for S002"
rph status
expect_rc 0
expect_contains "$OUT" "| held 0 | disputed 1"
expect_contains "$OUT" "1 disputed: nothing was sent for them"
rph history S002
expect_rc 0
expect_contains "$OUT" ": disputed, 0 attempts"
expect_contains "$OUT" "as employee S001, linked to account $acct"
finish

begin "a disputed person's later update waits; their terminate never touches E1's account"
w0=$(sim_writes)
{
	printf '{"event":"update","employee_id":"S002","attributes":{"title":"Analyst"}}\n'
	printf '{"event":"terminate","employee_id":"S002"}\n'
} >"$T_TMP/shared2.jsonl"
rph run --allow-mass-deprovision "$T_TMP/shared2.jsonl"
expect_rc 4 # disputed; the waiting update is pending, not failed
expect_contains "$OUT" "waits for event #2 of the same employee, disputed (provhost history S002); stays pending"
expect_eq "$(state_of S002 update)" pending "S002 update"
expect_eq "$(state_of S002 terminate)" disputed "S002 terminate"
expect_contains "$(reason_of S002 terminate)" "as employee S001, linked to account $acct"
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(users_brief)" "ana.lopez@example.com active=true roles=Modeller,Viewer name=Ana Lopez" "S001's account untouched"
expect_eq "$(q "SELECT active FROM links WHERE employee_id = 'S001'")" 1 "S001 link active"
finish

begin "shared_email=allow: the same userName is still another person's account: disputed before any write"
# one worker: with several, the two people race for the account (one is
# linked, the other disputed, whichever is applied first)
rt_state allow '.connections[0].policy.shared_email = "allow" | .connections[0].engine.workers = 1'
sim_reset
rph run "$T_TMP/shared.jsonl"
expect_rc 4 # disputed
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'S001'")
expect_contains "$OUT" "userName \"ana.lopez@example.com\" of employee S002 is account $acct, linked to employee S001; an account belongs to one person; nothing was sent"
expect_eq "$(sim_writes)" 1 "writes"
expect_eq "$(state_of S002 hire)" disputed "S002 hire"
finish

begin "an account returned by provision that is linked to another employee is not linked (disputed)"
# the ledger forgot S001's userName, so only the account the connector finds
# tells provhost whose account it is; with ABI 1.1 no-adopt the connector
# reports it as a candidate first, so nothing is written
rt_state returned '.connections[0].policy.shared_email = "allow"'
sim_reset
hire S001 Ana Lopez ana.lopez@example.com Engineering >"$T_TMP/one.jsonl"
rph run "$T_TMP/one.jsonl"
expect_rc 0
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'S001'")
q "UPDATE links SET user_name = NULL; DELETE FROM user_names" >/dev/null
hire S002 Anabel Lopes ana.lopez@example.com Engineering >"$T_TMP/two.jsonl"
w0=$(sim_writes)
rph run "$T_TMP/two.jsonl"
expect_rc 4 # disputed
expect_contains "$OUT" "the account found for employee S002 is account $acct, linked to employee S001; not linked to S002; nothing was sent"
expect_eq "$(sim_writes)" "$w0" "writes for S002 (the candidate was reported, not adopted)"
expect_eq "$(sim_users | jq -r '.[0].name.givenName')" Ana "S001's account untouched"
expect_eq "$(state_of S002 hire)" disputed "S002 hire"
expect_eq "$(q "SELECT employee_id FROM links WHERE account_id = '$acct'")" S001 "the account's link"
expect_eq "$(q "SELECT count(*) FROM links WHERE employee_id = 'S002'")" 0 "S002 links"
finish

begin "a partial update is merged onto the person's record: it changes the roles and nothing else"
rt_state partial
sim_reset
hire P001 Pia Part pia.part@example.com Engineering >"$T_TMP/p1.jsonl"
rph run "$T_TMP/p1.jsonl"
expect_rc 0
expect_eq "$(users_brief)" "pia.part@example.com active=true roles=Modeller,Viewer name=Pia Part" "before"
before=$(sim_users | jq -S '.[0] | del(.roles, .meta)')
printf '{"event":"update","employee_id":"P001","attributes":{"department":"Finance"}}\n' >"$T_TMP/p2.jsonl"
rph run "$T_TMP/p2.jsonl"
expect_rc 0
expect_not_contains "$OUT" "missing HR attribute"
expect_contains "$OUT" "Updated 1 |"
expect_eq "$(users_brief)" "pia.part@example.com active=true roles=Viewer name=Pia Part" "after"
expect_eq "$(sim_users | jq -S '.[0] | del(.roles, .meta)')" "$before" "everything but the roles"
expect_eq "$(q "SELECT record FROM persons WHERE employee_id = 'P001'")" \
	'{"department":"Finance","email":"pia.part@example.com","employment_type":"Employee","first_name":"Pia","last_name":"Part"}' "person record"
rph history P001
expect_contains "$OUT" "    changed: department: \"Engineering\" -> \"Finance\""
# null clears an attribute; a rehire replaces the whole record
printf '{"event":"update","employee_id":"P001","attributes":{"employment_type":null}}\n' >"$T_TMP/p3.jsonl"
rph run "$T_TMP/p3.jsonl"
expect_eq "$(q "SELECT record FROM persons WHERE employee_id = 'P001'")" \
	'{"department":"Finance","email":"pia.part@example.com","first_name":"Pia","last_name":"Part"}' "after null"
finish

begin "bad identity data: clear reasons, never a write"
rt_state badid '.connections[0].mapping.userName = "{login?} {alias?}"'
sim_reset
{
	printf '{"event":"hire","employee_id":"   ","attributes":{"email":"a@example.com"}}\n'
	printf '{"event":"hire","employee_id":4711,"attributes":{"email":"b@example.com"}}\n'
	printf '{"event":"hire","employee_id":"B003","id":false}\n'
	printf '{"event":"hire","employee_id":"","attributes":{}}\n'
	printf '{"event":"hire","employee_id":"B005","attributes":{"first_name":"Bo","last_name":"Blank","email":"bo@example.com","employment_type":"Employee"}}\n'
} >"$T_TMP/badid.jsonl"
rph run "$T_TMP/badid.jsonl"
expect_rc 1
expect_contains "$OUT" "line 1: \"employee_id\" must not be blank (only whitespace)"
expect_contains "$OUT" "line 2: \"employee_id\" must be a string, got a number"
expect_contains "$OUT" "line 3: \"id\" must be a string, got a boolean"
expect_contains "$OUT" "line 4: \"employee_id\" must not be empty"
expect_contains "$OUT" "mapping \"userName\" rendered an empty value (only whitespace)"
expect_eq "$(state_of B005 hire)" rejected "B005"
expect_eq "$(sim_writes)" 0 "writes"
finish

begin "a schema 2 ledger linking two employees to one account: the later link becomes a dispute"
rt_state migrate
sim_reset
hire M001 Mia Mig mia.mig@example.com Engineering >"$T_TMP/m1.jsonl"
rph run "$T_TMP/m1.jsonl"
expect_rc 0
acct=$(q "SELECT account_id FROM links WHERE employee_id = 'M001'")
# today's bug, written into a version 2 ledger: M002 "updated" M001's account
q "PRAGMA foreign_keys = OFF; BEGIN;
   CREATE TABLE t2 (event_seq INTEGER NOT NULL REFERENCES events(seq), connection TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'not_yet_effective', 'done', 'failed', 'rejected', 'skipped', 'held')),
     outcome TEXT, account_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
     last_error TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (event_seq, connection)) WITHOUT ROWID;
   INSERT INTO t2 SELECT * FROM targets; DROP TABLE targets; ALTER TABLE t2 RENAME TO targets;
   CREATE INDEX targets_open ON targets(connection, event_seq) WHERE state IN ('pending', 'failed');
   DROP TABLE link_states; DROP TABLE user_names; DROP TABLE persons; DROP INDEX links_account; DROP INDEX links_user_name;
   ALTER TABLE events DROP COLUMN record; ALTER TABLE events DROP COLUMN changes;
   INSERT INTO events (seq, id, employee_id, kind, raw, received_at)
     VALUES (2, 'old-2', 'M002', 'hire', '{\"employee_id\":\"M002\",\"event\":\"hire\",\"id\":\"old-2\"}', 1);
   INSERT INTO targets VALUES (2, '$RT_CONN', 'done', 'updated', '$acct', 1, 200, NULL, 1);
   INSERT INTO links VALUES ('$RT_CONN', 'M002', '$acct', 'mia.mig@example.com', 1, 2);
   PRAGMA user_version = 2; COMMIT;" >/dev/null
expect_eq "$(q "SELECT count(*) FROM links WHERE account_id = '$acct'")" 2 "links before"
rph status
expect_rc 0
v=$(q "PRAGMA user_version")
[ "$v" -ge 5 ] || fail "schema after: expected >= 5, got $v"
expect_contains "$OUT" "| disputed 1"
expect_eq "$(q "SELECT employee_id FROM links WHERE account_id = '$acct'")" M001 "links after"
expect_eq "$(state_of M002 hire)" disputed "M002's hire"
expect_contains "$(reason_of M002 hire)" "account $acct was linked to employee M001 and to employee M002; disputed when the ledger was migrated to schema 3"
# a terminate of M002 never touches M001's account
w0=$(sim_writes)
printf '{"event":"terminate","employee_id":"M002"}\n' >"$T_TMP/m2.jsonl"
rph run "$T_TMP/m2.jsonl"
expect_rc 1
expect_eq "$(sim_writes)" "$w0" "writes"
expect_eq "$(users_brief)" "mia.mig@example.com active=true roles=Modeller,Viewer name=Mia Mig" "M001's account"
expect_eq "$(q "PRAGMA foreign_key_check")" "" "foreign keys"
# M001's person record was seeded from their last event: a partial update
# of a person last seen before the migration works
printf '{"event":"update","employee_id":"M001","attributes":{"department":"Finance"}}\n' >"$T_TMP/m3.jsonl"
rph run "$T_TMP/m3.jsonl"
expect_rc 4 # the migrated dispute still waits for a person
expect_contains "$OUT" "Updated 1 |"
expect_eq "$(users_brief)" "mia.mig@example.com active=true roles=Viewer name=Mia Mig" "M001 after a partial update"
finish

rt_no_secrets_case
done_testing
