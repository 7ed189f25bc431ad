/* The ledger's schema, as an ordered list of migrations. Append only: a
 * released migration is never edited; a change is a new entry (and
 * LEDGER_SCHEMA_VERSION + 1). Each runs in one transaction with the
 * user_version bump. */
#include "ledger/ledger_internal.h"

const char *const ledger_migrations[LEDGER_SCHEMA_VERSION] = {
        /* 0 -> 1: the initial schema */
        "CREATE TABLE events ("
        "  seq INTEGER PRIMARY KEY,"
        "  id TEXT NOT NULL UNIQUE,"
        "  employee_id TEXT NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  effective INTEGER,"
        "  raw TEXT NOT NULL,"
        "  source TEXT,"
        "  line_no INTEGER,"
        "  run_id INTEGER,"
        "  received_at INTEGER NOT NULL);"
        "CREATE INDEX events_employee ON events(employee_id, seq);"
        "CREATE TABLE targets ("
        "  event_seq INTEGER NOT NULL REFERENCES events(seq),"
        "  connection TEXT NOT NULL,"
        "  state TEXT NOT NULL CHECK (state IN ('pending',"
        "    'not_yet_effective', 'done', 'failed', 'rejected',"
        "    'skipped')),"
        "  outcome TEXT,"
        "  account_id TEXT,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  http_status INTEGER,"
        "  last_error TEXT,"
        "  updated_at INTEGER NOT NULL,"
        "  PRIMARY KEY (event_seq, connection)) WITHOUT ROWID;"
        "CREATE INDEX targets_open ON targets(connection, event_seq)"
        "  WHERE state IN ('pending', 'failed');"
        "CREATE INDEX targets_waiting ON targets(connection)"
        "  WHERE state = 'not_yet_effective';"
        "CREATE TABLE attempts ("
        "  event_seq INTEGER NOT NULL,"
        "  connection TEXT NOT NULL,"
        "  attempt INTEGER NOT NULL,"
        "  at INTEGER NOT NULL,"
        "  status TEXT NOT NULL,"
        "  http_status INTEGER,"
        "  duration_ms INTEGER,"
        "  error TEXT,"
        "  PRIMARY KEY (event_seq, connection, attempt),"
        "  FOREIGN KEY (event_seq, connection)"
        "    REFERENCES targets(event_seq, connection)) WITHOUT ROWID;"
        "CREATE TABLE links ("
        "  connection TEXT NOT NULL,"
        "  employee_id TEXT NOT NULL,"
        "  account_id TEXT NOT NULL,"
        "  user_name TEXT,"
        "  active INTEGER NOT NULL,"
        "  updated_at INTEGER NOT NULL,"
        "  PRIMARY KEY (connection, employee_id)) WITHOUT ROWID;"
        "CREATE TABLE rejects ("
        "  id INTEGER PRIMARY KEY,"
        "  run_id INTEGER,"
        "  source TEXT,"
        "  line_no INTEGER,"
        "  raw BLOB,"
        "  reason TEXT NOT NULL,"
        "  at INTEGER NOT NULL);"
        "CREATE TABLE runs ("
        "  id INTEGER PRIMARY KEY,"
        "  started_at INTEGER NOT NULL,"
        "  finished_at INTEGER,"
        "  source TEXT,"
        "  dry_run INTEGER NOT NULL,"
        "  exit_code INTEGER,"
        "  summary TEXT);",
        /* 1 -> 2: the state "held" (targets is rebuilt: SQLite cannot
         * change a CHECK constraint in place) and the identity of each
         * run's input. Runs with foreign keys off (see migrate()). */
        "CREATE TABLE targets_v2 ("
        "  event_seq INTEGER NOT NULL REFERENCES events(seq),"
        "  connection TEXT NOT NULL,"
        "  state TEXT NOT NULL CHECK (state IN ('pending',"
        "    'not_yet_effective', 'done', 'failed', 'rejected',"
        "    'skipped', 'held')),"
        "  outcome TEXT,"
        "  account_id TEXT,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  http_status INTEGER,"
        "  last_error TEXT,"
        "  updated_at INTEGER NOT NULL,"
        "  PRIMARY KEY (event_seq, connection)) WITHOUT ROWID;"
        "INSERT INTO targets_v2 SELECT event_seq, connection, state, outcome,"
        "  account_id, attempts, http_status, last_error, updated_at"
        "  FROM targets;"
        "DROP TABLE targets;"
        "ALTER TABLE targets_v2 RENAME TO targets;"
        "CREATE INDEX targets_open ON targets(connection, event_seq)"
        "  WHERE state IN ('pending', 'failed');"
        "CREATE INDEX targets_waiting ON targets(connection)"
        "  WHERE state = 'not_yet_effective';"
        "CREATE INDEX targets_held ON targets(connection)"
        "  WHERE state = 'held';"
        "ALTER TABLE runs ADD COLUMN input_sha256 TEXT;",
        /* 2 -> 3: the identity model (issue 12). The state "disputed"
         * (targets rebuilt again), person records, the full HR record and
         * the changed attributes of each event, and the rule "one person
         * per account per connection" as a unique index on links. A ledger
         * that already links two employees to one account keeps the
         * earlier link (by the first event that linked it, then time);
         * every later one is removed and the target that made it (the
         * person's last target on that account) becomes disputed, with
         * both employee ids and the account id in its reason. */
        "CREATE TABLE targets_v3 ("
        "  event_seq INTEGER NOT NULL REFERENCES events(seq),"
        "  connection TEXT NOT NULL,"
        "  state TEXT NOT NULL CHECK (state IN ('pending',"
        "    'not_yet_effective', 'done', 'failed', 'rejected',"
        "    'skipped', 'held', 'disputed')),"
        "  outcome TEXT,"
        "  account_id TEXT,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  http_status INTEGER,"
        "  last_error TEXT,"
        "  updated_at INTEGER NOT NULL,"
        "  PRIMARY KEY (event_seq, connection)) WITHOUT ROWID;"
        "INSERT INTO targets_v3 SELECT event_seq, connection, state, outcome,"
        "  account_id, attempts, http_status, last_error, updated_at"
        "  FROM targets;"
        "DROP TABLE targets;"
        "ALTER TABLE targets_v3 RENAME TO targets;"
        "CREATE INDEX targets_open ON targets(connection, event_seq)"
        "  WHERE state IN ('pending', 'failed');"
        "CREATE INDEX targets_waiting ON targets(connection)"
        "  WHERE state = 'not_yet_effective';"
        "CREATE INDEX targets_held ON targets(connection)"
        "  WHERE state IN ('held', 'disputed');"
        "ALTER TABLE events ADD COLUMN record TEXT;"
        "ALTER TABLE events ADD COLUMN changes TEXT;"
        "CREATE TABLE persons ("
        "  employee_id TEXT PRIMARY KEY,"
        "  record TEXT NOT NULL,"
        "  status TEXT NOT NULL,"
        "  email_key TEXT,"
        "  email_seq INTEGER,"
        "  last_seq INTEGER NOT NULL,"
        "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX persons_email ON persons(email_key)"
        "  WHERE email_key IS NOT NULL;"
        /* person records start from each employee's last event: before
         * schema 3 every event carried the whole record */
        "INSERT INTO persons SELECT e.employee_id,"
        "  coalesce(json_extract(e.raw, '$.attributes'), '{}'),"
        "  CASE e.kind WHEN 'terminate' THEN 'terminated'"
        "    WHEN 'leave' THEN 'on_leave' ELSE 'active' END,"
        "  CASE WHEN json_type(e.raw, '$.attributes.email') = 'text'"
        "    THEN nullif(lower(trim(json_extract(e.raw,"
        "      '$.attributes.email'), ' ' || char(9, 10, 11, 12, 13))), '')"
        "  END, e.seq, e.seq, e.received_at"
        "  FROM events e WHERE e.seq = (SELECT max(seq) FROM events"
        "    WHERE employee_id = e.employee_id AND id NOT LIKE '%@input:%')"
        "  AND json_valid(e.raw);"
        "CREATE TEMP TABLE link_age AS SELECT l.connection, l.employee_id,"
        "  l.account_id, coalesce((SELECT min(t.event_seq) FROM targets t"
        "    JOIN events e ON e.seq = t.event_seq"
        "    WHERE t.connection = l.connection"
        "    AND e.employee_id = l.employee_id"
        "    AND t.account_id = l.account_id), 9223372036854775807) AS"
        "  first_seq, l.updated_at FROM links l;"
        "CREATE TEMP TABLE link_later AS SELECT a.connection, a.employee_id,"
        "  a.account_id, (SELECT b.employee_id FROM link_age b"
        "    WHERE b.connection = a.connection"
        "    AND b.account_id = a.account_id"
        "    ORDER BY b.first_seq, b.updated_at, b.employee_id LIMIT 1)"
        "  AS keeper FROM link_age a;"
        "DELETE FROM link_later WHERE employee_id = keeper;"
        "UPDATE targets SET state = 'disputed', last_error = 'account '"
        "  || (SELECT d.account_id FROM link_later d"
        "      WHERE d.connection = targets.connection AND d.employee_id ="
        "      (SELECT employee_id FROM events WHERE seq = event_seq))"
        "  || ' was linked to employee ' || (SELECT d.keeper FROM"
        "    link_later d WHERE d.connection = targets.connection"
        "    AND d.employee_id ="
        "    (SELECT employee_id FROM events WHERE seq = event_seq))"
        "  || ' and to employee ' || (SELECT employee_id FROM events"
        "    WHERE seq = event_seq)"
        "  || '; disputed when the ledger was migrated to schema 3: the'"
        "  || ' later link was removed, and this employee''s later events'"
        "  || ' wait until the HR data is corrected'"
        "WHERE (event_seq, connection) IN (SELECT (SELECT max(t.event_seq)"
        "    FROM targets t JOIN events e ON e.seq = t.event_seq"
        "    WHERE t.connection = d.connection"
        "    AND e.employee_id = d.employee_id"
        "    AND t.account_id = d.account_id), d.connection"
        "  FROM link_later d);"
        "DELETE FROM links WHERE (connection, employee_id) IN"
        "  (SELECT connection, employee_id FROM link_later);"
        "DROP TABLE link_age;"
        "DROP TABLE link_later;"
        "CREATE UNIQUE INDEX links_account ON links(connection, account_id);"
        "CREATE INDEX links_user_name ON links(lower(user_name), connection);",
        /* 3 -> 4: userName reservations (issue 12). A userName is
         * reserved for one employee per connection by its case-folded key
         * (ICU full folding, the SQL function provhost_casefold the ledger
         * registers: SQLite's NOCASE folds ASCII only) before a request
         * with it is sent. Existing links' userNames become reservations;
         * two links whose names fold alike keep the one updated first. Work
         * email keys of person records are case-folded the same way. */
        "CREATE TABLE user_names ("
        "  connection TEXT NOT NULL,"
        "  key TEXT NOT NULL,"
        "  employee_id TEXT NOT NULL,"
        "  user_name TEXT NOT NULL,"
        "  reserved_at INTEGER NOT NULL,"
        "  PRIMARY KEY (connection, key)) WITHOUT ROWID;"
        "CREATE INDEX user_names_employee ON user_names(connection,"
        "  employee_id, reserved_at);"
        "INSERT OR IGNORE INTO user_names SELECT connection,"
        "  provhost_casefold(user_name), employee_id, user_name, updated_at"
        "  FROM links WHERE user_name IS NOT NULL AND user_name != ''"
        "  AND provhost_casefold(user_name) IS NOT NULL"
        "  ORDER BY updated_at, employee_id;"
        /* work email keys were ASCII-lowered; now they are case-folded */
        "UPDATE persons SET email_key = provhost_casefold(email_key)"
        "  WHERE email_key IS NOT NULL"
        "  AND provhost_casefold(email_key) IS NOT NULL;",
        /* 4 -> 5: roster snapshots (issue 14). provhost sync stores each
         * applied snapshot by its content's SHA-256 with its as-of date,
         * and per person what the roster derived that a later snapshot
         * may take back: the terminate scheduled for a termination date
         * (cancelled or moved when the date goes or changes) and the
         * terminate held because the person was missing. */
        "CREATE TABLE snapshots ("
        "  sha256 TEXT PRIMARY KEY,"
        "  as_of INTEGER NOT NULL,"
        "  source TEXT NOT NULL,"
        "  run_id INTEGER,"
        "  rows INTEGER NOT NULL,"
        "  applied_at INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX snapshots_as_of ON snapshots(as_of);"
        "CREATE TABLE roster ("
        "  employee_id TEXT PRIMARY KEY,"
        "  terminate_event TEXT,"
        "  terminate_effective INTEGER,"
        "  prior_status TEXT,"
        "  missing_event TEXT,"
        "  updated_at INTEGER NOT NULL) WITHOUT ROWID;",
        /* 5 -> 6: notifications sent (issue 17). The last day (days since
         * 1970-01-01, UTC) a notification that repeats daily while it is
         * due (token_expiring) was delivered, per event and key (the
         * connection and secret), so hourly runs send it once a day.
         * IF NOT EXISTS: tests rebuild older ledgers from new ones. */
        "CREATE TABLE IF NOT EXISTS notify_sent ("
        "  event TEXT NOT NULL,"
        "  key TEXT NOT NULL,"
        "  day INTEGER NOT NULL,"
        "  sent_at INTEGER NOT NULL,"
        "  PRIMARY KEY (event, key)) WITHOUT ROWID;",
        /* 6 -> 7: review and supervised mode (issue 13). What a held
         * target would send (plan, as provhost review shows it) and the
         * kind of change (create, update, deactivate, reactivate, link),
         * the SHA-256 of the plan a person approved (a plan that differs
         * at run time is held again), and every review action with who
         * took it and why. */
        "ALTER TABLE targets ADD COLUMN plan TEXT;"
        "ALTER TABLE targets ADD COLUMN change TEXT;"
        "ALTER TABLE targets ADD COLUMN approved_sha256 TEXT;"
        "CREATE TABLE review_actions ("
        "  id INTEGER PRIMARY KEY,"
        "  at INTEGER NOT NULL,"
        "  action TEXT NOT NULL,"
        "  who TEXT NOT NULL,"
        "  why TEXT,"
        "  connection TEXT,"
        "  employee_id TEXT,"
        "  account_id TEXT,"
        "  items TEXT);",
        /* 7 -> 8: reconciliation (issue 15). One row per `provhost
         * reconcile` of a connection with its counts (JSON, for status
         * and notifications), and its findings: every account (or person)
         * that is not ok, with its class, why, and what a repair did. */
        "CREATE TABLE reconcile_runs ("
        "  id INTEGER PRIMARY KEY,"
        "  connection TEXT NOT NULL,"
        "  started_at INTEGER NOT NULL,"
        "  finished_at INTEGER,"
        "  repair INTEGER NOT NULL,"
        "  accounts INTEGER NOT NULL DEFAULT 0,"
        "  exit_code INTEGER,"
        "  counts TEXT,"
        "  error TEXT);"
        "CREATE INDEX reconcile_runs_connection ON reconcile_runs("
        "  connection, id);"
        "CREATE TABLE reconcile_findings ("
        "  run_id INTEGER NOT NULL REFERENCES reconcile_runs(id),"
        "  n INTEGER NOT NULL,"
        "  class TEXT NOT NULL,"
        "  account_id TEXT,"
        "  user_name TEXT,"
        "  employee_id TEXT,"
        "  active INTEGER,"
        "  detail TEXT NOT NULL,"
        "  repair TEXT,"
        "  repair_detail TEXT,"
        "  PRIMARY KEY (run_id, n)) WITHOUT ROWID;"
        "CREATE INDEX reconcile_findings_class ON reconcile_findings("
        "  run_id, class, n);",
        /* 8 -> 9: decisions (issue 13). Each target keeps what was
         * decided for it and why (lifecycle/decision.h, as JSON): the
         * matched rules, the roles, what changed; history shows it. */
        "ALTER TABLE targets ADD COLUMN decision TEXT;",
        /* 9 -> 10: last written state (issue 16). Per link, the record
         * provhost last wrote to the account and saw succeed (its SHA-256
         * and the JSON), and the account's ETag then: an event whose
         * mapped record hashes the same sends no request; a changed one
         * may send only the difference. Keyed by the link, with the
         * account it was written to (a relinked person's old state does
         * not apply to the new account). */
        "CREATE TABLE link_states ("
        "  connection TEXT NOT NULL,"
        "  employee_id TEXT NOT NULL,"
        "  account_id TEXT NOT NULL,"
        "  hash TEXT NOT NULL,"
        "  record TEXT NOT NULL,"
        "  etag TEXT,"
        "  updated_at INTEGER NOT NULL,"
        "  PRIMARY KEY (connection, employee_id)) WITHOUT ROWID;",
};
