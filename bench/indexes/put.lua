-- PutItem of a new ~400-byte item into table bench, with five attributes g0..g4 that the
-- table's global secondary indexes (if any) are keyed on: each spreads over 1000 values.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "../http/common.lua")
common.headers("PutItem")

local body = string.rep("w", 300)

function request()
  counter = counter + 1
  local n = tid * 1000003 + counter
  local g = {}
  for i = 0, 4 do
    g[#g + 1] = string.format('"g%d":{"S":"v%d"}', i, (n * (i + 7)) % 1000)
  end
  return wrk.format(nil, nil, nil, string.format(
    '{"TableName":"bench","Item":{"pk":{"S":"put-%s-%d-%d"},%s,"content":{"S":"%s"}}}',
    tag, tid, counter, table.concat(g, ","), body))
end
