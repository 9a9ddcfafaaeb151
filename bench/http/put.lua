-- PutItem of a new item (unique id per thread and request), ~400 bytes, into table bench.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")
common.headers("PutItem")

local head = '{"TableName":"bench","Item":{"pk":{"S":"'
local tail = '"},"title":{"S":"A note about benchmarks"},"content":{"S":"'
  .. string.rep("w", 340) .. '"},"wordCount":{"N":"57"}}}'

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, head .. "put-" .. tag .. "-" .. tid .. "-" .. counter .. tail)
end
