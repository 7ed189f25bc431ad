#!/usr/bin/env bash
# The public header claims to be C++-clean: compile every
# plugin-api/provhost/*.h as C++ (g++ -fsyntax-only, pedantic, warnings are
# errors), alone and from a translation unit that uses it.
. "$(dirname "$0")/../lib/lib.sh"
CXX=${CXX:-g++}

for h in "$ROOT"/plugin-api/provhost/*.h; do
	name=$(basename "$h")
	for std in c++11 c++17; do
		begin "<provhost/$name> compiles as $std with -Wall -Wextra -Werror -pedantic"
		printf '#include <provhost/%s>\n#include <provhost/%s>\n' "$name" "$name" |
			"$CXX" -x c++ -std="$std" -fsyntax-only -Wall -Wextra -Werror -pedantic \
				-I"$ROOT/plugin-api" - >"$T_TMP/cxx.log" 2>&1 ||
			fail "$(head -c 1500 "$T_TMP/cxx.log")"
		finish
	done
done

begin "a C++ connector can fill the descriptor and ops table"
cat >"$T_TMP/conn.cpp" <<'CPP'
#include <provhost/connector.h>
#include <cstring>

static int32_t validate(const char *, size_t, provhost_error *) { return PROVHOST_OK; }
static int32_t open_(const provhost_host_api *, provhost_host *, const char *, size_t,
                     provhost_instance **out, provhost_error *)
{
	*out = nullptr;
	return PROVHOST_E_UNSUPPORTED;
}
static void close_(provhost_instance *) {}
static int32_t auth(provhost_instance *, const provhost_call *, provhost_result *r,
                    provhost_error *)
{
	std::strcpy(r->detail, "c++");
	return PROVHOST_OK;
}
static int32_t prov(provhost_instance *, const provhost_call *, const char *, const char *,
                    size_t, provhost_result *, provhost_error *) { return PROVHOST_OK; }
static const provhost_ops ops = {sizeof(provhost_ops), validate, open_, close_, auth, prov,
                                 nullptr, nullptr, nullptr};
static const provhost_connector desc = {PROVHOST_CONNECTOR_MAGIC, sizeof(provhost_connector),
	PROVHOST_CONNECTOR_ABI_MAJOR, 0, "cxx", "1", "v", "MIT", "d", 0, nullptr, 0,
	sizeof(provhost_setting), &ops};
PROVHOST_CONNECTOR_EXPORT const provhost_connector *provhost_connector_v1(uint32_t)
{
	return PROVHOST_HAS_FIELD(&desc, provhost_connector, ops) ? &desc : nullptr;
}
CPP
"$CXX" -std=c++11 -fsyntax-only -Wall -Wextra -Werror -pedantic -I"$ROOT/plugin-api" \
	"$T_TMP/conn.cpp" >"$T_TMP/cxx.log" 2>&1 || fail "$(head -c 1500 "$T_TMP/cxx.log")"
finish

done_testing
