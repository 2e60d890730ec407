-- Accept open proposals, each once. Targets: {document, revision}. A thread that runs out of
-- proposals starts again from its first, and those answers ("already accepted") are misses.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local proposals, next_index = nil, 0

function init(args)
  proposals = common.my_targets(thread_index, tonumber(os.getenv("BENCH_THREADS")))
end

function request()
  next_index = next_index % #proposals + 1
  local proposal = proposals[next_index]
  local path = "/documents/" .. proposal[1] .. "/revisions/" .. proposal[2] .. "/accept/"
  return wrk.format("POST", path, common.headers(true, true), "")
end

function response(status, headers, body)
  if status ~= 200 then
    common.kind("status " .. status)
  elseif body:find("Accepted.", 1, true) then
    common.kind("accepted")
  else
    common.kind("not accepted")
    common.miss()
  end
end
