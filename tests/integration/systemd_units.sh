#!/usr/bin/env bash
# The systemd units (conf/systemd/): the template carries the documented
# layout and hardening, the build substitutes bindir, and an instance
# generated from the templates (ExecStart pointing into the build tree)
# passes systemd-analyze verify, with the man pages its Documentation=
# names. Without systemd-analyze the verify cases print "# skipped".
. "$(dirname "$0")/../lib/lib.sh"
SRC="$ROOT/conf/systemd"
UNITS="$T_TMP/units"
mkdir -p "$UNITS"

# has_line FILE LINE: FILE has exactly this line.
has_line() { grep -qxF -- "$2" "$1" || fail "$(basename "$1") has no line '$2'"; }

begin "provhost@.service: oneshot run of /etc/provhost/%i.json on \$PROVHOST_INPUT, dynamic user, ledger in StateDirectory"
svc="$SRC/provhost@.service.in"
has_line "$svc" "Type=oneshot"
has_line "$svc" "DynamicUser=yes"
has_line "$svc" "StateDirectory=provhost/%i"
has_line "$svc" "Environment=PROVHOST_STATE_DIR=%S/provhost/%i"
has_line "$svc" "EnvironmentFile=/etc/provhost/%i.env"
has_line "$svc" "ExecStart=@BINDIR@/provhost run -c /etc/provhost/%i.json --no-progress \$PROVHOST_OPTIONS \${PROVHOST_INPUT}"
finish

begin "provhost@.service is hardened"
for d in ProtectSystem=strict PrivateTmp=yes NoNewPrivileges=yes ProtectHome=yes \
	PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
	ProtectControlGroups=yes RestrictSUIDSGID=yes CapabilityBoundingSet= UMask=0077 \
	"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" SystemCallFilter=@system-service; do
	has_line "$svc" "$d"
done
finish

begin "provhost@.timer: hourly, persistent, randomized delay, enabled by timers.target"
tmr="$SRC/provhost@.timer"
has_line "$tmr" "OnCalendar=hourly"
has_line "$tmr" "Persistent=true"
has_line "$tmr" "RandomizedDelaySec=5min"
has_line "$tmr" "WantedBy=timers.target"
finish

begin "the build substitutes bindir into ExecStart"
built="$BUILD/systemd/provhost@.service"
[ -f "$built" ] || fail "no $built"
exec_line=$(grep '^ExecStart=' "$built" 2>/dev/null)
[[ $exec_line == "ExecStart=/"*"/provhost run -c /etc/provhost/%i.json "* ]] || fail "ExecStart: $exec_line"
expect_not_contains "$(cat "$built" 2>/dev/null)" "@BINDIR@"
cmp -s "$BUILD/systemd/provhost@.timer" "$tmr" || fail "built timer differs from $tmr"
finish

# instance NAME BINDIR: generates provhost@NAME.{service,timer} in $UNITS.
instance() {
	sed -e "s|@BINDIR@|$2|g" "$SRC/provhost@.service.in" >"$UNITS/provhost@$1.service"
	cp "$SRC/provhost@.timer" "$UNITS/provhost@$1.timer"
}

# verify UNIT...: systemd-analyze verify with the build's man pages; sets RC, OUT.
verify() {
	OUT=$(cd "$UNITS" && MANPATH="$BUILD/man" SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$@" 2>&1)
	RC=$?
}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "# skipped: systemd-analyze verify (systemd-analyze absent; apt-get install systemd)"
	done_testing
fi

begin "systemd-analyze verify passes on provhost@demo.service and .timer (ExecStart in the build tree)"
instance demo "$BUILD"
verify "$UNITS/provhost@demo.service" "$UNITS/provhost@demo.timer"
expect_rc 0
expect_eq "$OUT" "" "systemd-analyze verify output"
finish

begin "systemd-analyze verify fails on an instance whose ExecStart does not exist"
instance broken "$T_TMP/no-such-dir"
verify "$UNITS/provhost@broken.service"
[ "$RC" -ne 0 ] || fail "verify accepted a missing ExecStart binary"
expect_contains "$OUT" "$T_TMP/no-such-dir/provhost"
finish

begin "systemd-analyze security rates the service's exposure at most 2.0"
OUT=$(cd "$UNITS" && systemd-analyze security --offline=yes "$UNITS/provhost@demo.service" 2>&1)
level=$(sed -nE 's/.*Overall exposure level for provhost@demo\.service: ([0-9.]+).*/\1/p' <<<"$OUT")
if [ -z "$level" ]; then
	fail "no exposure level in: $(tail -3 <<<"$OUT")"
else
	echo "  exposure level: $level"
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "exposure level $level > 2.0"
fi
finish

done_testing
