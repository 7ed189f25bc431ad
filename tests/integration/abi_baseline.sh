#!/usr/bin/env bash
# The connector ABI against its committed baselines (libabigail), one per
# minor: plugin-api/abi/connector-v1.N.abi was made by `make abi-baseline`
# when minor N was released (older ones stay committed): abidw
# on a tiny .so compiled -g from plugin-api/abi/connector-abi.c, which
# references every public type. abidiff runs with append-only.suppr, so a
# struct that only grew at its end passes and anything else fails. Today's
# header is checked against every baseline the append-only way and must
# match its own minor's baseline exactly.
. "$(dirname "$0")/../lib/lib.sh"
CC=${CC:-cc}
BASELINE="$ROOT/plugin-api/abi/connector-v1.0.abi"
MINOR=$(sed -n 's/^#define PROVHOST_CONNECTOR_ABI_MINOR //p' "$ROOT/plugin-api/provhost/connector.h")
CURRENT="$ROOT/plugin-api/abi/connector-v1.$MINOR.abi"
SUPPR="$ROOT/plugin-api/abi/append-only.suppr"
SRC="$ROOT/plugin-api/abi/connector-abi.c"

# abi_so INCLUDE_DIR OUT: builds the ABI probe object against a header.
abi_so() {
	"$CC" -g -O0 -shared -fPIC -fvisibility=hidden -I"$1" -o "$2" "$SRC" 2>"$T_TMP/cc.err" ||
		fail "cannot compile the ABI probe: $(cat "$T_TMP/cc.err")"
}

# abi_check SO [BASELINE]: runs abidiff (append-only); sets RC and OUT.
abi_check() {
	OUT=$(abidiff --suppressions "$SUPPR" "${2:-$BASELINE}" "$1" 2>&1)
	RC=$?
}

begin "today's header is ABI-compatible with the v1.0 baseline"
abi_so "$ROOT/plugin-api" "$T_TMP/current.so"
abi_check "$T_TMP/current.so"
expect_rc 0
finish

begin "today's header is append-only against every committed baseline"
[ "$MINOR" -ge 1 ] || fail "cannot read PROVHOST_CONNECTOR_ABI_MINOR"
n=0
for b in "$ROOT"/plugin-api/abi/connector-v1.*.abi; do
	abi_check "$T_TMP/current.so" "$b"
	[ "$RC" -eq 0 ] || fail "$(basename "$b"): $OUT"
	n=$((n + 1))
done
[ "$n" -eq $((MINOR + 1)) ] || fail "expected $((MINOR + 1)) baselines (v1.0 .. v1.$MINOR), found $n"
finish

begin "today's header matches its own minor's baseline exactly"
[ -f "$CURRENT" ] || fail "no baseline for minor $MINOR: run make abi-baseline"
OUT=$(abidiff "$CURRENT" "$T_TMP/current.so" 2>&1)
RC=$?
expect_rc 0
finish

begin "the v1.1 baseline has the 1.1 members (a real 1.1 baseline)"
grep -q "name='candidate_user_name'" "$ROOT/plugin-api/abi/connector-v1.1.abi" || fail "no candidate_user_name in the v1.1 baseline"
grep -q "name='list'" "$ROOT/plugin-api/abi/connector-v1.1.abi" || fail "no list op in the v1.1 baseline"
grep -q "name='PROVHOST_OUTCOME_CANDIDATE'" "$ROOT/plugin-api/abi/connector-v1.1.abi" || fail "no CANDIDATE outcome in the v1.1 baseline"
! grep -q "name='candidate_user_name'" "$BASELINE" || fail "the v1.0 baseline was overwritten"
finish

begin "removing a 1.1 member is caught against the v1.1 baseline"
mkdir -p "$T_TMP/shrunk/provhost"
grep -v 'char candidate_user_name\[256\];' "$ROOT/plugin-api/provhost/connector.h" >"$T_TMP/shrunk/provhost/connector.h"
abi_so "$T_TMP/shrunk" "$T_TMP/shrunk.so"
abi_check "$T_TMP/shrunk.so" "$ROOT/plugin-api/abi/connector-v1.1.abi"
[ "$RC" -ne 0 ] || fail "abidiff accepted a removed 1.1 member"
expect_contains "$OUT" "candidate_user_name"
finish

