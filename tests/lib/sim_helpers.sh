# Helpers shared by tests/integration/sim_*.sh (the simulator's own tests).
# Source after tests/lib/lib.sh.

PATCH_URN="urn:ietf:params:scim:api:messages:2.0:PatchOp"

# user_json USERNAME [GIVEN] [FAMILY] [EXTRA JSON MEMBERS]: a POST body.
user_json() {
	local extra=${4:-}
	printf '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","name":{"givenName":"%s","familyName":"%s"},"emails":[{"value":"%s","type":"work","primary":true}]%s}' \
		"$1" "${2:-Given}" "${3:-Family}" "$1" "${extra:+,$extra}"
}

# patch_json OPERATIONS-JSON: a PatchOp body around the operations array.
patch_json() { printf '{"schemas":["%s"],"Operations":%s}' "$PATCH_URN" "$1"; }

# create_user USERNAME [...as user_json]: POST /Users; sets HTTP, BODY, ID.
create_user() {
	scim POST /Users "$(user_json "$@")"
	ID=$(jq -r '.id // empty' <<<"$BODY" 2>/dev/null)
}

# req METHOD URL [CURL ARGS...]: raw request; sets HTTP, BODY, HDRS, CURL_RC.
req() {
	local method=$1 url=$2
	shift 2
	HTTP=$(curl -s -m 30 -o "$T_TMP/req.body" -D "$T_TMP/req.hdrs" \
		-w '%{http_code}' -X "$method" "$@" "$url")
	CURL_RC=$?
	BODY=$(cat "$T_TMP/req.body" 2>/dev/null)
	HDRS=$(tr -d '\r' <"$T_TMP/req.hdrs" 2>/dev/null)
}

# jb FILTER: runs jq on $BODY (prints "JQ-ERROR" when BODY is not JSON).
jb() { jq -r "$1" <<<"$BODY" 2>/dev/null || echo "JQ-ERROR"; }

# header NAME: value of a response header from the last req (lower-case match).
header() { awk -v n="$(tr 'A-Z' 'a-z' <<<"$1")" -F': ' 'tolower($1)==n {print $2}' <<<"$HDRS" | tail -n 1; }

# expect_scim_error STATUS [SCIMTYPE]: $HTTP and $BODY are that SCIM error.
expect_scim_error() {
	expect_eq "$HTTP" "$1" "HTTP status"
	expect_eq "$(jb '.schemas[0]')" "urn:ietf:params:scim:api:messages:2.0:Error" "error schema"
	expect_eq "$(jb '.status')" "$1" "error status member"
	[ -n "${2:-}" ] && expect_eq "$(jb '.scimType')" "$2" "scimType"
	return 0
}

# sim_stop_clean: SIGTERM the simulator; expect exit 0 and no sanitizer report.
sim_stop_clean() {
	local rc
	kill -TERM "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
	rc=$?
	expect_eq "$rc" 0 "simulator exit status after SIGTERM"
	if grep -qE 'Sanitizer|runtime error' "$SIM_ERR" 2>/dev/null; then
		fail "sanitizer report: $(head -c 1500 "$SIM_ERR")"
	fi
}

# sim_alive: the simulator still answers an authenticated GET.
expect_sim_alive() {
	local code
	code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $TEST_TOKEN" "$SIM_URL/Users?count=1")
	expect_eq "$code" 200 "simulator still answers"
}
