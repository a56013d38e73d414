-- mixed.lua — what a busy practice does: 90% reads, 10% creates, all as partners.
--   50% GET one of the partner's sessions, 25% the upcoming list (20), 15% a week of calendar,
--   10% POST /api/video-sessions at a random quarter hour in the next 12 weeks (30-60 minutes,
--   password_enabled false so argon2id stays out of it: login.lua measures that).
-- Creates that land on a seeded session or on an earlier create get 409 conflict: those are
-- expected and counted apart (n409), the rest of the >399 statuses are errors.
-- usage: wrk -t2 -c50 -d10s -s mixed.lua https://localhost:PORT -- DATA_FILE
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request
n409, n201 = 0, 0

function init(args)
  local data = common.init(args)
  local durations = { 30, 45, 60 }
  -- A ring big enough that a 10 s run does not come round to its own creates again (those would
  -- all conflict): the 409s come from the seeded sessions and from chance collisions.
  next_request = common.ring(32768, function()
    local p = common.pick(data.partners)
    local h = common.bearer(p.token)
    local r = math.random(100)
    if r <= 50 then
      return wrk.format("GET", "/api/video-sessions/" .. common.pick(p.sessions), h)
    elseif r <= 75 then
      return wrk.format("GET", "/api/partners/" .. p.id .. "/video-sessions?when=upcoming&limit=20", h)
    elseif r <= 90 then
      return wrk.format("GET", "/api/partners/" .. p.id .. "/calendar?from=" .. data.calendar_from ..
                        "&to=" .. data.calendar_to, h)
    end
    local at = data.create_day0 + (math.random(84) - 1) * 86400 + math.random(6 * 4, 21 * 4) * 900
    h["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/video-sessions", h, string.format(
      '{"user_id":%d,"title":"Mixed load %d","session_date":"%s","duration_minutes":%d,"password_enabled":false}',
      common.pick(p.clients), math.random(1000000), os.date("!%Y-%m-%dT%H:%M:%SZ", at), common.pick(durations)))
  end)
end

function request()
  return next_request()
end

function response(status)
  if status == 409 then n409 = n409 + 1 elseif status == 201 then n201 = n201 + 1 end
end
