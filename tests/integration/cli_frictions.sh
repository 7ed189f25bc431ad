#!/usr/bin/env bash
# Small command-line frictions (issue 17 item 7): the audit file's missing
# directories are created like the ledger's (0700); a missing default
# configuration names -c and $PROVHOST_CONFIG; `test` needs no CONNECTION
# when only one is configured; `help run` describes every option.
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/run_common.inc"
FIX="$BUILD/fixtures"
export PH_IT_TOKEN="tok-it-SeCrEt-6021"

mode_of() { stat -c %a "$1" 2>/dev/null; }

rt_sim || exit 1

begin "run --audit creates the audit file's missing directories, mode 0700"
rt_state audit
ph run -c "$CFG" --no-progress --audit "$ST/logs/provhost/audit.jsonl" "$DEMO_EVENTS"
[ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "run exit $RC: $ERR"
[ -s "$ST/logs/provhost/audit.jsonl" ] || fail "no audit lines in $ST/logs/provhost/audit.jsonl: $ERR"
expect_eq "$(mode_of "$ST/logs")" 700 "mode of the new directory logs"
expect_eq "$(mode_of "$ST/logs/provhost")" 700 "mode of the new directory logs/provhost"
expect_eq "$(mode_of "$ST/logs/provhost/audit.jsonl")" 600 "mode of the audit file"
finish

begin "the configuration's audit_file gets its directories too; an existing directory keeps its mode"
rt_state auditcfg ".audit_file = \"$T_TMP/st-auditcfg/a/b/audit.jsonl\""
mkdir -p "$ST/a" && chmod 755 "$ST/a"
ph run -c "$CFG" --no-progress "$DEMO_EVENTS"
[ -s "$ST/a/b/audit.jsonl" ] || fail "no audit file from audit_file: $ERR"
expect_eq "$(mode_of "$ST/a")" 755 "mode of the existing directory"
expect_eq "$(mode_of "$ST/a/b")" 700 "mode of the new directory"
finish

begin "an audit directory that cannot be created stops the run with the reason (exit 2)"
rt_state auditbad
: >"$ST/notadir"
ph run -c "$CFG" --no-progress --audit "$ST/notadir/x/audit.jsonl" "$DEMO_EVENTS"
expect_rc 2
expect_eq "$ERR" "provhost run: audit file \"$ST/notadir/x/audit.jsonl\": cannot create directory \"$ST/notadir/x\": Not a directory"
finish

begin "without -c, \$PROVHOST_CONFIG and the default file, the error names -c and \$PROVHOST_CONFIG"
if [ -e /etc/provhost/provhost.json ]; then
	echo "# skipped: /etc/provhost/provhost.json exists on this machine"
else
	PROVHOST_CONFIG= ph check-config
	expect_rc 2
	expect_eq "$ERR" "/etc/provhost/provhost.json: cannot read configuration: No such file or directory (give the configuration file with -c FILE or \$PROVHOST_CONFIG)"
	PROVHOST_CONFIG= ph test
	expect_rc 2
	expect_contains "$ERR" "(give the configuration file with -c FILE or \$PROVHOST_CONFIG)"
fi
# a file named by -c is the user's choice: no hint there
ph check-config -c "$T_TMP/nope.json"
expect_eq "$ERR" "$T_TMP/nope.json: cannot read configuration: No such file or directory"
finish

one_conn() { # FILE NAME...: a configuration with one fake connection per NAME
	local f=$1 json="" n
	shift
	for n in "$@"; do
		json+="${json:+,}{\"name\": \"$n\", \"connector\": \"fake\", \"settings\": {\"mode\": \"ok\"},
		  \"secrets\": {\"token\": {\"env\": \"PH_IT_TOKEN\"}}}"
	done
	write_config "$f" "{\"plugin_dir\": \"$FIX\", \"connections\": [$json]}"
}

begin "test without CONNECTION tests the only configured connection"
one_conn "$T_TMP/one.json" solo
ph test -c "$T_TMP/one.json"
expect_rc 0
expect_eq "$OUT" "connection \"solo\": authenticated with connector fake 0.0.1: token accepted by the fake target"
finish

begin "test without CONNECTION and several connections is a usage error listing them"
one_conn "$T_TMP/two.json" first second
ph test -c "$T_TMP/two.json"
expect_rc 2
expect_eq "$OUT" "" "stdout"
expect_eq "$ERR" "provhost test: missing CONNECTION (2 connections are configured: \"first\", \"second\"); see 'provhost help test'"
finish

begin "help run describes every option of run's getopt table"
ph help run
for opt in $(sed -n '/longopts\[\] = {/,/};/p' "$ROOT/host/cli/cmd_run.c" | grep -oE '\{"[a-z-]+"' | tr -d '{"'); do
	[ "$opt" = help ] && continue
	grep -qE -- "^  (-[a-z], )?--$opt([ ,]|$)|^  --[a-z-]+, --$opt( |$)" <<<"$OUT" ||
		fail "help run does not describe --$opt"
done
finish

done_testing
