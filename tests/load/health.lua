-- health.lua — GET /api/health: no authentication, one `SELECT 1`; the floor of the API's cost.
-- usage: wrk -t2 -c50 -d10s -s health.lua https://localhost:PORT
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
wrk.path = "/api/health"
