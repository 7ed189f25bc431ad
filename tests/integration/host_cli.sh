#!/usr/bin/env bash
# The command line itself: version, help, usage errors (exit 2, one line).
. "$(dirname "$0")/../lib/lib.sh"

begin "--version names the version and the connector ABI"
ph --version
expect_rc 0
expect_eq "$OUT" "provhost 0.1.0 (connector ABI 1.2)"
finish

begin "--help lists the commands and the exit codes"
ph --help
expect_rc 0
for c in check-config plugins test review help; do expect_contains "$OUT" "  $c "; done
expect_contains "$OUT" "  0  done"
expect_contains "$OUT" "  1  some events failed or were rejected, or a check failed"
expect_contains "$OUT" "  2  usage or configuration error"
expect_contains "$OUT" "  3  run stopped early; events left pending for a re-run"
expect_contains "$OUT" "  4  run finished, but items wait for a person (held or
     disputed): provhost review"
finish

begin "help COMMAND prints that command's usage"
ph help check-config
expect_rc 0
expect_contains "$OUT" "usage: provhost check-config [-c FILE] [--plugin-dir DIR]"
ph help test
expect_contains "$OUT" "usage: provhost test [-c FILE] [--plugin-dir DIR] [CONNECTION]"
ph plugins --help
expect_rc 0
expect_contains "$OUT" "usage: provhost plugins [--plugin-dir DIR] [-c FILE]"
finish

# usage_error ARGS... EXPECTED_STDERR: exit 2, exactly one line, nothing on stdout
usage_error() {
	local want=${!#}
	ph "${@:1:$#-1}"
	expect_rc 2
	expect_eq "$ERR" "$want" "stderr"
	expect_eq "$OUT" "" "stdout"
}

begin "usage errors exit 2 with one line saying what is wrong and where to get help"
usage_error "provhost: no command given; see 'provhost --help'"
usage_error frobnicate "provhost: unknown command \"frobnicate\"; see 'provhost --help'"
usage_error --bogus plugins "provhost: unknown option \"--bogus\"; see 'provhost --help'"
usage_error plugins --bogus "provhost plugins: unknown option \"--bogus\"; see 'provhost help plugins'"
usage_error plugins extra "provhost plugins: unexpected argument \"extra\"; see 'provhost help plugins'"
usage_error test -c "provhost test: option \"-c\" needs a value; see 'provhost help test'"
usage_error check-config --plugin-dir "provhost check-config: option \"--plugin-dir\" needs a value; see 'provhost help check-config'"
usage_error help nosuch "provhost: unknown command \"nosuch\"; see 'provhost --help'"
finish

begin "a missing configuration file is a configuration error (exit 2)"
ph check-config -c "$T_TMP/nope.json"
expect_rc 2
expect_eq "$ERR" "$T_TMP/nope.json: cannot read configuration: No such file or directory"
PROVHOST_CONFIG="$T_TMP/env.json" ph check-config
expect_rc 2
expect_eq "$ERR" "$T_TMP/env.json: cannot read configuration: No such file or directory"
finish

done_testing
