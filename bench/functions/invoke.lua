-- Lambda Invoke (RequestResponse) of the function named by $FUNCTION with a small event, for
-- bench/functions/run.py. Prints the BENCH line of ../http/common.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "../http/common.lua")
wrk.method = "POST"
wrk.path = "/2015-03-31/functions/" .. os.getenv("FUNCTION") .. "/invocations"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"n1","content":"warm invocation overhead"}'
