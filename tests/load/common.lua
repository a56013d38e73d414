-- common.lua — what the wrk scripts of tests/load share (loaded with dofile by each of them).
--
-- Every scenario script takes `-- DATA_FILE [MODE [THINK_MS]]` after wrk's own options. DATA_FILE
-- is a Lua file scripts/bench writes: the seeded ids and the tokens it logged in with. Each wrk thread
-- pre-formats a ring of requests in init() (wrk's advice: building a request per call costs the
-- load generator CPU that this 2-core machine needs for the server), and request() walks it.
--
-- done() prints one machine-readable line that scripts/bench parses:
--   BENCH requests=N duration_us=N p50_us=N p99_us=N status_errors=N timeouts=N socket_errors=N n409=N n201=N
-- status_errors counts every status > 399 (so it includes n409, which only the mixed load counts).

local M = {}

-- Only in the setup/done environment (wrk's main Lua state): the thread handles.
local threads = {}

function M.setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

-- Loads the data file named by args[1]; seeds this thread's random numbers differently from the
-- other threads'.
function M.init(args)
  assert(args[1], "usage: wrk ... -s SCRIPT URL -- DATA_FILE [MODE]")
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
  return dofile(args[1])
end

-- With a think time, each connection waits about think_ms (0.5x to 1.5x, so the connections do not
-- march in step) between an answer and its next request: 50 connections and 40 ms offer at most
-- ~1,250 requests/s, a load well below saturation, where latency is the server's own and not
-- queueing (at saturation, Little's law sets the mean latency to connections / throughput).
-- wrk looks for delay() after init() (thread 0's state), so defining it here is enough.
function M.pace(think_ms)
  if think_ms and think_ms > 0 then
    function delay()
      return math.floor(think_ms * (0.5 + math.random()))
    end
  end
end

function M.pick(t)
  return t[math.random(#t)]
end

-- Formats n requests with make() once; returns a request() that cycles through them.
function M.ring(n, make)
  local ring = {}
  for i = 1, n do ring[i] = make(i) end
  local i = 0
  return function()
    i = i % n + 1
    return ring[i]
  end
end

function M.bearer(token)
  return { ["Authorization"] = "Bearer " .. token }
end

function M.done(summary, latency, requests)
  local n409, n201 = 0, 0
  for _, t in ipairs(threads) do
    n409 = n409 + (tonumber(t:get("n409")) or 0)
    n201 = n201 + (tonumber(t:get("n201")) or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d timeouts=%d socket_errors=%d n409=%d n201=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.timeout, e.connect + e.read + e.write, n409, n201))
end

return M