begin "the v1.2 baseline has the 1.2 members (a real 1.2 baseline)"
B12="$ROOT/plugin-api/abi/connector-v1.2.abi"
grep -q "name='etag'" "$B12" || fail "no etag in the v1.2 baseline"
grep -q "name='last_state_json'" "$B12" || fail "no last_state_json in the v1.2 baseline"
grep -q "name='if_match'" "$B12" || fail "no if_match in the v1.2 baseline"
grep -q "name='rate_limit'" "$B12" || fail "no rate_limit service in the v1.2 baseline"
! grep -q "name='etag'" "$ROOT/plugin-api/abi/connector-v1.1.abi" || fail "the v1.1 baseline was overwritten"
finish

begin "removing a 1.2 member is caught against the v1.2 baseline"
mkdir -p "$T_TMP/shrunk12/provhost"
grep -v 'size_t last_state_len;' "$ROOT/plugin-api/provhost/connector.h" >"$T_TMP/shrunk12/provhost/connector.h"
abi_so "$T_TMP/shrunk12" "$T_TMP/shrunk12.so"
abi_check "$T_TMP/shrunk12.so" "$ROOT/plugin-api/abi/connector-v1.2.abi"
[ "$RC" -ne 0 ] || fail "abidiff accepted a removed 1.2 member"
expect_contains "$OUT" "last_state_len"
finish

begin "the frozen v1.1 header copy matches the v1.1 baseline exactly"
abi_so "$ROOT/tests/fixtures/abi-v1.1" "$T_TMP/frozen11.so"
OUT=$(abidiff "$ROOT/plugin-api/abi/connector-v1.1.abi" "$T_TMP/frozen11.so" 2>&1)
RC=$?
expect_rc 0
finish

begin "the frozen v1.0 header copy matches the baseline exactly"
abi_so "$ROOT/tests/fixtures/abi-v1.0" "$T_TMP/frozen.so"
OUT=$(abidiff "$BASELINE" "$T_TMP/frozen.so" 2>&1)
RC=$?
expect_rc 0
finish

begin "a member inserted in the middle of provhost_error is caught"
mkdir -p "$T_TMP/broken/provhost"
sed 's/^\tint32_t retryable;/\tint32_t severity;\n&/' "$ROOT/plugin-api/provhost/connector.h" \
	>"$T_TMP/broken/provhost/connector.h"
grep -q 'int32_t severity;' "$T_TMP/broken/provhost/connector.h" || fail "could not make the broken header"
abi_so "$T_TMP/broken" "$T_TMP/broken.so"
abi_check "$T_TMP/broken.so"
[ "$RC" -ne 0 ] || fail "abidiff accepted an incompatible change"
expect_contains "$OUT" "'int32_t severity', at offset 64 (in bits)"
expect_contains "$OUT" "'int32_t retryable' offset changed from 64 to 96 (in bits)"
finish

begin "a member appended at the end (struct_size grows) is accepted"
mkdir -p "$T_TMP/appended/provhost"
sed 's/^\tchar message\[512\];.*$/&\n\tuint32_t hint_code; \/* appended in a later minor *\//' \
	"$ROOT/plugin-api/provhost/connector.h" >"$T_TMP/appended/provhost/connector.h"
grep -q 'uint32_t hint_code;' "$T_TMP/appended/provhost/connector.h" || fail "could not make the appended header"
abi_so "$T_TMP/appended" "$T_TMP/appended.so"
abi_check "$T_TMP/appended.so"
expect_rc 0
# without the suppression abidiff does report it (as a change, bit 4)
OUT=$(abidiff "$BASELINE" "$T_TMP/appended.so" 2>&1)
RC=$?
expect_rc 4
expect_contains "$OUT" "'uint32_t hint_code', at offset 4256 (in bits)"
finish

done_testing
