#!/usr/bin/env bash
# make install into a DESTDIR, then build a connector out of tree with
# nothing but the installed header and pkg-config file, and load it with
# the installed provhost.
# tests/run: exclusive
. "$(dirname "$0")/../lib/lib.sh"
DEST="$T_TMP/dest"

# make_in_tree ARGS...: the project's make, same BUILD, not part of any
# parent make's jobserver.
make_in_tree() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" -s BUILD="$BUILD" \
		SANITIZE="${SANITIZE:-}" "$@" >"$T_TMP/make.log" 2>&1
}

begin "make install DESTDIR=… PREFIX=/usr installs binary, plugins, header, pkg-config, man pages, systemd units, state schema"
make_in_tree install DESTDIR="$DEST" PREFIX=/usr
RC=$?
expect_rc 0
[ -x "$DEST/usr/bin/provhost" ] || fail "no $DEST/usr/bin/provhost: $(tail -5 "$T_TMP/make.log")"
[ -f "$DEST/usr/include/provhost/connector.h" ] || fail "header not installed"
cmp -s "$DEST/usr/include/provhost/connector.h" "$ROOT/plugin-api/provhost/connector.h" ||
	fail "installed header differs"
for so in "$BUILD"/plugins/*.so; do
	[ -e "$so" ] || continue
	[ -f "$DEST/usr/lib/provhost/plugins/$(basename "$so")" ] || fail "$(basename "$so") not installed"
done
PC="$DEST/usr/lib/pkgconfig/provhost-connector.pc"
[ -f "$PC" ] || fail "no $PC"
expect_contains "$(cat "$PC" 2>/dev/null)" "prefix=/usr"
expect_contains "$(cat "$PC" 2>/dev/null)" "plugindir=\${prefix}/lib/provhost/plugins"
for m in man1/provhost.1 man5/provhost.json.5 man7/provhost-connector.7; do
	[ -f "$DEST/usr/share/man/$m" ] || fail "man page $m not in mandir"
done
for u in provhost@.service provhost@.timer; do
	[ -f "$DEST/lib/systemd/system/$u" ] || fail "$u not in /lib/systemd/system (systemdunitdir for PREFIX=/usr)"
done
grep -q '^ExecStart=/usr/bin/provhost run ' "$DEST/lib/systemd/system/provhost@.service" 2>/dev/null ||
	fail "the installed unit does not run /usr/bin/provhost"
SCHEMA="$DEST/usr/share/provhost/schema/provhost-state-v1.json"
cmp -s "$SCHEMA" "$ROOT/doc/schema/provhost-state-v1.json" ||
	fail "the state schema is not installed as /usr/share/provhost/schema/provhost-state-v1.json"
expect_eq "$(stat -c %a "$SCHEMA" 2>/dev/null)" 644 "the schema's mode"
finish

begin "the installed provhost looks for plugins in PREFIX/lib/provhost/plugins"
"$DEST/usr/bin/provhost" --version >"$T_TMP/out" 2>&1
expect_eq "$(cat "$T_TMP/out")" "provhost 0.1.0 (connector ABI 1.2)"
PROVHOST_CONFIG="$T_TMP/none.json" "$DEST/usr/bin/provhost" plugins >"$T_TMP/out" 2>&1
OUT=$(cat "$T_TMP/out")
if [ -d /usr/lib/provhost/plugins ]; then
	expect_contains "$OUT" "plugin directory: /usr/lib/provhost/plugins"
else
	expect_eq "$OUT" "provhost plugins: cannot read plugin directory \"$DEST/usr/bin/plugins\": No such file or directory (the installed plugin directory /usr/lib/provhost/plugins does not exist either)"
fi
finish

begin "a connector builds out of tree with pkg-config and loads in the installed provhost"
mkdir -p "$T_TMP/author/plugins"
cp "$ROOT/tests/fixtures/minimal.c" "$T_TMP/author/"
(
	cd "$T_TMP/author" || exit 1
	cflags=$(PKG_CONFIG_PATH="$DEST/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$DEST" \
		pkg-config --cflags provhost-connector) || exit 1
	cflags=$(echo $cflags) # pkg-config ends with a space
	[ "$cflags" = "-I$DEST/usr/include" ] || { echo "unexpected cflags: $cflags"; exit 1; }
	${CC:-cc} $cflags -std=c99 -Wall -Wextra -Wno-unused-parameter -Werror -shared -fPIC -fvisibility=hidden \
		-o plugins/minimal.so minimal.c
) >"$T_TMP/author.log" 2>&1 || fail "out-of-tree build failed: $(cat "$T_TMP/author.log")"
chmod go-w "$T_TMP/author/plugins/minimal.so" 2>/dev/null
syms=$(nm -D --defined-only "$T_TMP/author/plugins/minimal.so" 2>/dev/null | awk '{print $NF}' | tr '\n' ' ')
expect_eq "$syms" "provhost_connector_v1 " "exported symbols"
"$DEST/usr/bin/provhost" plugins --plugin-dir "$T_TMP/author/plugins" >"$T_TMP/out" 2>&1
RC=$?
OUT=$(cat "$T_TMP/out")
expect_rc 0
expect_eq "$OUT" "plugin directory: $T_TMP/author/plugins
connector minimal 1.0.0 (ABI 1.0, capabilities: none) $T_TMP/author/plugins/minimal.so
  the smallest valid connector
  vendor: provhost tests; license: MIT"
finish

# files_under DIR: every file and symlink below DIR, sorted, relative to it.
files_under() { (cd "$1" 2>/dev/null && find . ! -type d | sort); }

begin "make uninstall removes exactly what make install put there"
DEST2="$T_TMP/dest2"
mkdir -p "$DEST2/usr/bin" "$DEST2/usr/lib/pkgconfig" "$DEST2/usr/include"
echo other >"$DEST2/usr/bin/other-tool"         # not provhost's: must stay
echo other >"$DEST2/usr/lib/pkgconfig/other.pc" # not provhost's: must stay
before=$(files_under "$DEST2")
make_in_tree install DESTDIR="$DEST2" PREFIX=/usr
RC=$?
expect_rc 0
[ "$(files_under "$DEST2")" != "$before" ] || fail "install put nothing there"
make_in_tree uninstall DESTDIR="$DEST2" PREFIX=/usr
RC=$?
expect_rc 0
expect_eq "$(files_under "$DEST2")" "$before" "files left after uninstall"
for d in usr/lib/provhost/plugins usr/lib/provhost usr/include/provhost usr/share/provhost/schema usr/share/provhost; do
	[ ! -e "$DEST2/$d" ] || fail "uninstall left the directory $d"
done
for d in usr/bin usr/lib/pkgconfig usr/include; do
	[ -d "$DEST2/$d" ] || fail "uninstall removed $d, which install did not create"
done
finish

begin "bindir, libdir and includedir override PREFIX for install, the .pc file, the plugin dir and uninstall"
DEST3="$T_TMP/dest3"
dirs=(PREFIX=/opt/ph bindir=/opt/ph/sbin libdir=/opt/ph/lib64 includedir=/opt/inc)
make_in_tree install DESTDIR="$DEST3" "${dirs[@]}"
RC=$?
expect_rc 0
[ -x "$DEST3/opt/ph/sbin/provhost" ] || fail "no sbin/provhost: $(tail -5 "$T_TMP/make.log")"
[ -f "$DEST3/opt/inc/provhost/connector.h" ] || fail "header not in includedir"
[ -f "$DEST3/opt/ph/lib64/provhost/plugins/example.so" ] || fail "plugins not in libdir"
[ -f "$DEST3/opt/ph/lib64/systemd/system/provhost@.timer" ] || fail "units not in libdir/systemd/system"
grep -q '^ExecStart=/opt/ph/sbin/provhost run ' "$DEST3/opt/ph/lib64/systemd/system/provhost@.service" 2>/dev/null ||
	fail "the unit does not run bindir's provhost"
[ -f "$DEST3/opt/ph/share/man/man1/provhost.1" ] || fail "man page not in PREFIX/share/man"
[ -f "$DEST3/opt/ph/share/provhost/schema/provhost-state-v1.json" ] || fail "state schema not in PREFIX/share/provhost/schema"
PC="$DEST3/opt/ph/lib64/pkgconfig/provhost-connector.pc"
[ -f "$PC" ] || fail "no $PC"
for want in "prefix=/opt/ph" "libdir=\${prefix}/lib64" "includedir=/opt/inc" \
	"plugindir=\${prefix}/lib64/provhost/plugins"; do
	grep -qxF "$want" "$PC" 2>/dev/null || fail "the .pc file has no line $want"
done
got=$(PKG_CONFIG_PATH="$DEST3/opt/ph/lib64/pkgconfig" pkg-config --variable=plugindir provhost-connector 2>&1)
expect_eq "$got" "/opt/ph/lib64/provhost/plugins" "pkg-config plugindir"
PROVHOST_CONFIG="$T_TMP/none.json" "$DEST3/opt/ph/sbin/provhost" plugins >"$T_TMP/out" 2>&1
expect_contains "$(cat "$T_TMP/out")" "the installed plugin directory /opt/ph/lib64/provhost/plugins does not exist"
[ -z "$(find "$DEST3" -path '*/lib/*' 2>/dev/null)" ] || fail "something went to PREFIX/lib: $(find "$DEST3" -path '*/lib/*')"
make_in_tree uninstall DESTDIR="$DEST3" "${dirs[@]}"
RC=$?
expect_rc 0
expect_eq "$(files_under "$DEST3")" "" "files left after uninstall"
finish

# put the build tree's provhost back to the default PREFIX
make_in_tree all || echo "warning: could not rebuild $BUILD after the install test" >&2

done_testing
