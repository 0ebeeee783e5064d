-- wrk script: sends raw HTTP requests prepared by load.py, then prints one JSON summary line.
--
--   wrk ... URL -s requests.lua -- FILE MODE THREADS
--
-- FILE holds complete requests separated by NUL bytes; thread t of THREADS sends the requests
-- t, t+THREADS, t+2*THREADS, ... of it (all of them if there are fewer than THREADS). MODE "cycle" starts over at the end (the same access
-- tokens again); MODE "once" sends each request at most once (refresh tokens: each is valid
-- once), and when a thread runs out it sends SPARE (a 404) and counts it, which scenarios.py treats
-- as a failed run. Requests are built once in init(), so request() costs next to nothing.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, mode, nthreads = args[1], args[2], tonumber(args[3])
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local all = {}
  for chunk in string.gmatch(data, "([^%z]+)") do
    all[#all + 1] = chunk
  end
  reqs = {}
  for i, chunk in ipairs(all) do
    -- Fewer requests than threads (cycle mode only): every thread sends all of them.
    if (i - 1) % nthreads == tid or (mode ~= "once" and #all < nthreads) then
      reqs[#reqs + 1] = chunk
    end
  end
  once = mode == "once"
  spare = wrk.format("GET", "/bench-tokens-exhausted/")
  idx = 0
  exhausted = 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    if once then
      exhausted = exhausted + 1
      return spare
    end
    idx = 1
  end
  return reqs[idx]
end

function done(summary, latency, requests)
  local spent = 0
  for _, thread in ipairs(threads) do
    spent = spent + (thread:get("exhausted") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, ' ..
    '"p99": %d, "mean": %.1f, "max": %d}, "exhausted": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max, spent))
end
