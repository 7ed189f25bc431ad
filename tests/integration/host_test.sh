#!/usr/bin/env bash
# provhost test CONNECTION: open + authenticate through the "fake" fixture
# connector, whose outcome follows its "mode" setting.
. "$(dirname "$0")/../lib/lib.sh"
FIX="$BUILD/fixtures"
export PH_IT_TOKEN="tok-it-SeCrEt-6020"

write_config "$T_TMP/provhost.json" "{
  \"plugin_dir\": \"$FIX\",
  \"connections\": [
    { \"name\": \"good\", \"connector\": \"fake\", \"settings\": { \"mode\": \"ok\" },
      \"secrets\": { \"token\": { \"env\": \"PH_IT_TOKEN\" } } },
    { \"name\": \"bad token\", \"connector\": \"fake\", \"settings\": { \"mode\": \"reject\" },
      \"secrets\": { \"token\": { \"env\": \"PH_IT_TOKEN\" } } },
    { \"name\": \"leaky\", \"connector\": \"fake\", \"settings\": { \"mode\": \"leak\" },
      \"secrets\": { \"token\": { \"env\": \"PH_IT_TOKEN\" } } },
    { \"name\": \"broken\", \"connector\": \"fake\", \"settings\": { \"mode\": \"open-fail\" },
      \"secrets\": { \"token\": { \"env\": \"PH_IT_TOKEN\" } } }
  ]
}"

begin "test prints what was verified and exits 0"
ph test -c "$T_TMP/provhost.json" good
expect_rc 0
expect_eq "$OUT" "connection \"good\": authenticated with connector fake 0.0.1: token accepted by the fake target"
expect_eq "$ERR" "" "stderr"
finish

begin "a rejected credential prints the connector's error with its hint and exits 1"
ph test -c "$T_TMP/provhost.json" "bad token"
expect_rc 1
expect_eq "$OUT" "" "stdout"
expect_eq "$ERR" "provhost: connection \"bad token\": authentication failed: token rejected by the fake target (hint: create a new token under My Profile) [status credential, HTTP 401]"
finish

begin "secret values a connector leaks are redacted in errors and logs"
ph -v test -c "$T_TMP/provhost.json" leaky
expect_rc 1
expect_eq "$ERR" "provhost: [INFO] connection \"leaky\": opened in mode leak
provhost: [WARN] connection \"leaky\": careless debug line: token=[REDACTED]
provhost: [INFO] connection \"leaky\": authenticating
provhost: connection \"leaky\": authentication failed: token [REDACTED] was rejected [status credential, HTTP 401]"
expect_not_contains "$OUT$ERR" "$PH_IT_TOKEN"
finish

begin "default verbosity shows warnings only; -q errors only"
ph test -c "$T_TMP/provhost.json" leaky
expect_not_contains "$ERR" "[INFO]"
expect_contains "$ERR" "[WARN] connection \"leaky\": careless debug line: token=[REDACTED]"
ph -q test -c "$T_TMP/provhost.json" leaky
expect_not_contains "$ERR" "[WARN]"
finish

begin "a connector that refuses to open with a config error exits 2"
ph test -c "$T_TMP/provhost.json" broken
expect_rc 2
expect_eq "$ERR" "provhost: connection \"broken\": cannot open connector \"fake\": cannot open: the fake target refuses (open-fail) [status config]"
finish

begin "an unknown connection is a usage error listing the configured ones"
ph test -c "$T_TMP/provhost.json" nosuch
expect_rc 2
expect_eq "$ERR" "provhost test: no connection named \"nosuch\" in $T_TMP/provhost.json (configured: \"good\", \"bad token\", \"leaky\", \"broken\")"
finish

begin "test uses PROVHOST_CONFIG when -c is not given"
PROVHOST_CONFIG="$T_TMP/provhost.json" ph test good
expect_rc 0
expect_contains "$OUT" "authenticated with connector fake"
finish

done_testing
