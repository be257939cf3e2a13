-- Shared helpers for the KCC wrk scripts: data files, bearer tokens and a JSON summary.
local M = {}

M.data_dir = os.getenv("KCC_BENCH_DATA") or "bench/data"

function M.lines(name)
  local items = {}
  local f = assert(io.open(M.data_dir .. "/" .. name, "r"), "missing " .. name .. ": run generate.py")
  for line in f:lines() do
    if line ~= "" then items[#items + 1] = line end
  end
  f:close()
  return items
end

-- One token per wrk thread, handed out in setup() (main state) and read in init().
local next_thread = 0
function M.setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

function M.token()
  local tokens = M.lines("tokens.txt")
  return tokens[(thread_index or 0) % #tokens + 1]
end

function M.done(summary, latency, requests)
  local errors = summary.errors
  local function ms(p) return latency:percentile(p) / 1000.0 end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p75_ms": %.2f, ' ..
    '"p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, ' ..
    '"socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    ms(50), ms(75), ms(90), ms(95), ms(99), latency.max / 1000.0, latency.mean / 1000.0,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end

return M
