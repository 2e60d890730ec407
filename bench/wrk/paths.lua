-- GET this thread's paths in turn (BENCH_TARGETS: {path}), as htmx fragments: an editor
-- opening one row after another, each asking the translation memory for its Korean.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local paths, next_index = nil, 0

function init(args)
  paths = common.my_targets(thread_index, tonumber(os.getenv("BENCH_THREADS")))
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index][1], common.headers(false, true))
end
