-- The floor with data: a Flask view reading one party by primary key from PostgreSQL.
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
done = common.done
request = function()
  return wrk.format("GET", "/floor/pg/" .. math.random(1, 100000))
end
