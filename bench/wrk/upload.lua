-- Upload a Korean file and its English translation (multipart, BENCH_BODY_FILE built by
-- bench/run.py with boundary BENCH_BOUNDARY); the answer is a redirect to the new document.
-- A 200 is the form again with an error: a miss.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local body

function init(args)
  local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
  body = file:read("*a")
  file:close()
end

function request()
  local headers = common.headers(true, false)
  headers["Content-Type"] = "multipart/form-data; boundary=" .. os.getenv("BENCH_BOUNDARY")
  return wrk.format("POST", "/documents/new/", headers, body)
end

function response(status, headers, body)
  if status == 200 then common.miss() end
end
