-- W3: GET /api/v1/parties?phone= for a random known party.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local values, headers

setup = common.setup
done = common.done

function init(args)
  math.randomseed(os.time() + (thread_index or 0))
  values = common.lines("phones.txt")
  headers = { ["Authorization"] = "Bearer " .. common.token() }
end

function request()
  return wrk.format("GET", "/api/v1/parties?phone=" .. values[math.random(#values)], headers)
end
