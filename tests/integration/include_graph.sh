#!/usr/bin/env bash
# The include graph of the source tree (tests/tools/include_graph.py): no
# cycle between files, none between host/ folders, no forbidden include
# (rules table at the top of the script). Then the script itself on small
# temporary trees, flat and foldered, that must pass or fail as stated.
. "$(dirname "$0")/../lib/lib.sh"
IG=("python3" "$ROOT/tests/tools/include_graph.py")

# ig DIR: runs the check on DIR; sets RC and OUT.
ig() {
	"${IG[@]}" --root "$1" >"$T_TMP/ig.out" 2>&1
	RC=$?
	OUT=$(cat "$T_TMP/ig.out")
}

# tree NAME FILE CONTENT [FILE CONTENT ...]: a fresh tree under $T_TMP/NAME.
tree() {
	local dir="$T_TMP/$1"
	shift
	rm -rf "$dir"
	mkdir -p "$dir/host" "$dir/plugins" "$dir/plugin-api/provhost" "$dir/tests"
	while [ $# -ge 2 ]; do
		mkdir -p "$(dirname "$dir/$1")"
		printf '%b' "$2" >"$dir/$1"
		shift 2
	done
	TREE=$dir
}

begin "the source tree has no include cycle and no forbidden include"
ig "$ROOT"
expect_rc 0
expect_contains "$OUT" "include graph ok:"
finish

begin "a clean flat tree passes"
tree flat host/a.c '#include "a.h"\n#include "b.h"\n#include <stdio.h>\n' \
	host/a.h '#include <provhost/connector.h>\n' host/b.h '#include "a.h"\n' \
	plugin-api/provhost/connector.h '#include <stddef.h>\n' \
	plugins/p/p.c '#include "p.h"\n#include <provhost/connector.h>\n' plugins/p/p.h ''
ig "$TREE"
expect_rc 0
expect_contains "$OUT" "include graph ok: 6 files, 6 includes"
finish

begin "a clean foldered tree passes (includes like \"ledger/ledger.h\" with -Ihost)"
tree folders host/main.c '#include "cli/cli.h"\n' \
	host/cli/cli.h '#include "engine/run.h"\n' host/cli/cli.c '#include "cli.h"\n' \
	host/engine/run.h '#include "ledger/ledger.h"\n#include "lifecycle/rules.h"\n' \
	host/ledger/ledger.h '#include "util/strset.h"\n' \
	host/lifecycle/rules.h '#include "../util/strset.h"\n' host/util/strset.h '#include <stddef.h>\n'
ig "$TREE"
expect_rc 0
expect_contains "$OUT" "include graph ok: 7 files, 7 includes, 6 host folders"
finish

begin "self-test: a cycle between two headers fails"
tree cycle host/a.h '#include "b.h"\n' host/b.h '/* #include "c.h" */\n#include "a.h"\n' host/c.h ''
ig "$TREE"
expect_rc 1
expect_eq "$OUT" "include cycle: host/a.h:1 -> host/b.h:2 -> host/a.h"
finish

begin "self-test: a file that includes itself fails"
tree self host/a.h '#include "a.h"\n'
ig "$TREE"
expect_rc 1
expect_eq "$OUT" "include cycle: host/a.h:1 -> host/a.h"
finish

begin "self-test: a cycle between host folders (but not between files) fails"
# (folders outside the layer table, so only the cycle rule applies)
tree fcycle host/alpha/a.c '#include "beta/b.h"\n' host/alpha/a.h '' \
	host/beta/b.c '#include "alpha/a.h"\n' host/beta/b.h ''
ig "$TREE"
expect_rc 1
expect_eq "$OUT" "folder cycle: host/alpha/ -> host/beta/ -> host/alpha/ (host/alpha/a.c:1 includes host/beta/b.h; host/beta/b.c:1 includes host/alpha/a.h)"
finish

begin "self-test: ledger/ including engine/ or cli/ fails"
tree upward host/ledger/ledger.c '#include "engine/run.h"\n#include "../cli/cli.h"\n' \
	host/engine/run.h '' host/cli/cli.h ''
ig "$TREE"
expect_rc 1
expect_contains "$OUT" "forbidden include: host/ledger/ledger.c:1 includes host/engine/run.h (lifecycle/, ledger/ and util/ sit below engine/ and cli/)"
expect_contains "$OUT" "forbidden include: host/ledger/ledger.c:2 includes host/cli/cli.h"
finish

begin "self-test: util/ including another host folder fails"
tree util host/util/strset.c '#include "config/config.h"\n' host/config/config.h ''
ig "$TREE"
expect_rc 1
expect_eq "$OUT" "forbidden include: host/util/strset.c:1 includes host/config/config.h (util/ includes nothing else in host/)"
finish

begin "self-test: a host folder including a folder above it in the layer order fails"
tree order host/config/config.h '#include "connector/loader.h"\n' host/connector/loader.h ''
ig "$TREE"
expect_rc 1
expect_eq "$OUT" "forbidden include: host/config/config.h:1 includes host/connector/loader.h (host/config/ sits below intake/, connector/, contract/, ledger/, engine/, cli/ (host/README.md))"
finish

begin "self-test: a connector or the public header including host/ fails, and host/ including plugins/"
tree layers host/ledger.h '' host/run.c '#include "promapp/promapp.h"\n' \
	plugins/promapp/promapp.h '#include "ledger.h"\n' \
	plugin-api/provhost/connector.h '#include "../../host/ledger.h"\n'
ig "$TREE"
expect_rc 1
expect_contains "$OUT" "forbidden include: host/run.c:1 includes plugins/promapp/promapp.h (the host never includes a connector's code)"
expect_contains "$OUT" "forbidden include: plugin-api/provhost/connector.h:1 includes host/ledger.h"
expect_contains "$OUT" "forbidden include: plugins/promapp/promapp.h:1 includes host/ledger.h"
finish

done_testing
