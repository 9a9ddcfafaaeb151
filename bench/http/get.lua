-- GetItem of a random preloaded item of table bench.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")
common.headers("GetItem")

function request()
  return wrk.format(nil, nil, nil, string.format(
    '{"TableName":"bench","Key":{"pk":{"S":"id-%06d"}}}', math.random(0, items - 1)))
end
