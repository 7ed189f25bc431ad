#!/usr/bin/env bash
# Makefile conventions: a quiet build by default ("  CC      FILE"), V=1
# for full command lines, CPPFLAGS and LDLIBS honoured. Builds single
# targets into a temporary BUILD directory, so the real build is untouched.
. "$(dirname "$0")/../lib/lib.sh"
B="$T_TMP/b"

# mk ARGS...: the project's make (not part of a parent make's jobserver);
# sets RC and OUT (stdout and stderr).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" --no-print-directory \
		BUILD="$B" "$@" >"$T_TMP/make.log" 2>&1
	RC=$?
	OUT=$(cat "$T_TMP/make.log")
}

begin "the build prints one short line per step by default"
mk "$B/obj/host/util/clock.o"
expect_rc 0
expect_eq "$OUT" "  CC      $B/obj/host/util/clock.o"
mk "$B/fixtures/minimal.so"
expect_rc 0
expect_eq "$OUT" "  CCLD    $B/fixtures/minimal.so"
finish

begin "V=1 prints the full command lines"
rm -f "$B/obj/host/util/clock.o"
mk V=1 "$B/obj/host/util/clock.o"
expect_rc 0
expect_contains "$OUT" "-MMD -MP -c host/util/clock.c -o $B/obj/host/util/clock.o"
expect_not_contains "$OUT" "  CC      "
finish

begin "CPPFLAGS reaches the compiler"
printf '#error cppflags-probe\n' >"$T_TMP/probe.h"
rm -f "$B/obj/host/util/clock.o"
mk CPPFLAGS="-include $T_TMP/probe.h" "$B/obj/host/util/clock.o"
[ "$RC" -ne 0 ] || fail "the build ignored CPPFLAGS"
expect_contains "$OUT" "cppflags-probe"
finish

begin "LDLIBS reaches every link: program, plugins, simulator, tests, fixtures"
rm -f "$B/fixtures/minimal.so"
mk LDLIBS=-lph_ldlibs_probe "$B/fixtures/minimal.so"
[ "$RC" -ne 0 ] || fail "the fixture link ignored LDLIBS"
expect_contains "$OUT" "ph_ldlibs_probe"
mk -n -B V=1 LDLIBS=-lph_ldlibs_probe all unit-tests
expect_rc 0
# one line per command (join the backslash continuations)
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$T_TMP/make.log" >"$T_TMP/make.joined"
for out in provhost promapp-sim plugins/example.so tests/test_isodate tests/tools/connector-drive; do
	line=$(grep -F -- "-o $B/$out " "$T_TMP/make.joined" | head -1)
	[ -n "$line" ] || { fail "no link line for $out"; continue; }
	[[ $line == *-lph_ldlibs_probe* ]] || fail "LDLIBS missing when linking $out: $line"
done
finish

done_testing
