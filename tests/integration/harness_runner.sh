#!/usr/bin/env bash
# tests/run itself, on a throwaway tree of fake test files: counting, the
# per-file timeout, files without cases, parallel jobs, TEST_FILTER,
# exclusive files and the closing line.
. "$(dirname "$0")/../lib/lib.sh"

TREE="$T_TMP/tree"

# tree FILE=BODY...: a fresh fake project with tests/run and these
# integration scripts (tests/integration/FILE.sh with BODY).
tree() {
	local spec
	rm -rf "$TREE"
	mkdir -p "$TREE/tests/integration" "$TREE/build/tests"
	cp "$ROOT/tests/run" "$TREE/tests/run"
	for spec in "$@"; do
		printf '#!/usr/bin/env bash\n%s\n' "${spec#*=}" >"$TREE/tests/integration/${spec%%=*}.sh"
	done
}

# runner [ENV=VALUE...]: runs the tree's tests/run; sets OUT, RC, SECS.
runner() {
	local t0=${EPOCHREALTIME/./}
	env -u TEST_FILTER -u TEST_JOBS -u TEST_TIMEOUT BUILD="$TREE/build" "$@" \
		bash "$TREE/tests/run" >"$T_TMP/run.out" 2>&1 </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/run.out")
	SECS=$(((${EPOCHREALTIME/./} - t0) / 1000000))
}

last_line() { tail -n 1 <<<"$OUT"; }

begin "cases are counted; the closing line is exactly 'N passed, N failed'"
tree "one=echo 'PASS a'; echo 'PASS b'" "two=echo 'PASS c'; echo 'FAIL d'; exit 1"
printf '#!/bin/sh\necho "[       OK ] x"\necho "[  PASSED  ] 3 test(s)."\n' >"$TREE/build/tests/test_fake"
chmod +x "$TREE/build/tests/test_fake"
runner
expect_eq "$RC" 1 "exit status"
expect_eq "$(last_line)" "6 passed, 1 failed" "closing line"
expect_contains "$OUT" "--- one: ok (2 cases, "
expect_contains "$OUT" "--- test_fake: ok (1 cases, "
expect_contains "$OUT" "--- two: FAILED in "
expect_contains "$OUT" "failed test files: two"
finish

begin "a file that reports no case fails"
tree "ok=echo 'PASS a'" "empty=echo 'nothing to see'"
runner
expect_eq "$RC" 1 "exit status"
expect_eq "$(last_line)" "1 passed, 1 failed" "closing line"
expect_contains "$OUT" "FAIL empty: reported no test cases"
finish

begin "a file that exits non-zero without a failed case fails"
tree "crash=echo 'PASS a'; kill -SEGV \$\$"
runner
expect_eq "$RC" 1 "exit status"
expect_eq "$(last_line)" "1 passed, 1 failed" "closing line"
expect_contains "$OUT" "FAIL crash: exited with status 139 without reporting a failure"
finish

begin "a file running past TEST_TIMEOUT is killed with its children and fails"
tree "hang=echo 'PASS a'; sleep 60 & echo \$! >\"$T_TMP/child.pid\"; wait" "fine=echo 'PASS b'"
runner TEST_TIMEOUT=1
expect_eq "$RC" 1 "exit status"
expect_eq "$(last_line)" "2 passed, 1 failed" "closing line"
expect_contains "$OUT" "FAIL hang: timed out after 1 s (TEST_TIMEOUT) and was killed"
[ "$SECS" -lt 15 ] || fail "the runner took $SECS s"
child=$(cat "$T_TMP/child.pid" 2>/dev/null)
[ -n "$child" ] || fail "the hanging file never started its child"
for _ in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
	fail "the hanging file's child $child survived"
	kill "$child"
fi
finish

begin "files run in parallel, TEST_JOBS at a time; each file's output stays together"
tree "s1=sleep 1; echo 'PASS 1'; echo '  s1 detail'; echo 'FAIL 1b'" \
	"s2=echo 'PASS 2'; sleep 1; echo 'FAIL 2b'" "s3=sleep 1; echo 'PASS 3'"
runner TEST_JOBS=3
expect_eq "$(last_line)" "3 passed, 2 failed" "closing line"
[ "$SECS" -lt 2 ] || fail "3 files of 1 s with 3 jobs took $SECS s"
# the result of each file is one block: its header, then its failures
expect_contains "$OUT" "--- s1: FAILED in "
expect_eq "$(grep -A1 -- '--- s1:' <<<"$OUT" | tail -n 1)" "FAIL 1b" "s1's block"
expect_eq "$(grep -A1 -- '--- s2:' <<<"$OUT" | tail -n 1)" "FAIL 2b" "s2's block"
runner TEST_JOBS=1
[ "$SECS" -ge 3 ] || fail "3 files of 1 s with 1 job took only $SECS s"
runner TEST_JOBS=two
expect_eq "$RC" 2 "exit status for a bad TEST_JOBS"
finish

begin "TEST_FILTER runs only the matching files"
tree "run_a=echo 'PASS a'" "sim_b=echo 'PASS b'" "run_c=echo 'PASS c'"
runner TEST_FILTER=run_
expect_eq "$RC" 0 "exit status"
expect_eq "$(last_line)" "2 passed, 0 failed" "closing line"
expect_not_contains "$OUT" "sim_b"
runner TEST_FILTER=nothing-matches
expect_eq "$RC" 1 "exit status when nothing ran"
expect_eq "$(last_line)" "0 passed, 0 failed" "closing line"
finish

begin "an exclusive file runs alone, after the others"
tree "p1=sleep 1; date +%s%N >\"$T_TMP/p1.end\"; echo 'PASS p1'" \
	"p2=sleep 1; date +%s%N >\"$T_TMP/p2.end\"; echo 'PASS p2'" \
	"ex=# tests/run: exclusive
date +%s%N >\"$T_TMP/ex.start\"; echo 'PASS ex'"
runner TEST_JOBS=4
expect_eq "$(last_line)" "3 passed, 0 failed" "closing line"
s=$(cat "$T_TMP/ex.start" 2>/dev/null || echo 0)
for f in p1 p2; do
	e=$(cat "$T_TMP/$f.end" 2>/dev/null || echo 9999999999999999999)
	[ "$s" -gt "$e" ] || fail "the exclusive file started before $f ended"
done
finish

done_testing
