-- Shared by the harness's wrk scripts: the session's headers, each thread's share of the
-- targets, and one JSON line of results that bench/run.py reads.
--
-- Environment (set by bench/run.py): BENCH_COOKIE "sessionid=...; csrftoken=...",
-- BENCH_CSRF the token, BENCH_ORIGIN "https://127.0.0.1:PORT", BENCH_TARGETS a Lua file
-- returning a list of targets. Requests carry X-Forwarded-Proto: https, as the TLS proxy
-- in front of a production deployment sends it.
local M = {}

local threads = {}
local thread_count = 0

function M.setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function M.headers(post, htmx)
  local headers = { ["X-Forwarded-Proto"] = "https" }
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if post then
    headers["X-CSRFToken"] = os.getenv("BENCH_CSRF") or ""
    headers["Origin"] = os.getenv("BENCH_ORIGIN") or ""
    headers["Referer"] = (os.getenv("BENCH_ORIGIN") or "") .. "/"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  if htmx then headers["HX-Request"] = "true" end
  return headers
end

-- This thread's share of the targets: every thread_count-th one, so no two connections of
-- different threads work on the same row.
function M.my_targets(thread_index, threads_total)
  local all = dofile(os.getenv("BENCH_TARGETS"))
  local mine = {}
  for index, target in ipairs(all) do
    if (index - 1) % threads_total == thread_index then table.insert(mine, target) end
  end
  return mine
end

function M.urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A 2xx answer that did not do what was asked (a conflict, a refusal, a spent proposal)
-- counts as an error too.
misses = 0

function M.miss()
  misses = misses + 1
end

-- Each answer's kind (a plain save, a merge, a conflict, ...), counted per thread and printed
-- with the results: whether the run is the traffic real editors send.
kinds = {}

function M.kind(name)
  kinds[name] = (kinds[name] or 0) + 1
end

function M.done(summary, latency, requests)
  local missed = 0
  local counted = {}
  for _, thread in ipairs(threads) do
    missed = missed + (thread:get("misses") or 0)
    for name, count in pairs(thread:get("kinds") or {}) do
      counted[name] = (counted[name] or 0) + count
    end
  end
  local kind_parts = {}
  for name, count in pairs(counted) do
    table.insert(kind_parts, string.format('"%s": %d', name, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "misses": %d, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "kinds": {%s}}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, missed, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), table.concat(kind_parts, ", ")))
end

return M
