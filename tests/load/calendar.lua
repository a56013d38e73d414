-- calendar.lua — a partner's calendar for one week (video sessions and appointments):
-- GET /api/partners/:id/calendar?from=..&to=.. with that partner's token. The week is the one
-- the data file names (scripts/bench seeds 8 sessions a day in it).
-- usage: wrk -t2 -c50 -d10s -s calendar.lua https://localhost:PORT -- DATA_FILE api [THINK_MS]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request

function init(args)
  local data = common.init(args)
  assert((args[2] or "api") == "api", "MODE must be api")
  common.pace(tonumber(args[3]))
  next_request = common.ring(1024, function()
    local p = common.pick(data.partners)
    return wrk.format("GET", "/api/partners/" .. p.id .. "/calendar?from=" .. data.calendar_from ..
                      "&to=" .. data.calendar_to, common.bearer(p.token))
  end)
end

function request()
  return next_request()
end
