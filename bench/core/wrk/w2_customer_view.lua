-- W2: GET /api/v1/parties/{id}/view for one of the heavy parties (~500 contact moments), first page.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local heavy, headers

setup = common.setup
done = common.done

function init(args)
  math.randomseed(os.time() + (thread_index or 0))
  heavy = common.lines("heavy_parties.txt")
  headers = { ["Authorization"] = "Bearer " .. common.token() }
end

function request()
  return wrk.format("GET", "/api/v1/parties/" .. heavy[math.random(#heavy)] .. "/view", headers)
end
