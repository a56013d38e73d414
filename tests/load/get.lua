-- get.lua — GET one video session by id, a random one each time.
--   MODE partner: GET /api/video-sessions/:id with a partner's token, one of their own sessions
--                 (the partner sees notes, so each read also writes an audit row);
--   MODE client:  the same as one of the session's clients (no notes, no audit row);
--   MODE ref:     GET /ref/session/:id on the reference responder (no auth, one SELECT).
-- usage: wrk -t2 -c50 -d10s -s get.lua https://localhost:PORT -- DATA_FILE MODE [THINK_MS]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request

function init(args)
  local data = common.init(args)
  common.pace(tonumber(args[3]))
  local mode = args[2] or "partner"
  local owners = mode == "client" and data.clients or data.partners
  assert(mode == "partner" or mode == "client" or mode == "ref", "MODE must be partner, client or ref")
  next_request = common.ring(4096, function()
    local o = common.pick(owners)
    local id = common.pick(o.sessions)
    if mode == "ref" then
      return wrk.format("GET", "/ref/session/" .. id)
    end
    return wrk.format("GET", "/api/video-sessions/" .. id, common.bearer(o.token))
  end)
end

function request()
  return next_request()
end
