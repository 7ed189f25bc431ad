#!/usr/bin/env bash
# provhost check-config: validates everything offline, prints what it would
# run with, never a secret value.
. "$(dirname "$0")/../lib/lib.sh"
FIX="$BUILD/fixtures"
export PH_IT_TOKEN="tok-it-SeCrEt-5150"

mkdir -p "$T_TMP/conf.d"
printf 'tok-from-file-777\n' >"$T_TMP/token"
chmod 600 "$T_TMP/token"
write_config "$T_TMP/provhost.json" "{
  \"plugin_dir\": \"$FIX\",
  \"state_dir\": \"state\",
  \"audit_file\": \"/var/log/provhost/audit.jsonl\",
  \"include\": \"conf.d\",
  \"connections\": [
    { \"name\": \"hr-fake\", \"connector\": \"fake\",
      \"settings\": { \"mode\": \"ok\", \"port\": 8443 },
      \"secrets\": { \"token\": { \"env\": \"PH_IT_TOKEN\" } },
      \"engine\": { \"workers\": 2, \"max_rps\": 50 } }
  ]
}"
write_config "$T_TMP/conf.d/10-file.json" '{ "name": "from-file", "connector": "fake",
  "settings": { "mode": "reject" }, "secrets": { "token": { "file": "../token" } } }'
write_config "$T_TMP/conf.d/20-min.json" '{ "connector": "minimal" }'

begin "check-config prints the effective configuration and where secrets come from"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 0
expect_eq "$ERR" "" "stderr"
expect_contains "$OUT" "configuration: $T_TMP/provhost.json"
expect_contains "$OUT" "plugin directory: $FIX"
expect_contains "$OUT" "state directory: $T_TMP/state"
expect_contains "$OUT" "ledger: $T_TMP/state/ledger.sqlite"
expect_contains "$OUT" "audit file: /var/log/provhost/audit.jsonl"
expect_contains "$OUT" "connection \"hr-fake\" ($T_TMP/provhost.json:7:5)
  connector: fake 0.0.1 ($FIX/fake.so)
  settings: {\"mode\":\"ok\",\"port\":8443}
  secret token: from environment variable PH_IT_TOKEN
  engine: workers 2, max_rps 50,"
expect_contains "$OUT" "connection \"from-file\" ($T_TMP/conf.d/10-file.json:1:1)"
expect_contains "$OUT" "  secret token: from file $T_TMP/conf.d/../token"
expect_contains "$OUT" "connection \"Connection-Bearer Token-1\" ($T_TMP/conf.d/20-min.json:1:1)"
expect_contains "$OUT" "configuration ok: 3 connections"
expect_not_contains "$OUT" "$PH_IT_TOKEN"
expect_not_contains "$OUT" "tok-from-file-777"
finish

begin "check-config reports a bad connection as file:line:column and exits 2"
write_config "$T_TMP/conf.d/30-bad.json" '{ "name": "typo", "connector": "fake",
  "settings": { "mode": "ok", "prot": 1 },
  "secrets": { "token": { "env": "PH_IT_TOKEN" } } }'
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$OUT" "" "stdout"
expect_eq "$ERR" "$T_TMP/conf.d/30-bad.json:2:31: connection \"typo\": unknown setting \"prot\" for connector \"fake\" (known: mode, port, verbose)"
rm "$T_TMP/conf.d/30-bad.json"
finish

begin "check-config runs the connector's validate_config"
write_config "$T_TMP/conf.d/30-bad.json" '{ "name": "bad-mode", "connector": "fake",
  "settings": { "mode": "sideways" }, "secrets": { "token": { "env": "PH_IT_TOKEN" } } }'
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/30-bad.json:2:3: connection \"bad-mode\": connector \"fake\" rejected the settings: \"mode\" must be ok, reject, leak, open-fail, open-fail-dirty, long-id, candidate or outcome-99"
rm "$T_TMP/conf.d/30-bad.json"
finish

begin "a connection whose connector was refused fails with the loader's reason"
write_config "$T_TMP/refused.json" "{ \"plugin_dir\": \"$FIX\",
  \"connections\": [ { \"name\": \"x\", \"connector\": \"capnoop\" } ] }"
ph check-config -c "$T_TMP/refused.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/refused.json:2:35: connection \"x\": connector \"capnoop\" was refused: $FIX/cap_without_op.so: capability \"lookup\" is advertised but op \"lookup\" is missing"
finish

begin "--plugin-dir overrides the configured directory"
ph check-config -c "$T_TMP/refused.json" --plugin-dir "$T_TMP/conf.d"
expect_rc 2
expect_eq "$ERR" "$T_TMP/refused.json:2:35: connection \"x\": unknown connector \"capnoop\" (available in $T_TMP/conf.d: none)"
finish

begin "an unset secret variable names the connection and the secret"
env -u PH_IT_TOKEN "$PROVHOST" check-config -c "$T_TMP/provhost.json" >"$T_TMP/out" 2>"$T_TMP/err"
RC=$?
ERR=$(cat "$T_TMP/err")
expect_rc 2
expect_eq "$ERR" "$T_TMP/provhost.json:9:20: connection \"hr-fake\": secret \"token\": environment variable PH_IT_TOKEN is not set"
finish

begin "a secret file readable by others is refused, saying so"
chmod 644 "$T_TMP/token"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/10-file.json:2:50: connection \"from-file\": secret \"token\": file \"$T_TMP/conf.d/../token\" is readable by group or others (mode 0644); chmod 600 it"
chmod 600 "$T_TMP/token"
finish

begin "a token with a \"Bearer \" prefix or a CRLF ending is refused without showing it"
printf 'Bearer tok-from-file-777\n' >"$T_TMP/token"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/10-file.json:2:50: connection \"from-file\": secret \"token\" (file $T_TMP/conf.d/../token) starts with \"Bearer \"; remove the \"Bearer \" prefix: provhost adds it"
printf 'tok-from-file-777\r\n' >"$T_TMP/token"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/10-file.json:2:50: connection \"from-file\": secret \"token\" (file $T_TMP/conf.d/../token) ends with a line break (CR or LF; a file may end with one LF only); remove it, and save the file with Unix line endings"
printf 'tok-from file-777\n' >"$T_TMP/token"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/conf.d/10-file.json:2:50: connection \"from-file\": secret \"token\" (file $T_TMP/conf.d/../token) contains a space or tab; remove it (a token has none)"
expect_not_contains "$OUT$ERR" "tok-from"
printf 'tok-from-file-777\n' >"$T_TMP/token"
ph check-config -c "$T_TMP/provhost.json"
expect_rc 0
finish

done_testing
