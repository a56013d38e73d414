-- presence.lua — 1,000 people waiting (issue 18): POST /api/join/:id/presence, a guest's beat
-- with the invite, spread over the 1,000 sessions open now (scripts/bench seeds them with
-- presence-seed.sql; the token of session N's invite is "bench-invite-N"). Each beat is one
-- UPSERT of that session's presence row plus the read of who else is there, in one statement.
-- With THINK_MS 750, 50 connections offer ~67 beats/s: 1,000 pages beating every 15 s.
-- usage: wrk -t2 -c50 -d10s -s presence.lua https://localhost:PORT -- DATA_FILE [THINK_MS]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request

function init(args)
  local data = common.init(args)
  common.pace(tonumber(args[2]))
  next_request = common.ring(4096, function()
    local id = common.pick(data.waiting)
    local body = string.format('{"invite":"bench-invite-%d","name":"Waiting %d","place":"waiting"}', id, id)
    return wrk.format("POST", "/api/join/" .. id .. "/presence", { ["Content-Type"] = "application/json" }, body)
  end)
end

function request()
  return next_request()
end
