-- The floor: a Flask view with a small JSON answer, no database, no auth.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
request = function()
  return wrk.format("GET", "/floor/json")
end
