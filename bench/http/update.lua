-- UpdateItem of a random preloaded item of table bench: a counter SET to itself + 1.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")
common.headers("UpdateItem")

function request()
  return wrk.format(nil, nil, nil, string.format(
    '{"TableName":"bench","Key":{"pk":{"S":"id-%06d"}},'
      .. '"UpdateExpression":"SET wordCount = wordCount + :one",'
      .. '"ExpressionAttributeValues":{":one":{"N":"1"}}}', math.random(0, items - 1)))
end
