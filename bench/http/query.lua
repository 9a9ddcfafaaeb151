-- Query of a random partition of table benchq: pk = :p, Limit 20 (a whole partition, ~6 KB).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")
common.headers("Query")

function request()
  return wrk.format(nil, nil, nil, string.format(
    '{"TableName":"benchq","KeyConditionExpression":"pk = :p",'
      .. '"ExpressionAttributeValues":{":p":{"S":"p%d"}},"Limit":20}',
    math.random(0, partitions - 1)))
end
