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

-- A workload of authenticated GETs of prefix .. a random line of `file` .. suffix: returns
-- wrk's init and request functions. `scheme` is the Authorization scheme (default Bearer).
function M.authenticated_get(file, prefix, suffix, scheme)
  local values, headers
  local function init(args)
    math.randomseed(os.time() + (thread_index or 0))
    values = M.lines(file)
    headers = { ["Authorization"] = (scheme or "Bearer") .. " " .. M.token() }
  end
  local function request()
    return wrk.format("GET", prefix .. values[math.random(#values)] .. (suffix or ""), headers)
  end
  return init, request
end

-- Writes of a random line of `file` as JSON: `body(value)` makes the body of one request.
function M.authenticated_post(file, path, body, scheme)
  local values, headers
  local function init(args)
    math.randomseed(os.time() + (thread_index or 0))
    values = M.lines(file)
    headers = {
      ["Authorization"] = (scheme or "Bearer") .. " " .. M.token(),
      ["Content-Type"] = "application/json",
    }
  end
  local function request()
    return wrk.format("POST", path, headers, body(values[math.random(#values)]))
  end
  return init, request
end

-- What W1 records: a phone contact moment about one of these subjects, with this text.
M.subjects = { "Vraag over afvalinzameling", "Paspoort aanvragen", "Parkeervergunning", "Bezwaar WOZ" }
M.text = "Inwoner belt over de status van de aanvraag; uitgelegd wat de vervolgstappen zijn " ..
  "en wanneer een besluit te verwachten is."

-- The body of W1 (POST /api/v1/contact-moments) for one party.
function M.contact_moment(party_id)
  return string.format(
    '{"channel":"phone","direction":"inbound","subject":"%s","text":"%s","outcome":"answered",' ..
    '"parties":[{"party_id":"%s","role":"resident"}]}',
    M.subjects[math.random(#M.subjects)], M.text, party_id)
end

return M
