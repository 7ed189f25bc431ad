#!/usr/bin/env bash
# The man pages (doc/man/*.scd) are complete: every command, option, exit
# code and environment variable provhost prints in --help and `help CMD`,
# every long option in host/cli's getopt tables, and every configuration key
# in the code's key tables (host/config, host/lifecycle) appear in the right
# page and section. A self-test shows the checker notices a missing option.
# Also: each command's usage describes every option its synopsis shows,
# and the built pages render without groff warnings.
. "$(dirname "$0")/../lib/lib.sh"
MAN1="$ROOT/doc/man/provhost.1.scd"
MAN5="$ROOT/doc/man/provhost.json.5.scd"
MAN7="$ROOT/doc/man/provhost-connector.7.scd"

# section FILE HEADING: the lines of "HEADING" ("# NAME" or "## run") up to
# the next heading of the same or a higher level.
section() {
	awk -v h="$2" '
		$0 == h { on = 1; lvl = index(h, " "); next }
		on && /^#+ / { l = index($0, " "); if (l <= lvl) exit }
		on { print }' "$1"
}

# mentions TEXT WORD: TEXT defines WORD: a definition line (one that starts
# with "*", not a "*provhost CMD*" synopsis) has *WORD* in scdoc bold, alone
# or in a list like *-c*, *--config*, or opening a run (*--plugin-dir* _DIR_).
mentions() {
	grep -E '^\*' <<<"$1" | grep -vE '^\*provhost ' | grep -qF -e "*$2*" -e "*$2 "
}

# options_of TEXT: every -x and --long-option token in TEXT, once each.
options_of() { grep -oE '(^|[][ |,(])--?[a-zA-Z][a-zA-Z-]*' <<<"$1" | sed -E 's/^[][ |,(]//' | sort -u; }

commands=$("$PROVHOST" --help | sed -n '/^commands:/,/^$/p' | sed -nE 's/^  ([a-z][a-z-]*) .*/\1/p')

