-- Shared by put.lua, get.lua, update.lua and query.lua (loaded with dofile).
-- Every request is a DynamoDB JSON call on POST /. nginx (the HTTP floor) gets the very same
-- requests and ignores their bodies, so request sizes are the same for every server.
--
-- Script arguments (after `--` on wrk's command line): TAG ITEMS PARTITIONS
--   TAG         makes put.lua's ids unique across runs against the same server
--   ITEMS       number of preloaded items in table bench ("id-000000" ..)
--   PARTITIONS  number of preloaded partitions in table benchq ("p0" ..)
-- Environment: BENCH_DEBUG=1 prints the body of the first few non-200 answers of each thread.

local common = {}

function common.headers(op)
  wrk.method = "POST"
  wrk.path = "/"
  wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
  wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. op
  -- Dummies: eddy checks no signature by default; dynalite wants the headers to be present.
  wrk.headers["X-Amz-Date"] = "20200101T000000Z"
  wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=x/20200101/us-east-1/dynamodb/"
    .. "aws4_request, SignedHeaders=host;x-amz-date, Signature=0"
end

-- setup() runs in the main Lua state once per thread, before that thread's init().
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

-- init() runs in each thread's own Lua state.
function init(args)
  tag = args[1] or tostring(os.time())
  items = tonumber(args[2] or "10000")
  partitions = tonumber(args[3] or "100")
  counter = 0
  math.randomseed(os.time() * 1000 + tid)
end

if os.getenv("BENCH_DEBUG") then
  local shown = 0
  function response(status, headers, body)
    if status ~= 200 and shown < 3 then
      shown = shown + 1
      io.stderr:write(string.format("non-200 answer: %d %s\n", status, body or ""))
    end
  end
end

-- One machine-readable line for run.sh; latencies in microseconds. wrk counts every answer
-- with a status >= 400 in errors.status (eddy and dynalite answer DynamoDB errors with 400).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d "
      .. "max_us=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d "
      .. "timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end

return common
