#!/usr/bin/env bash
# The daily reconcile units (conf/systemd/provhost-reconcile@.*, issue 15):
# the service runs `provhost reconcile` on /etc/provhost/%i.json with the
# ledger of provhost@%i, after it, hardened like it; the timer is daily;
# the build substitutes bindir, make install and the Debian package ship
# both, and an instance passes systemd-analyze verify.
. "$(dirname "$0")/../lib/lib.sh"
SRC="$ROOT/conf/systemd"
UNITS="$T_TMP/units"
mkdir -p "$UNITS"
svc="$SRC/provhost-reconcile@.service.in"
tmr="$SRC/provhost-reconcile@.timer"

has_line() { grep -qxF -- "$2" "$1" || fail "$(basename "$1") has no line '$2'"; }

begin "provhost-reconcile@.service: oneshot reconcile of /etc/provhost/%i.json, provhost@%i's ledger, after its run"
has_line "$svc" "Type=oneshot"
has_line "$svc" "DynamicUser=yes"
has_line "$svc" "StateDirectory=provhost/%i"
has_line "$svc" "Environment=PROVHOST_STATE_DIR=%S/provhost/%i"
has_line "$svc" "EnvironmentFile=-/etc/provhost/%i.env"
has_line "$svc" "After=network-online.target provhost@%i.service"
has_line "$svc" "ExecStart=@BINDIR@/provhost reconcile -c /etc/provhost/%i.json \$PROVHOST_RECONCILE_OPTIONS"
finish

begin "provhost-reconcile@.service is hardened like provhost@.service"
n=0
while IFS= read -r d; do
	has_line "$svc" "$d"
	n=$((n + 1))
done < <(grep -E '^(Protect|Private|Restrict|NoNew|Capability|Ambient|SystemCall|Lock|Memory|Remove|UMask)' "$SRC/provhost@.service.in")
[ "$n" -ge 20 ] || fail "only $n hardening lines found in provhost@.service.in"
finish

begin "provhost-reconcile@.timer: daily, persistent, randomized delay, enabled by timers.target"
has_line "$tmr" "OnCalendar=daily"
has_line "$tmr" "Persistent=true"
has_line "$tmr" "RandomizedDelaySec=30min"
has_line "$tmr" "WantedBy=timers.target"
finish

begin "the build substitutes bindir; make install and the Debian package ship the units"
built="$BUILD/systemd/provhost-reconcile@.service"
[ -f "$built" ] || fail "no $built"
exec_line=$(grep '^ExecStart=' "$built" 2>/dev/null)
[[ $exec_line == "ExecStart=/"*"/provhost reconcile -c /etc/provhost/%i.json "* ]] || fail "ExecStart: $exec_line"
cmp -s "$BUILD/systemd/provhost-reconcile@.timer" "$tmr" || fail "built timer differs from $tmr"
# what make install would run (-n: the build tree is shared with other tests)
inst=$(make -n -s -C "$ROOT" BUILD="$BUILD" DESTDIR="$T_TMP/inst" install 2>/dev/null | grep '^install -m 644 .*systemd/system/$')
for u in provhost-reconcile@.service provhost-reconcile@.timer; do
	# make spells a build directory under the tree relative to it
	[[ $inst == *"$BUILD/systemd/$u "* || $inst == *"${BUILD#"$ROOT"/}/systemd/$u "* ]] || fail "make install does not install $u: $inst"
	grep -qxF "lib/systemd/system/$u" "$ROOT/debian/provhost.install" || fail "debian/provhost.install lacks $u"
done
finish

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "# skipped: systemd-analyze verify (systemd-analyze absent; apt-get install systemd)"
	done_testing
fi

begin "systemd-analyze verify passes on provhost-reconcile@demo.service and .timer"
sed -e "s|@BINDIR@|$BUILD|g" "$svc" >"$UNITS/provhost-reconcile@demo.service"
sed -e "s|@BINDIR@|$BUILD|g" "$SRC/provhost@.service.in" >"$UNITS/provhost@demo.service"
cp "$tmr" "$UNITS/provhost-reconcile@demo.timer"
OUT=$(cd "$UNITS" && MANPATH="$BUILD/man" SYSTEMD_LOG_COLOR=0 systemd-analyze verify \
	"$UNITS/provhost-reconcile@demo.service" "$UNITS/provhost-reconcile@demo.timer" 2>&1)
RC=$?
expect_rc 0
expect_eq "$OUT" "" "systemd-analyze verify output"
finish

begin "systemd-analyze verify fails when the reconcile's ExecStart does not exist"
sed -e "s|@BINDIR@|$T_TMP/no-such-dir|g" "$svc" >"$UNITS/provhost-reconcile@broken.service"
OUT=$(cd "$UNITS" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$UNITS/provhost-reconcile@broken.service" 2>&1)
RC=$?
[ "$RC" -ne 0 ] || fail "verify accepted a missing ExecStart binary"
finish

done_testing
