-- list.lua — a partner's upcoming video sessions, 20 per page (the first page).
--   MODE api: GET /api/partners/:id/video-sessions?when=upcoming&limit=20 with that partner's token
--             (partners see notes, so each page also writes one audit row);
--   MODE ref: GET /ref/list/:id on the reference responder (the same 20 rows, one SELECT).
-- usage: wrk -t2 -c50 -d10s -s list.lua https://localhost:PORT -- DATA_FILE MODE [THINK_MS]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request

function init(args)
  local data = common.init(args)
  common.pace(tonumber(args[3]))
  local mode = args[2] or "api"
  assert(mode == "api" or mode == "ref", "MODE must be api or ref")
  next_request = common.ring(1024, function()
    local p = common.pick(data.partners)
    if mode == "ref" then
      return wrk.format("GET", "/ref/list/" .. p.id)
    end
    return wrk.format("GET", "/api/partners/" .. p.id .. "/video-sessions?when=upcoming&limit=20",
                      common.bearer(p.token))
  end)
end

function request()
  return next_request()
end
