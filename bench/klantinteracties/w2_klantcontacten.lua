-- W2 through the standard: the newest 20 klantcontacten of a heavy party (~500 contact moments).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local heavy, headers

setup = common.setup
done = common.done

function init(args)
  math.randomseed(os.time() + (thread_index or 0))
  heavy = common.lines("heavy_parties.txt")
  headers = { ["Authorization"] = "Token " .. common.token() }
end

function request()
  return wrk.format("GET", "/klantinteracties/api/v1/klantcontacten?pageSize=20&hadBetrokkene__wasPartij__uuid=" ..
    heavy[math.random(#heavy)], headers)
end
