-- login.lua — POST /api/auth/login with the right password, rotating over the seeded users.
-- Each one verifies an argon2id hash (m=19456 KiB, t=2, p=1; ~20-26 ms of CPU), so this is
-- bounded by the machine's cores, not by the server's code: report it apart from the rest.
-- usage: wrk -t2 -c50 -d10s -s login.lua https://localhost:PORT -- DATA_FILE
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
setup, done = common.setup, common.done
local next_request

function init(args)
  local data = common.init(args)
  local headers = { ["Content-Type"] = "application/json" }
  next_request = common.ring(#data.logins, function(i)
    local u = data.logins[i]
    return wrk.format("POST", "/api/auth/login", headers,
                      string.format('{"email":"%s","password":"%s"}', u.email, u.password))
  end)
end

function request()
  return next_request()
end
