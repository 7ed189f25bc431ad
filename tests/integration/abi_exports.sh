#!/usr/bin/env bash
# Every shipped plugin exports exactly its entry symbol, nothing else.
. "$(dirname "$0")/../lib/lib.sh"

begin "every plugin exports exactly provhost_connector_v1 (nm -D --defined-only)"
n=0
for so in "$BUILD"/plugins/*.so; do
	[ -e "$so" ] || continue
	n=$((n + 1))
	syms=$(nm -D --defined-only "$so" | awk '{print $NF}' | sort | tr '\n' ' ')
	expect_eq "$syms" "provhost_connector_v1 " "exported symbols of $(basename "$so")"
done
[ "$n" -gt 0 ] || fail "no plugins in $BUILD/plugins"
finish

begin "the minimal fixture built with -fvisibility=hidden exports only its entry too"
syms=$(nm -D --defined-only "$BUILD/fixtures/minimal.so" | awk '{print $NF}' | tr '\n' ' ')
expect_eq "$syms" "provhost_connector_v1 " "exported symbols"
finish

done_testing
