-- The baseline of post.lua: PutItem of the same note straight into the DynamoDB API (table
-- bench), with a unique id per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "../http/common.lua")
common.headers("PutItem")
local head = '{"TableName":"bench","Item":{"pk":{"S":"'
local tail = '"},"title":{"S":"A note about benchmarks"},"content":{"S":"'
  .. string.rep("word ", 56) .. 'word"}}}'
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, head .. "put-" .. tag .. "-" .. tid .. "-" .. counter .. tail)
end
