-- Add a comment to this thread's rows in turn. Targets: {document, row}.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local rows, next_index, counter = nil, 0, 0
local bodies = {
  "Please check this figure against the original.",
  "이 문장은 원문과 뜻이 조금 다릅니다. 확인 부탁드립니다.",
  "The quote loses the speaker's hedging; could we keep it?",
}

function init(args)
  rows = common.my_targets(thread_index, tonumber(os.getenv("BENCH_THREADS")))
end

function request()
  next_index = next_index % #rows + 1
  counter = counter + 1
  local row = rows[next_index]
  local body = "body=" .. common.urlencode(bodies[counter % #bodies + 1]) ..
    "&category=accuracy&severity=minor"
  local path = "/documents/" .. row[1] .. "/rows/" .. row[2] .. "/comments/"
  return wrk.format("POST", path, common.headers(true, true), body)
end

function response(status, headers, body)
  if status ~= 200 then
    common.kind("status " .. status)
  elseif body:find('class="form-error"', 1, true) then
    common.kind("refused")
    common.miss()
  else
    common.kind("added")
  end
end
