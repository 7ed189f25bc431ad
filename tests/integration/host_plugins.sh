#!/usr/bin/env bash
# provhost plugins: every accepted connector and every refusal, one line each.
. "$(dirname "$0")/../lib/lib.sh"
FIX="$BUILD/fixtures"

begin "plugins lists accepted connectors with version, ABI, capabilities and file"
ph plugins --plugin-dir "$FIX"
expect_rc 0
expect_contains "$OUT" "plugin directory: $FIX"
expect_contains "$OUT" "connector fake 0.0.1 (ABI 1.0, capabilities: lookup,dry-run) $FIX/fake.so"
expect_contains "$OUT" "connector minimal 1.0.0 (ABI 1.0, capabilities: none) $FIX/minimal.so"
expect_contains "$OUT" "connector frozen 1.0.0 (ABI 1.0, capabilities: none) $FIX/frozen_v1_0.so"
expect_contains "$OUT" "connector frozen11 1.1.0 (ABI 1.1, capabilities: none) $FIX/frozen_v1_1.so"
expect_contains "$OUT" "  secret token (in \"secrets\", required): the fake target's token"
expect_contains "$OUT" "  setting port (integer, default 443): an integer setting"
expect_contains "$OUT" "connector broken 0.0.1 (ABI 1.0, capabilities: dry-run) $FIX/broken_contract.so"
expect_contains "$OUT" "connector stall 0.0.1 (ABI 1.0, capabilities: none) $FIX/stall.so"
expect_contains "$OUT" "connector ctormark 0.0.1 (ABI 1.0, capabilities: none) $FIX/ctor_marker.so"
expect_contains "$OUT" "connector etag_trusting 1.0.0 (ABI 1.0, capabilities: lookup,etag) $FIX/etag_trusting.so"
expect_eq "$(grep -c '^connector ' <<<"$OUT")" 8 "accepted connectors"
finish

begin "plugins names every refused file with its reason"
ph plugins --plugin-dir "$FIX"
while IFS= read -r line; do
	expect_contains "$OUT" "$line"
done <<EOT
refused $FIX/abi_major2.so: built for connector ABI 2; this provhost speaks 1 (its descriptor says abi_major 2)
refused $FIX/abi_major2_only.so: built for connector ABI 2; this provhost speaks 1 (it exports provhost_connector_v2, not provhost_connector_v1)
refused $FIX/bad_magic.so: bad descriptor magic 0xdeadbeef (expected 0x50484331): not a provhost connector descriptor
refused $FIX/cap_without_op.so: capability "lookup" is advertised but op "lookup" is missing
refused $FIX/ctor_no_entry.so: not a provhost connector (no provhost_connector_v1 symbol)
refused $FIX/future_minor.so: needs connector ABI 1.7; this provhost speaks 1.2
refused $FIX/list_beyond_ops.so: capability "list" is advertised but op "list" is missing (or beyond the ops table's 64 bytes)
refused $FIX/missing_op.so: required op "provision" is missing
refused $FIX/not_a_connector.so: not a provhost connector (no provhost_connector_v1 symbol)
refused $FIX/small_descriptor.so: descriptor too small (40 bytes; connector ABI 1.0 needs at least 88)
refused $FIX/small_ops.so: ops table too small (16 bytes; connector ABI 1.0 needs at least 64)
refused $FIX/undefined_symbol.so: cannot be loaded: undefined symbol: provhost_fixture_missing
refused $FIX/wild_setting.so: setting 0 field "description" (0xdead00000000) does not point to a string inside the connector's loaded segments
refused $FIX/wild_string.so: descriptor field "version" (0x1) does not point to a string inside the connector's loaded segments
refused $FIX/zz_duplicate.so: duplicate connector name "minimal" (already loaded from $FIX/minimal.so)
EOT
expect_eq "$(grep -c '^refused ' <<<"$OUT")" 15 "refused files"
finish

begin "a world-writable copy is refused, a private copy accepted, other files ignored"
d="$T_TMP/plugins"
mkdir -p "$d"
cp "$FIX/minimal.so" "$d/open.so" && chmod 666 "$d/open.so"
cp "$FIX/fake.so" "$d/fake.so" && chmod 755 "$d/fake.so"
echo "notes" >"$d/README"
ph plugins --plugin-dir "$d"
expect_rc 0
expect_eq "$OUT" "plugin directory: $d
connector fake 0.0.1 (ABI 1.0, capabilities: lookup,dry-run) $d/fake.so
  behaves as its settings say, for tests
  vendor: provhost tests; license: MIT
  setting mode (string, required): ok, reject, leak, open-fail, open-fail-dirty, long-id, candidate or outcome-99
  setting port (integer, default 443): an integer setting
  setting verbose (boolean, default false): a boolean setting
  secret token (in \"secrets\", required): the fake target's token
refused $d/open.so: file is group- or world-writable (mode 0666); refusing to load it"
finish

begin "plugins takes the directory from the configuration's plugin_dir"
write_config "$T_TMP/pd.json" "{\"plugin_dir\": \"plugins\"}"
ph plugins -c "$T_TMP/pd.json"
expect_rc 0
expect_contains "$OUT" "plugin directory: $T_TMP/plugins"
PROVHOST_CONFIG="$T_TMP/pd.json" ph plugins
expect_contains "$OUT" "plugin directory: $T_TMP/plugins"
finish

begin "without configuration the build tree's plugins directory is used"
PROVHOST_CONFIG="$T_TMP/none.json" ph plugins
expect_rc 0
if [ -d /usr/local/lib/provhost/plugins ]; then
	expect_contains "$OUT" "plugin directory: /usr/local/lib/provhost/plugins"
else
	expect_contains "$OUT" "plugin directory: $BUILD/plugins
note: the installed plugin directory /usr/local/lib/provhost/plugins does not exist; using the one next to the provhost binary"
fi
ph plugins --plugin-dir "$BUILD/plugins"
expect_not_contains "$OUT" "note:"
finish

begin "an unreadable plugin directory is an error (exit 2)"
ph plugins --plugin-dir "$T_TMP/missing"
expect_rc 2
expect_eq "$ERR" "provhost plugins: cannot read plugin directory \"$T_TMP/missing\": No such file or directory"
finish

done_testing