# check_man1 PAGE: reports every command, option, exit code or variable of
# the CLI that PAGE lacks (one line each); nothing when it is complete.
check_man1() {
	local page=$1 c sec opt help global
	for c in $commands; do
		sec=$(section "$page" "## $c")
		if [ -z "$sec" ]; then
			echo "command $c: no section \"## $c\" in $(basename "$page")"
			continue
		fi
		help=$("$PROVHOST" help "$c")
		for opt in $(options_of "$help"); do
			mentions "$sec" "$opt" || echo "command $c: option $opt not in its section"
		done
	done
	global=$("$PROVHOST" --help | sed -n '/^global options/,/^$/p')
	sec=$(section "$page" "# GLOBAL OPTIONS")
	for opt in $(options_of "$global") $(grep -oE 'strcmp\(a, "--?[a-z-]+"\)' "$ROOT/host/cli/cli.c" | grep -oE -- '--?[a-z-]+'); do
		mentions "$sec" "$opt" || echo "global option $opt not in GLOBAL OPTIONS"
	done
	# every long option of every getopt table somewhere in the page
	for opt in $(grep -ohE '^\s*\{"[a-z][a-z-]*", *(no|required|optional)_argument' "$ROOT"/host/cli/*.c |
		grep -oE '"[a-z-]+"' | tr -d '"' | sort -u); do
		[ "$opt" = help ] && continue
		grep -qF -- "*--$opt*" "$page" || echo "long option --$opt (host/cli) not in $(basename "$page")"
	done
	sec=$(section "$page" "# EXIT STATUS")
	for code in $("$PROVHOST" --help | sed -n '/^exit codes:/,/^$/p' | sed -nE 's/^  ([0-9]+) .*/\1/p'); do
		mentions "$sec" "$code" || echo "exit code $code not in EXIT STATUS"
	done
	sec=$(section "$page" "# ENVIRONMENT")
	for v in $("$PROVHOST" --help | sed -n '/^environment:/,/^$/p' | sed -nE 's/^  ([A-Z_]+) .*/\1/p'); do
		mentions "$sec" "$v" || echo "environment variable $v not in ENVIRONMENT"
	done
}

# table FILE NAME: the string literals of the array initialiser NAME[] in FILE.
table() { sed -n "/ $2\[\] = {/,/};/p" "$1" | grep -oE '"[^"]*"' | tr -d '"'; }
# strcmp_keys FILE VAR: the literals compared with VAR (strcmp(VAR, "x")).
strcmp_keys() { grep -oE "strcmp\($2, \"[^\"]+\"\)" "$1" | sed -E 's/.*"(.*)".*/\1/'; }
# macro_words FILE NAME: the comma-separated words of the string macro NAME.
macro_words() {
	sed -n "/#define $2/,/[^\\\\]\$/p" "$1" | grep -oE '"[^"]*"' | tr -d '"' | tr -d ' ' | tr ',' '\n' | sed '/^$/d'
}

H="$ROOT/host"
# config_keys: "SECTION KEY" lines from the code's key tables.
config_keys() {
	table "$H/config/config.c" top_keys | sed 's/^/TOP-LEVEL_KEYS /'
	table "$H/config/config_connection.c" connection_keys | sed 's/^/CONNECTION_KEYS /'
	strcmp_keys "$H/config/secrets.c" mkey | sed 's/^/SECRETS /'
	strcmp_keys "$H/config/notify_config.c" key | sed 's/^/NOTIFY /'
	strcmp_keys "$H/config/engine_config.c" key | sed 's/^/ENGINE /'
	strcmp_keys "$H/lifecycle/policy.c" key | sed 's/^/POLICY /'
	macro_words "$H/lifecycle/policy.c" POLICY_KNOWN_KEYS | sed 's/^/POLICY /'
	strcmp_keys "$H/lifecycle/rules.c" key | sed 's/^/ROLES /'
	table "$H/lifecycle/rules.c" ops | sed 's/^/ROLES /'
	macro_words "$H/lifecycle/rules.c" COND_KNOWN_KEYS | sed 's/^/ROLES /'
	macro_words "$H/lifecycle/mapping.h" MAPPING_KNOWN_TARGETS | sed 's/^/MAPPING /'
	strcmp_keys "$H/config/input_config.c" key | sed 's/^/INPUTS /'
	macro_words "$H/config/input_config.c" INPUT_KEYS | sed 's/^/INPUTS /'
	strcmp_keys "$H/config/sync_config.c" key | sed 's/^/SYNC /'
	macro_words "$H/config/sync_config.c" SYNC_KEYS | sed 's/^/SYNC /'
	strcmp_keys "$H/config/reconcile_config.c" key | sed 's/^/RECONCILE /'
	strcmp_keys "$H/lifecycle/mapping.c" key | sed 's/^/MAPPING /'
}

# check_man5 PAGE: reports every configuration key PAGE lacks in its section.
check_man5() {
	local page=$1 sec key
	while read -r sec key; do
		mentions "$(section "$page" "# ${sec//_/ }")" "$key" ||
			echo "configuration key $key not in section ${sec//_/ } of $(basename "$page")"
	done < <(config_keys | sort -u)
}

begin "the key tables and the CLI were found (the checks below are not empty)"
n_cmd=$(wc -w <<<"$commands")
n_keys=$(config_keys | sort -u | wc -l)
echo "  $n_cmd commands, $n_keys configuration keys"
[ "$n_cmd" -ge 8 ] || fail "only $n_cmd commands found in --help"
[ "$n_keys" -ge 40 ] || fail "only $n_keys configuration keys found: $(config_keys | tr '\n' ' ')"
for k in "TOP-LEVEL_KEYS audit_file" "CONNECTION_KEYS engine" "ENGINE breaker_ratio" \
	"POLICY send_roles" "ROLES ignore_case" "ROLES grant" "MAPPING timezone" "SECRETS file" \
	"NOTIFY webhooks" "NOTIFY ca_file" "SECRETS expires"; do
	config_keys | grep -qxF "$k" || fail "key table extraction missed $k"
done
finish

begin "provhost(1) has every command, option, exit code and environment variable"
missing=$(check_man1 "$MAN1")
[ -z "$missing" ] || fail "$missing"
finish

begin "provhost.json(5) has every configuration key in its section"
missing=$(check_man5 "$MAN5")
[ -z "$missing" ] || fail "$missing"
finish

begin "provhost-connector(7) covers the entry point, every op and points at the header"
for w in provhost_connector_v1 validate_config open close authenticate provision deprovision lookup; do
	grep -qF -- "$w" "$MAN7" || fail "$w not in provhost-connector(7)"
done
for op in $(sed -n '/typedef struct provhost_ops {/,/} provhost_ops;/p' "$ROOT/plugin-api/provhost/connector.h" |
	grep -oE '\(\*[a-z_]+\)' | tr -d '(*)'); do
	grep -qF -- "*$op*" "$MAN7" || grep -qF -- "*$op*, " "$MAN7" || fail "op $op of connector.h not in provhost-connector(7)"
done
grep -qF "provhost/connector.h" "$MAN7" || fail "no pointer to the header"
finish

begin "the checker notices an option, a command and a key missing from a page"
sed '/^\*--reject-file\* _FILE_$/d' "$MAN1" >"$T_TMP/p1.scd"
expect_contains "$(check_man1 "$T_TMP/p1.scd")" "command run: option --reject-file not in its section"
sed '/^## status$/,/^## history$/{/^## history$/!d}' "$MAN1" >"$T_TMP/p1b.scd"
expect_contains "$(check_man1 "$T_TMP/p1b.scd")" "command status: no section"
sed '/^\*breaker_window\*, \*breaker_ratio\*$/d' "$MAN5" >"$T_TMP/p5.scd"
expect_contains "$(check_man5 "$T_TMP/p5.scd")" "configuration key breaker_ratio not in section ENGINE"
finish

begin "every command's usage describes each option its synopsis shows"
for c in $commands; do
	help=$("$PROVHOST" help "$c")
	synopsis=$(sed -n '1,/^$/p' <<<"$help")
	for opt in $(options_of "$synopsis"); do
		grep -qE -- "^  (-[a-z], )?$opt([ ,]|$)|^  --[a-z-]+, $opt( |$)" <<<"$help" ||
			fail "provhost help $c: $opt is in the synopsis but not described"
	done
done
finish

begin "the built man pages render without groff warnings"
for p in "$BUILD"/man/man*/*; do
	[ -f "$p" ] || { fail "no built man pages in $BUILD/man"; break; }
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "$(basename "$p"): $warn"
done
[ -f "$BUILD/man/man1/provhost.1" ] || fail "no $BUILD/man/man1/provhost.1"
[ -f "$BUILD/man/man5/provhost.json.5" ] || fail "no $BUILD/man/man5/provhost.json.5"
[ -f "$BUILD/man/man7/provhost-connector.7" ] || fail "no $BUILD/man/man7/provhost-connector.7"
finish

done_testing
