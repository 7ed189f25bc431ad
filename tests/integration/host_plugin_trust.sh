#!/usr/bin/env bash
# Plugin trust, with the real binary: what provhost refuses to load and that
# no code of a refused file runs. tests/fixtures/ctor_marker.c's constructor
# appends to $PROVHOST_TEST_CTOR_MARKER whenever its file is dlopened.
. "$(dirname "$0")/../lib/lib.sh"
FIX="$BUILD/fixtures"
MARK="$T_TMP/ctor-ran"
export PROVHOST_TEST_CTOR_MARKER="$MARK"

# conf FILE PLUGIN_DIR CONNECTOR: a configuration with one connection.
conf() {
	write_config "$1" "{ \"plugin_dir\": \"$2\",
  \"connections\": [ { \"name\": \"c\", \"connector\": \"$3\" } ] }"
}
expect_ctor_not_run() {
	[ ! -e "$MARK" ] || fail "a refused file's constructor ran: $(cat "$MARK")"
	rm -f "$MARK"
}

begin "control: a trusted connector's constructor runs (so the marker works)"
mkdir -m 755 "$T_TMP/ok"
cp "$FIX/ctor_marker.so" "$T_TMP/ok/ctor.so"
ph plugins --plugin-dir "$T_TMP/ok"
expect_rc 0
expect_contains "$OUT" "connector ctormark 0.0.1 (ABI 1.0, capabilities: none) $T_TMP/ok/ctor.so"
expect_eq "$(cat "$MARK" 2>/dev/null)" "ctor_marker" "constructor marker"
rm -f "$MARK"
finish

begin "a world-writable plugin directory is refused before anything in it runs"
mkdir -m 755 "$T_TMP/open"
chmod 777 "$T_TMP/open"
cp "$FIX/ctor_marker.so" "$T_TMP/open/ctor.so"
ph plugins --plugin-dir "$T_TMP/open"
expect_rc 2
expect_eq "$ERR" "provhost plugins: refusing plugin directory \"$T_TMP/open\": directory \"$T_TMP/open\" is group- or world-writable (mode 0777)"
expect_ctor_not_run
conf "$T_TMP/open.json" "$T_TMP/open" ctormark
ph check-config -c "$T_TMP/open.json"
expect_rc 2
expect_eq "$OUT" "" "stdout"
expect_contains "$ERR" "refusing plugin directory \"$T_TMP/open\": directory \"$T_TMP/open\" is group- or world-writable (mode 0777)"
expect_ctor_not_run
finish

begin "a symlink into a 0777 directory is refused, naming where it leads"
mkdir -m 755 "$T_TMP/links"
ln -s "$T_TMP/open/ctor.so" "$T_TMP/links/ctor.so"
cp "$FIX/minimal.so" "$T_TMP/links/minimal.so"
ph plugins --plugin-dir "$T_TMP/links"
expect_rc 0
expect_contains "$OUT" "connector minimal 1.0.0"
expect_contains "$OUT" "refused $T_TMP/links/ctor.so: resolves to \"$T_TMP/open/ctor.so\"; directory \"$T_TMP/open\" is group- or world-writable (mode 0777); refusing to load it"
expect_ctor_not_run
# a plugin directory that is itself a symlink to the open directory
ln -s "$T_TMP/open" "$T_TMP/dirlink"
ph plugins --plugin-dir "$T_TMP/dirlink"
expect_rc 2
expect_eq "$ERR" "provhost plugins: refusing plugin directory \"$T_TMP/dirlink\" (resolves to \"$T_TMP/open\"): directory \"$T_TMP/open\" is group- or world-writable (mode 0777)"
expect_ctor_not_run
finish

if [ "$(id -u)" -eq 0 ]; then
	begin "a plugin file or directory owned by another user is refused (root-owned is fine)"
	mkdir -m 755 "$T_TMP/mixed"
	cp "$FIX/ctor_marker.so" "$T_TMP/mixed/theirs.so"
	chown nobody "$T_TMP/mixed/theirs.so"
	cp "$FIX/minimal.so" "$T_TMP/mixed/ours.so"
	ph plugins --plugin-dir "$T_TMP/mixed"
	expect_rc 0
	expect_contains "$OUT" "connector minimal 1.0.0 (ABI 1.0, capabilities: none) $T_TMP/mixed/ours.so"
	expect_contains "$OUT" "refused $T_TMP/mixed/theirs.so: file is owned by uid $(id -u nobody), not by root or the running user (uid 0); refusing to load it"
	expect_ctor_not_run
	mkdir -m 755 "$T_TMP/nobodys" "$T_TMP/nobodys/plugins"
	chown nobody "$T_TMP/nobodys"
	cp "$FIX/ctor_marker.so" "$T_TMP/nobodys/plugins/"
	ph plugins --plugin-dir "$T_TMP/nobodys/plugins"
	expect_rc 2
	expect_eq "$ERR" "provhost plugins: refusing plugin directory \"$T_TMP/nobodys/plugins\": directory \"$T_TMP/nobodys\" is owned by uid $(id -u nobody), not by root or the running user (uid 0)"
	expect_ctor_not_run
	finish
else
	echo "SKIP a plugin file or directory owned by another user is refused: needs root (chown)"
fi

begin "a file without the entry symbol is refused without running its constructor"
mkdir -m 755 "$T_TMP/noentry"
cp "$FIX/ctor_no_entry.so" "$T_TMP/noentry/"
ph plugins --plugin-dir "$T_TMP/noentry"
expect_rc 0
expect_contains "$OUT" "refused $T_TMP/noentry/ctor_no_entry.so: not a provhost connector (no provhost_connector_v1 symbol)"
expect_ctor_not_run
conf "$T_TMP/noentry.json" "$T_TMP/noentry" ctor_no_entry
ph check-config -c "$T_TMP/noentry.json"
expect_rc 2
expect_contains "$ERR" "connector \"ctor_no_entry\" was refused: $T_TMP/noentry/ctor_no_entry.so: not a provhost connector (no provhost_connector_v1 symbol)"
expect_ctor_not_run
finish

begin "a wild pointer in a descriptor is a refusal, not a crash"
mkdir -m 755 "$T_TMP/wild"
cp "$FIX/wild_string.so" "$FIX/wild_setting.so" "$FIX/minimal.so" "$T_TMP/wild/"
ph plugins --plugin-dir "$T_TMP/wild"
expect_rc 0
expect_contains "$OUT" "connector minimal 1.0.0"
expect_contains "$OUT" "refused $T_TMP/wild/wild_string.so: descriptor field \"version\" (0x1) does not point to a string inside the connector's loaded segments"
expect_contains "$OUT" "refused $T_TMP/wild/wild_setting.so: setting 0 field \"description\" (0xdead00000000) does not point to a string inside the connector's loaded segments"
conf "$T_TMP/wild.json" "$T_TMP/wild" wild
ph check-config -c "$T_TMP/wild.json"
expect_rc 2
expect_contains "$ERR" "connector \"wild\" was refused: $T_TMP/wild/wild_string.so: descriptor field \"version\" (0x1) does not point"
ph check-connector "$T_TMP/wild/wild_string.so"
expect_rc 1
expect_contains "$OUT" "FAIL descriptor: the loader refuses $T_TMP/wild/wild_string.so: descriptor field \"version\" (0x1)"
finish

done_testing
