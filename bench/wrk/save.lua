-- Save an edit (edit and accept, as an editor does in review) on this thread's rows in turn.
-- Targets: {document, row, version, text}. Each save changes one word of the seeded text to a
-- fresh token and sends the version it last saw; a successful answer moves it on by one.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local rows, versions, next_index, counter = nil, {}, 0, 0

function init(args)
  rows = common.my_targets(thread_index, tonumber(os.getenv("BENCH_THREADS")))
  for _, row in ipairs(rows) do versions[row[2]] = row[3] end
end

function request()
  next_index = next_index % #rows + 1
  counter = counter + 1
  local row = rows[next_index]
  -- Unique across runs too: a token an earlier run left in the row would be "Nothing changed".
  local token = "edit" .. os.getenv("BENCH_RUN") .. "t" .. thread_index .. "x" .. counter
  local text = row[4]:gsub("^(%S+)", token, 1)
  local body = "text=" .. common.urlencode(text) .. "&version=" .. versions[row[2]] .. "&accept=1"
  local path = "/documents/" .. row[1] .. "/rows/" .. row[2] .. "/edit/"
  return wrk.format("POST", path, common.headers(true, true), body)
end

function response(status, headers, body)
  if status ~= 200 then
    common.kind("status " .. status)
    return
  end
  local row = tonumber(body:match('id="row%-(%d+)"'))
  if body:find('class="conflict"', 1, true) then
    common.kind("conflict")
    common.miss()
    return
  end
  if body:find('class="form-error"', 1, true) then
    common.kind("refused")
    common.miss()
    return
  end
  common.kind(body:find("Merged with", 1, true) and "merged" or "plain save")
  if row and versions[row] then versions[row] = versions[row] + 1 end
end
