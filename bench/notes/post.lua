-- POST /notes of a note of 57 words (~400 bytes), as the seed's curl does; the same title and
-- content as bench/http/put.lua's item, so the two runs move the same data.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "../http/common.lua")
wrk.method = "POST"
wrk.path = "/prod/notes"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"A note about benchmarks","content":"' .. string.rep("word ", 56) .. 'word"}'
