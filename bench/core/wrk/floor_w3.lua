-- The least W3 can cost: GET /floor/w3?bsn= (token check, BSN search, log record; no app).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local values, headers

setup = common.setup
done = common.done

function init(args)
  math.randomseed(os.time() + (thread_index or 0))
  values = common.lines("bsns.txt")
  headers = { ["Authorization"] = "Bearer " .. common.token() }
end

function request()
  return wrk.format("GET", "/floor/w3?bsn=" .. values[math.random(#values)], headers)
end
