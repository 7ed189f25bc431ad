# Shared helpers for integration tests (tests/lib/). Source it from
# tests/integration/*.sh:
#
#   . "$(dirname "$0")/../lib/lib.sh"
#   begin "provision creates the account"
#   sim_start --roles "Modeller,Viewer"
#   ph test -c "$cfg" promapp
#   expect_rc 0
#   expect_contains "$OUT" "authenticated"
#   finish
#   ...
#   done_testing
#
# Each case prints "PASS name" or "FAIL name: why" (tests/run counts them).
# Everything runs against real binaries from $BUILD on loopback.
set -u
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PROVHOST="$BUILD/provhost"
SIM="$BUILD/promapp-sim"
PLUGIN_DIR="$BUILD/plugins"
TEST_TOKEN="tok-s3cr3t-Zq8rW1x"
TEST_TOKEN_NOSCOPE="tok-noscope-Yy71kP"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/provhost-test.XXXXXX")
chmod 700 "$T_TMP"
CASE_NAME=""
CASE_FAILED=0
N_FAILED=0
SIM_PIDS=()

_cleanup() {
	local p
	for p in "${SIM_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${SIM_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap _cleanup EXIT
trap 'exit 143' TERM # tests/run's timeout: still clean up

# begin NAME: starts a case. With TEST_TIMES=1, finish also prints how long
# the case took (to find slow cases).
begin() { CASE_NAME=$1; CASE_FAILED=0; CASE_START=${EPOCHREALTIME/./}; }

# fail MESSAGE: marks the current case failed (it goes on to collect more).
fail() {
	# later lines indented: quoted output never reads as a PASS/FAIL line
	printf '  %s: %s\n' "$CASE_NAME" "$*" | sed '2,$s/^/    /'
	CASE_FAILED=1
}

finish() {
	if [ "$CASE_FAILED" -eq 0 ]; then
		echo "PASS $CASE_NAME"
	else
		echo "FAIL $CASE_NAME"
		N_FAILED=$((N_FAILED + 1))
	fi
	if [ -n "${TEST_TIMES:-}" ]; then
		local us=$((${EPOCHREALTIME/./} - CASE_START))
		printf '  time: %d.%03d s\n' $((us / 1000000)) $((us % 1000000 / 1000))
	fi
	CASE_NAME=""
}

done_testing() { [ "$N_FAILED" -eq 0 ]; exit $?; }

expect_eq() { # ACTUAL EXPECTED [WHAT]
	[ "$1" == "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}
expect_rc() { # EXPECTED (compares $RC from ph)
	[ "$RC" == "$1" ] || fail "exit status: expected $1, got $RC; stdout: $(head -c 600 <<<"$OUT"); stderr: $(head -c 600 <<<"$ERR")"
}
expect_contains() { # HAYSTACK NEEDLE
	[[ $1 == *"$2"* ]] || fail "expected to find '$2' in: $(head -c 800 <<<"$1")"
}
expect_not_contains() { # HAYSTACK NEEDLE
	[[ $1 != *"$2"* ]] || fail "did not expect '$2' in: $(head -c 800 <<<"$1")"
}
expect_file_not_contains() { # FILE NEEDLE
	if [ -f "$1" ] && grep -qF -- "$2" "$1"; then fail "file $1 contains '$2'"; fi
}

# ph ARGS...: runs build/provhost; sets OUT, ERR, RC. Never aborts the script.
ph() {
	"$PROVHOST" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
}

# sim_start [SIM ARGS...]: starts build/promapp-sim on a free loopback port
# with --token $TEST_TOKEN --scopeless-token $TEST_TOKEN_NOSCOPE; sets SIM_PID,
# SIM_URL (…/api/scim) and SIM_ROOT (http://127.0.0.1:PORT).
sim_start() {
	local out="$T_TMP/sim.$RANDOM.out" i line=""
	"$SIM" --port 0 --token "$TEST_TOKEN" --scopeless-token "$TEST_TOKEN_NOSCOPE" "$@" \
		>"$out" 2>"$out.err" &
	SIM_PID=$!
	SIM_ERR="$out.err" # the simulator's stderr (sanitizer reports land here)
	SIM_PIDS+=("$SIM_PID")
	for i in $(seq 1 200); do
		line=$(head -n 1 "$out" 2>/dev/null)
		[[ $line == "listening on "* ]] && break
		sleep 0.05
	done
	if [[ $line != "listening on "* ]]; then
		echo "sim_start: simulator did not start: $(cat "$out.err")" >&2
		return 1
	fi
	SIM_URL=${line#listening on }
	SIM_ROOT=${SIM_URL%/api/scim}
}

sim_stop() { # [PID]
	local p=${1:-$SIM_PID}
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

# sim_users: prints the simulator's full user list (GET /__sim/users) as JSON.
sim_users() { curl -s "$SIM_ROOT/__sim/users"; }
# sim_stats: prints GET /__sim/stats as JSON.
sim_stats() { curl -s "$SIM_ROOT/__sim/stats"; }
# sim_writes: number of POST+PUT+PATCH+DELETE requests the simulator received.
sim_writes() {
	sim_stats | jq '[.requests_by_method | to_entries[] | select(.key|test("POST|PUT|PATCH|DELETE")) | .value] | add // 0'
}

# scim METHOD PATH [BODY] [TOKEN]: one SCIM request; sets HTTP (status) and BODY.
scim() {
	local method=$1 path=$2 body=${3:-} token=${4:-$TEST_TOKEN}
	local args=(-s -o "$T_TMP/scim.body" -w '%{http_code}' -X "$method"
		-H "Authorization: Bearer $token" -H 'Content-Type: application/scim+json')
	[ -n "$body" ] && args+=(--data-binary "$body")
	HTTP=$(curl "${args[@]}" "$SIM_URL$path")
	BODY=$(cat "$T_TMP/scim.body")
}

# write_config FILE JSON: writes a config file (mode 600).
write_config() {
	printf '%s\n' "$2" >"$1"
	chmod 600 "$1"
}
