-- The least W2 can cost: GET /floor/w2/{id} for one of the heavy parties (the view's statements; no app).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("heavy_parties.txt", "/floor/w2/")
