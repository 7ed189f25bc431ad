#!/usr/bin/env bash
# The fuzz targets (tests/fuzz/fuzz_*.c): each one's seed corpus
# (tests/fuzz/corpus/NAME/, which keeps every input that once found a bug)
# replays cleanly through the target's invariants in this build
# ($BUILD/tests/fuzz/NAME-replay, no libFuzzer needed); then, when the
# libFuzzer programs are built (build/fuzz/fuzzers/, make check builds them
# when clang's fuzzer runtime is there), each target fuzzes for
# FUZZ_SMOKE_SECONDS (default 3), two at a time, on a scratch copy of its
# corpus. Without the runtime the fuzzing is skipped with a message.
. "$(dirname "$0")/../lib/lib.sh"
FUZZ_BUILD=${FUZZ_BUILD:-$ROOT/build/fuzz}
SECS=${FUZZ_SMOKE_SECONDS:-3}
names=()
for f in "$ROOT"/tests/fuzz/fuzz_*.c; do names+=("$(basename "$f" .c)"); done

begin "there are fuzz targets, each with a seed corpus"
[ "${#names[@]}" -ge 8 ] || fail "only ${#names[@]} targets"
for n in "${names[@]}"; do
	[ -n "$(ls -A "$ROOT/tests/fuzz/corpus/$n" 2>/dev/null)" ] || fail "$n has no seeds"
done
finish

for n in "${names[@]}"; do
	begin "$n replays its seed corpus"
	bin="$BUILD/tests/fuzz/$n-replay"
	if [ ! -x "$bin" ]; then
		fail "no $bin (make unit-tests)"
	else
		out=$("$bin" "$ROOT/tests/fuzz/corpus/$n" 2>&1)
		rc=$?
		[ $rc -eq 0 ] || fail "exit $rc: $(tail -5 <<<"$out")"
		[[ $out =~ replayed\ [1-9][0-9]*\ inputs ]] || fail "replayed nothing: $out"
	fi
	finish
done

# fuzz NAME: runs one target for SECS seconds; its result goes to
# $T_TMP/NAME.rc and its output to $T_TMP/NAME.log.
fuzz() {
	local n=$1
	mkdir -p "$T_TMP/corpus-$n" "$T_TMP/art-$n"
	"$FUZZ_BUILD/fuzzers/$n" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=1024 \
		-max_len=8192 -artifact_prefix="$T_TMP/art-$n/" -print_final_stats=1 \
		"$T_TMP/corpus-$n" "$ROOT/tests/fuzz/corpus/$n" >"$T_TMP/$n.log" 2>&1
	echo $? >"$T_TMP/$n.rc"
}

missing=()
for n in "${names[@]}"; do [ -x "$FUZZ_BUILD/fuzzers/$n" ] || missing+=("$n"); done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "SKIP fuzzing: no libFuzzer program for ${missing[*]} in $FUZZ_BUILD/fuzzers" \
		"(make check builds them when clang and libclang-rt-14-dev are installed)"
else
	for ((i = 0; i < ${#names[@]}; i += 2)); do
		fuzz "${names[i]}" &
		p1=$!
		p2=
		if [ $((i + 1)) -lt ${#names[@]} ]; then
			fuzz "${names[i + 1]}" &
			p2=$!
		fi
		wait "$p1"
		[ -z "$p2" ] || wait "$p2"
	done
	for n in "${names[@]}"; do
		begin "$n fuzzes ${SECS}s without a crash, leak or broken invariant"
		rc=$(cat "$T_TMP/$n.rc" 2>/dev/null || echo none)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/$n.log" | tail -1)
		if [ "$rc" != 0 ]; then
			fail "exit $rc: $(grep -a -m3 -E 'ERROR|invariant broken|runtime error|SUMMARY' "$T_TMP/$n.log")"
			ls "$T_TMP/art-$n/"* >/dev/null 2>&1 && cp "$T_TMP/art-$n/"* "$BUILD/test-logs/" 2>/dev/null &&
				fail "crash input copied to $BUILD/test-logs/"
		fi
		[ "${execs:-0}" -gt 0 ] || fail "ran no input"
		finish
	done
fi
done_testing
