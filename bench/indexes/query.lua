-- Query of one random group of table benchq, 20 items (~7 KB), by its table key (pk = :v) or,
-- with INDEX set in the environment, by the global secondary index `by-group` (grp = :v).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "../http/common.lua")
common.headers("Query")

local on_index = os.getenv("INDEX") ~= nil

function request()
  local group = math.random(0, partitions - 1)
  if on_index then
    return wrk.format(nil, nil, nil, string.format(
      '{"TableName":"benchq","IndexName":"by-group","KeyConditionExpression":"grp = :v",'
        .. '"ExpressionAttributeValues":{":v":{"S":"g%d"}}}', group))
  end
  return wrk.format(nil, nil, nil, string.format(
    '{"TableName":"benchq","KeyConditionExpression":"pk = :v",'
      .. '"ExpressionAttributeValues":{":v":{"S":"p%d"}}}', group))
end
