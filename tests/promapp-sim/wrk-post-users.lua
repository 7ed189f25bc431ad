-- wrk script: POST /api/scim/Users with a fresh userName each time.
-- wrk -t2 -c32 -d5s -s tests/promapp-sim/wrk-post-users.lua http://127.0.0.1:PORT
-- (the token is "t"; start the simulator with --token t)
local next_thread = 0

function setup(thread)
	thread:set("tid", next_thread)
	next_thread = next_thread + 1
end

local n = 0

request = function()
	n = n + 1
	local body = string.format(
		'{"userName":"w%d-%d@example.com","name":{"givenName":"G","familyName":"F"}}',
		tid, n)
	return wrk.format("POST", "/api/scim/Users", {
		["Authorization"] = "Bearer t",
		["Content-Type"] = "application/scim+json",
	}, body)
end
