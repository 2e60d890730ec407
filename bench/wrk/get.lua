-- GET one path (BENCH_PATH), as a page or, with BENCH_HTMX=1, as an htmx fragment.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local path = os.getenv("BENCH_PATH")
local htmx = os.getenv("BENCH_HTMX") == "1"

function request()
  return wrk.format("GET", path, common.headers(false, htmx))
end
